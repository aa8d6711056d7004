"""Evidence packages made from the web: built by spamline.evidence, owned by who asked."""
from __future__ import annotations

import os
import re
import secrets
from datetime import datetime, timezone
from types import SimpleNamespace

from fastapi import HTTPException
from fastapi.responses import FileResponse

from spamline.evidence.package import SOFTWARE, ExportError, export_package
from spamline.evidence.signing import SigningError, make_signer
from spamline.model import Capture
from spamline.store.base import Store
from spamline.web import queries
from spamline.web.schemas import ExportOut, ExportRequest
from spamline.web.scope import Scope


def _selected(store: Store, scope: Scope, req: ExportRequest) -> tuple[str, list[Capture]]:
    """The selector string and the captures the user may put in the package."""
    if req.number:
        profile = queries.find_number(store, scope, req.number)
        if profile is None:
            raise HTTPException(404, f"number {req.number!r} not found (or not visible to you)")
        return f"number:{profile.e164}", queries.captures(store, scope, number=profile.e164)
    if req.brand:
        brand = queries.brand(store, scope, req.brand)
        if brand is None:
            raise HTTPException(404, f"brand {req.brand!r} not found (or not visible to you)")
        return f"brand:{brand.name}", queries.captures(store, scope, brand=brand.name)
    net = queries.network(store, scope, req.network or "")
    if net is None:
        raise HTTPException(404, f"network {req.network!r} not found (or not visible to you)")
    return f"network:{net.network_id}", queries.captures(store, scope, network_id=net.network_id)


def create(state: SimpleNamespace, store: Store, scope: Scope, req: ExportRequest) -> ExportOut:
    """Build a WACZ of what the user may see for the selector and remember who owns it."""
    if state.read_only:
        raise HTTPException(409, "this archive is served read-only, so no package can be "
                                 "written here; use `spamline evidence export -o FILE` instead")
    selector, caps = _selected(store, scope, req)
    caps = [c for c in caps if c.warc is not None]
    if not caps:
        raise HTTPException(404, f"nothing archived for {selector} yet; crawl it first")
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    slug = re.sub(r"[^A-Za-z0-9]+", "-", selector).strip("-")[:60]
    name = f"{slug}-{stamp}-{secrets.token_hex(3)}.wacz"
    out = state.data_dir.exports / name
    try:
        signer = make_signer(state.data_dir.root, SOFTWARE,
                             tsa_url=os.environ.get("SPAMLINE_TSA_URL") or None)
        export_package(caps, state.data_dir.warcs, out, selection=selector, signer=signer)
    except (ExportError, SigningError) as exc:
        raise HTTPException(409, str(exc)) from exc
    state.users.record_export(name, scope.user, selector)
    return _out(state, name, selector, out.stat().st_mtime)


def _out(state: SimpleNamespace, name: str, selector: str, created: float) -> ExportOut:
    path = state.data_dir.exports / name
    return ExportOut(
        name=name, selector=selector, size=path.stat().st_size if path.exists() else 0,
        created_at=datetime.fromtimestamp(created, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        download_url=f"/api/exports/{name}",
    )


def listing(state: SimpleNamespace, scope: Scope) -> list[ExportOut]:
    return [_out(state, name, selector, created)
            for name, _user, selector, created in state.users.exports(scope.user)
            if (state.data_dir.exports / name).exists()]


def path_of(state: SimpleNamespace, scope: Scope, name: str):
    """The file of an export this user may download, else 404."""
    mine = {row[0] for row in state.users.exports(scope.user)}
    path = state.data_dir.exports / name
    if name not in mine or not path.is_file():
        raise HTTPException(404, f"package {name!r} not found (or not yours)")
    return path


def download(state: SimpleNamespace, scope: Scope, name: str) -> FileResponse:
    return FileResponse(path_of(state, scope, name), media_type="application/wacz",
                        filename=name)

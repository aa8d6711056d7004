"""Replay of archived pages: the evidence library's sandboxed router, behind the login,
and for a brand owner only records of captures they may see."""
from __future__ import annotations

from fastapi import Depends, FastAPI, HTTPException, Request

from spamline.datadir import DataDir
from spamline.evidence.records import RecordNotFound, read_record_headers, resolve_in
from spamline.evidence.replay import replay_router
from spamline.evidence.replay import replay_url as _location_url
from spamline.model import Capture
from spamline.web import queries
from spamline.web.deps import page_scope
from spamline.web.scope import Scope


def replay_url(capture: Capture) -> str | None:
    """Where the sandboxed replay of a capture is served, or None when it was not archived."""
    return _location_url(capture.warc) if capture.warc else None


def replay_guard(request: Request, scope: Scope = Depends(page_scope)) -> None:
    """Let a brand owner replay only the WARC records of captures in their scope."""
    if not scope.restricted:
        return
    warc_file = request.path_params.get("warc_file", "")
    try:
        offset = int(request.path_params.get("offset", ""))
        warcs = request.app.state.data_dir.warcs
        headers = read_record_headers(resolve_in(warcs, warc_file), offset)
        url = headers.get_header("WARC-Target-URI")
    except (ValueError, OSError, RecordNotFound):
        url = None
    visible = queries.captures(request.app.state.store, scope, url=url) if url else []
    if not any(c.warc and (c.warc.file, c.warc.offset) == (warc_file, offset) for c in visible):
        raise HTTPException(404, "no such archived record (or not visible to you)")


def mount(app: FastAPI, data_dir: DataDir) -> None:
    """Serve /replay/{warc_file}/{offset}[/view] from spamline.evidence, guarded."""
    app.include_router(replay_router(data_dir), dependencies=[Depends(replay_guard)],
                       include_in_schema=False)

"""Sandboxed replay of an archived page, as a FastAPI router the web app mounts.

    GET /replay/{warc_file}/{offset}        the archived payload, served under a CSP
                                            sandbox (opaque origin, no script, no fetch)
    GET /replay/{warc_file}/{offset}/view   a wrapper page: capture facts + the payload
                                            in <iframe sandbox=""> (no allow-scripts,
                                            no allow-same-origin)

Only response, revisit (resolved to its original) and resource records are
served; request records (which can hold cookies) and warcinfo are not. The body
is the payload as captured with its Content-Encoding undone, under the captured
Content-Type; no other captured header is replayed.
"""
from __future__ import annotations

import html
import os
from pathlib import Path

from fastapi import APIRouter, HTTPException
from fastapi.responses import HTMLResponse, Response

from spamline.datadir import DataDir
from spamline.evidence import cdxj
from spamline.evidence.records import ArchivedRecord, RecordNotFound, decode_body, read_record, resolve_in
from spamline.model import WarcLocation

REPLAY_CSP = ("sandbox; default-src 'none'; script-src 'none'; img-src data:; "
              "style-src 'unsafe-inline'")
WRAPPER_CSP = "default-src 'none'; frame-src 'self'; style-src 'unsafe-inline'"
SERVED_TYPES = ("response", "revisit", "resource")


def replay_url(location: WarcLocation, prefix: str = "") -> str:
    """Where the router serves a capture's archived payload."""
    return f"{prefix}/replay/{location.file}/{location.offset}"


def replay_page(src: str, *, url: str, date: str, status: int | None = None,
                ip_address: str | None = None) -> str:
    """The wrapper page: what was captured, when, from where, and the page in a sandboxed iframe."""
    facts = " · ".join(html.escape(str(x)) for x in (
        f"captured {date} (UTC)", f"HTTP {status}" if status else "",
        f"server {ip_address}" if ip_address else "") if x)
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Archived: {html.escape(url)}</title>
<style>body{{margin:0;font:14px system-ui,sans-serif}}header{{padding:8px 12px;background:#222;color:#eee}}
iframe{{border:0;width:100%;height:calc(100vh - 60px)}}</style></head>
<body><header><strong>Archived copy</strong> of {html.escape(url)}<br>{facts}.
Scripts are disabled; nothing is loaded from the live site.</header>
<iframe sandbox="" referrerpolicy="no-referrer" src="{html.escape(src, quote=True)}"></iframe>
</body></html>"""


class _Replayer:
    def __init__(self, warcs: Path) -> None:
        self.warcs = warcs

    def record(self, warc_file: str, offset: int) -> ArchivedRecord:
        if not warc_file.endswith((".warc.gz", ".warc")) or offset < 0:
            raise HTTPException(404, "no such archived record")
        try:
            record = read_record(resolve_in(self.warcs, warc_file), offset)
        except (RecordNotFound, OSError, ValueError) as exc:
            raise HTTPException(404, "no such archived record") from exc
        if record.rec_type not in SERVED_TYPES:
            raise HTTPException(404, "no such archived record")
        return record

    def payload_record(self, record: ArchivedRecord) -> ArchivedRecord:
        if record.rec_type != "revisit":
            return record
        digest = record.warc_headers.get_header("WARC-Payload-Digest") or ""
        original = cdxj.find_original(self.warcs, record.url, digest)
        if original is None:
            raise HTTPException(404, "the revisited original is no longer archived")
        return self.record(original.filename, original.offset)


def replay_router(data_dir: DataDir | str | os.PathLike[str]) -> APIRouter:
    """Routes serving archived payloads from data_dir/warcs under a strict sandbox."""
    root = data_dir.root if isinstance(data_dir, DataDir) else Path(data_dir)
    replayer = _Replayer(root / "warcs")
    router = APIRouter(tags=["replay"])

    @router.get("/replay/{warc_file:path}/{offset:int}", response_class=Response)
    def payload(warc_file: str, offset: int) -> Response:
        record = replayer.payload_record(replayer.record(warc_file, offset))
        if record.rec_type == "resource":
            body = record.payload
            content_type = record.warc_headers.get_header("Content-Type") or "application/octet-stream"
        else:
            content_type = record.header("Content-Type") or "application/octet-stream"
            try:
                body = decode_body(record.payload, record.header("Content-Encoding"))
            except ValueError as exc:
                raise HTTPException(422, f"cannot decode the archived body: {exc}") from exc
        return Response(body, headers={
            "Content-Type": content_type,
            "Content-Security-Policy": REPLAY_CSP,
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "no-referrer",
            "Cache-Control": "private, max-age=3600",
        })

    @router.get("/replay/{warc_file:path}/{offset:int}/view", response_class=HTMLResponse)
    def view(warc_file: str, offset: int) -> HTMLResponse:
        record = replayer.record(warc_file, offset)
        # relative, so it works wherever the router is mounted: .../F/O/view -> .../F/O
        page = replay_page(f"../{offset}", url=record.url, date=record.date, status=record.status,
                           ip_address=record.warc_headers.get_header("WARC-IP-Address"))
        return HTMLResponse(page, headers={"Content-Security-Policy": WRAPPER_CSP,
                                           "X-Content-Type-Options": "nosniff",
                                           "Referrer-Policy": "no-referrer"})

    return router

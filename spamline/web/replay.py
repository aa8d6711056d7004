"""Replay of archived pages: the evidence library's router, behind the login and the scope."""
from __future__ import annotations

from fastapi import FastAPI

from spamline.datadir import DataDir
from spamline.model import Capture


def replay_url(capture: Capture) -> str | None:
    """Where the sandboxed replay of a capture is served, or None when it was not archived."""
    if capture.warc is None:
        return None
    return f"/replay/{capture.warc.file}/{capture.warc.offset}"  # PROVISIONAL until evidence lands


def mount(app: FastAPI, data_dir: DataDir) -> None:
    """Serve /replay/... from spamline.evidence (PROVISIONAL until evidence lands)."""
    try:
        from spamline.evidence import replay_router
    except ImportError:
        return
    app.include_router(replay_router(data_dir))

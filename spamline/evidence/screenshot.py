"""PNG screenshots of archived pages with Debian's headless chromium, never from the live web.

The archived payload is decoded (Content-Encoding), written to a temporary file
with a Content-Security-Policy that blocks scripts and every fetch, and rendered
with all network traffic sent to a dead proxy. Where no browser is installed,
`find_browser()` returns None and callers skip screenshots with a message.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

BROWSERS = ("/usr/bin/chromium", "chromium", "chromium-browser")
WINDOW = "1280,2000"
BLOCK_ALL = ("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
             "img-src data:; style-src 'unsafe-inline'\">")


class ScreenshotError(RuntimeError):
    """The browser failed to render a page."""


def find_browser() -> str | None:
    """Path of a usable chromium, or None."""
    for name in BROWSERS:
        path = shutil.which(name)
        if path:
            return path
    return None


def _charset(content_type: str | None) -> str | None:
    match = re.search(r"charset=[\"']?([\w.:-]+)", content_type or "", re.I)
    return match.group(1) if match else None


def render_html(html: bytes, *, content_type: str | None = None, browser: str | None = None,
                timeout: float = 60) -> bytes:
    """Render an archived HTML document to PNG bytes, offline and without scripts."""
    browser = browser or find_browser()
    if browser is None:
        raise ScreenshotError("no chromium found; install Debian's chromium to take screenshots")
    head = BLOCK_ALL
    charset = _charset(content_type)
    if charset:
        head = f'<meta charset="{charset}">' + head
    with tempfile.TemporaryDirectory(prefix="spamline-shot-") as tmp:
        page = Path(tmp) / "page.html"
        page.write_bytes(head.encode("ascii") + html)
        out = Path(tmp) / "shot.png"
        cmd = [browser, "--headless", "--no-sandbox", "--disable-gpu",
               "--disable-background-networking", "--disable-component-update", "--disable-sync",
               "--no-first-run", f"--user-data-dir={tmp}/profile",
               "--proxy-server=127.0.0.1:9", "--proxy-bypass-list=<-loopback>",
               "--hide-scrollbars",
               f"--screenshot={out}", f"--window-size={WINDOW}", page.as_uri()]
        try:
            proc = subprocess.run(cmd, capture_output=True, timeout=timeout,
                                  env={**os.environ, "HOME": tmp})
        except subprocess.TimeoutExpired as exc:
            raise ScreenshotError(f"chromium took longer than {timeout:.0f}s") from exc
        if not out.exists():
            raise ScreenshotError(
                f"chromium exited {proc.returncode} without a screenshot: "
                f"{proc.stderr.decode(errors='replace')[-300:]}")
        return out.read_bytes()

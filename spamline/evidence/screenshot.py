"""PNG screenshots of archived pages with Debian's headless chromium, never from the live web.

The archived payload (Content-Encoding undone) is served once, by a server on
127.0.0.1 that this module starts for the render and that answers nothing but
that page, under `Content-Security-Policy: sandbox; default-src 'none'; ...`:
a sandboxed document runs no script and follows no `<meta http-equiv=refresh>`,
loads no subresource, and an http page cannot open file:// URLs. Every other
connection goes to chromium's dead proxy (`chromium.run_headless`). Chromium
stops loading after `load_ms` and is killed after `timeout` seconds.

The page is rendered in a 1280 x `MAX_HEIGHT` window and cropped below its
content (the rows that differ from the background), as a 256-colour PNG; a page that renders blank
raises `ScreenshotError`, so no empty canvas reaches a report.
"""
from __future__ import annotations

import http.server
import io
import re
import secrets
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from PIL import Image, ImageChops

from spamline.evidence.chromium import BrowserError, find_browser, run_headless

__all__ = ["ScreenshotError", "find_browser", "render_html"]

WIDTH = 1280
MAX_HEIGHT = 6000  # px; a longer page is cut there (the report says so)
MARGIN = 16  # px of background kept below the content
CSP = ("sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'; "
       "font-src data:; form-action 'none'; frame-ancestors 'none'")


class ScreenshotError(RuntimeError):
    """No usable screenshot of a page; the message says why."""


def _charset(content_type: str | None) -> str | None:
    match = re.search(r"charset=[\"']?([\w.:-]+)", content_type or "", re.I)
    return match.group(1) if match else None


@contextmanager
def _serve_once(body: bytes, charset: str | None) -> Iterator[tuple[str, str, list[str]]]:
    """(page URL, origin, paths asked) of a 127.0.0.1 server that answers only the page."""
    token = "/" + secrets.token_urlsafe(16)
    asked: list[str] = []
    content_type = f"text/html; charset={charset}" if charset else "text/html"

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server naming)
            asked.append(self.path)
            ok = self.path == token
            data = body if ok else b""
            self.send_response(200 if ok else 404)
            if ok:
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Security-Policy", CSP)
                self.send_header("X-Content-Type-Options", "nosniff")
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    origin = f"127.0.0.1:{server.server_address[1]}"
    try:
        yield f"http://{origin}{token}", origin, asked
    finally:
        server.shutdown()
        server.server_close()


def crop_to_content(png: bytes) -> bytes:
    """The screenshot cut below the last row that differs from the background (the colour
    of the bottom-right pixel); ScreenshotError when nothing differs (a blank render)."""
    with Image.open(io.BytesIO(png)) as img:
        rgb = img.convert("RGB")
    background = Image.new("RGB", rgb.size, rgb.getpixel((rgb.width - 1, rgb.height - 1)))
    box = ImageChops.difference(rgb, background).getbbox()
    if box is None:
        raise ScreenshotError("the page renders blank (nothing but its background colour)")
    cropped = rgb.crop((0, 0, rgb.width, min(rgb.height, box[3] + MARGIN)))
    out = io.BytesIO()  # 256 colours: text pages look the same, at about 40% of the bytes
    cropped.quantize(256, method=Image.Quantize.MEDIANCUT).save(out, "PNG", optimize=True)
    return out.getvalue()


def render_html(html: bytes, *, content_type: str | None = None, browser: str | None = None,
                timeout: float = 20, load_ms: int = 5000) -> bytes:
    """Render an archived HTML document to PNG bytes, offline, sandboxed, cropped."""
    browser = browser or find_browser()
    if browser is None:
        raise ScreenshotError("no chromium found; install Debian's chromium to take screenshots")
    with tempfile.TemporaryDirectory(prefix="spamline-shot-") as tmp, \
            _serve_once(html, _charset(content_type)) as (url, origin, asked):
        out = Path(tmp) / "shot.png"
        try:
            proc = run_headless([f"--screenshot={out}", f"--window-size={WIDTH},{MAX_HEIGHT}",
                                 f"--timeout={load_ms}"], url, timeout=timeout, browser=browser,
                                allow=origin)
        except BrowserError as exc:
            raise ScreenshotError(str(exc)) from exc
        if not out.exists():
            raise ScreenshotError(
                f"chromium exited {proc.returncode} without a screenshot: "
                f"{proc.stderr.decode(errors='replace')[-300:]}")
        if url.split(origin, 1)[1] not in asked:
            raise ScreenshotError("chromium never loaded the page")
        return crop_to_content(out.read_bytes())

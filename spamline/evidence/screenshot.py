"""PNG screenshots of archived pages with Debian's headless chromium, never from the live web.

The archived payload (Content-Encoding undone) is served once, by a server on
127.0.0.1 that this module starts for the render and that answers nothing but
that page, under `Content-Security-Policy: sandbox; default-src 'none'; ...`:
a sandboxed document runs no script and follows no `<meta http-equiv=refresh>`,
loads no subresource, and an http page cannot open file:// URLs. Every other
connection goes to chromium's dead proxy (`chromium.run_headless`). Chromium
stops loading after `load_ms` and is killed after `timeout` seconds.

The page is rendered in a 1280 x `WINDOW` window with chromium's scrollbars shown: none means
it fits. A vertical scrollbar's thumb is to its track as the window is to the page, which
measures the page's height; the page is then rendered again, scrollbars hidden, in a window
that tall, up to `MAX_HEIGHT` (a taller page is cut there, and `Screenshot.cut` says so).
The PNG is cropped below its content (the rows that differ from the background) and saved
with 256 colours; a page that renders blank raises `ScreenshotError`, so no empty canvas
reaches a report.
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
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageChops

from spamline.evidence.chromium import BrowserError, find_browser, run_headless

__all__ = ["Screenshot", "ScreenshotError", "find_browser", "render_html"]

WIDTH = 1280
WINDOW = 6000  # px: the first render's window height
MAX_HEIGHT = 20000  # px: a taller page is cut there (the report says so)
MARGIN = 16  # px of background kept below the content
SCROLLBAR, ARROW = 15, 17  # px: chromium's classic scrollbar: its width, each arrow button's length
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


@dataclass
class Screenshot:
    """A page's PNG, its height, and the height of the page it shows."""

    png: bytes
    height: int  # px
    page_height: int  # px: as the scrollbar measured it when the page is cut, else `height`

    @property
    def cut(self) -> bool:
        """The page is taller than MAX_HEIGHT: the PNG shows only its first `height` px."""
        return self.page_height > self.height


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


def _visible_share(bar: Image.Image) -> float | None:
    """In a scrollbar laid out top to bottom (an arrow button at each end, the thumb at the
    start of the track between them, as on a page not scrolled), the thumb's share of the
    track; None when the strip is no scrollbar."""
    n = bar.height
    if n <= 2 * ARROW + 2:
        return None
    up = bar.crop((0, 0, bar.width, ARROW)).getcolors(8)
    down = bar.crop((0, n - ARROW, bar.width, n)).getcolors(8)
    if not up or len(up) < 2 or sorted(up) != sorted(down or ()):
        return None  # the two buttons: the same arrow, pointing each way
    track = bar.crop((0, ARROW, bar.width, n - ARROW))
    line = [track.getpixel((track.width // 2, y)) for y in range(track.height)]
    colour = line[-1]
    start = next((y for y in range(3) if line[y] != colour), None)
    end = None if start is None else next((y for y in range(start, len(line))
                                           if line[y] == colour), None)
    if end is None:
        return None
    rest = track.crop((2, end, track.width - 2, track.height)).getcolors(1)
    return (end - start) / track.height if rest and rest[0][1] == colour else None


def _overflow(img: Image.Image) -> tuple[float | None, bool]:
    """(the window's share of the page's height, or None when the page is not taller; whether
    it is wider) from the scrollbars of a render (with both, each stops short of the corner)."""
    w, h = img.size
    tall = wide = None
    for corner in (0, SCROLLBAR):
        tall = tall or _visible_share(img.crop((w - SCROLLBAR, 0, w, h - corner)))
        wide = wide or _visible_share(img.crop((0, h - SCROLLBAR, w - corner, h)).transpose(
            Image.Transpose.ROTATE_270))
    return tall, wide is not None


def _render(url: str, origin: str, height: int, out: Path, *, scrollbars: bool, browser: str,
            timeout: float, load_ms: int) -> bytes:
    try:
        proc = run_headless([f"--screenshot={out}", f"--window-size={WIDTH},{height}",
                             f"--timeout={load_ms}"], url, timeout=timeout, browser=browser,
                            allow=origin, scrollbars=scrollbars)
    except BrowserError as exc:
        raise ScreenshotError(str(exc)) from exc
    if not out.exists():
        raise ScreenshotError(
            f"chromium exited {proc.returncode} without a screenshot: "
            f"{proc.stderr.decode(errors='replace')[-300:]}")
    data = out.read_bytes()
    out.unlink()
    return data


def render_html(html: bytes, *, content_type: str | None = None, browser: str | None = None,
                timeout: float = 20, load_ms: int = 5000) -> Screenshot:
    """Render an archived HTML document to a PNG, offline, sandboxed, cropped, its whole
    height up to MAX_HEIGHT (`timeout` is for each chromium run)."""
    browser = browser or find_browser()
    if browser is None:
        raise ScreenshotError("no chromium found; install Debian's chromium to take screenshots")
    with tempfile.TemporaryDirectory(prefix="spamline-shot-") as tmp, \
            _serve_once(html, _charset(content_type)) as (url, origin, asked):
        out = Path(tmp) / "shot.png"
        run = dict(browser=browser, timeout=timeout, load_ms=load_ms)
        first = _render(url, origin, WINDOW, out, scrollbars=True, **run)
        if url.split(origin, 1)[1] not in asked:
            raise ScreenshotError("chromium never loaded the page")
        with Image.open(io.BytesIO(first)) as img:
            share, wider = _overflow(img.convert("RGB"))
        if share is None and not wider:
            png = crop_to_content(first)
            with Image.open(io.BytesIO(png)) as img:
                return Screenshot(png, img.height, img.height)
        measured = WINDOW if share is None else round(WINDOW / share)
        window = min(MAX_HEIGHT, max(WINDOW, measured + MARGIN))
        png = crop_to_content(_render(url, origin, window, out, scrollbars=False, **run))
        with Image.open(io.BytesIO(png)) as img:
            shown = img.height
        # cut only when the content runs to the bottom of the tallest window
        cut = window == MAX_HEIGHT and shown >= window and measured > shown
        return Screenshot(png, shown, measured if cut else shown)

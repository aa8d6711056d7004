"""Screenshots rendered offline from the archived payload, one per URL, cropped, never blank,
never navigating; stored as WARC resource records."""
from __future__ import annotations

import io
import time
import zipfile

import pytest
from PIL import Image
from warcio.archiveiterator import ArchiveIterator

from spamline.evidence import chromium, screenshot
from spamline.evidence.package import export_package
from spamline.evidence.verify import verify_package

from .conftest import captures_of, run_crawl, serve_site

needs_chromium = pytest.mark.skipif(chromium.find_browser() is None, reason="needs Debian's chromium")

REFRESH_BODY = "<p>Refund hotline 400-812-3459, call now</p>"
REFRESH = ('<html><head><meta charset="utf-8"><meta http-equiv=refresh '
           f'content="0;url=file:///etc/passwd"></head><body>{REFRESH_BODY}</body></html>')
BLANK = "<html><head><title>nothing 400-812-3460</title></head><body></body></html>"


@pytest.fixture(scope="module")
def tricky(tmp_path_factory):
    """A crawl of a page with a file:// meta refresh, a blank page and a page crawled twice."""
    served = serve_site()
    served.server.pages.update({"/refresh": REFRESH, "/blank": BLANK})  # type: ignore[attr-defined]
    data = tmp_path_factory.mktemp("tricky") / "data"
    urls = [served.url(p) for p in ("/refresh", "/blank", "/b")]
    rows = run_crawl(data, urls) + run_crawl(data, [served.url("/b")])
    yield data, captures_of(data, rows)
    served.server.shutdown()
    served.server.server_close()


def _resources(path):
    with zipfile.ZipFile(path) as zf:
        warc = zf.read("archive/data.warc.gz")
        report = zf.read("report/report.html").decode()
    shots = [(r.rec_headers, r.raw_stream.read()) for r in ArchiveIterator(io.BytesIO(warc))
             if r.rec_type == "resource"]
    return shots, report


def _not_blank(png: bytes) -> bool:
    with Image.open(io.BytesIO(png)) as img:
        lo, hi = img.convert("L").getextrema()
        return hi - lo > 64 and img.width == screenshot.WIDTH and img.height < screenshot.MAX_HEIGHT


@needs_chromium
def test_one_cropped_screenshot_per_url_and_blank_ones_named(tricky, tmp_path):
    data, captures = tricky
    out = tmp_path / "shots.wacz"
    started = time.monotonic()
    result = export_package(captures, data / "warcs", out, selection="test", screenshots=True)
    took = time.monotonic() - started
    shots, report = _resources(out)
    targets = [h.get_header("WARC-Target-URI") for h, _ in shots]
    drawn = {c.url for c in captures if not c.url.endswith("/blank")}  # /b: captured twice
    assert sorted(targets) == sorted(f"urn:spamline:screenshot:{url}" for url in drawn)
    latest_b = max((c for c in captures if c.url.endswith("/b")),  # two crawls may share a second
                   key=lambda c: (c.captured_at, c.warc.file, c.warc.offset))
    b_shot = next(h for h, _ in shots if h.get_header("WARC-Target-URI").endswith("/b"))
    assert b_shot.get_header("WARC-Refers-To") == latest_b.warc.record_id
    assert all(png.startswith(b"\x89PNG") and _not_blank(png) for _, png in shots)
    assert result.screenshots == len(shots) == 2
    blank_url = next(c.url for c in captures if c.url.endswith("/blank"))
    assert "Pages without a screenshot" in report
    assert f"{blank_url} (" in report and "renders blank" in report
    assert any(blank_url in note and "renders blank" in note for note in result.notes)
    assert took < 30, took  # a refresh to file:// once stalled chromium for 60 s
    assert verify_package(out, allow_unsigned=True).ok


@needs_chromium
def test_meta_refresh_to_file_is_not_followed(tricky):
    data, captures = tricky
    refresh = next(c for c in captures if c.url.endswith("/refresh"))
    shot = screenshot.render_html(REFRESH.encode(), content_type="text/html; charset=utf-8")
    same_without_refresh = screenshot.render_html(
        f'<html><head><meta charset="utf-8"></head><body>{REFRESH_BODY}</body></html>'.encode(),
        content_type="text/html; charset=utf-8")
    assert refresh.hits and shot == same_without_refresh and _not_blank(shot.png)


@needs_chromium
def test_rendering_never_runs_scripts_fetches_or_refreshes():
    import http.server
    import threading

    hits = []

    class Spy(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            hits.append(self.path)
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Spy)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    spy = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        page = (f'<html><head><meta http-equiv="refresh" content="0;url={spy}/refresh"></head>'
                f'<body><img src="{spy}/img.png"><link rel=stylesheet href="{spy}/s.css">'
                f'<iframe src="{spy}/frame"></iframe>'
                f'<script>fetch("{spy}/js"); location = "{spy}/nav"</script><p>Call 400-812-3456</p>'
                '</body></html>')
        png = screenshot.render_html(page.encode(), content_type="text/html; charset=utf-8").png
        time.sleep(0.2)
    finally:
        server.shutdown()
        server.server_close()
    assert png.startswith(b"\x89PNG") and hits == []


def _lines(n: int) -> bytes:
    """A page of n rows 20 px tall, the last one dark (the page's bottom is in the PNG or not)."""
    rows = "".join(f"<p style='margin:0;height:20px'>row {i} 400-812-3456</p>" for i in range(n - 1))
    return (f"<html><body style='margin:0'>{rows}<p style='margin:0;height:20px;"
            "background:#000'></p></body></html>").encode()


def _dark_rows(png: bytes) -> list[int]:
    with Image.open(io.BytesIO(png)) as img:
        grey = img.convert("L")
    return [y for y in range(grey.height) if grey.getpixel((grey.width // 2, y)) < 30]


@needs_chromium
def test_a_tall_page_is_drawn_whole_and_one_beyond_the_bound_is_cut(monkeypatch):
    monkeypatch.setattr(screenshot, "WINDOW", 1500)  # smaller windows, the same logic, faster
    monkeypatch.setattr(screenshot, "MAX_HEIGHT", 4000)
    whole = screenshot.render_html(_lines(150))  # 3000 px: twice the first window
    assert not whole.cut and whole.height == 3000 + screenshot.MARGIN
    assert _dark_rows(whole.png) == list(range(2980, 3000))  # its last row is in
    cut = screenshot.render_html(_lines(300))  # 6000 px: beyond the bound
    assert cut.cut and cut.height == 4000 and abs(cut.page_height - 6000) < 60
    assert _dark_rows(cut.png) == []
    wide = screenshot.render_html(b"<div style='width:3000px;background:#eee'>wide page</div>")
    assert not wide.cut and wide.height < 100  # a horizontal scrollbar is no taller page


@needs_chromium
def test_the_report_names_screenshots_cut_short(tmp_path, monkeypatch):
    served = serve_site()
    served.server.pages["/tall"] = _lines(300).decode()  # type: ignore[attr-defined]
    try:
        data = tmp_path / "data"
        captures = captures_of(data, run_crawl(data, [served.url("/tall")]))
    finally:
        served.server.shutdown()
        served.server.server_close()
    monkeypatch.setattr(screenshot, "WINDOW", 1500)
    monkeypatch.setattr(screenshot, "MAX_HEIGHT", 4000)
    out = tmp_path / "cut.wacz"
    result = export_package(captures, data / "warcs", out, selection="test", screenshots=True)
    shots, report = _resources(out)
    assert len(shots) == 1 and result.screenshots == 1
    assert "Screenshots cut at 4000 px" in report
    [note] = [n for n in result.notes if n.startswith("screenshot cut short: ")]
    assert served.url("/tall") in note and "the screenshot shows its first 4000 px" in note


@needs_chromium
def test_per_page_time_limit():
    with pytest.raises(screenshot.ScreenshotError, match="longer than"):
        screenshot.render_html(b"<p>x</p>", timeout=0.05)


def test_no_browser_skips_with_a_note(tricky, tmp_path, monkeypatch):
    data, captures = tricky
    monkeypatch.setattr(chromium, "BROWSERS", ("/nonexistent/chromium",))
    result = export_package(captures[:1], data / "warcs", tmp_path / "p.wacz",
                            selection="test", screenshots=True)
    assert result.screenshots == 0 and result.pages == 1
    assert any("no chromium found" in note for note in result.notes)

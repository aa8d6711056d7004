"""Screenshots rendered offline from the archived payload, stored as WARC resource records."""
from __future__ import annotations

import io
import zipfile

import pytest
from warcio.archiveiterator import ArchiveIterator

from spamline.evidence import screenshot
from spamline.evidence.package import export_package
from spamline.evidence.verify import verify_package


def script_capture(archive):
    return [c for c in archive.captures if c.url.endswith("/script")]


@pytest.mark.skipif(screenshot.find_browser() is None, reason="needs Debian's chromium")
def test_export_with_screenshots_adds_linked_png_resource(archive, tmp_path):
    captures = script_capture(archive)
    out = tmp_path / "shots.wacz"
    result = export_package(captures, archive.warcs, out, selection="test", screenshots=True)
    assert result.screenshots == 1, result.notes
    with zipfile.ZipFile(out) as zf:
        warc = zf.read("archive/data.warc.gz")
        report = zf.read("report/report.html").decode()
        index = zf.read("indexes/index.cdxj").decode()
    shots = [(r.rec_headers, r.raw_stream.read()) for r in ArchiveIterator(io.BytesIO(warc))
             if r.rec_type == "resource"]
    assert len(shots) == 1
    headers, png = shots[0]
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 1000
    assert headers.get_header("Content-Type") == "image/png"
    assert headers.get_header("WARC-Refers-To") == captures[0].warc.record_id
    assert headers.get_header("WARC-Target-URI") == "urn:spamline:screenshot:" + captures[0].url
    assert '<img class="shot"' in report and "data:image/png;base64," in report
    assert "urn:spamline:screenshot:" in index
    assert verify_package(out, allow_unsigned=True).ok


def test_rendering_never_runs_page_scripts_or_fetches(tmp_path):
    if screenshot.find_browser() is None:
        pytest.skip("needs Debian's chromium")
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
        page = (f'<html><body><img src="{spy}/img.png"><link rel=stylesheet href="{spy}/s.css">'
                f'<script>fetch("{spy}/js")</script><p>Call 400-812-3456</p></body></html>')
        png = screenshot.render_html(page.encode(), content_type="text/html; charset=utf-8")
    finally:
        server.shutdown()
        server.server_close()
    assert png.startswith(b"\x89PNG") and hits == []


def test_no_browser_skips_with_a_note(archive, tmp_path, monkeypatch):
    monkeypatch.setattr(screenshot, "BROWSERS", ("/nonexistent/chromium",))
    result = export_package(script_capture(archive), archive.warcs, tmp_path / "p.wacz",
                            selection="test", screenshots=True)
    assert result.screenshots == 0 and result.pages == 1
    assert any("no chromium found" in note for note in result.notes)

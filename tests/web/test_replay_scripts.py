"""In chromium: archived payloads that try to run script never run it with the app's origin,
whatever Content-Type they were captured with, opened at /replay/... directly or pulled
into an app page as a <script src>.

Each hostile payload sets document.title to PWNED when its script runs. The controls
serve the same bytes from the same server without the app's headers and see the title
change, so a pass means the headers stopped the script, not that the check was blind.
"""
from __future__ import annotations

from io import BytesIO

import pytest
from fastapi.responses import HTMLResponse, Response
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from spamline.evidence.replay import replay_url
from spamline.model import WarcLocation
from tests.web.conftest import Site, build_site
from tests.web.test_browser import browser, login, server, wait  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser

RUN = "document.title='PWNED'"
HTML = f"<!doctype html><html><head><title>before</title></head><body><script>{RUN}</script></body></html>"
XHTML = ('<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"><head><title>before'
         f'</title></head><body><script>{RUN}</script></body></html>')
SVG = ('<svg xmlns="http://www.w3.org/2000/svg"><title>before</title>'
       f'<script>{RUN}</script></svg>')
# captured Content-Type -> payload that runs script when a browser renders it as that type
# (multipart/x-mixed-replace is not here: chromium renders no document from it at all)
DOCUMENTS = {
    "text/html; charset=utf-8": HTML,
    "application/xhtml+xml": XHTML,
    "image/svg+xml": SVG,
    "text/xml": XHTML,
}
SCRIPT = ("application/javascript", f"{RUN};")


def _archive(site: Site) -> dict[str, WarcLocation]:
    """One WARC response record per captured Content-Type."""
    warc = site.data_dir.warcs / "hostile-00000.warc.gz"
    where = {}
    with warc.open("wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for i, (ctype, body) in enumerate([*DOCUMENTS.items(), SCRIPT]):
            http = StatusAndHeaders("200 OK", [("Content-Type", ctype)], protocol="HTTP/1.1")
            record = writer.create_warc_record(f"http://hostile.test/{i}", "response",
                                               payload=BytesIO(body.encode()), http_headers=http)
            offset = fh.tell()
            writer.write_record(record)
            where[ctype] = WarcLocation(file=warc.name, offset=offset, length=fh.tell() - offset,
                                        record_id="", payload_digest="")
    return where


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    """The test site plus the hostile records, and routes that a control or an injection needs."""
    site = build_site(tmp_path_factory.mktemp("hostile-web"))
    site.records = _archive(site)
    app = site.app()
    script_src = replay_url(site.records[SCRIPT[0]])

    @app.get("/test-only/raw/{i}")
    def raw(i: int) -> Response:  # control: the same bytes with no CSP at all
        ctype, body = [*DOCUMENTS.items(), SCRIPT][i]
        return Response(body, headers={"Content-Type": ctype, "Content-Security-Policy": ""})

    @app.get("/test-only/injected")
    def injected() -> HTMLResponse:  # an app page an attacker managed to inject markup into
        return HTMLResponse(f"<title>before</title><script src='{script_src}'></script>")

    @app.get("/test-only/injected-without-csp")
    def injected_control() -> HTMLResponse:
        return HTMLResponse(f"<title>before</title><script src='{script_src}'></script>",
                            headers={"Content-Security-Policy": ""})

    site.app = lambda **kwargs: app
    return site


def _title_after_load(browser, url: str) -> str:
    browser.get(url)
    wait(browser).until(lambda d: d.execute_script("return document.readyState") == "complete")
    return browser.execute_script("return document.title")


@pytest.mark.parametrize("i,ctype", list(enumerate(DOCUMENTS)))
def test_replayed_document_runs_no_script_whatever_its_type(server, site, browser, i, ctype):
    base, _log = server
    login(browser, base, site.analyst)
    assert _title_after_load(browser, f"{base}/test-only/raw/{i}") == "PWNED", "control"
    assert _title_after_load(browser, base + replay_url(site.records[ctype])) != "PWNED"


def test_archived_script_cannot_run_in_an_app_page(server, site, browser):
    base, _log = server
    login(browser, base, site.analyst)
    assert _title_after_load(browser, f"{base}/test-only/injected-without-csp") == "PWNED"
    assert _title_after_load(browser, f"{base}/test-only/injected") == "before"

"""Archived pages replay in a sandbox: the archived script never runs in the app's origin.

The refund page of the test site carries script that sets document.title, reads
document.cookie and calls the API. Here the server-side guarantees are checked;
tests/web/test_browser.py proves in chromium that the script does not run.
"""
from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from lxml import html as lxml_html

from tests.web.conftest import EVIL_SCRIPT

EVIL_PAGE = "http://acme-support.test/refund"


@pytest.fixture(scope="module")
def analyst(site):
    with TestClient(site.app()) as c:
        c.post("/login", data={"token": site.analyst})
        yield c


def _iframe(page: str):
    [frame] = lxml_html.fromstring(page).xpath("//iframe")
    return frame


def _sandbox_directives(csp: str) -> set[str]:
    for part in csp.split(";"):
        words = part.split()
        if words and words[0] == "sandbox":
            return set(words[1:])
    raise AssertionError(f"no sandbox directive in {csp!r}")


def test_page_view_frames_the_replay_without_scripts(analyst):
    page = analyst.get("/page", params={"url": EVIL_PAGE})
    assert page.status_code == 200
    frame = _iframe(page.text)
    assert frame.get("sandbox") == ""  # no allow-scripts, no allow-same-origin
    assert frame.get("src").startswith("/replay/test-00000.warc.gz/")
    assert "frame-src 'self'" in page.headers["content-security-policy"]
    assert "<mark>4008123456</mark>" in page.text  # the number highlighted in the side list


def test_replay_carries_a_csp_sandbox_and_the_body_as_captured(analyst):
    src = _iframe(analyst.get("/page", params={"url": EVIL_PAGE}).text).get("src")
    r = analyst.get(src)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    csp = r.headers["content-security-policy"]
    assert _sandbox_directives(csp) == set()  # bare sandbox: opaque origin, no script
    assert "default-src 'none'" in csp  # no fetch/XHR to the API either
    assert EVIL_SCRIPT in r.text  # archived exactly, not rewritten
    assert "set-cookie" not in r.headers


def test_replay_wrapper_also_frames_without_scripts(analyst):
    src = _iframe(analyst.get("/page", params={"url": EVIL_PAGE}).text).get("src")
    r = analyst.get(src + "/view")
    assert r.status_code == 200 and _iframe(r.text).get("sandbox") == ""


def test_replay_needs_a_login(site, analyst):
    src = _iframe(analyst.get("/page", params={"url": EVIL_PAGE}).text).get("src")
    with TestClient(site.app()) as anonymous:
        r = anonymous.get(src, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login")


@pytest.mark.parametrize("path", ["/replay/test-00000.warc.gz/999999999",
                                  "/replay/nope.warc.gz/0",
                                  "/replay/..%2F..%2Fetc%2Fpasswd.warc.gz/0",
                                  "/replay/test-00000.warc.gz/-5"])
def test_replay_of_no_record_is_404(analyst, path):
    assert analyst.get(path).status_code == 404


def test_page_view_of_an_unknown_page_is_a_clear_404(analyst):
    r = analyst.get("/page", params={"url": "http://never.test/"}, headers={"accept": "text/html"})
    assert r.status_code == 404 and "No capture of http://never.test/" in r.text

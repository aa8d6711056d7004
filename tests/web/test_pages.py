"""The server-rendered pages: content, links, empty states, clear errors, no external assets."""
from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from spamline.datadir import DataDir
from spamline.web import create_app
from spamline.web.auth import Users
from tests.web.conftest import ACME_OFFICIAL, FAKE_ACME, SHARED


@pytest.fixture(scope="module")
def analyst(site):
    with TestClient(site.app()) as c:
        c.post("/login", data={"token": site.analyst})
        c.headers["accept"] = "text/html"
        yield c


def test_search_page_lists_sightings_with_links(analyst):
    r = analyst.get("/", params={"q": "400-812-3456"})
    assert r.status_code == 200
    assert 'href="/numbers/%2B864008123456"' in r.text  # number profile link
    assert "/page?url=http%3A//acme-support.test/refund" in r.text
    assert "acme-support.test" in r.text


def test_search_page_empty_states(analyst):
    assert "Type a phone number in any format" in analyst.get("/").text
    r = analyst.get("/", params={"q": "no-such-thing-anywhere"})
    assert "Nothing matches" in r.text and "no-such-thing-anywhere" in r.text


def test_search_escapes_what_it_echoes(analyst):
    r = analyst.get("/", params={"q": "<script>alert(1)</script>"})
    assert "<script>alert(1)</script>" not in r.text and "&lt;script&gt;" in r.text


def test_search_pages_forward(analyst):
    first = analyst.get("/", params={"q": "acme"}).text
    assert "Next page" not in first  # 4 sightings fit on one page
    r = analyst.get("/", params={"q": "acme", "offset": 50})
    assert "Nothing matches" in r.text and "on this page" in r.text


def test_number_page(analyst):
    r = analyst.get(f"/numbers/{SHARED}")
    assert r.status_code == 200
    for text in ("Acme", "Globex", "acme-help.test", "globex-help.test",
                 'src="/networks/net-a/picture.svg"', 'name="kind" value="number"'):
        assert text in r.text


def test_brand_page_lists_pages_with_other_numbers(analyst):
    r = analyst.get("/brands/Acme")
    assert FAKE_ACME in r.text and SHARED in r.text
    assert f'href="/numbers/%2B{ACME_OFFICIAL[1:]}"' not in r.text  # its own number is no spam
    assert ACME_OFFICIAL in r.text  # but it is listed as official


def test_network_page_and_picture(analyst):
    r = analyst.get("/networks/net-a")
    assert r.status_code == 200 and "Why these belong together" in r.text
    assert 'name="kind" value="network"' in r.text
    svg = analyst.get("/networks/net-a/picture.svg")
    assert svg.headers["content-type"] == "image/svg+xml"
    assert svg.text.lstrip().startswith("<svg") and "<script" not in svg.text


def test_empty_store_pages_say_what_to_do_next(tmp_path):
    data_dir = DataDir.open(tmp_path)
    token = Users.of(data_dir).add("ana", "analyst")
    with TestClient(create_app(data_dir)) as c:
        c.post("/login", data={"token": token})
        assert "spamline networks" in c.get("/networks").text
        assert "spamline brand add" in c.get("/brands").text
        assert "No packages yet" in c.get("/downloads").text
        assert "0 sightings of 0 numbers" in c.get("/").text


@pytest.mark.parametrize("path, message", [
    ("/numbers/+864001234000", "No sightings of"),
    ("/numbers/hello", "No sightings of"),
    ("/brands/Nobody", "No brand &#39;Nobody&#39; that you can see"),
    ("/networks/nothing", "No network &#39;nothing&#39; that you can see"),
    ("/downloads/none.wacz", "not found (or not yours)"),
])
def test_not_found_pages_say_what_to_do(analyst, path, message):
    r = analyst.get(path)
    assert r.status_code == 404 and message in r.text and "Back to search" in r.text


def test_pages_use_no_external_assets(analyst):
    for path in ["/", f"/numbers/{SHARED}", "/networks/net-a", "/brands/Acme",
                 "/page?url=http://acme-support.test/"]:
        text = analyst.get(path).text
        assert not re.search(r'(src|href)="(https?:)?//', text), path
    css = analyst.get("/static/spamline.css")
    assert css.status_code == 200 and "@import" not in css.text and "url(" not in css.text


def test_pages_send_a_strict_csp(analyst):
    csp = analyst.get("/").headers["content-security-policy"]
    assert "default-src 'self'" in csp and "script-src 'none'" in csp
    assert analyst.get("/").headers["x-frame-options"] == "SAMEORIGIN"


def test_search_page_shows_the_querys_totals_not_the_stores(analyst, site):
    r = analyst.get("/", params={"q": "400-666-0000"})
    assert "2 sightings match: 1 number on 2 pages (2 domains, 2 brands)." in r.text
    assert "The archive holds" not in r.text
    assert "The archive holds 7 sightings of 5 numbers on 6 pages" in analyst.get("/").text
    with TestClient(site.app()) as owner:
        owner.post("/login", data={"token": site.acme})
        r = owner.get("/", params={"q": "400-666-0000"})
    assert "1 sighting matches: 1 number on 1 page (1 domain, 1 brand)." in r.text

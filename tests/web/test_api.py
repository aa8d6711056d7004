"""The JSON API on the real app over a real SQLite store filled with known captures."""
from __future__ import annotations

import pytest

from tests.web.conftest import ACME_OFFICIAL, FAKE_ACME, FAKE_GLOBEX, SHARED, UNBRANDED, bearer


def get(client, path, token, **params):
    return client.get(path, headers=bearer(token), params=params)


def test_me_names_the_token_owner(client, site):
    assert get(client, "/api/me", site.acme).json() == {
        "name": "acme-owner", "role": "brand-owner", "brands": ["Acme"]}


@pytest.mark.parametrize("query", [FAKE_ACME, "+86 400 812 3456", "+86-400-812-3456"])
def test_search_by_number_in_any_format(client, site, query):
    body = get(client, "/api/search", site.analyst, q=query).json()
    assert {r["e164"] for r in body["results"]} == {FAKE_ACME}
    assert [r["captured_at"] for r in body["results"]] == [
        "2026-11-02T10:00:00Z", "2026-11-01T10:00:00Z"]  # newest first
    first = body["results"][0]
    assert first["url"] == "http://acme-support.test/refund"
    assert first["warc_file"] == "test-00000.warc.gz" and first["warc_offset"] > 0


def test_search_by_domain_and_brand(client, site):
    by_domain = get(client, "/api/search", site.analyst, q="globex-help.test").json()["results"]
    assert {r["e164"] for r in by_domain} == {FAKE_GLOBEX, SHARED}
    by_brand = get(client, "/api/search", site.analyst, q="Globex").json()["results"]
    assert {r["url"] for r in by_brand} == {"http://globex-help.test/", "http://globex-help.test/b"}


def test_search_filters(client, site):
    rows = get(client, "/api/search", site.analyst, q=SHARED, domain="acme-help.test").json()
    assert [r["url"] for r in rows["results"]] == ["http://acme-help.test/"]
    rows = get(client, "/api/search", site.analyst, q=SHARED, since="2026-11-04").json()
    assert [r["url"] for r in rows["results"]] == ["http://globex-help.test/b"]
    rows = get(client, "/api/search", site.analyst, q=SHARED, number_type="mobile").json()
    assert rows["results"] == []
    rows = get(client, "/api/search", site.analyst, q="globex-help.test", network_id="net-b").json()
    assert {r["e164"] for r in rows["results"]} == {FAKE_GLOBEX}


def test_search_paginates_without_gaps_or_repeats(client, site):
    seen, offset = [], 0
    while offset is not None:
        body = get(client, "/api/search", site.analyst, q="acme", limit=1, offset=offset).json()
        assert len(body["results"]) <= 1
        seen += [(r["url"], r["e164"], r["start"]) for r in body["results"]]
        offset = body["next_offset"]
    everything = get(client, "/api/search", site.analyst, q="acme", limit=100).json()["results"]
    assert seen == [(r["url"], r["e164"], r["start"]) for r in everything]
    assert len(seen) == 4


def test_search_rejects_bad_parameters(client, site):
    assert get(client, "/api/search", site.analyst).status_code == 422  # q missing
    assert get(client, "/api/search", site.analyst, q="x", limit=0).status_code == 422
    assert get(client, "/api/search", site.analyst, q="x", limit=501).status_code == 422
    assert get(client, "/api/search", site.analyst, q="x", number_type="fax").status_code == 422


@pytest.mark.parametrize("raw_q", ["a%00b", "%00", "400%00849", "%ED%A0%80", "x%ED%BF%BFy", "%FF%FE",
                                   "%22a%22%20OR%20b*", "NEAR(a%20b)", "a%00%22%00b"])
def test_search_with_nul_surrogate_or_fts_syntax_is_no_server_error(client, site, raw_q):
    """NULs, UTF-8-encoded lone surrogates, invalid UTF-8 and FTS5 syntax, as a browser sends them."""
    for path in ("/api/search", "/"):
        response = client.get(f"{path}?q={raw_q}", headers=bearer(site.analyst))
        assert response.status_code == 200, (path, raw_q, response.text[:200])


def test_search_empty_result(client, site):
    body = get(client, "/api/search", site.analyst, q="nothing-like-this").json()
    assert body["results"] == [] and body["next_offset"] is None


def test_number_profile_and_timeline(client, site):
    body = get(client, f"/api/numbers/{SHARED}", site.analyst).json()
    assert body["profile"]["brands"] == {"Acme": 1, "Globex": 1}
    assert body["profile"]["network_id"] == "net-a"
    assert [s["url"] for s in body["sightings"]] == ["http://globex-help.test/b",
                                                     "http://acme-help.test/"]


def test_number_in_local_format_finds_the_same_profile(client, site):
    body = get(client, "/api/numbers/+86 400 666 0000", site.analyst).json()
    assert body["profile"]["e164"] == SHARED


@pytest.mark.parametrize("number", ["+864001234000", "not-a-number", "0"])
def test_unknown_number_is_404_with_a_message(client, site, number):
    r = get(client, f"/api/numbers/{number}", site.analyst)
    assert r.status_code == 404 and "not found" in r.json()["detail"]


def test_brands_and_report(client, site):
    names = [b["name"] for b in get(client, "/api/brands", site.analyst).json()]
    assert names == ["Acme", "Globex"]
    report = get(client, "/api/brands/acme/report", site.analyst).json()  # alias, any case
    assert report["brand"]["name"] == "Acme"
    assert {r["e164"] for r in report["results"]} == {FAKE_ACME, SHARED}
    assert ACME_OFFICIAL not in {r["e164"] for r in report["results"]}


def test_networks_list_and_one(client, site):
    body = get(client, "/api/networks", site.analyst).json()
    assert [n["network_id"] for n in body["results"]] == ["net-a", "net-b", "net-c"]
    every = get(client, "/api/networks", site.analyst, all="true").json()
    assert [n["network_id"] for n in every["results"]] == ["net-a", "net-b", "net-c"]
    page = get(client, "/api/networks", site.analyst, limit=2, offset=2).json()
    assert [n["network_id"] for n in page["results"]] == ["net-c"] and page["next_offset"] is None
    net = get(client, "/api/networks/net-a", site.analyst).json()
    assert net["numbers"] == [FAKE_ACME, SHARED] and net["explanations"]
    assert get(client, "/api/networks/nope", site.analyst).status_code == 404


def test_captures_of_a_page_carry_hits_warc_and_replay(client, site):
    body = get(client, "/api/captures", site.analyst, by="url", value="http://random.test/").json()
    [cap] = body["results"]
    assert [h["e164"] for h in cap["hits"]] == [UNBRANDED]
    assert cap["warc"]["record_id"].startswith("<urn:uuid:")
    assert cap["replay_url"].startswith("/replay/")
    assert "body" not in cap and "text" not in cap


@pytest.mark.parametrize("by, value, urls", [
    ("number", SHARED, ["http://globex-help.test/b", "http://acme-help.test/"]),
    ("brand", "globex", ["http://globex-help.test/b", "http://globex-help.test/"]),
    ("domain", "acme-help.test", ["http://acme-help.test/"]),
    ("network", "net-b", ["http://globex-help.test/"]),
])
def test_captures_by_selector(client, site, by, value, urls):
    rows = get(client, "/api/captures", site.analyst, by=by, value=value).json()["results"]
    assert [r["url"] for r in rows] == urls


def test_captures_need_a_known_selector(client, site):
    assert get(client, "/api/captures", site.analyst).status_code == 422
    assert get(client, "/api/captures", site.analyst, by="colour", value="x").status_code == 422
    r = get(client, "/api/captures", site.analyst, by="number", value="abc")
    assert r.status_code == 404 and "not found" in r.json()["detail"]


def test_openapi_describes_every_api_route(client):
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/api/search", "/api/numbers/{number}", "/api/brands", "/api/brands/{name}/report",
            "/api/networks", "/api/networks/{network_id}", "/api/captures", "/api/exports",
            "/api/exports/{name}", "/api/me"} <= set(paths)
    assert not any(p.startswith(("/login", "/numbers", "/page")) for p in paths)


def test_store_outage_is_a_503_that_says_so(site):
    from fastapi.testclient import TestClient

    from spamline.store.base import StoreUnavailable

    app = site.app()

    class Down:
        def __getattr__(self, name):
            def fail(*args, **kwargs):
                raise StoreUnavailable("elasticsearch at es:9200 refused the connection")
            return fail

    app.state.store = Down()
    with TestClient(app) as c:
        r = c.get("/api/search", params={"q": "x"}, headers=bearer(site.analyst))
        assert r.status_code == 503 and "store is unavailable" in r.json()["detail"]
        c.post("/login", data={"token": site.analyst})
        page = c.get("/", params={"q": "x"}, headers={"accept": "text/html"})
        assert page.status_code == 503 and "refused the connection" in page.text

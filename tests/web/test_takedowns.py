"""Brand owners watch takedowns: the brand report carries each page's recheck status."""
from __future__ import annotations

from dataclasses import replace

from fastapi.testclient import TestClient

from spamline.store import open_store
from tests.web.conftest import bearer, build_site, write_pages


def test_report_shows_gone_and_back_pages(tmp_path) -> None:
    site = build_site(tmp_path)
    first = {c.url: c for c in write_pages(site.data_dir)}
    refund = first["http://acme-support.test/refund"]
    home = first["http://acme-support.test/"]
    with open_store(None, site.data_dir) as store:
        store.add_captures([
            replace(refund, status=410, captured_at="2026-11-10T10:00:00Z", hits=[], warc=None),
            replace(home, status=404, captured_at="2026-11-10T10:00:00Z", hits=[], warc=None),
            replace(home, status=0, captured_at="2026-11-11T10:00:00Z", hits=[], warc=None,
                    features={"error": "DNSLookupError: refused", "failure": "guard"}),
            replace(home, captured_at="2026-11-12T10:00:00Z", warc=None),
        ])
    with TestClient(site.app()) as client:
        report = client.get("/api/brands/Acme/report", headers=bearer(site.acme)).json()
        client.post("/login", data={"token": site.acme})
        page = client.get("/brands/Acme")
    states = {t["url"]: t for t in report["takedowns"]}
    assert states["http://acme-support.test/refund"]["state"] == "gone"
    assert states["http://acme-support.test/refund"]["reason"] == "http 410"
    assert states["http://acme-support.test/refund"]["gone_at"] == "2026-11-10T10:00:00Z"
    assert states["http://acme-support.test/"]["state"] == "back"
    assert states["http://acme-support.test/"]["back_at"] == "2026-11-12T10:00:00Z"
    assert states["http://acme-support.test/"]["gone_at"] == "2026-11-10T10:00:00Z"
    assert set(states) == {r["url"] for r in report["results"]}, "one status per reported page"
    assert not any("globex" in url for url in states), "a brand owner sees only their pages"
    assert page.status_code == 200 and "Takedown status" in page.text
    title = page.text.split("<title>", 1)[1].split("</title>", 1)[0]
    assert "<" not in title, "the status table stays out of the page title"
    assert "gone (http 410)" in page.text and "back" in page.text

"""Evidence packages from the API and the pages: scoped, verifiable, owned by who made them."""
from __future__ import annotations

import json
import zipfile

import pytest
from fastapi.testclient import TestClient

from spamline.evidence.signing import Trust
from spamline.evidence.verify import verify_package
from tests.web.conftest import SHARED, bearer


def _pages(path) -> set[str]:
    with zipfile.ZipFile(path) as zf:
        lines = zf.read("pages/pages.jsonl").decode().splitlines()[1:]
    return {json.loads(line)["url"] for line in lines}


def _export(client, token, tmp_path, **selector):
    made = client.post("/api/exports", json=selector, headers=bearer(token))
    assert made.status_code == 201, made.text
    body = made.json()
    got = client.get(body["download_url"], headers=bearer(token))
    assert got.status_code == 200 and got.headers["content-type"] == "application/wacz"
    assert body["name"] in got.headers["content-disposition"] and len(got.content) == body["size"]
    path = tmp_path / body["name"]
    path.write_bytes(got.content)
    return body, path


def test_brand_owner_package_holds_only_their_pages_and_verifies(client, site, tmp_path):
    body, path = _export(client, site.acme, tmp_path, number=SHARED)
    assert body["selector"] == f"number:{SHARED}"
    assert verify_package(path, trust=Trust.of_data_dir(site.data_dir.root)).problems == []
    assert _pages(path) == {"http://acme-help.test/"}


def test_analyst_package_holds_every_page(client, site, tmp_path):
    _, path = _export(client, site.analyst, tmp_path, number=SHARED)
    assert _pages(path) == {"http://acme-help.test/", "http://globex-help.test/b"}


def test_network_and_brand_packages(client, site, tmp_path):
    _, net = _export(client, site.acme, tmp_path, network="net-a")
    assert _pages(net) == {"http://acme-support.test/", "http://acme-support.test/refund",
                           "http://acme-help.test/"}
    _, brand = _export(client, site.globex, tmp_path, brand="globex")
    assert _pages(brand) == {"http://globex-help.test/", "http://globex-help.test/b"}


def test_packages_belong_to_who_made_them(client, site, tmp_path):
    body, _ = _export(client, site.acme, tmp_path, brand="Acme")
    mine = [p["name"] for p in client.get("/api/exports", headers=bearer(site.acme)).json()]
    theirs = [p["name"] for p in client.get("/api/exports", headers=bearer(site.globex)).json()]
    everyone = [p["name"] for p in client.get("/api/exports", headers=bearer(site.analyst)).json()]
    assert body["name"] in mine and body["name"] in everyone and body["name"] not in theirs
    assert client.get(body["download_url"], headers=bearer(site.globex)).status_code == 404


@pytest.mark.parametrize("selector", [{}, {"number": SHARED, "brand": "Acme"}])
def test_export_needs_exactly_one_selector(client, site, selector):
    r = client.post("/api/exports", json=selector, headers=bearer(site.analyst))
    assert r.status_code == 422 and "exactly one" in r.text


def test_export_selector_cannot_be_empty(client, site):
    r = client.post("/api/exports", json={"brand": ""}, headers=bearer(site.analyst))
    assert r.status_code == 422 and "at least 1 character" in r.text


def test_unknown_package_and_path_tricks_are_404(client, site):
    for name in ["nope.wacz", "..%2Fusers.db", "%2E%2E%2Fspamline.db"]:
        assert client.get(f"/api/exports/{name}", headers=bearer(site.analyst)).status_code == 404


def test_export_button_makes_a_download_for_the_page_user(site):
    with TestClient(site.app()) as c:
        c.post("/login", data={"token": site.acme})
        r = c.post("/exports", data={"kind": "brand", "value": "Acme"}, follow_redirects=False)
        assert r.status_code == 303
        assert r.headers["location"].startswith("/downloads?made=brand-Acme-")
        name = r.headers["location"].split("made=")[1]
        listing = c.get("/downloads")
        assert f'href="/downloads/{name}"' in listing.text
        got = c.get(f"/downloads/{name}")
        assert got.status_code == 200 and got.content[:2] == b"PK"

"""A brand whose name holds "/" is reachable by its owner; a brand owner sees only the
page templates of their own brands' pages in a network."""
from __future__ import annotations

from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from spamline.datadir import DataDir
from spamline.model import Brand, Network
from spamline.store import open_store
from spamline.web import create_app
from spamline.web.auth import Users
from tests.web.conftest import FAKE_ACME, FAKE_GLOBEX, bearer, write_pages

SLASHED = "Acme/Support"
TEMPLATES = {"Acme": "tpl-acme-0001", "Globex": "tpl-globex-0002"}


@pytest.fixture(scope="module")
def tokens(tmp_path_factory):
    data_dir = DataDir.open(tmp_path_factory.mktemp("brand-scope"))
    captures = write_pages(data_dir)
    for c in captures:
        if c.brands:
            c.features = {"template": TEMPLATES[c.brands[0]]}
            c.brands = [SLASHED] if c.brands == ["Acme"] else c.brands
    with open_store(None, data_dir) as store:
        store.add_brand(Brand(SLASHED, official=["+864001110000"]))
        store.add_brand(Brand("Globex"))
        store.add_captures(captures)
        store.save_networks([Network(
            "net-x", numbers=[FAKE_ACME, FAKE_GLOBEX], brands=[SLASHED, "Globex"],
            domains=["acme-support.test", "globex-help.test"],
            templates=sorted(TEMPLATES.values()), pages=3)])
    users = Users.of(data_dir)
    owner = users.add("support-owner", "brand-owner", [SLASHED])
    analyst = users.add("ana", "analyst")
    with TestClient(create_app(data_dir, rate=1000, burst=1000)) as client:
        yield client, owner, analyst


@pytest.mark.parametrize("path", [f"/brands/{SLASHED}", f"/brands/{quote(SLASHED, safe='')}"])
def test_the_owner_reaches_a_brand_with_a_slash(tokens, path):
    client, owner, _ = tokens
    client.post("/login", data={"token": owner})
    r = client.get(path)
    assert r.status_code == 200 and SLASHED in r.text and FAKE_ACME in r.text
    assert client.get("/brands/Globex").status_code == 404


def test_the_api_report_of_a_brand_with_a_slash(tokens):
    client, owner, _ = tokens
    r = client.get(f"/api/brands/{quote(SLASHED, safe='')}/report", headers=bearer(owner))
    assert r.status_code == 200 and r.json()["brand"]["name"] == SLASHED
    numbers = {row["e164"] for row in r.json()["results"]}
    assert FAKE_ACME in numbers and FAKE_GLOBEX not in numbers


def test_network_templates_are_scoped_for_brand_owners(tokens):
    client, owner, analyst = tokens
    mine = client.get("/api/networks/net-x", headers=bearer(owner)).json()
    assert mine["templates"] == [TEMPLATES["Acme"]]
    listed = client.get("/api/networks?all=true", headers=bearer(owner)).json()["results"]
    assert [n["templates"] for n in listed] == [[TEMPLATES["Acme"]]]
    everything = client.get("/api/networks/net-x", headers=bearer(analyst)).json()
    assert everything["templates"] == sorted(TEMPLATES.values())

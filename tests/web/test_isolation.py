"""A brand owner reaches nothing of another brand's, by any URL, API or page.

Acme's owner asks every route for Globex's numbers, pages, networks and
packages. Each answer must be the expected refusal (or an empty/filtered list)
and must not contain a single Globex-only fact, unless the request itself named it.
"""
from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from spamline.evidence.replay import replay_router
from spamline.store import open_store
from spamline.web import api, pages
from spamline.web.auth import User, Users
from spamline.web.replay import replay_url
from tests.web.conftest import FAKE_ACME, FAKE_GLOBEX, GLOBEX_OFFICIAL, SHARED, UNBRANDED, bearer

GLOBEX_PACKAGE = "brand-Globex-20261105T100000Z-abcdef.wacz"
SECRETS = [FAKE_GLOBEX, UNBRANDED, GLOBEX_OFFICIAL, "globex-help.test", "random.test", "Globex",
           "net-b", "net-c", GLOBEX_PACKAGE, "Random page"]

# (route template, method, path, query or form/json, expected status)
CASES = [
    ("/api/me", "GET", "/api/me", None, 200),
    ("/api/search", "GET", "/api/search", {"q": FAKE_GLOBEX}, 200),
    ("/api/search", "GET", "/api/search", {"q": "globex-help.test"}, 200),
    ("/api/search", "GET", "/api/search", {"q": "Globex"}, 200),
    ("/api/search", "GET", "/api/search", {"q": "Random"}, 200),
    ("/api/search", "GET", "/api/search", {"q": SHARED}, 200),
    ("/api/search", "GET", "/api/search", {"q": SHARED, "brand": "Globex"}, 200),
    ("/api/search", "GET", "/api/search", {"q": FAKE_GLOBEX, "network_id": "net-b"}, 200),
    ("/api/numbers/{number}", "GET", f"/api/numbers/{FAKE_GLOBEX}", None, 404),
    ("/api/numbers/{number}", "GET", f"/api/numbers/{UNBRANDED}", None, 404),
    ("/api/numbers/{number}", "GET", f"/api/numbers/{GLOBEX_OFFICIAL}", None, 404),
    ("/api/numbers/{number}", "GET", f"/api/numbers/{SHARED}", None, 200),
    ("/api/brands", "GET", "/api/brands", None, 200),
    ("/api/brands/{name}/report", "GET", "/api/brands/Globex/report", None, 404),
    ("/api/brands/{name}/report", "GET", "/api/brands/Acme/report", None, 200),
    ("/api/networks", "GET", "/api/networks", None, 200),
    ("/api/networks/{network_id}", "GET", "/api/networks/net-b", None, 404),
    ("/api/networks/{network_id}", "GET", "/api/networks/net-c", None, 404),
    ("/api/networks/{network_id}", "GET", "/api/networks/net-a", None, 200),
    ("/api/captures", "GET", "/api/captures", {"by": "url", "value": "http://globex-help.test/"},
     200),
    ("/api/captures", "GET", "/api/captures", {"by": "number", "value": FAKE_GLOBEX}, 200),
    ("/api/captures", "GET", "/api/captures", {"by": "number", "value": SHARED}, 200),
    ("/api/captures", "GET", "/api/captures", {"by": "brand", "value": "Globex"}, 200),
    ("/api/captures", "GET", "/api/captures", {"by": "domain", "value": "globex-help.test"}, 200),
    ("/api/captures", "GET", "/api/captures", {"by": "network", "value": "net-a"}, 200),
    ("/api/captures", "GET", "/api/captures", {"by": "network", "value": "net-b"}, 200),
    ("/api/exports", "POST", "/api/exports", {"number": FAKE_GLOBEX}, 404),
    ("/api/exports", "POST", "/api/exports", {"number": UNBRANDED}, 404),
    ("/api/exports", "POST", "/api/exports", {"brand": "Globex"}, 404),
    ("/api/exports", "POST", "/api/exports", {"network": "net-b"}, 404),
    ("/api/exports", "GET", "/api/exports", None, 200),
    ("/api/exports/{name}", "GET", f"/api/exports/{GLOBEX_PACKAGE}", None, 404),
    ("/", "GET", "/", {"q": FAKE_GLOBEX}, 200),
    ("/", "GET", "/", {"q": "globex-help.test"}, 200),
    ("/", "GET", "/", {"q": SHARED}, 200),
    ("/numbers/{number}", "GET", f"/numbers/{FAKE_GLOBEX}", None, 404),
    ("/numbers/{number}", "GET", f"/numbers/{SHARED}", None, 200),
    ("/brands", "GET", "/brands", None, 200),
    ("/brands/{name}", "GET", "/brands/Globex", None, 404),
    ("/brands/{name}", "GET", "/brands/Acme", None, 200),
    ("/networks", "GET", "/networks", None, 200),
    ("/networks/{network_id}", "GET", "/networks/net-b", None, 404),
    ("/networks/{network_id}", "GET", "/networks/net-a", None, 200),
    ("/networks/{network_id}/picture.svg", "GET", "/networks/net-b/picture.svg", None, 404),
    ("/page", "GET", "/page", {"url": "http://globex-help.test/"}, 404),
    ("/page", "GET", "/page", {"url": "http://random.test/"}, 404),
    ("/exports", "POST", "/exports", {"kind": "brand", "value": "Globex"}, 404),
    ("/exports", "POST", "/exports", {"kind": "network", "value": "net-b"}, 404),
    ("/exports", "POST", "/exports", {"kind": "number", "value": FAKE_GLOBEX}, 404),
    ("/downloads", "GET", "/downloads", None, 200),
    ("/downloads/{name}", "GET", f"/downloads/{GLOBEX_PACKAGE}", None, 404),
    ("/replay/{warc_file:path}/{offset:int}", "GET", "<replay http://globex-help.test/>", None, 404),
    ("/replay/{warc_file:path}/{offset:int}", "GET", "<replay http://random.test/>", None, 404),
    ("/replay/{warc_file:path}/{offset:int}", "GET", "<replay http://acme-help.test/>", None, 200),
    ("/replay/{warc_file:path}/{offset:int}/view", "GET", "<replay http://globex-help.test/>/view", None,
     404),
    ("/replay/{warc_file:path}/{offset:int}/view", "GET", "<replay http://acme-help.test/>/view", None,
     200),
]
UNGUARDED = {"/login", "/logout"}  # the sign-in form itself


@pytest.fixture(scope="module")
def globex_package(site) -> str:
    """A package made by Globex's owner, sitting in the exports folder."""
    (site.data_dir.exports / GLOBEX_PACKAGE).write_bytes(b"globex evidence")
    Users.of(site.data_dir).record_export(
        GLOBEX_PACKAGE, User("globex-owner", "brand-owner", ("Globex",)), "brand:Globex")
    return GLOBEX_PACKAGE


@pytest.fixture(scope="module")
def acme_client(site, globex_package):
    """Acme's owner, signed in to the pages and holding a Bearer token for the API."""
    with TestClient(site.app()) as c:
        c.post("/login", data={"token": site.acme})
        c.headers.update(bearer(site.acme))
        yield c


def _routes(site) -> set[str]:
    routers = (api.router, pages.router, replay_router(site.data_dir))
    return {r.path for router in routers for r in router.routes} - UNGUARDED


def _replay_path(site, path: str) -> str:
    """"<replay URL>" stands for the replay address of that page's capture."""
    if not path.startswith("<replay "):
        return path
    url, rest = path[len("<replay "):].split(">", 1)
    with open_store(None, site.data_dir) as store:
        [capture] = store.captures(url=url)
    return replay_url(capture) + rest


def test_every_route_is_probed(site):
    assert _routes(site) == {case[0] for case in CASES}


@pytest.mark.parametrize("template, method, path, args, status", CASES,
                         ids=[f"{c[1]} {c[2]} {c[3] or ''}" for c in CASES])
def test_acme_owner_sees_nothing_of_globex(acme_client, site, template, method, path, args,
                                           status):
    path = _replay_path(site, path)
    if method == "GET":
        r = acme_client.get(path, params=args, headers={"accept": "text/html"})
    elif path.startswith("/api/"):
        r = acme_client.post(path, json=args)
    else:
        r = acme_client.post(path, data=args, headers={"accept": "text/html"})
    assert r.status_code == status, r.text
    asked = path + repr(args)
    leaked = [s for s in SECRETS if s in r.text and s not in asked]
    assert not leaked, f"{path} {args} leaked {leaked}"


def test_acme_owner_still_sees_their_own(acme_client):
    profile = acme_client.get(f"/api/numbers/{SHARED}").json()["profile"]
    assert profile["domains"] == {"acme-help.test": 1} and profile["sightings"] == 1
    net = acme_client.get("/api/networks/net-a").json()
    assert net["numbers"] == [FAKE_ACME, SHARED] and net["brands"] == ["Acme"]
    assert net["last_seen"] == "2026-11-03T10:00:00Z"
    found = acme_client.get("/api/search", params={"q": "acme"}).json()["results"]
    urls = {r["url"] for r in found}
    assert urls == {"http://acme-support.test/", "http://acme-support.test/refund",
                    "http://acme-help.test/"}


def test_globex_owner_is_fenced_the_other_way(site, globex_package):
    with TestClient(site.app()) as c:
        c.headers.update(bearer(site.globex))
        assert c.get(f"/api/numbers/{FAKE_ACME}").status_code == 404
        assert c.get("/api/brands/Acme/report").status_code == 404
        assert c.get(f"/api/numbers/{FAKE_GLOBEX}").status_code == 200
        names = [row["name"] for row in c.get("/api/exports").json()]
        assert globex_package in names

"""Web and export surfaces: tokens required and scoped, replay sandboxed, no path traversal.

Only public interfaces are used: the app over HTTP (TestClient) and the CLI.
"""
from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from spamline.model import Capture, WarcLocation
from spamline.store import open_store
from tests.web.conftest import FAKE_ACME, FAKE_GLOBEX, Site, bearer, build_site

SECRET = b"TOP-SECRET-OUTSIDE-THE-ARCHIVE"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    site = build_site(tmp_path_factory.mktemp("sec-web"))
    (site.data_dir.root / "secret.warc.gz").write_bytes(SECRET)  # beside warcs/, not in it
    return site


@pytest.fixture(scope="module")
def client(site: Site):
    with TestClient(site.app()) as c:
        yield c


def api_get_paths(client: TestClient) -> list[str]:
    spec = client.get("/openapi.json").json()
    return [re.sub(r"\{[^}]+\}", "x", p) for p, ops in spec["paths"].items() if "get" in ops]


def test_every_api_route_requires_a_token(client: TestClient) -> None:
    paths = api_get_paths(client)
    assert len(paths) >= 5
    for path in paths:
        for headers in ({}, bearer("not-a-token"), {"Authorization": "Basic YWRtaW46YWRtaW4="}):
            r = client.get(path, headers=headers)
            assert r.status_code == 401, (path, headers, r.status_code)
            assert r.headers.get("www-authenticate") == "Bearer"


def test_tokens_are_scoped_to_the_owners_brand(client: TestClient, site: Site) -> None:
    assert client.get(f"/api/numbers/{FAKE_ACME}", headers=bearer(site.acme)).status_code == 200
    r = client.get(f"/api/numbers/{FAKE_GLOBEX}", headers=bearer(site.acme))
    assert r.status_code == 404, "a brand owner reached another brand's number"
    assert client.get(f"/api/numbers/{FAKE_GLOBEX}", headers=bearer(site.analyst)).status_code == 200


def test_tokens_are_not_stored_in_clear(site: Site) -> None:
    for db in site.data_dir.root.rglob("*.db"):
        data = db.read_bytes()
        for token in (site.analyst, site.acme, site.globex):
            assert token.encode() not in data, f"a token is stored in clear in {db.name}"


def _replay_path(client: TestClient, token: str) -> str:
    r = client.get("/api/captures", params={"by": "domain", "value": "acme-support.test"},
                   headers=bearer(token))
    urls = [c["replay_url"] for c in r.json()["results"] if c.get("replay_url")]
    assert urls, r.json()
    return urls[0]


def _login(client: TestClient, site: Site) -> None:
    r = client.post("/login", data={"token": site.analyst}, follow_redirects=False)
    assert r.status_code in (302, 303), r.text


def test_replay_is_sandboxed(client: TestClient, site: Site) -> None:
    path = _replay_path(client, site.analyst)
    _login(client, site)
    r = client.get(path)
    assert r.status_code == 200
    csp = r.headers["content-security-policy"]
    assert re.search(r"(^|;)\s*sandbox\s*(;|$)", csp), f"payload CSP without a bare sandbox: {csp}"
    assert "default-src 'none'" in csp
    assert r.headers.get("x-content-type-options") == "nosniff"
    view = client.get(path.rstrip("/") + "/view")
    assert view.status_code == 200
    frames = re.findall(r"<iframe[^>]*>", view.text)
    assert frames and all('sandbox=""' in f for f in frames), frames
    assert "allow-scripts" not in view.text and "allow-same-origin" not in view.text


TRAVERSALS = ["..%2Fsecret.warc.gz", "..%2F..%2F..%2F..%2Fetc%2Fpasswd", "%2Fetc%2Fpasswd",
              "....%2F%2Fsecret.warc.gz", "%2e%2e%2fsecret.warc.gz"]


@pytest.mark.parametrize("name", TRAVERSALS)
def test_download_and_replay_names_cannot_escape(client: TestClient, site: Site, name: str) -> None:
    _login(client, site)
    for path in (f"/api/exports/{name}", f"/downloads/{name}", f"/replay/{name}/0",
                 f"/replay/{name}/0/view", f"/static/{name}"):
        headers = bearer(site.analyst) if path.startswith("/api/") else {}
        r = client.get(path, headers=headers)
        assert r.status_code in (400, 404, 422), (path, r.status_code)
        assert SECRET not in r.content and b"root:" not in r.content, path


def test_evidence_export_refuses_warc_names_outside_the_archive(site: Site, tmp_path: Path) -> None:
    """A store row naming ../secret.warc.gz (a tampered or hostile store) must not pull that file in."""
    with open_store(None, site.data_dir) as store:
        store.add_captures([Capture(
            url="http://traversal.test/", status=200, captured_at="2026-11-07T10:00:00Z",
            content_type="text/html", job="sec", warc=WarcLocation(
                file="../secret.warc.gz", offset=0, length=len(SECRET), record_id="<urn:uuid:x>",
                payload_digest=""))])
    out = tmp_path / "out.wacz"
    proc = subprocess.run([sys.executable, "-m", "spamline", "evidence", "export", "--domain",
                           "traversal.test", "-o", str(out), "--data-dir", str(site.data_dir.root)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "outside" in proc.stderr or "nothing to export" in proc.stderr, proc.stderr
    if out.exists():
        with zipfile.ZipFile(out) as z:
            assert all(SECRET not in z.read(n) for n in z.namelist())

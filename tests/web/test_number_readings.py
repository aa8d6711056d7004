"""The web reads a typed number as the CLI does (spamline.phones.normalize.number_readings):
866-555-0170 and 1-866-555-0170 are the NANP +18665550170, not a number of the default region."""
from __future__ import annotations

from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from spamline.datadir import DataDir
from spamline.model import Capture, PhoneHit
from spamline.store import open_store
from spamline.web import create_app
from spamline.web.auth import Users
from tests.web.conftest import bearer

NANP = "+18665550170"
TYPED = ["866-555-0170", "1-866-555-0170", "(866) 555-0170", "+1 866 555 0170"]


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    data_dir = DataDir.open(tmp_path_factory.mktemp("nanp"))
    text = "Acme refunds: call 1-866-555-0170 now"
    start = text.index("1-866")
    with open_store(None, data_dir) as store:
        store.add_captures([Capture(
            url="http://refund.test/", status=200, captured_at="2026-11-01T10:00:00Z",
            content_type="text/html", encoding="utf-8", ip_address="127.0.0.1",
            title="Refunds", text=text, job="test", brands=[], hits=[PhoneHit(
                e164=NANP, raw="1-866-555-0170", start=start, end=start + 14, type="toll_free",
                context=text, region="US")])])
    token = Users.of(data_dir).add("ana", "analyst")
    with TestClient(create_app(data_dir, rate=1000, burst=1000)) as c:
        c.post("/login", data={"token": token})
        c.headers.update(bearer(token))
        yield c


@pytest.mark.parametrize("typed", TYPED)
def test_api_number_reads_nanp(client, typed):
    r = client.get(f"/api/numbers/{quote(typed, safe='')}")
    assert r.status_code == 200, r.text
    assert r.json()["profile"]["e164"] == NANP


@pytest.mark.parametrize("typed", TYPED)
def test_number_page_and_search_box_read_nanp(client, typed):
    page = client.get(f"/numbers/{quote(typed, safe='')}")
    assert page.status_code == 200 and NANP in page.text
    search = client.get("/", params={"q": typed})
    assert f'href="/numbers/{quote(NANP, safe="")}"' in search.text


def test_captures_by_number_and_export_read_nanp(client):
    r = client.get("/api/captures", params={"by": "number", "value": "866-555-0170"})
    assert r.status_code == 200 and [c["url"] for c in r.json()["results"]] == ["http://refund.test/"]
    r = client.post("/api/exports", json={"number": "866-555-0170"})
    assert r.status_code == 404 and "nothing archived for number:+18665550170" in r.text


def test_a_number_never_seen_is_still_404(client):
    assert client.get("/api/numbers/866-555-0199").status_code == 404

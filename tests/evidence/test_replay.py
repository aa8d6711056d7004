"""Sandboxed replay: archived pages are served as captured, under a CSP sandbox, never as the app."""
from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from spamline.evidence.replay import REPLAY_CSP, replay_router, replay_url
from spamline.model import WarcLocation

from .conftest import PAGE_GZ, PAGE_SCRIPT


@pytest.fixture(scope="module")
def client(archive):
    app = FastAPI()
    app.include_router(replay_router(archive.data), prefix="/app")
    with TestClient(app) as c:
        yield c


def location(archive, path, nth=0):
    rows = [r for r in archive.rows if r["url"] == archive.site.url(path)]
    return WarcLocation(**rows[nth]["warc"])


def test_page_with_script_is_served_sandboxed(client, archive):
    resp = client.get(replay_url(location(archive, "/script"), prefix="/app"))
    assert resp.status_code == 200
    assert resp.content == PAGE_SCRIPT.encode()  # the payload as captured
    assert "document.cookie" in resp.text
    assert resp.headers["content-security-policy"] == REPLAY_CSP
    assert resp.headers["content-security-policy"].startswith("sandbox;")
    assert "script-src 'none'" in REPLAY_CSP and "allow-scripts" not in REPLAY_CSP
    assert resp.headers["x-content-type-options"] == "nosniff"
    assert resp.headers["content-type"].startswith("text/html")
    assert "set-cookie" not in resp.headers


def test_wrapper_embeds_the_payload_in_a_sandboxed_iframe(client, archive):
    loc = location(archive, "/script")
    resp = client.get(replay_url(loc, prefix="/app") + "/view")
    assert resp.status_code == 200
    page = resp.text
    assert f'<iframe sandbox="" referrerpolicy="no-referrer" src="../{loc.offset}">' in page
    assert "allow-scripts" not in page and "allow-same-origin" not in page
    assert "<script" not in page
    assert "127.0.0.1" in page and archive.site.url("/script") in page
    assert "script-src" not in resp.headers["content-security-policy"]


def test_content_encoding_is_undone_and_revisits_resolve(client, archive):
    gz = client.get(replay_url(location(archive, "/gz"), prefix="/app"))
    assert gz.text == PAGE_GZ and "content-encoding" not in gz.headers
    revisit = client.get(replay_url(location(archive, "/b", nth=1), prefix="/app"))
    original = client.get(replay_url(location(archive, "/b", nth=0), prefix="/app"))
    assert revisit.status_code == 200 and revisit.content == original.content
    assert b"Refund hotline" in revisit.content
    assert revisit.headers["content-security-policy"] == REPLAY_CSP


def test_requests_traversal_and_bad_offsets_are_not_served(client, archive):
    loc = location(archive, "/script")
    request_offset = loc.offset + loc.length  # the request record follows its response
    assert client.get(f"/app/replay/{loc.file}/{request_offset}").status_code == 404
    assert client.get(f"/app/replay/{loc.file}/0").status_code == 404  # warcinfo
    assert client.get(f"/app/replay/{loc.file}/{loc.offset + 1}").status_code == 404
    assert client.get("/app/replay/..%2F..%2Fetc%2Fpasswd.warc.gz/0").status_code == 404
    assert client.get("/app/replay/missing.warc.gz/0").status_code == 404
    assert client.get(f"/app/replay/{loc.file}.cdxj/0").status_code == 404

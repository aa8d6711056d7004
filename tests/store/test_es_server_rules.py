"""Rules of a real Elasticsearch server the backend relies on, checked on the server itself:
a real one when SPAMLINE_ES_URL is set, and the ES-API emulator (noida-db) always."""
from __future__ import annotations

import json
import os
import ssl
import urllib.error
import urllib.request

import pytest

from spamline.datadir import DataDir
from spamline.store import open_store
from spamline.store.elastic import env_auth
from spamline.store.esclient import auth_headers

from .conftest import es_prefix
from .sample import sample_crawl


def call(method: str, url: str, headers: dict[str, str] | None = None) -> tuple[int, dict]:
    """One raw request, with the store's credentials and CA bundle from the environment."""
    auth = auth_headers(**env_auth())
    request = urllib.request.Request(url, method=method, headers={**auth, **(headers or {})})
    tls = ssl.create_default_context(cafile=os.environ.get("SPAMLINE_ES_CA_CERTS"))
    try:
        with urllib.request.urlopen(request, timeout=10, context=tls) as resp:
            return resp.status, json.load(resp)
    except urllib.error.HTTPError as exc:
        return exc.code, json.load(exc)


def test_wildcard_deletes_are_refused(es_url: str) -> None:
    """action.destructive_requires_name (default true since 8.0): why drop() names indices."""
    status, body = call("DELETE", f"{es_url}/{es_prefix()}-*")
    assert status == 400 and body["error"]["type"] == "illegal_argument_exception"


def test_an_8x_server_rejects_the_9x_clients_media_type(es_url: str) -> None:
    _, info = call("GET", es_url)
    if not info["version"]["number"].startswith("8."):
        pytest.skip("an 8.x server's rule")
    status, body = call("GET", es_url, {
        "accept": "application/vnd.elasticsearch+json; compatible-with=9"})
    assert status == 400 and body["error"]["type"] == "media_type_header_exception"


def test_drop_deletes_its_own_prefix_only(es_url: str, tmp_path) -> None:
    data = DataDir.open(tmp_path)
    mine = es_prefix()
    kept = open_store(f"{es_url}/{mine}-2", data)  # a prefix that starts with the other
    dropped = open_store(f"{es_url}/{mine}", data)
    try:
        for st in (kept, dropped):
            st.add_captures(sample_crawl())
        dropped.drop()
        assert kept.counts()["sightings"] == 8
        assert call("GET", f"{es_url}/{mine}-sightings")[0] == 404
        assert call("GET", f"{es_url}/_index_template/{mine}-sightings")[0] == 404
    finally:
        kept.drop()
        kept.close()
        dropped.close()

"""Which servers the Elasticsearch backend talks to, and the message for the others.

Against the ES-API emulator (it answers as Elasticsearch 8.15.3) and tiny local HTTP
servers that answer `GET /` as OpenSearch, as Elasticsearch 7 or with a 401.
"""
from __future__ import annotations

import json
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import elasticsearch8
import elasticsearch9
import pytest

from spamline.datadir import DataDir
from spamline.store import StoreUnavailable, open_store
from spamline.store.elastic import ElasticStore
from spamline.store.esclient import Server, client_library

OPENSEARCH = {"name": "node-1", "cluster_name": "opensearch", "version": {
    "distribution": "opensearch", "number": "2.17.1", "build_type": "tar",
    "lucene_version": "9.11.1", "minimum_wire_compatibility_version": "7.10.0"},
    "tagline": "The OpenSearch Project: https://opensearch.org/"}
ES7 = {"name": "es7", "version": {"number": "7.17.24", "build_flavor": "default"},
       "tagline": "You Know, for Search"}


@pytest.fixture
def fake_server() -> Iterator[callable]:
    """Start a local HTTP server answering GET / with (status, body, headers); yield a starter."""
    servers: list[ThreadingHTTPServer] = []
    seen: list[dict] = []

    def start(status: int, body: dict, headers: dict[str, str]) -> str:
        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                seen.append(dict(self.headers))
                vendor = "vnd.elasticsearch" in self.headers.get("accept", "")
                if vendor and body is OPENSEARCH:  # what OpenSearch answers the official client
                    self._send(406, {"error": "Content-Type header [application/vnd."
                                              "elasticsearch+json; compatible-with=8] is not "
                                              "supported", "status": 406}, {})
                    return
                self._send(status, body, headers)

            def _send(self, code: int, doc: dict, extra: dict[str, str]) -> None:
                data = json.dumps(doc).encode()
                self.send_response(code)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                for k, v in extra.items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: object) -> None:
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}"

    start.seen = seen  # type: ignore[attr-defined]
    yield start
    for s in servers:
        s.shutdown()
        s.server_close()


def refused(url: str, tmp_path) -> str:
    with pytest.raises(StoreUnavailable) as err:
        open_store(url, DataDir.open(tmp_path), timeout=5)
    return str(err.value)


@pytest.mark.esemu
def test_the_9x_client_is_refused_by_name_on_an_8x_server(es_emulator: str) -> None:
    client = elasticsearch9.Elasticsearch(es_emulator)
    with pytest.raises(StoreUnavailable) as err:
        ElasticStore(client, "spamline-test-v9", where=es_emulator)
    message = str(err.value)
    assert f"{es_emulator} is Elasticsearch 8.15.3 but the client is elasticsearch9" in message
    assert "pip install 'elasticsearch8>=8.15,<9'" in message
    client.close()


@pytest.mark.esemu
def test_a_missing_8x_client_says_what_to_install(es_emulator: str, tmp_path,
                                                  monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "elasticsearch8", None)  # as if not installed
    message = refused(es_emulator, tmp_path)
    assert message == (f"{es_emulator} is Elasticsearch 8.15.3, which needs the official 8.x "
                       "client, and it is not installed: pip install 'elasticsearch8>=8.15,<9'")


@pytest.mark.esemu
def test_the_8x_server_gets_the_8x_client(es_emulator: str, tmp_path) -> None:
    store = open_store(f"{es_emulator}/spamline-test-v8", DataDir.open(tmp_path))
    try:
        assert type(store.es).__module__ == "elasticsearch8"
    finally:
        store.drop()
        store.close()


def test_opensearch_is_refused_clearly(fake_server, tmp_path) -> None:
    url = fake_server(200, OPENSEARCH, {})
    message = refused(url, tmp_path)
    assert message.startswith(f"{url} is OpenSearch 2.17.1, which spamline does not support")
    assert "Elasticsearch 8.x or 9.x" in message
    # the probe asked for plain JSON, so OpenSearch could answer it
    assert fake_server.seen[0]["accept"] == "application/json"


def test_an_official_client_given_to_the_store_on_opensearch_is_refused(fake_server) -> None:
    url = fake_server(200, OPENSEARCH, {})
    with pytest.raises(StoreUnavailable, match="refused the media types of elasticsearch8"):
        ElasticStore(elasticsearch8.Elasticsearch(url, max_retries=0), where=url)


def test_elasticsearch_7_is_refused_with_advice(fake_server, tmp_path) -> None:
    url = fake_server(200, ES7, {"X-Elastic-Product": "Elasticsearch"})
    assert refused(url, tmp_path) == (
        f"{url} is Elasticsearch 7.17.24; spamline supports Elasticsearch 8.x and 9.x: "
        "upgrade the cluster.")


def test_a_server_that_does_not_say_elasticsearch_is_refused(fake_server, tmp_path) -> None:
    url = fake_server(200, {"version": {"number": "8.15.0"}}, {})
    assert "does not say it is Elasticsearch" in refused(url, tmp_path)


def test_refused_credentials_on_connect(fake_server, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("SPAMLINE_ES_USER", "analyst")
    monkeypatch.setenv("SPAMLINE_ES_PASSWORD", "s3cret-pw")
    url = fake_server(401, {"error": "security_exception"}, {})
    message = refused(url, tmp_path)
    assert "refused our credentials (401)" in message and "s3cret-pw" not in message
    assert fake_server.seen[0]["authorization"].startswith("Basic ")


@pytest.mark.parametrize("version, package", [("8.0.0", "elasticsearch8"),
                                              ("8.19.3", "elasticsearch8"),
                                              ("9.0.0", "elasticsearch9"),
                                              ("9.2.1", "elasticsearch9")])
def test_each_major_gets_its_own_client(version: str, package: str) -> None:
    assert client_library(Server("Elasticsearch", version), "here").__name__ == package


@pytest.mark.parametrize("version", ["10.0.0", "6.8.23", ""])
def test_other_majors_are_refused(version: str) -> None:
    with pytest.raises(StoreUnavailable, match="supports Elasticsearch 8.x and 9.x"):
        client_library(Server("Elasticsearch", version), "here")

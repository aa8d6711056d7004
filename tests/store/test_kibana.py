"""`spamline store kibana`: the saved objects, and the import request as Kibana's saved
objects API expects it (checked by a local HTTP server standing in for Kibana)."""
from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from click.testing import CliRunner

from spamline.store.elastic import ENTITY_MAPPINGS, SIGHTING_MAPPING
from spamline.store.kibana import saved_objects
from spamline.cli import main

AGGREGATABLE = {"keyword", "date", "long", "integer"}
FIELDS = {"sightings": SIGHTING_MAPPING["properties"], "networks": ENTITY_MAPPINGS["networks"],
          "domains": ENTITY_MAPPINGS["domains"]}


class FakeKibana(BaseHTTPRequestHandler):
    """Answers one import with server.answer, after keeping what it was sent."""

    def do_POST(self) -> None:  # noqa: N802 (http.server's name)
        body = self.rfile.read(int(self.headers["content-length"]))
        self.server.requests.append((self.path, self.headers, body))  # type: ignore[attr-defined]
        status, answer = self.server.answer  # type: ignore[attr-defined]
        data = json.dumps(answer).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def kibana() -> Iterator[ThreadingHTTPServer]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeKibana)
    server.requests, server.answer = [], (200, {"success": True, "successCount": 9})
    server.url = f"http://127.0.0.1:{server.server_address[1]}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


def uploaded(headers, body: bytes) -> tuple[str, str, list[dict]]:
    """(form field name, file name, saved objects) of a multipart/form-data upload."""
    message = BytesParser(policy=HTTP).parsebytes(
        f"Content-Type: {headers['Content-Type']}\r\n\r\n".encode() + body)
    assert message.is_multipart()
    (part,) = message.iter_parts()
    lines = part.get_payload(decode=True).decode().splitlines()
    return part.get_param("name", header="content-disposition"), part.get_filename(), [
        json.loads(line) for line in lines]


def test_import_request_has_the_shape_kibana_expects(kibana, monkeypatch) -> None:
    monkeypatch.setenv("SPAMLINE_ES_USER", "analyst")
    monkeypatch.setenv("SPAMLINE_ES_PASSWORD", "pw")
    out = CliRunner().invoke(main, ["store", "kibana", "--url", kibana.url + "/s/team",
                                    "--prefix", "team1", "--json"])
    assert out.exit_code == 0, out.output
    assert json.loads(out.stdout) == {
        "imported": 9, "dashboard": f"{kibana.url}/s/team/app/dashboards#/view/spamline-overview"}
    (path, headers, body), = kibana.requests
    assert path == "/s/team/api/saved_objects/_import?overwrite=true"
    assert headers["kbn-xsrf"] == "true"
    assert headers["Authorization"] == "Basic YW5hbHlzdDpwdw=="  # analyst:pw
    assert headers["Content-Type"].startswith("multipart/form-data; boundary=")
    field, filename, objects = uploaded(headers, body)
    assert (field, filename) == ("file", "spamline.ndjson")
    assert objects == saved_objects("team1")
    assert {o["attributes"]["title"] for o in objects if o["type"] == "index-pattern"} == {
        "team1-sightings", "team1-networks", "team1-domains"}


@pytest.mark.parametrize("status, answer, message", [
    (200, {"success": False, "successCount": 0, "errors": [
        {"id": "spamline-sightings", "type": "index-pattern", "error": {"type": "conflict"}}]},
     "did not import the dashboards (status 200): [{'id': 'spamline-sightings'"),
    (401, {"statusCode": 401, "message": "Unauthorized"}, "refused our credentials (401)"),
    (400, {"statusCode": 400, "message": "Invalid file extension .json"},
     "(status 400): Invalid file extension .json"),
])
def test_a_refused_import_exits_1_saying_why(kibana, status, answer, message) -> None:
    kibana.answer = (status, answer)
    result = CliRunner().invoke(main, ["store", "kibana", "--url", kibana.url])
    assert result.exit_code == 1 and message in result.stderr, result.output


def test_saved_objects_reference_each_other_and_real_fields() -> None:
    objects = saved_objects()
    by_id = {(o["type"], o["id"]): o for o in objects}
    assert len(by_id) == len(objects)
    for o in objects:
        for ref in o["references"]:
            assert (ref["type"], ref["id"]) in by_id, (o["id"], ref)
    for o in objects:
        if o["type"] != "visualization":
            continue
        (ref,) = o["references"]
        pattern = by_id[("index-pattern", ref["id"])]["attributes"]["title"]
        fields = FIELDS[pattern.removeprefix("spamline-")]
        for agg in json.loads(o["attributes"]["visState"])["aggs"]:
            if field := agg["params"].get("field"):
                assert fields[field]["type"] in AGGREGATABLE, (o["id"], field)
        search = json.loads(o["attributes"]["kibanaSavedObjectMeta"]["searchSourceJSON"])
        assert search["indexRefName"] == ref["name"]
    for o in objects:
        if time_field := o["attributes"].get("timeFieldName"):
            kind = o["attributes"]["title"].removeprefix("spamline-")
            assert FIELDS[kind][time_field]["type"] == "date"
    dashboard = by_id[("dashboard", "spamline-overview")]
    panels = json.loads(dashboard["attributes"]["panelsJSON"])
    names = {r["name"] for r in dashboard["references"]}
    assert {p["panelRefName"] for p in panels} == names and len(panels) == 5

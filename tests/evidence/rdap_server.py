"""A local RDAP server on 127.0.0.1 (RFC 9083 JSON) that records what it was asked."""
from __future__ import annotations

import http.server
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager


def _vcard(name: str, email: str) -> list:
    return ["vcard", [["version", {}, "text", "4.0"], ["fn", {}, "text", name],
                      ["email", {}, "text", email]]]


def domain_answer(name: str) -> dict:
    return {"objectClassName": "domain", "ldhName": name, "handle": f"D-{name.upper()}",
            "rdapConformance": ["rdap_level_0"],
            "entities": [{"objectClassName": "entity", "handle": "9999", "roles": ["registrar"],
                          "vcardArray": _vcard("Example Registrar Ltd", "info@registrar.test"),
                          "entities": [{"objectClassName": "entity", "roles": ["abuse"],
                                        "vcardArray": _vcard("Abuse desk", "abuse@registrar.test")}]}]}


def ip_answer(addr: str) -> dict:
    return {"objectClassName": "ip network", "handle": "NET-127-0-0-0-1", "name": "LOOPBACK-NET",
            "startAddress": "127.0.0.0", "endAddress": "127.255.255.255", "ipVersion": "v4",
            "rdapConformance": ["rdap_level_0"],
            "entities": [{"objectClassName": "entity", "handle": "HOST-1", "roles": ["registrant"],
                          "vcardArray": _vcard("Example Hosting GmbH", "noc@hosting.test")},
                         {"objectClassName": "entity", "handle": "ABUSE-1", "roles": ["abuse"],
                          "vcardArray": _vcard("Hosting abuse", "abuse@hosting.test")}]}


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802
        self.server.asked.append(self.path)  # type: ignore[attr-defined]
        kind, _, value = self.path.strip("/").partition("/")
        known = self.server.domains  # type: ignore[attr-defined]
        if kind == "domain" and value in known:
            body = domain_answer(value)
        elif kind == "ip" and value.startswith("127."):
            body = ip_answer(value)
        else:
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/rdap+json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        pass


@contextmanager
def rdap_server(domains: set[str]) -> Iterator[http.server.ThreadingHTTPServer]:
    """Serve RDAP for `domains` (registered names) and any 127.x address."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.asked = []  # type: ignore[attr-defined]
    server.domains = domains  # type: ignore[attr-defined]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()

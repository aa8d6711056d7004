"""Reaching an Elasticsearch server with the official client of its major version.

Elastic publishes one client per server major (`elasticsearch8`, `elasticsearch9`); a 9.x
client sends `compatible-with=9`, which 8.x servers reject, and every client refuses a
server that is not Elasticsearch. So before building a client we ask the server what it
is (`GET /` with plain JSON headers, through elastic-transport, which both clients share),
then build the client of that major, or refuse with what we found and what to do.
OpenSearch is refused: spamline's backend is written and tested against Elasticsearch.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass, replace
from types import ModuleType
from typing import Any

from elastic_transport import NodeConfig, Transport, TransportError
from elastic_transport.client_utils import basic_auth_to_header, url_to_node_config

from spamline.store.base import StoreUnavailable

# server major -> (client package, the requirement to install for it)
CLIENTS = {8: ("elasticsearch8", "elasticsearch8>=8.15,<9"),
           9: ("elasticsearch9", "elasticsearch9>=9.0,<9.1")}
JSON = {"accept": "application/json"}


@dataclass(frozen=True)
class Server:
    """What a server says it is in its `GET /` answer."""

    product: str  # "Elasticsearch", "OpenSearch" or "unknown"
    version: str  # "8.15.3"; "" when it gave none

    @property
    def major(self) -> int:
        head = self.version.split(".", 1)[0]
        return int(head) if head.isdigit() else 0


def auth_headers(api_key: str | None = None,
                 basic_auth: tuple[str, str] | None = None) -> dict[str, str]:
    """The Authorization header the clients would send for these credentials."""
    if api_key:
        return {"authorization": f"ApiKey {api_key}"}
    if basic_auth:
        return {"authorization": basic_auth_to_header(basic_auth)}
    return {}


def node(host: str, ca_certs: str | None = None) -> NodeConfig:
    config = url_to_node_config(host)
    return replace(config, ca_certs=ca_certs) if ca_certs else config


def server_of(answer: Any, product_header: str | None) -> Server:
    """Read product and version from a `GET /` body and its X-Elastic-Product header."""
    version = answer.get("version") if isinstance(answer, dict) else None
    number = str(version.get("number", "")) if isinstance(version, dict) else ""
    if isinstance(version, dict) and version.get("distribution") == "opensearch":
        return Server("OpenSearch", number)
    if product_header == "Elasticsearch":
        return Server("Elasticsearch", number)
    return Server("unknown", number)


def probe(config: NodeConfig, headers: dict[str, str], timeout: float, where: str) -> Server:
    """Ask the server what it is, without any client's media types or product check."""
    transport = Transport([config], max_retries=1, retry_on_timeout=True)
    try:
        meta, body = transport.perform_request("GET", "/", headers={**JSON, **headers},
                                               request_timeout=timeout)
    except TransportError as exc:
        raise StoreUnavailable(f"cannot reach Elasticsearch at {where}: {exc.message}. Start "
                               "the server (or fix --store / SPAMLINE_STORE) and try again"
                               ) from exc
    finally:
        transport.close()
    if meta.status in (401, 403):
        raise StoreUnavailable(f"{where} refused our credentials ({meta.status}): set "
                               "SPAMLINE_ES_USER and SPAMLINE_ES_PASSWORD, or SPAMLINE_ES_API_KEY")
    if meta.status != 200:
        raise StoreUnavailable(f"{where} answered GET / with status {meta.status}: is it an "
                               "Elasticsearch server?")
    return server_of(body, meta.headers.get("x-elastic-product"))


def refusal(server: Server, where: str, client: str | None = None) -> str | None:
    """Why we will not talk to this server (with this client package), or None."""
    if server.product == "OpenSearch":
        return (f"{where} is OpenSearch {server.version}, which spamline does not support: "
                "OpenSearch refuses the official Elasticsearch clients (vendor media types, "
                "product check) and the backend is tested against Elasticsearch only. Point "
                "--store at Elasticsearch 8.x or 9.x (deploy/ has a compose file).")
    if server.product != "Elasticsearch":
        return (f"{where} does not say it is Elasticsearch (no 'X-Elastic-Product: "
                f"Elasticsearch' header; version {server.version or 'not given'}). Point "
                "--store at Elasticsearch 8.x or 9.x.")
    if server.major not in CLIENTS:
        advice = ("upgrade the cluster" if server.major < min(CLIENTS)
                  else "use a spamline release that supports it")
        return (f"{where} is Elasticsearch {server.version}; spamline supports "
                f"Elasticsearch {' and '.join(f'{m}.x' for m in CLIENTS)}: {advice}.")
    package, requirement = CLIENTS[server.major]
    if client is not None and client != package:
        return (f"{where} is Elasticsearch {server.version} but the client is {client}: "
                f"each major needs its own client (a newer one sends a compatible-with header "
                f"older servers reject). Use {package} (pip install '{requirement}').")
    return None


def client_library(server: Server, where: str) -> ModuleType:
    """The installed official client package for this server, or StoreUnavailable."""
    if reason := refusal(server, where):
        raise StoreUnavailable(reason)
    package, requirement = CLIENTS[server.major]
    try:
        return importlib.import_module(package)
    except ImportError as exc:
        raise StoreUnavailable(
            f"{where} is Elasticsearch {server.version}, which needs the official "
            f"{server.major}.x client, and it is not installed: pip install '{requirement}'"
        ) from exc


def library_of(client: Any) -> str:
    """The client package a client object comes from ("elasticsearch8", ...)."""
    return type(client).__module__.split(".", 1)[0]

"""A running sample network and a tiny HTTP client that sends the Host header to 127.0.0.1."""
from __future__ import annotations

import http.client
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest

from spamline.samplenet import SampleNetworkServer


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: bytes


def fetch(url: str, method: str = "GET") -> Response:
    """Fetch `url` from the loopback server, whatever host name it carries."""
    parts = urlsplit(url)
    conn = http.client.HTTPConnection("127.0.0.1", parts.port, timeout=10)
    try:
        conn.request(method, parts.path + (f"?{parts.query}" if parts.query else ""),
                     headers={"Host": parts.netloc})
        resp = conn.getresponse()
        return Response(resp.status, resp.headers, resp.read())
    finally:
        conn.close()


@pytest.fixture(scope="module")
def server():
    with SampleNetworkServer(seed=1) as srv:
        yield srv

"""Which backends the store tests can reach."""
from __future__ import annotations

import os
import socket

ES_URL = os.environ.get("SPAMLINE_ES_URL")
ES_SKIP = "set SPAMLINE_ES_URL=http://127.0.0.1:9200 to run against a real server"


def closed_port() -> int:
    """A local TCP port nothing listens on: a store that is down."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]

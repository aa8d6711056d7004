"""Which backends the store tests can reach."""
from __future__ import annotations

import os

ES_URL = os.environ.get("SPAMLINE_ES_URL")
ES_SKIP = "set SPAMLINE_ES_URL=http://127.0.0.1:9200 to run against a real server"

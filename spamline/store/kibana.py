"""Kibana dashboards for the Elasticsearch store, loaded through Kibana's saved objects API.

`kibana.ndjson` (beside this module) holds three data views (`P-sightings` by
`captured_at`, `P-networks`, `P-domains` by `first_seen`), five visualizations (sightings
over time by number, by claimed brand and by domain; top networks; new domains per day)
and the dashboard `spamline-overview` that shows them. `load_dashboards` posts them to
`POST /api/saved_objects/_import?overwrite=true` (multipart field `file`, header
`kbn-xsrf`), so loading twice replaces rather than duplicates.
"""
from __future__ import annotations

import json
from importlib.resources import files
from typing import Any

import urllib3

from spamline.store.elastic import env_auth
from spamline.store.esclient import auth_headers

DASHBOARD_ID = "spamline-overview"
IMPORT_PATH = "/api/saved_objects/_import?overwrite=true"


class KibanaError(RuntimeError):
    """Kibana could not be reached or refused the import; the message says what to do."""


def saved_objects(prefix: str = "spamline") -> list[dict]:
    """The saved objects, with data views pointing at the indices of `prefix`."""
    text = (files("spamline.store") / "kibana.ndjson").read_text(encoding="utf-8")
    objects = [json.loads(line) for line in text.splitlines() if line.strip()]
    for obj in objects:
        if obj["type"] == "index-pattern":
            title = prefix + obj["attributes"]["title"].removeprefix("spamline")
            obj["attributes"].update(title=title, name=title)
    return objects


def load_dashboards(url: str, prefix: str = "spamline", timeout: float = 30,
                    ca_certs: str | None = None) -> dict[str, Any]:
    """Import the saved objects into the Kibana at `url`; Kibana's answer
    (`successCount`, ...). Credentials as for the store (SPAMLINE_ES_*)."""
    body = "".join(json.dumps(o, ensure_ascii=False) + "\n" for o in saved_objects(prefix))
    http = urllib3.PoolManager(ca_certs=ca_certs, retries=False,
                               timeout=urllib3.Timeout(total=timeout))
    target = url.rstrip("/") + IMPORT_PATH
    try:
        resp = http.request(
            "POST", target, headers={"kbn-xsrf": "true", **auth_headers(**env_auth())},
            fields={"file": ("spamline.ndjson", body.encode(), "application/ndjson")})
    except urllib3.exceptions.HTTPError as exc:
        raise KibanaError(f"cannot reach Kibana at {url}: {exc}. Start Kibana (or fix --url) "
                          "and try again") from exc
    try:
        answer = json.loads(resp.data)
    except ValueError:
        answer = {}
    if resp.status in (401, 403):
        raise KibanaError(f"Kibana at {url} refused our credentials ({resp.status}): set "
                          "SPAMLINE_ES_USER and SPAMLINE_ES_PASSWORD, or SPAMLINE_ES_API_KEY")
    if resp.status != 200 or not answer.get("success"):
        problems = answer.get("errors") or answer.get("message") or resp.data[:200]
        raise KibanaError(f"Kibana at {url} did not import the dashboards (status "
                          f"{resp.status}): {problems}")
    return answer

"""`spamline recheck` against the sample network as it removes, changes and restores pages."""
from __future__ import annotations

import json
import time

from spamline.datadir import DataDir
from spamline.jobs.recheck import (
    BACK,
    GONE,
    LIVE_SAME,
    NUMBER_CHANGED,
    brand_takedowns,
    recheck_history,
    spam_urls,
)
from spamline.samplenet import SampleNetworkServer
from spamline.store import open_store
from tests.jobs.conftest import spamline

NEW = "+864001002000"


def recheck(data, srv: SampleNetworkServer, host: str, port: int, *urls: str) -> dict[str, dict]:
    time.sleep(1.0)  # captures are dated to the second; keep each check distinct
    out = spamline("recheck", "--data-dir", str(data), "--allow-private", "--resolve",
                   f"{host}=127.0.0.1", "--json", *[a for u in urls for a in ("--url", u)])
    return {row["url"]: row for row in map(json.loads, out.stdout.splitlines())}


def test_recheck_records_takedowns_changes_and_returns(tmp_path) -> None:
    data = tmp_path / "data"
    with SampleNetworkServer(seed=1, pages_per_site=4) as srv:
        host, port = srv.network.hosts[0], srv.port
        spamline("crawl", srv.url(host), "--depth", "1", "--data-dir", str(data), "--allow-private",
                 "--resolve", f"{host}=127.0.0.1", "--no-progress", "--job", "baseline")
        with open_store(None, DataDir.open(data)) as store:
            known = spam_urls(store)
        removed, changed, same = (srv.url(host, f"/fuwu/{i}.html") for i in (1, 2, 3))
        assert {removed, changed, same} <= set(known)
        old = min(srv.page_truth(changed).numbers)
        srv.remove(removed, status=404)
        srv.change_number(changed, old, NEW)

        first = recheck(data, srv, host, port, removed, changed, same)
        assert first[removed]["state"] == GONE and first[removed]["reason"] == "http 404"
        assert first[changed]["state"] == NUMBER_CHANGED and NEW in first[changed]["numbers"]
        assert old not in first[changed]["numbers"]
        assert first[same]["state"] == LIVE_SAME

        srv.restore(removed)
        srv.restore(changed)
        second = recheck(data, srv, host, port, removed, changed, same)
        assert second[removed]["state"] == BACK
        assert second[removed]["gone_at"] == first[removed]["last_checked"]
        assert second[removed]["back_at"] == second[removed]["last_checked"]
        assert second[changed]["state"] == NUMBER_CHANGED and old in second[changed]["numbers"]
        assert second[same]["state"] == LIVE_SAME and second[same]["checks"] == 3
        assert second[same]["since"] == first[same]["since"] == first[same]["first_seen"]

    # The server is gone: connections are refused.
    third = recheck(data, srv, host, port, removed, same)
    assert {row["state"] for row in third.values()} == {GONE}
    assert {row["reason"] for row in third.values()} == {"refused"}
    assert third[same]["gone_at"] == third[same]["last_checked"]

    with open_store(None, DataDir.open(data)) as store:
        status = recheck_history(store, removed)
        brand = next(c.brands[0] for c in store.captures(url=removed) if c.brands)
        takedowns = {s.url: s for s in brand_takedowns(store, brand)}
    assert [c.state for c in status.history] == ["first_seen", GONE, BACK, GONE]
    assert [c.status for c in status.history] == [200, 404, 200, 0]
    # Brand owners see the same status for the pages that misuse their brand.
    assert takedowns[removed].state == GONE and takedowns[removed].back_at == status.back_at

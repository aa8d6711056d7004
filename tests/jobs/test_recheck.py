"""`spamline recheck` against the sample network as it removes, changes and restores pages."""
from __future__ import annotations

import json
import time
from pathlib import Path

from click.testing import CliRunner

from spamline.cli import main
from spamline.datadir import DataDir
from spamline.jobs.recheck import (
    BACK,
    GONE,
    LIVE_SAME,
    NUMBER_CHANGED,
    UNREACHABLE,
    brand_takedowns,
    recheck_history,
    spam_urls,
)
from spamline.samplenet import SampleNetworkServer
from spamline.store import open_store
from tests.jobs.conftest import Site, html, spamline

NEW = "+864001002000"


def recheck(data: Path, resolve: list[str], *urls: str) -> dict[str, dict]:
    time.sleep(1.0)  # captures are dated to the second; keep each check distinct
    out = spamline("recheck", "--data-dir", str(data), "--allow-private", *resolve, "--json",
                   *[a for u in urls for a in ("--url", u)])
    return {row["url"]: row for row in map(json.loads, out.stdout.splitlines())}


def test_recheck_records_takedowns_changes_and_returns(tmp_path: Path, site: Site) -> None:
    data = tmp_path / "data"
    closed = site.put("closed.test", "/", html("spam", "客服热线 400-812-3456"))
    with SampleNetworkServer(seed=1, pages_per_site=4) as srv:
        host = srv.network.hosts[0]
        resolve = ["--resolve", f"{host}=127.0.0.1", "--resolve", "closed.test=127.0.0.1"]
        spamline("crawl", srv.url(host), closed, "--depth", "1", "--data-dir", str(data),
                 "--allow-private", *resolve, "--no-progress", "--job", "baseline")
        with open_store(None, DataDir.open(data)) as store:
            known = spam_urls(store)
        removed, changed, same = (srv.url(host, f"/fuwu/{i}.html") for i in (1, 2, 3))
        assert {removed, changed, same, closed} <= set(known)
        old = min(srv.page_truth(changed).numbers)
        srv.remove(removed, status=404)
        srv.change_number(changed, old, NEW)
        site.stop()  # closed.test's server is gone: connections are refused

        first = recheck(data, resolve, removed, changed, same, closed)
        assert first[removed]["state"] == GONE and first[removed]["reason"] == "http 404"
        assert first[changed]["state"] == NUMBER_CHANGED and NEW in first[changed]["numbers"]
        assert old not in first[changed]["numbers"]
        assert first[same]["state"] == LIVE_SAME
        # a server that refuses connections is no evidence of a takedown
        assert first[closed]["state"] == UNREACHABLE
        assert first[closed]["reason"] == "connection refused" and first[closed]["gone_at"] is None

        srv.restore(removed)
        srv.restore(changed)
        second = recheck(data, resolve, removed, changed, same)
        assert second[removed]["state"] == BACK
        assert second[removed]["gone_at"] == first[removed]["last_checked"]
        assert second[removed]["back_at"] == second[removed]["last_checked"]
        assert second[changed]["state"] == NUMBER_CHANGED and old in second[changed]["numbers"]
        assert second[same]["state"] == LIVE_SAME and second[same]["checks"] == 3
        assert second[same]["since"] == first[same]["since"] == first[same]["first_seen"]

    with open_store(None, DataDir.open(data)) as store:
        status = recheck_history(store, removed)
        brand = next(c.brands[0] for c in store.captures(url=removed) if c.brands)
        takedowns = {s.url: s for s in brand_takedowns(store, brand)}
        gone = recheck_history(store, closed)
    assert [c.state for c in status.history] == ["first_seen", GONE, BACK]
    assert [c.status for c in status.history] == [200, 404, 200]
    assert [c.status for c in gone.history] == [200, 0]
    # Brand owners see the same status for the pages that misuse their brand.
    assert takedowns[removed].state == BACK and takedowns[removed].back_at == status.back_at
    # Reading the status fetches nothing.
    shown = CliRunner().invoke(main, ["recheck", "--no-fetch", "--brand", brand, "--data-dir",
                                      str(data)])
    assert shown.exit_code == 0, shown.output
    line = next(ln for ln in shown.output.splitlines() if f" {removed} " in ln)
    assert line.startswith(BACK) and f"back {status.back_at}" in line
    # ... and `spamline brand report` shows it beside each sighting.
    report = CliRunner().invoke(main, ["brand", "report", brand, "--json", "--data-dir", str(data)])
    rows = [json.loads(x) for x in report.output.splitlines()]
    mine = [r for r in rows if r["url"] == removed]
    assert mine and {(r["page_state"], r["back_at"]) for r in mine} == {(BACK, status.back_at)}
    table = CliRunner().invoke(main, ["brand", "report", brand, "--data-dir", str(data)]).output
    assert "page now" in table and "pages now:" in table

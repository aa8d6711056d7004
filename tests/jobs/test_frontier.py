"""Two crawler processes share one job through a real Redis frontier (scrapy-redis)."""
from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
import redis
from warcio.archiveiterator import ArchiveIterator

from spamline.datadir import DataDir
from spamline.store import open_store
from tests.jobs.conftest import ROOT, Site, html

PAGES = 48


def build_site(site: Site) -> list[str]:
    """A binary tree of pages with a chain through it: every page reachable from /p/0."""
    urls = []
    for i in range(PAGES):
        links = [f"/p/{j}" for j in (i + 1, 2 * i + 1, 2 * i + 2) if j < PAGES]
        urls.append(site.put("net.test", f"/p/{i}",
                             html(f"page {i}", f"客服热线 400-812-{3000 + i}", links)))
        site.delay[f"/p/{i}"] = 0.3
    return urls


def start_workers(tmp_path: Path, site: Site, redis_url: str) -> list[subprocess.Popen]:
    config = tmp_path / "jobs.toml"
    config.write_text(f"""
[[jobs]]
name = "shared"
frontier = "{redis_url}"
seeds = {{ urls = ["{site.url('net.test', '/p/0')}"] }}
[jobs.politeness]
concurrency = 2
[jobs.network]
allow_private = true
resolve = {{ "net.test" = "127.0.0.1" }}
[jobs.settings]
AUTOTHROTTLE_ENABLED = false
RETRY_TIMES = 0
SPAMLINE_FRONTIER_IDLE = 2
SPAMLINE_FRONTIER_LEASES = 2
""")
    store = f"sqlite:{tmp_path / 'shared.db'}"
    return [subprocess.Popen([sys.executable, "-m", "spamline", "schedule", "run-job", str(config),
                              "shared", "--data-dir", str(tmp_path / f"worker{n}"), "--store", store],
                             cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
            for n in (1, 2)]


def warc_pages(data: Path) -> Counter:
    """Response records per URL in a worker's WARC files."""
    found: Counter = Counter()
    for path in (data / "warcs").glob("*.warc.gz"):
        with path.open("rb") as f:
            for record in ArchiveIterator(f):
                uri = record.rec_headers.get_header("WARC-Target-URI") or ""
                if record.rec_type == "response" and "/p/" in uri:
                    found[uri] += 1
    return found


def wait_until_both_work(site: Site, redis_url: str, workers: list[subprocess.Popen]) -> None:
    """Until each worker has held leases (fetched pages) and a quarter of the site is done."""
    client = redis.Redis.from_url(redis_url)
    leasing: set[bytes] = set()
    deadline = time.monotonic() + 60
    while not (len(leasing) == 2 and sum(site.page_hits("/p/").values()) >= PAGES // 4):
        assert all(w.poll() is None for w in workers), "a worker ended before sharing the job"
        assert time.monotonic() < deadline, "the workers did not both start"
        leasing |= {k for k in client.scan_iter("spamline:shared:inflight:*") if client.hlen(k)}
        time.sleep(0.05)


def finish(workers: list[subprocess.Popen]) -> None:
    for w in workers:
        try:
            w.wait(timeout=60)
        finally:
            if w.poll() is None:
                w.kill()
                w.wait()


@pytest.mark.redis
def test_two_workers_share_the_frontier_and_a_stopped_one_loses_nothing(
        tmp_path: Path, site: Site, redis_url: str) -> None:
    urls = build_site(site)
    workers = start_workers(tmp_path, site, redis_url)
    try:
        wait_until_both_work(site, redis_url, workers)
        workers[0].send_signal(signal.SIGINT)  # Ctrl-C one worker mid-crawl
    finally:
        finish(workers)
    assert workers[1].returncode == 0, workers[1].stdout.read().decode()
    hits = site.page_hits("/p/")
    assert sorted(hits) == sorted(f"net.test/p/{i}" for i in range(PAGES))
    assert set(hits.values()) == {1}, "a page was fetched twice"
    one, two = warc_pages(tmp_path / "worker1"), warc_pages(tmp_path / "worker2")
    assert one and two, "both workers must have fetched pages"
    assert not set(one) & set(two) and set(one) | set(two) == set(urls)
    with open_store(f"sqlite:{tmp_path / 'shared.db'}", DataDir.open(tmp_path / "worker1")) as store:
        assert {c.url for c in store.captures(domain="net.test")} == set(urls)
    # The job is done: its duplicate filter is cleared so the next run crawls afresh.
    assert not redis.Redis.from_url(redis_url).exists("spamline:shared:dupefilter")


@pytest.mark.redis
@pytest.mark.slow  # two more crawl processes; run with --runslow
def test_a_killed_worker_s_pages_are_fetched_by_the_other(
        tmp_path: Path, site: Site, redis_url: str) -> None:
    build_site(site)
    workers = start_workers(tmp_path, site, redis_url)
    try:
        wait_until_both_work(site, redis_url, workers)
        workers[0].send_signal(signal.SIGKILL)  # no chance to clean up
    finally:
        finish(workers)
    assert workers[1].returncode == 0
    hits = site.page_hits("/p/")
    assert sorted(hits) == sorted(f"net.test/p/{i}" for i in range(PAGES)), "a page was lost"
    # At least once: only the pages the killed worker had in flight may be fetched again.
    assert sum(hits.values()) - PAGES <= 4
    assert "requeued" in (tmp_path / "worker2" / "jobs" / "shared" / "crawl.log").read_text()

"""A hostile server cannot hang, trap or exhaust a crawl: each fault meets a limit, with a logged reason."""
from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest
from warcio.archiveiterator import ArchiveIterator

from spamline.crawler import settings as defaults
from spamline.datadir import DataDir
from spamline.store import open_store
from tests.reliability.conftest import crawl_proc
from tests.reliability.faultserver import FANOUT, NUMBER, FaultServer

TRAP_CAP = 30
HOSTS = {"faults.test": "127.0.0.1", "trap.test": "127.0.0.1"}


@pytest.fixture(scope="module")
def faults() -> Iterator[FaultServer]:
    with FaultServer() as srv:
        yield srv


@pytest.fixture(scope="module")
def crawled(faults: FaultServer, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """One crawl of every fault (the production limits, with a short timeout), its peak RSS and log."""
    data = tmp_path_factory.mktemp("faults")
    proc = crawl_proc([faults.url("/"), faults.url("/trap/0", host="trap.test")], data,
                      host_map=HOSTS, settings={"DOWNLOAD_TIMEOUT": 10, "RETRY_TIMES": 0,
                                                "SPAMLINE_MAX_PAGES_PER_HOST": TRAP_CAP})
    peak = 0
    ps = psutil.Process(proc.pid)
    while proc.poll() is None:
        try:
            peak = max(peak, ps.memory_info().rss)
        except psutil.NoSuchProcess:
            break
        try:
            proc.wait(0.2)
        except subprocess.TimeoutExpired:
            pass  # still crawling
    out, err = proc.communicate()
    assert proc.returncode == 0, f"crawl crashed:\n{out}\n{err[-4000:]}"
    log = (data / "jobs" / "faults" / "crawl.log").read_text(encoding="utf-8", errors="replace")
    with open_store(None, DataDir.open(data)) as store:
        captures = {c.url: c for c in store.iter_captures()}
    return {"data": data, "log": log, "peak_rss": peak, "captures": captures}


def test_production_limits_are_set() -> None:
    assert defaults.DOWNLOAD_TIMEOUT <= 60
    assert defaults.DOWNLOAD_MAXSIZE <= 16 * 1024 * 1024
    assert 0 < defaults.DOWNLOAD_WARNSIZE <= defaults.DOWNLOAD_MAXSIZE
    assert 0 < defaults.REDIRECT_MAX_TIMES <= 20
    assert 0 < defaults.DEPTH_LIMIT <= 20
    assert 0 < defaults.SPAMLINE_MAX_PAGES_PER_HOST


def test_crawl_ends_within_memory(crawled: dict) -> None:
    # a 50 MB body or a 1 GB gzip bomb held in memory would show here
    assert crawled["peak_rss"] < 400 * 1024 * 1024, crawled["peak_rss"]


def test_hang_times_out_with_reason(crawled: dict) -> None:
    assert "/hang" in crawled["log"]
    assert "took longer than 10" in crawled["log"]


def test_reset_is_logged(crawled: dict, faults: FaultServer) -> None:
    lines = [l for l in crawled["log"].splitlines() if "/reset" in l and "could not fetch" in l]
    assert lines, "a reset connection is reported"


def test_redirect_loop_stops_at_the_limit(crawled: dict, faults: FaultServer) -> None:
    hops = sum(n for p, n in faults.fetch_counts.items() if p.startswith("/loop/"))
    assert hops <= defaults.REDIRECT_MAX_TIMES + 1
    assert "max redirections reached" in crawled["log"]


def test_endless_pagination_is_capped(crawled: dict, faults: FaultServer) -> None:
    pages = sum(n for p, n in faults.fetch_counts.items() if p.startswith("/trap/"))
    assert TRAP_CAP <= pages <= TRAP_CAP + FANOUT + 1, pages
    assert "per-host cap of 30 pages" in crawled["log"]


@pytest.mark.parametrize("path", ["/big", "/big-chunked"])
def test_huge_body_is_cancelled(crawled: dict, path: str) -> None:
    assert any(path in l and "max size" in l for l in crawled["log"].splitlines()), \
        f"no logged size limit for {path}"
    assert not any(u.endswith(path) for u in crawled["captures"])


def test_gzip_bomb_is_stopped(crawled: dict) -> None:
    assert any("/bomb" in l and "DOWNLOAD_MAXSIZE" in l and "decompress" in l
               for l in crawled["log"].splitlines())
    assert not any(u.endswith("/bomb") for u in crawled["captures"])


def test_binary_bodies_are_archived_without_text(crawled: dict) -> None:
    for path in ("/binary", "/binary-html"):
        capture = next(c for u, c in crawled["captures"].items() if u.endswith(path))
        assert capture.status == 200
        assert not capture.hits


@pytest.mark.parametrize("path", ["/charset/wrong", "/charset/missing", "/broken"])
def test_bad_encodings_and_broken_html_still_yield_the_number(crawled: dict, path: str) -> None:
    capture = next(c for u, c in crawled["captures"].items() if u.endswith(path))
    assert NUMBER in {h.e164 for h in capture.hits}, (path, capture.encoding, capture.text[:200])


def test_warcs_stay_valid(crawled: dict) -> None:
    warcs = sorted((crawled["data"] / "warcs").glob("*.warc.gz"))
    assert warcs
    for path in warcs:
        with path.open("rb") as f:
            for record in ArchiveIterator(f, check_digests="raise"):
                record.content_stream().read()

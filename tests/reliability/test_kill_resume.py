"""kill -9 a crawl at seeded random points, resume it: every page stored exactly once, WARCs valid."""
from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from spamline.datadir import DataDir
from spamline.samplenet import SampleNetworkServer
from spamline.store import open_store
from tests.crawler.conftest import crawl_args, run_spamline


def page_fetches(srv: SampleNetworkServer) -> int:
    return sum(n for u, n in srv.fetch_counts.items()
               if not u.endswith(("/robots.txt", "/sitemap.xml")))


def kill_after(srv: SampleNetworkServer, data_dir: Path, fetches: int, timeout: float = 120) -> None:
    """Start the crawl and SIGKILL it once the server has answered `fetches` more pages."""
    start = page_fetches(srv)
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "spamline", *crawl_args(srv, data_dir)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    deadline = time.monotonic() + timeout
    while page_fetches(srv) - start < fetches and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    proc.send_signal(signal.SIGKILL)
    assert proc.wait(30) == -signal.SIGKILL, "the crawl ended before the kill point"


def check_warcs(data_dir: Path) -> int:
    """Read every record of every WARC with digest checks (and `warcio check`); return responses."""
    responses = 0
    warcs = sorted((data_dir / "warcs").glob("*.warc.gz"))
    assert warcs, "the crawl wrote WARCs"
    for path in warcs:
        with path.open("rb") as f:
            for record in ArchiveIterator(f, check_digests="raise"):
                record.content_stream().read()
                responses += record.rec_type == "response"
    check = subprocess.run([sys.executable, "-m", "warcio.cli", "check", *map(str, warcs)],
                           capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    return responses


def kill_and_resume(seed: int, kills: int, tmp_path: Path) -> None:
    rng = random.Random(seed)
    with SampleNetworkServer(seed=seed, pages_per_site=6) as srv:
        pages = set(srv.ground_truth.pages)
        for _ in range(kills):
            kill_after(srv, tmp_path, rng.randrange(1, len(pages) // kills))
        run_spamline(*crawl_args(srv, tmp_path))
        fetched = {u for u in srv.fetch_counts if u in pages}
    with open_store(None, DataDir.open(tmp_path)) as store:
        captures = Counter(c.url for c in store.iter_captures())
        sightings = Counter((s.url, s.e164, s.start) for s in store.iter_sightings())
    problems = {
        "never fetched": sorted(pages - fetched),
        "lost (no capture)": sorted(pages - set(captures)),
        "stored more than once": sorted(u for u, n in captures.items() if n > 1),
        "duplicate sightings": sorted({k[0] for k, n in sightings.items() if n > 1}),
    }
    assert not any(problems.values()), {k: (len(v), v[:3]) for k, v in problems.items()}
    assert check_warcs(tmp_path) >= len(pages)


def test_kill9_twice_then_resume(tmp_path: Path) -> None:
    kill_and_resume(11, kills=2, tmp_path=tmp_path)


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(20, 28))
def test_kill9_many_times_then_resume(seed: int, tmp_path: Path) -> None:
    kill_and_resume(seed, kills=5, tmp_path=tmp_path)

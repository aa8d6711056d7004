"""The store's disk filling mid-batch (spool, then replay) and a full data dir (clear error,
nothing corrupt, resumable).

They need small tmpfs mounts; the tests skip where the runner may not mount (not root,
or no CAP_SYS_ADMIN in a container). A read-only bind mount cannot be used for the store:
Linux refuses to remount read-only while SQLite holds the file open for writing.
"""
from __future__ import annotations

import sqlite3
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from spamline.datadir import DataDir
from spamline.samplenet import SampleNetworkServer
from spamline.store import open_store
from tests.crawler.conftest import crawl_args, run_spamline
from tests.reliability.conftest import crawl


def _mount(*args: str) -> None:
    subprocess.run(["mount", *args], check=True, capture_output=True, text=True)


@contextmanager
def mounted(*args: str, target: Path) -> Iterator[Path]:
    target.mkdir(parents=True, exist_ok=True)
    try:
        _mount(*args, str(target))
    except (subprocess.CalledProcessError, FileNotFoundError) as exc:
        pytest.skip(f"cannot mount a tmpfs here ({exc}); run as root with CAP_SYS_ADMIN")
    try:
        yield target
    finally:
        subprocess.run(["umount", "-l", str(target)], capture_output=True)


def stored(store_url: str | None, data: Path) -> tuple[Counter, Counter]:
    """Captures per URL and sightings per (url, number, offset) in the store."""
    with open_store(store_url, DataDir.open(data)) as store:
        return (Counter(c.url for c in store.iter_captures()),
                Counter((s.url, s.e164, s.start) for s in store.iter_sightings()))


def check_warcs(data: Path) -> None:
    for path in sorted((data / "warcs").glob("*.warc.gz")):
        with path.open("rb") as f:
            for record in ArchiveIterator(f, check_digests="raise"):
                record.content_stream().read()


def test_store_disk_filling_mid_crawl_spools_then_replays(tmp_path: Path) -> None:
    """The store's own disk fills mid-batch: SQLite refuses, captures go to the spool, and
    `spamline store replay` (after space is freed) stores every page exactly once."""
    data, store_dir = tmp_path / "data", tmp_path / "store"
    store_url = f"sqlite:{store_dir / 'spamline.db'}"
    with mounted("-t", "tmpfs", "-o", "size=400k", "tmpfs", target=store_dir), \
            SampleNetworkServer(seed=3, pages_per_site=6) as srv:
        run_spamline(*crawl_args(srv, data, "--store", store_url), timeout=180)
        pages, truth = set(srv.ground_truth.pages), srv.ground_truth
        log = next((data / "jobs").glob("*/crawl.log")).read_text(encoding="utf-8")
        assert "spamline store replay" in log, "the crawl said how to recover"
        spooled = sum(1 for _ in (data / "spool").glob("*.jsonl") for _ in _.open())
        assert spooled > 0, "captures were spooled when the store's disk filled"
        _mount("-o", "remount,size=64m", str(store_dir))  # space freed
        run_spamline("store", "replay", "--data-dir", str(data), "--store", store_url)
        captures, sightings = stored(store_url, data)
    assert pages <= set(captures), f"lost: {sorted(pages - set(captures))[:5]}"
    assert max(captures.values()) == 1 and max(sightings.values()) == 1, "stored exactly once"
    found: dict[str, set[str]] = {}
    for url, e164, _ in sightings:
        found.setdefault(url, set()).add(e164)
    assert truth.score(found).recall >= 0.99


def test_full_disk_is_refused_with_a_clear_error(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with mounted("-t", "tmpfs", "-o", "size=1m", "tmpfs", target=data), \
            SampleNetworkServer(seed=4, pages_per_site=6) as srv:
        proc = run_spamline(*crawl_args(srv, data), check=False, timeout=180)
        assert proc.returncode == 1, proc.stdout + proc.stderr
        assert "Traceback" not in proc.stderr, proc.stderr[-3000:]
        assert "full" in proc.stderr and "resume" in proc.stderr, proc.stderr
        check_warcs(data)
        with sqlite3.connect(data / "spamline.db") as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


@pytest.mark.slow
def test_disk_filling_mid_crawl_stops_cleanly_and_resumes(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with mounted("-t", "tmpfs", "-o", "size=7m", "tmpfs", target=data), \
            SampleNetworkServer(seed=5, pages_per_site=40) as srv:
        hosts = srv.host_map
        first = crawl(srv.seed_urls, data, host_map=hosts, job="full",
                      settings={"SPAMLINE_MIN_FREE_MB": 6})
        assert first["finish_reason"] == "disk_full" and first["resumable"], first
        assert first["pages"] > 0
        _mount("-o", "remount,size=64m", str(data))
        second = crawl(srv.seed_urls, data, host_map=hosts, job="full",
                       settings={"SPAMLINE_MIN_FREE_MB": 6})
        assert second["finish_reason"] == "finished" and second["pages"] > 0, second
        pages = set(srv.ground_truth.pages)
        twice = {u: n for u, n in srv.fetch_counts.items() if u in pages and n > 1}
        check_warcs(data)
        captures, sightings = stored(None, data)
    assert not twice, f"fetched twice: {list(twice)[:5]}"
    assert pages <= set(captures), f"lost: {sorted(pages - set(captures))[:5]}"
    assert max(captures.values()) == 1 and max(sightings.values()) == 1

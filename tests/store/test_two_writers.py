"""Two crawler processes writing to one store at the same time lose and duplicate nothing.

Both crawl the whole sample network, each with its own data dir (WARCs) and the same
store, in batches of two captures so their writes interleave: SQLite (one file), the
ES-API emulator (noida-db, not a real Elasticsearch) and a real server if SPAMLINE_ES_URL.
"""
from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from spamline.datadir import DataDir
from spamline.samplenet import SampleNetworkServer
from spamline.store import Store, open_store
from spamline.evidence.records import read_location

from .conftest import ES_KINDS, es_base, es_prefix
from .sample import sample_crawl

JOBS = """
[[jobs]]
name = "{name}"
every = "1d"
store = "{store}"
seeds = {{ urls = {seeds} }}
[jobs.network]
allow_private = true
resolve = {resolve}
[jobs.settings]
SPAMLINE_STORE_BATCH = 2
"""


def toml_list(items) -> str:
    return "[" + ", ".join(f'"{i}"' for i in items) + "]"


def start_writer(tmp_path: Path, name: str, store_url: str,
                 srv: SampleNetworkServer) -> subprocess.Popen:
    resolve = "{ " + ", ".join(f'"{h}" = "{ip}"' for h, ip in srv.host_map.items()) + " }"
    config = tmp_path / f"{name}.toml"
    config.write_text(JOBS.format(name=name, store=store_url, seeds=toml_list(srv.seed_urls),
                                  resolve=resolve))
    return subprocess.Popen(
        [sys.executable, "-m", "spamline", "schedule", "run-job", str(config), name,
         "--data-dir", str(tmp_path / name)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"})


def check_nothing_lost_or_doubled(store: Store, tmp_path: Path, pages: set[str]) -> None:
    captures = list(store.iter_captures())
    per_job = Counter((c.job, c.url) for c in captures)
    assert set(per_job.values()) == {1}, "a page stored twice for one crawler"
    urls = {job: {u for j, u in per_job if j == job} for job in ("writer-a", "writer-b")}
    assert urls["writer-a"] == urls["writer-b"] and pages <= urls["writer-a"], "a page lost"
    assert len({c.capture_id for c in captures}) == len(captures)
    for c in captures:  # each capture points at its own crawler's WARC record
        record = read_location(tmp_path / c.job / "warcs", c.warc)
        assert (record.url, record.record_id) == (c.url, c.warc.record_id)
    sightings = list(store.iter_sightings())
    assert Counter(s.capture_id for s in sightings) == Counter(
        {c.capture_id: len(c.hits) for c in captures if c.hits})
    counts = store.counts()
    assert (counts["captures"], counts["sightings"]) == (len(captures), len(sightings))
    assert counts["pages"] == len(urls["writer-a"])
    numbers = {s.e164 for s in sightings}
    assert counts["numbers"] == len(numbers)
    for e164 in sorted(numbers)[:20]:  # spans merged from both writers, in any order
        seen = sorted(s.captured_at for s in sightings if s.e164 == e164)
        profile = store.number_profile(e164)
        assert (profile.first_seen, profile.last_seen) == (seen[0], seen[-1])


@pytest.mark.parametrize("backend", ["sqlite", *ES_KINDS])
def test_two_crawlers_one_store(backend: str, request, tmp_path: Path) -> None:
    if backend == "sqlite":
        store_url = f"sqlite:{tmp_path / 'shared.db'}"
    else:
        store_url = f"{es_base(request, backend)}/{es_prefix()}"
    with SampleNetworkServer(seed=5, pages_per_site=3) as srv:
        writers = [start_writer(tmp_path, name, store_url, srv)
                   for name in ("writer-a", "writer-b")]
        outputs = [w.communicate(timeout=240)[0] for w in writers]
        assert [w.returncode for w in writers] == [0, 0], outputs
        pages = set(srv.ground_truth.pages)
    with open_store(store_url, DataDir.open(tmp_path / "reader")) as store:
        try:
            check_nothing_lost_or_doubled(store, tmp_path, pages)
        finally:
            if backend != "sqlite":
                store.drop()


def test_what_a_closed_writer_wrote_is_visible_to_the_next_reader(es_url: str,
                                                                  tmp_path: Path) -> None:
    url, data = f"{es_url}/{es_prefix()}", DataDir.open(tmp_path)
    with open_store(url, data) as writer:
        writer.add_captures(sample_crawl())
    with open_store(url, data) as reader:  # at once, not after the index's periodic refresh
        try:
            assert reader.counts()["sightings"] == 8
        finally:
            reader.drop()

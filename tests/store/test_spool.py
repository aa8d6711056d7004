"""The spool keeps captures while the store is down; replay writes each exactly once."""
from __future__ import annotations

import json
import sqlite3
from collections import Counter
from collections.abc import Sequence

import pytest

from spamline.datadir import DataDir
from spamline.model import Capture, sightings_of
from spamline.store import StoreUnavailable, open_store
from spamline.store.spool import Spool, capture_from_dict, capture_to_dict, write_or_spool
from spamline.store.sqlite import SQLiteStore

from .sample import sample_crawl


def test_capture_round_trip_without_body() -> None:
    for c in sample_crawl():
        line = json.dumps(capture_to_dict(c), ensure_ascii=False)
        assert "body" not in json.loads(line)
        back = capture_from_dict(json.loads(line))
        c.body = b""
        assert back == c


def test_replay_writes_everything_once_and_empties_the_spool(tmp_path) -> None:
    data_dir = DataDir.open(tmp_path)
    spool = Spool(data_dir.spool)
    crawl = sample_crawl()
    spool.append(crawl[:4])
    spool.append(crawl[4:])
    assert spool.pending() == 6
    with open_store(None, data_dir) as store:
        store.add_captures(crawl[:2])  # some had arrived before the outage
        assert spool.replay(store, batch_size=4) == 6
        assert spool.pending() == 0 and spool.path.read_bytes() == b""
        assert spool.replay(store) == 0
        ids = Counter(s.sighting_id for s in store.iter_sightings())
    assert set(ids.values()) == {1}
    assert set(ids) == {s.sighting_id for c in crawl for s in sightings_of(c)}


def test_torn_last_line_waits_for_the_next_replay(tmp_path) -> None:
    spool = Spool(tmp_path)
    crawl = sample_crawl()
    spool.append(crawl[:1])
    with open(spool.path, "ab") as fh:  # a writer died mid-line
        fh.write(b'{"url": "http://half')
    with SQLiteStore(tmp_path / "s.db") as store:
        assert spool.replay(store) == 1
    assert spool.path.read_bytes() == b'{"url": "http://half'


class AppendsWhileReplaying(SQLiteStore):
    """A real SQLite store; while it takes the replay, a crawler spools more captures."""

    def __init__(self, path, spool: Spool, late: list[Capture]) -> None:
        super().__init__(path)
        self.spool, self.late = spool, late

    def add_captures(self, captures: Sequence[Capture]) -> None:
        super().add_captures(captures)
        if self.late:
            self.spool.append(self.late)
            self.late = []


def test_replay_keeps_lines_spooled_meanwhile(tmp_path) -> None:
    spool = Spool(tmp_path)
    crawl = sample_crawl()
    spool.append(crawl[:3])
    with AppendsWhileReplaying(tmp_path / "s.db", spool, crawl[3:]) as store:
        assert spool.replay(store) == 3
        assert spool.pending() == 3  # the late ones stay for the next replay
        assert spool.replay(store) == 3
        assert store.counts()["captures"] == 6


def test_failed_replay_keeps_the_spool_whole(tmp_path) -> None:
    spool = Spool(tmp_path)
    spool.append(sample_crawl())
    before = spool.path.read_bytes()
    store = SQLiteStore(tmp_path / "s.db", timeout=0.05)
    locker = sqlite3.connect(tmp_path / "s.db", isolation_level=None)
    locker.execute("BEGIN EXCLUSIVE")
    with pytest.raises(StoreUnavailable):
        spool.replay(store)
    assert spool.path.read_bytes() == before
    locker.execute("ROLLBACK")
    assert spool.replay(store) == 6
    store.close()
    locker.close()


def test_write_or_spool(tmp_path) -> None:
    spool = Spool(tmp_path / "spool")
    crawl = sample_crawl()
    assert write_or_spool(None, spool, crawl[:2]) is False
    with SQLiteStore(tmp_path / "s.db") as store:
        assert write_or_spool(store, spool, crawl[2:]) is True
        assert store.counts()["captures"] == 4
    assert spool.pending() == 2

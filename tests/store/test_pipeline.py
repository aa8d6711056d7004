"""The Scrapy item pipeline: batches captures into the store, spools them when it fails."""
from __future__ import annotations

import logging
import sqlite3
from collections import Counter

from click.testing import CliRunner
from scrapy.utils.test import get_crawler

from pipelines.store import StorePipeline
from spamline.cli import main
from spamline.datadir import DataDir
from spamline.model import sightings_of
from spamline.store import open_store
from spamline.store.spool import Spool

from .backends import closed_port
from .sample import numbered_crawl


def pipeline(tmp_path, **settings) -> StorePipeline:
    crawler = get_crawler(settings_dict={"SPAMLINE_DATA_DIR": str(tmp_path), **settings})
    pipe = StorePipeline.from_crawler(crawler)
    pipe.open_spider()
    return pipe


def stored_sightings(tmp_path) -> Counter:
    with open_store(None, DataDir.open(tmp_path)) as store:
        return Counter(s.sighting_id for s in store.iter_sightings())


def test_batches_and_flushes_on_close(tmp_path) -> None:
    pipe = pipeline(tmp_path, SPAMLINE_STORE_BATCH=3)
    crawl = numbered_crawl(5)
    for item in crawl[:2]:
        assert pipe.process_item(item) is item
    assert stored_sightings(tmp_path) == Counter()  # below one batch: nothing written yet
    pipe.process_item(crawl[2])
    assert len(stored_sightings(tmp_path)) == 6
    pipe.process_item(crawl[3])
    pipe.process_item({"not": "a capture"})  # other items pass through untouched
    pipe.process_item(crawl[4])
    pipe.close_spider()
    assert len(stored_sightings(tmp_path)) == 10
    assert pipe.stats.get_value("spamline/stored") == 5


def test_store_failing_mid_crawl_loses_nothing(tmp_path, caplog) -> None:
    crawl = numbered_crawl(10)
    pipe = pipeline(tmp_path, SPAMLINE_STORE_BATCH=2, SPAMLINE_STORE_TIMEOUT=0.1)
    for item in crawl[:4]:
        pipe.process_item(item)
    locker = sqlite3.connect(DataDir.open(tmp_path).db, isolation_level=None)
    locker.execute("BEGIN EXCLUSIVE")  # another process grabs the database mid-crawl
    with caplog.at_level(logging.WARNING):
        for item in crawl[4:8]:
            pipe.process_item(item)
    assert "spamline store replay" in caplog.text
    locker.execute("ROLLBACK")
    locker.close()
    for item in crawl[8:]:
        pipe.process_item(item)
    pipe.close_spider()
    assert pipe.stats.get_value("spamline/spooled") == 4
    assert Spool(DataDir.open(tmp_path).spool).pending() == 4
    assert len(stored_sightings(tmp_path)) == 12

    result = CliRunner().invoke(main, ["store", "replay", "--data-dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "replayed 4 captures" in result.output
    want = {s.sighting_id for c in crawl for s in sightings_of(c)}
    got = stored_sightings(tmp_path)
    assert set(got) == want and set(got.values()) == {1}


def test_unreachable_elasticsearch_spools_everything(tmp_path, caplog) -> None:
    crawl = numbered_crawl(6)
    url = f"es://127.0.0.1:{closed_port()}"
    with caplog.at_level(logging.WARNING):
        pipe = pipeline(tmp_path, SPAMLINE_STORE=url, SPAMLINE_STORE_BATCH=4,
                        SPAMLINE_STORE_TIMEOUT=1)
        for item in crawl:
            pipe.process_item(item)
        pipe.close_spider()
    assert "cannot reach Elasticsearch" in caplog.text
    spool = Spool(DataDir.open(tmp_path).spool)
    assert spool.pending() == 6

    # still down: replay fails, says what to do, and keeps the spool
    down = CliRunner().invoke(main, ["store", "replay", "--data-dir", str(tmp_path),
                                     "--store", url])
    assert down.exit_code == 1 and "Start the server" in down.output
    assert spool.pending() == 6
    # replayed into another store (here the data dir's SQLite): every sighting once
    ok = CliRunner().invoke(main, ["store", "replay", "--data-dir", str(tmp_path)])
    assert ok.exit_code == 0, ok.output
    got = stored_sightings(tmp_path)
    assert set(got) == {s.sighting_id for c in crawl for s in sightings_of(c)}
    assert set(got.values()) == {1}

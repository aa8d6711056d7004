"""The Scrapy item pipeline: batches captures into the store, spools them when it fails."""
from __future__ import annotations

import dataclasses
import logging
import sqlite3
import threading
from collections import Counter

import pytest
from click.testing import CliRunner
from scrapy.utils.test import get_crawler

from spamline.pipelines.store import StorePipeline
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


@pytest.mark.parametrize("threaded", [False, True], ids=["inline", "writer-thread"])
def test_store_failing_mid_crawl_loses_nothing(tmp_path, caplog, threaded: bool) -> None:
    crawl = numbered_crawl(10)
    pipe = pipeline(tmp_path, SPAMLINE_STORE_BATCH=2, SPAMLINE_STORE_TIMEOUT=0.1,
                    SPAMLINE_STORE_THREAD=threaded)
    for item in crawl[:4]:
        pipe.process_item(item)
    pipe.flush()  # the writer thread has written them (nothing is pending inline)
    locker = sqlite3.connect(DataDir.open(tmp_path).db, isolation_level=None)
    locker.execute("BEGIN EXCLUSIVE")  # another process grabs the database mid-crawl
    with caplog.at_level(logging.WARNING):
        for item in crawl[4:8]:
            pipe.process_item(item)
        pipe.flush()
    assert "spamline store replay" in caplog.text
    locker.execute("ROLLBACK")
    locker.close()
    for item in crawl[8:]:
        pipe.process_item(item)
    pipe.close_spider()
    assert pipe.stats.get_value("spamline/spooled") == 4
    assert pipe.stats.get_value("spamline/stored") == 6
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


def test_writer_thread_stores_every_batch_in_order_and_flushes_on_close(tmp_path) -> None:
    pipe = pipeline(tmp_path, SPAMLINE_STORE_BATCH=3, SPAMLINE_STORE_THREAD=True)
    crawl = numbered_crawl(11)
    for item in crawl:
        assert pipe.process_item(item) is item
    pipe.process_item({"not": "a capture"})
    pipe.close_spider()
    assert not any(t.name == "spamline-store" for t in threading.enumerate())
    with open_store(None, DataDir.open(tmp_path)) as store:
        assert [c.url for c in store.iter_captures()] == [c.url for c in crawl]  # write order
    got = stored_sightings(tmp_path)
    assert set(got) == {s.sighting_id for c in crawl for s in sightings_of(c)}
    assert set(got.values()) == {1}
    assert pipe.stats.get_value("spamline/stored") == 11


def test_writer_thread_flush_waits_for_the_batches_handed_over(tmp_path) -> None:
    pipe = pipeline(tmp_path, SPAMLINE_STORE_BATCH=2, SPAMLINE_STORE_THREAD=True)
    crawl = numbered_crawl(7)
    for item in crawl:
        pipe.process_item(item)
    pipe.flush()
    assert len(stored_sightings(tmp_path)) == 14
    pipe.close_spider()


def test_writer_thread_logs_a_failed_batch_and_goes_on(tmp_path, caplog) -> None:
    pipe = pipeline(tmp_path, SPAMLINE_STORE_BATCH=1, SPAMLINE_STORE_THREAD=True)
    crawl = numbered_crawl(3)
    bad = dataclasses.replace(crawl[1], brands=[object()])  # the store cannot write it
    with caplog.at_level(logging.ERROR):
        for item in (crawl[0], bad, crawl[2]):
            pipe.process_item(item)
        pipe.close_spider()
    assert "could not store or spool 1 captures" in caplog.text
    with open_store(None, DataDir.open(tmp_path)) as store:
        assert [c.url for c in store.iter_captures()] == [crawl[0].url, crawl[2].url]

"""What only the SQLite backend has: migrations of older files, WAL, lock errors."""
from __future__ import annotations

import json
import sqlite3

import pytest

from spamline.store import StoreUnavailable, schema
from spamline.store.query import int_id, page_id
from spamline.store.sqlite import SQLiteStore

from .sample import FAKE, sample_crawl

# The first release's schema, written out by hand as such a file holds it.
V1 = """
CREATE TABLE pages(id INTEGER PRIMARY KEY, url TEXT NOT NULL UNIQUE, domain TEXT NOT NULL,
    title TEXT NOT NULL DEFAULT '', first_seen TEXT NOT NULL, last_seen TEXT NOT NULL);
CREATE INDEX pages_domain ON pages(domain);
CREATE TABLE captures(id INTEGER PRIMARY KEY, key INTEGER NOT NULL UNIQUE,
    capture_id TEXT NOT NULL, page INTEGER NOT NULL, url TEXT NOT NULL,
    status INTEGER NOT NULL, captured_at TEXT NOT NULL,
    content_type TEXT NOT NULL DEFAULT '', encoding TEXT NOT NULL DEFAULT '', ip_address TEXT,
    title TEXT NOT NULL DEFAULT '', text TEXT NOT NULL DEFAULT '', job TEXT NOT NULL DEFAULT '',
    brands TEXT NOT NULL DEFAULT '[]', features TEXT NOT NULL DEFAULT '{}', warc_file TEXT,
    warc_offset INTEGER, warc_length INTEGER, warc_record_id TEXT, warc_payload_digest TEXT);
CREATE INDEX captures_page ON captures(page, captured_at);
CREATE TABLE sightings(id INTEGER PRIMARY KEY, capture INTEGER NOT NULL, ckey INTEGER NOT NULL,
    page INTEGER NOT NULL,
    e164 TEXT NOT NULL, number_type TEXT NOT NULL, raw TEXT NOT NULL, start INTEGER NOT NULL,
    "end" INTEGER NOT NULL, context TEXT NOT NULL, source TEXT NOT NULL, region TEXT NOT NULL,
    domain TEXT NOT NULL, brands TEXT NOT NULL DEFAULT '[]', captured_at TEXT NOT NULL);
CREATE INDEX sightings_e164 ON sightings(e164, captured_at);
CREATE INDEX sightings_domain ON sightings(domain, captured_at);
CREATE INDEX sightings_capture ON sightings(capture);
CREATE TABLE numbers(e164 TEXT PRIMARY KEY, number_type TEXT NOT NULL, first_seen TEXT NOT NULL,
    last_seen TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE domains(domain TEXT PRIMARY KEY, first_seen TEXT NOT NULL,
    last_seen TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE brands(name TEXT PRIMARY KEY COLLATE NOCASE, aliases TEXT NOT NULL DEFAULT '[]',
    official TEXT NOT NULL DEFAULT '[]');
PRAGMA user_version = 1;
"""


def make_v1(path) -> None:
    """A version-1 file holding one capture of a fake JD page with one sighting."""
    url, when = "http://old.test/kefu", "2026-01-02T03:04:05Z"
    key, pid = int_id("ab" * 20), page_id(url)
    conn = sqlite3.connect(path)
    conn.executescript(V1)
    conn.execute("INSERT INTO pages VALUES (?, ?, 'old.test', '京东客服', ?, ?)",
                 (pid, url, when, when))
    conn.execute(
        "INSERT INTO captures(id, key, capture_id, page, url, status, captured_at, title, text, "
        "brands, warc_file, warc_offset, warc_length, warc_record_id) VALUES (1, ?, ?, ?, ?, 200, "
        "?, '京东客服', '京东售后退款热线 400-666-7777', ?, 'old.warc.gz', 0, 9, '<urn:uuid:x>')",
        (key, "ab" * 20, pid, url, when, json.dumps(["京东"])))
    conn.execute(
        "INSERT INTO sightings VALUES (1, 1, ?, ?, ?, 'toll_free', '400-666-7777', 10, 22, 'ctx', "
        "'text', 'CN', 'old.test', ?, ?)", (key, pid, FAKE, json.dumps(["京东"]), when))
    conn.execute("INSERT INTO numbers VALUES (?, 'toll_free', ?, ?)", (FAKE, when, when))
    conn.execute("INSERT INTO domains VALUES ('old.test', ?, ?)", (when, when))
    conn.execute("INSERT INTO brands VALUES ('JD', '[\"京东\"]', '[\"+864008123456\"]')")
    conn.commit()
    conn.close()


def test_version_1_file_is_upgraded_in_place(tmp_path) -> None:
    path = tmp_path / "spamline.db"
    make_v1(path)
    with SQLiteStore(path) as store:
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == schema.VERSION == 4
        indexes = {r[1] for r in store.conn.execute("PRAGMA index_list(sightings)")}
        assert "sightings_profile" in indexes  # v4: number profiles from the index alone
        columns = {r[1] for r in store.conn.execute("PRAGMA table_info(captures)")}
        assert "text" not in columns  # moved into the full-text index
        assert store.counts() == {"pages": 1, "captures": 1, "sightings": 1, "numbers": 1,
                                  "domains": 1, "brands": 1}
        # the full-text and brand indexes were filled from the old rows
        assert [s.url for s in store.search("售后退款")] == ["http://old.test/kefu"]
        assert [s.e164 for s in store.search("京东")] == [FAKE]
        assert [s.e164 for s in store.brand_report("jd")] == [FAKE]
        assert [c.url for c in store.captures(brand="JD")] == ["http://old.test/kefu"]
        profile = store.number_profile(FAKE)
        assert profile.brands == {"京东": 1} and profile.domains == {"old.test": 1}
        [old] = store.captures(number=FAKE)
        assert old.text == "京东售后退款热线 400-666-7777" and old.warc.file == "old.warc.gz"
        store.add_captures(sample_crawl())  # and the upgraded file takes new data
        assert store.counts()["sightings"] == 9
    with SQLiteStore(path) as again:  # reopening an up-to-date file changes nothing
        assert again.counts()["sightings"] == 9


def test_a_newer_file_is_refused_with_advice(tmp_path) -> None:
    path = tmp_path / "spamline.db"
    SQLiteStore(path).close()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    with pytest.raises(schema.SchemaTooNew, match="upgrade spamline"):
        SQLiteStore(path)


def test_wal_and_two_writers(tmp_path) -> None:
    path = tmp_path / "spamline.db"
    a, b = SQLiteStore(path), SQLiteStore(path)
    assert a.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    crawl = sample_crawl()
    a.add_captures(crawl[:3])
    b.add_captures(crawl[2:])
    assert a.counts()["sightings"] == b.counts()["sightings"] == 8
    a.close()
    b.close()


def test_locked_file_raises_store_unavailable(tmp_path) -> None:
    path = tmp_path / "spamline.db"
    store = SQLiteStore(path, timeout=0.1)
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")  # another process holds the write lock
    with pytest.raises(StoreUnavailable, match="refused the batch"):
        store.add_captures(sample_crawl())
    other.execute("ROLLBACK")
    store.add_captures(sample_crawl())
    assert store.counts()["captures"] == 6
    store.close()
    other.close()

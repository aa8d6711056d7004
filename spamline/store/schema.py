"""The SQLite schema as a list of migrations; `PRAGMA user_version` counts those applied.

A new file runs every migration in order, so the upgrade path of an older data
dir is the same code a fresh one runs. Never edit a released migration: append one.

Rows of captures and sightings get ascending integer ids in write order (so the
big tables and the full-text index grow at their end); a capture's `key` is the
63-bit integer form of its capture id, which makes writes idempotent. Sightings
are ordered newest first, ties broken by (ckey, start, e164) descending, the same
order the Elasticsearch backend uses.
"""
from __future__ import annotations

import sqlite3

MIGRATIONS: list[str] = [
    # 1: the first release
    """
    CREATE TABLE pages(
        id INTEGER PRIMARY KEY, url TEXT NOT NULL UNIQUE, domain TEXT NOT NULL,
        title TEXT NOT NULL DEFAULT '', first_seen TEXT NOT NULL, last_seen TEXT NOT NULL);
    CREATE INDEX pages_domain ON pages(domain);
    CREATE TABLE captures(
        id INTEGER PRIMARY KEY, key INTEGER NOT NULL UNIQUE, capture_id TEXT NOT NULL,
        page INTEGER NOT NULL, url TEXT NOT NULL, status INTEGER NOT NULL,
        captured_at TEXT NOT NULL, content_type TEXT NOT NULL DEFAULT '',
        encoding TEXT NOT NULL DEFAULT '', ip_address TEXT, title TEXT NOT NULL DEFAULT '',
        text TEXT NOT NULL DEFAULT '', job TEXT NOT NULL DEFAULT '',
        brands TEXT NOT NULL DEFAULT '[]', features TEXT NOT NULL DEFAULT '{}', warc_file TEXT,
        warc_offset INTEGER, warc_length INTEGER, warc_record_id TEXT, warc_payload_digest TEXT);
    CREATE INDEX captures_page ON captures(page, captured_at);
    CREATE TABLE sightings(
        id INTEGER PRIMARY KEY, capture INTEGER NOT NULL, ckey INTEGER NOT NULL,
        page INTEGER NOT NULL, e164 TEXT NOT NULL, number_type TEXT NOT NULL, raw TEXT NOT NULL,
        start INTEGER NOT NULL, "end" INTEGER NOT NULL, context TEXT NOT NULL,
        source TEXT NOT NULL, region TEXT NOT NULL, domain TEXT NOT NULL,
        brands TEXT NOT NULL DEFAULT '[]', captured_at TEXT NOT NULL);
    CREATE INDEX sightings_e164 ON sightings(e164, captured_at);
    CREATE INDEX sightings_domain ON sightings(domain, captured_at);
    CREATE INDEX sightings_capture ON sightings(capture);
    CREATE TABLE numbers(
        e164 TEXT PRIMARY KEY, number_type TEXT NOT NULL,
        first_seen TEXT NOT NULL, last_seen TEXT NOT NULL) WITHOUT ROWID;
    CREATE TABLE domains(
        domain TEXT PRIMARY KEY, first_seen TEXT NOT NULL, last_seen TEXT NOT NULL) WITHOUT ROWID;
    CREATE TABLE brands(
        name TEXT PRIMARY KEY COLLATE NOCASE, aliases TEXT NOT NULL DEFAULT '[]',
        official TEXT NOT NULL DEFAULT '[]');
    """,
    # 2: networks, a brand index over every claimed brand, trigram full-text search
    """
    ALTER TABLE numbers ADD COLUMN network_id TEXT;
    CREATE INDEX numbers_network ON numbers(network_id);
    CREATE TABLE networks(
        network_id TEXT PRIMARY KEY, size INTEGER NOT NULL, pages INTEGER NOT NULL,
        doc TEXT NOT NULL);
    CREATE TABLE sighting_brands(
        brand TEXT NOT NULL, captured_at TEXT NOT NULL, sighting INTEGER NOT NULL,
        PRIMARY KEY(brand, captured_at, sighting)) WITHOUT ROWID;
    INSERT INTO sighting_brands
        SELECT DISTINCT lower(j.value), s.captured_at, s.id FROM sightings s, json_each(s.brands) j;
    CREATE VIRTUAL TABLE capture_text USING fts5(title, text, tokenize='trigram');
    INSERT INTO capture_text(rowid, title, text) SELECT id, title, text FROM captures;
    ALTER TABLE captures DROP COLUMN text;
    """,
    # 3: captures by claimed brand (evidence export) without scanning every capture
    """
    CREATE TABLE capture_brands(
        brand TEXT NOT NULL, capture INTEGER NOT NULL, PRIMARY KEY(brand, capture)) WITHOUT ROWID;
    INSERT INTO capture_brands
        SELECT DISTINCT lower(j.value), c.id FROM captures c, json_each(c.brands) j;
    """,
    # 4: a number's profile (pages per brand and domain) read from the index alone
    """
    CREATE INDEX sightings_profile ON sightings(e164, page, domain, brands);
    """,
]

VERSION = len(MIGRATIONS)


class SchemaTooNew(ValueError):
    """The file was written by a newer spamline."""


def migrate(conn: sqlite3.Connection) -> int:
    """Bring the file up to VERSION, one transaction per migration; returns the old version.

    `conn` must be in autocommit mode (isolation_level=None). Safe when several
    processes open the same old file at once: each step re-reads the version under lock.
    """
    old = conn.execute("PRAGMA user_version").fetchone()[0]
    if old > VERSION:
        raise SchemaTooNew(
            f"this store has schema version {old} but this spamline knows only up to {VERSION}; "
            "upgrade spamline (pip install -U spamline)"
        )
    while True:
        conn.execute("BEGIN IMMEDIATE")
        try:
            current = conn.execute("PRAGMA user_version").fetchone()[0]
            if current >= VERSION:
                conn.execute("COMMIT")
                return old
            for statement in _statements(MIGRATIONS[current]):
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {current + 1}")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")


def _statements(script: str) -> list[str]:
    """Split a migration script into statements (none of ours contains a ';' in a literal)."""
    return [s.strip() for s in script.split(";") if s.strip()]

"""Ingest state in the data dir (ingest.db): a checkpoint per WARC member, skipped records,
the originals that revisit records may refer to, and the revisits still to resolve.

A checkpoint moves only after the store has taken every capture before it, so a killed
ingest resumes at the last checkpoint and the store's idempotent capture ids absorb the
records read twice.
"""
from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from spamline.ingest.sources import Member

SCHEMA = """
CREATE TABLE IF NOT EXISTS members(label TEXT PRIMARY KEY, path TEXT, start INTEGER,
  "end" INTEGER, size INTEGER, mtime REAL, reached INTEGER, done INTEGER DEFAULT 0);
CREATE TABLE IF NOT EXISTS skipped(label TEXT, offset INTEGER, reason TEXT,
  PRIMARY KEY(label, offset));
CREATE TABLE IF NOT EXISTS originals(record_id TEXT PRIMARY KEY, digest TEXT, url TEXT,
  path TEXT, start INTEGER, "end" INTEGER, gzipped INTEGER, offset INTEGER,
  content_type TEXT);
CREATE INDEX IF NOT EXISTS originals_digest ON originals(digest, url);
CREATE TABLE IF NOT EXISTS revisits(label TEXT, offset INTEGER, doc TEXT,
  PRIMARY KEY(label, offset));
"""


@dataclass
class Original:
    """A response record a revisit may refer to, and how to read it again."""

    record_id: str
    digest: str
    url: str
    member: Member
    offset: int
    content_type: str


# (member, offset reached, read to the end, originals, revisits, skipped) of one batch
Progress = tuple[Member, int, bool, Iterable["Original"], Iterable[dict], Iterable[tuple[int, str]]]


class IngestState:
    """The ingest.db of a data dir."""

    def __init__(self, path: Path) -> None:
        self.conn = sqlite3.connect(path, timeout=30)
        self.conn.execute("PRAGMA journal_mode=WAL")
        # a checkpoint lost in a power loss is read again (the store skips what it has); one
        # kept while the store lost its captures would lose pages: the store syncs, this not
        self.conn.execute("PRAGMA synchronous = NORMAL")
        self.conn.executescript(SCHEMA)

    def close(self) -> None:
        self.conn.close()

    def start_of(self, member: Member) -> int | None:
        """Where to resume reading `member`; None when it was read to the end already."""
        stat = member.path.stat()
        row = self.conn.execute('SELECT size, mtime, reached, done, start, "end" FROM members '
                                "WHERE label = ?", [member.label]).fetchone()
        if row is None or (row[4], row[5]) != (member.start, member.end) or row[0] > stat.st_size:
            return member.start  # new, or rewritten: read again (the store skips what it has)
        if row[3] and row[0] == stat.st_size and row[1] == stat.st_mtime:
            return None
        return row[2]  # killed before the end, or grown since: go on from the checkpoint

    def checkpoint(self, progress: Iterable[Progress]) -> None:
        """Record progress in one transaction, after the store took the captures before it."""
        with self.conn:
            for step in progress:
                self._step(*step)

    def _step(self, member: Member, reached: int, done: bool, originals: Iterable[Original],
              revisits: Iterable[dict], skipped: Iterable[tuple[int, str]]) -> None:
        stat = member.path.stat()
        self.conn.execute(
            'INSERT OR REPLACE INTO members(label, path, start, "end", size, mtime, reached, '
            "done) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [member.label, str(member.path), member.start, member.end, stat.st_size,
             stat.st_mtime, reached, int(done)])
        self.conn.executemany(
            "INSERT OR REPLACE INTO originals VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(o.record_id, o.digest, o.url, str(o.member.path), o.member.start, o.member.end,
              int(o.member.gzipped), o.offset, o.content_type) for o in originals])
        self.conn.executemany("INSERT OR REPLACE INTO revisits VALUES (?, ?, ?)",
                              [(member.label, r["offset"], json.dumps(r)) for r in revisits])
        self.conn.executemany("INSERT OR IGNORE INTO skipped VALUES (?, ?, ?)",
                              [(member.label, o, why) for o, why in skipped])

    def pending_revisits(self) -> Iterator[dict]:
        """Revisit records not resolved yet, oldest first."""
        for (doc,) in self.conn.execute("SELECT doc FROM revisits ORDER BY label, offset"):
            yield json.loads(doc)

    def resolved(self, revisit: dict) -> None:
        with self.conn:
            self.conn.execute("DELETE FROM revisits WHERE label = ? AND offset = ?",
                              [revisit["label"], revisit["offset"]])

    def original(self, refers_to: str, digest: str, url: str) -> Original | None:
        """The original of a revisit: by WARC-Refers-To, else by payload digest and URI."""
        cols = 'record_id, digest, url, path, start, "end", gzipped, offset, content_type'
        row = None
        if refers_to:
            row = self.conn.execute(f"SELECT {cols} FROM originals WHERE record_id = ?",
                                    [refers_to]).fetchone()
        if row is None and digest:
            row = self.conn.execute(f"SELECT {cols} FROM originals WHERE digest = ? "
                                    "ORDER BY url = ? DESC LIMIT 1", [digest, url]).fetchone()
        if row is None:
            return None
        member = Member(Path(row[3]), row[4], row[5], row[3], bool(row[6]))
        return Original(row[0], row[1], row[2], member, row[7], row[8])


def is_ingested(data_root: Path, path: str) -> bool:
    """Whether `path` is a file the data dir's ingest read (so its records may be read back)."""
    db = data_root / "ingest.db"
    if not db.is_file():
        return False
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30)
    try:
        return conn.execute("SELECT 1 FROM members WHERE path = ? LIMIT 1",
                            [path]).fetchone() is not None
    except sqlite3.Error:
        return False
    finally:
        conn.close()

"""The default store: one SQLite file (WAL) with trigram full-text search."""
from __future__ import annotations

import errno
import heapq
import json
import os
import sqlite3
import threading
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path

from spamline.datadir import no_space_left
from spamline.model import (
    Brand,
    Capture,
    Network,
    NumberProfile,
    PhoneHit,
    Sighting,
    WarcLocation,
    domain_of,
)
from spamline.store import schema
from spamline.store.base import SearchFilters, Store, StoreUnavailable
from spamline.store.query import (
    brand_then_word,
    as_number,
    brand_names,
    find_brand,
    int_id,
    lower_bound,
    page_id,
    upper_bound,
)

CHUNK = 500  # host parameters per IN (...) list

NEWEST_FIRST = "s.captured_at DESC, s.ckey DESC, s.start DESC, s.e164 DESC"
SIGHTING_COLUMNS = """
    s.id, s.e164, s.number_type, s.raw, s.start, s."end", s.context, p.url, s.domain,
    s.brands, s.captured_at, c.capture_id, c.warc_file, c.warc_offset, c.warc_length,
    c.warc_record_id, s.source, n.network_id, s.ckey
"""
SIGHTING_JOINS = """
    JOIN captures c ON c.id = s.capture
    JOIN pages p ON p.id = s.page
    LEFT JOIN numbers n ON n.e164 = s.e164
"""
CAPTURE_COLUMNS = """
    c.id, c.url, c.status, c.captured_at, c.content_type, c.encoding, c.ip_address, c.title,
    c.job, c.brands, c.features, c.warc_file, c.warc_offset, c.warc_length, c.warc_record_id,
    c.warc_payload_digest
"""


class SQLiteStore(Store):
    """Pages, captures and sightings in one SQLite file; safe for several processes."""

    def __init__(self, path: str | Path, timeout: float = 30.0, read_only: bool = False) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        if read_only:
            self.conn = _open_read_only(self.path, timeout)
            return
        try:
            self.conn = sqlite3.connect(self.path, timeout=timeout, isolation_level=None,
                                        check_same_thread=False)
            self.conn.execute("PRAGMA journal_mode = WAL")
            self.conn.execute("PRAGMA synchronous = NORMAL")
            self.conn.execute("PRAGMA cache_size = -65536")  # 64 MiB of pages per connection
            schema.migrate(self.conn)
        except sqlite3.OperationalError as exc:
            full = no_space_left(self.path.parent)
            if full:
                raise StoreUnavailable(f"cannot open the SQLite store {self.path}: the disk "
                                       "holding it is full") from full
            raise StoreUnavailable(
                f"cannot open the SQLite store {self.path}: {exc}. Check that the file and its "
                "folder are writable and that no other program holds a write lock on it."
            ) from exc

    def close(self) -> None:
        self.conn.close()

    def sync_commits(self) -> None:
        """Each later commit fsyncs the WAL (synchronous=FULL); NORMAL, the default here, is
        safe from a killed process but may lose the last commits in a power loss."""
        self.conn.execute("PRAGMA synchronous = FULL")

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction at a time on this connection (threads share the store)."""
        with self._lock:
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.conn
            except BaseException:
                if self.conn.in_transaction:  # some errors roll back by themselves
                    self.conn.execute("ROLLBACK")
                raise
            self.conn.execute("COMMIT")

    # --- writes -----------------------------------------------------------
    def add_captures(self, captures: Sequence[Capture]) -> None:
        try:
            with self._transaction() as conn:
                self._insert(conn, captures)
        except sqlite3.OperationalError as exc:
            raise StoreUnavailable(f"SQLite store {self.path} refused the batch: {exc}") from exc

    def _insert(self, conn: sqlite3.Connection, captures: Sequence[Capture]) -> None:
        batch: dict[int, tuple[str, Capture]] = {}
        for c in captures:
            hex_id = c.capture_id
            batch[int_id(hex_id)] = (hex_id, c)
        known = set(_select_in(conn, "SELECT key FROM captures WHERE key IN ({})", list(batch)))
        fresh = sorted(((key, hex_id, c) for key, (hex_id, c) in batch.items() if key not in known),
                       key=lambda item: item[2].captured_at)
        if not fresh:
            return
        first = conn.execute("SELECT coalesce(max(id), 0) + 1 FROM captures").fetchone()[0]
        new = [(first + i, key, hex_id, c, page_id(c.url), c.domain)
               for i, (key, hex_id, c) in enumerate(fresh)]
        pages: dict[int, list] = {}
        for _, _, _, c, pid, domain in new:
            row = pages.get(pid)
            if row is None:
                pages[pid] = [pid, c.url, domain, c.title, c.captured_at, c.captured_at]
            else:
                row[3], row[5] = c.title, c.captured_at
        conn.executemany(
            """INSERT INTO pages(id, url, domain, title, first_seen, last_seen)
               VALUES (?, ?, ?, ?, ?, ?)
               ON CONFLICT(id) DO UPDATE SET
                 title = CASE WHEN excluded.last_seen >= last_seen THEN excluded.title
                              ELSE title END,
                 first_seen = min(first_seen, excluded.first_seen),
                 last_seen = max(last_seen, excluded.last_seen)""",
            pages.values(),
        )
        conn.executemany(
            """INSERT INTO captures(id, key, capture_id, page, url, status, captured_at,
               content_type, encoding, ip_address, title, job, brands, features, warc_file,
               warc_offset, warc_length, warc_record_id, warc_payload_digest)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            (_capture_row(cid, key, hex_id, pid, c) for cid, key, hex_id, c, pid, _ in new),
        )
        conn.executemany(
            "INSERT INTO capture_text(rowid, title, text) VALUES (?, ?, ?)",
            ((cid, c.title, c.text) for cid, _, _, c, _, _ in new),
        )
        lowered_brands = [{b.lower() for b in c.brands if b} for _, _, _, c, _, _ in new]
        conn.executemany(
            "INSERT INTO capture_brands(brand, capture) VALUES (?, ?)",
            ((b, row[0]) for row, lowered in zip(new, lowered_brands) for b in lowered),
        )
        sightings, brand_rows = [], []
        # `new` is in capture time order: a key's first row gives its first_seen (and the number
        # type), its last row its last_seen
        numbers: dict[str, list[str]] = {}
        domains: dict[str, list[str]] = {}
        sid = conn.execute("SELECT coalesce(max(id), 0) FROM sightings").fetchone()[0]
        for (cid, key, _, c, pid, domain), lowered in zip(new, lowered_brands):
            when = c.captured_at
            brands = json.dumps(c.brands, ensure_ascii=False)
            seen: set[tuple[str, int]] = set()
            for h in c.hits:
                if (h.e164, h.start) in seen:  # the same sighting id twice
                    continue
                seen.add((h.e164, h.start))
                sid += 1
                sightings.append((sid, cid, key, pid, h.e164, h.type, h.raw, h.start, h.end,
                                  h.context, h.source, h.region, domain, brands, when))
                if lowered:
                    brand_rows.extend((b, when, sid) for b in lowered)
                span = numbers.get(h.e164)
                if span is None:
                    numbers[h.e164] = [when, when, h.type]
                else:
                    span[1] = when
            span = domains.get(domain)
            if span is None:
                domains[domain] = [when, when]
            else:
                span[1] = when
        conn.executemany(
            """INSERT INTO sightings(id, capture, ckey, page, e164, number_type, raw, start,
               "end", context, source, region, domain, brands, captured_at)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            sightings,
        )
        conn.executemany("INSERT INTO sighting_brands VALUES (?, ?, ?)", brand_rows)
        conn.executemany(
            """INSERT INTO numbers(e164, first_seen, last_seen, number_type) VALUES (?, ?, ?, ?)
               ON CONFLICT(e164) DO UPDATE SET
                 first_seen = min(first_seen, excluded.first_seen),
                 last_seen = max(last_seen, excluded.last_seen),
                 number_type = CASE WHEN number_type = 'unknown' THEN excluded.number_type
                                    ELSE number_type END""",
            ((e164, *span) for e164, span in numbers.items()),
        )
        conn.executemany(
            """INSERT INTO domains(domain, first_seen, last_seen) VALUES (?, ?, ?)
               ON CONFLICT(domain) DO UPDATE SET
                 first_seen = min(first_seen, excluded.first_seen),
                 last_seen = max(last_seen, excluded.last_seen)""",
            ((domain, *span) for domain, span in domains.items()),
        )

    def add_brand(self, brand: Brand) -> None:
        with self._transaction() as conn:
            conn.execute(
                """INSERT INTO brands(name, aliases, official) VALUES (?, ?, ?)
                   ON CONFLICT(name) DO UPDATE SET name = excluded.name,
                     aliases = excluded.aliases, official = excluded.official""",
                (brand.name, json.dumps(brand.aliases, ensure_ascii=False),
                 json.dumps(brand.official)),
            )

    def save_networks(self, networks: Sequence[Network]) -> None:
        with self._transaction() as conn:
            conn.execute("DELETE FROM networks")
            conn.execute("UPDATE numbers SET network_id = NULL WHERE network_id IS NOT NULL")
            conn.executemany(
                "INSERT INTO networks(network_id, size, pages, doc) VALUES (?, ?, ?, ?)",
                ((n.network_id, len(n.numbers), n.pages, json.dumps(asdict(n), ensure_ascii=False))
                 for n in networks),
            )
            conn.executemany(
                "UPDATE numbers SET network_id = ? WHERE e164 = ?",
                ((n.network_id, e164) for n in networks for e164 in n.numbers),
            )

    # --- reads ------------------------------------------------------------
    def search(self, query: str, filters: SearchFilters | None = None, limit: int = 100,
               offset: int = 0) -> list[Sighting]:
        query = query.strip()
        if not query or not _is_text(query):
            return []  # a lone surrogate stands in no stored text
        where, params = self._filters(filters or SearchFilters())
        if e164 := as_number(query):
            return self._sightings("s.e164 = ?", [e164], where, params, limit, offset)
        if names := self._brand_query(query):
            tagged = self._by_brands(names, where, params, offset + limit, 0)
            sql, text_params = _text_match(query)
            words = self._sightings(f"s.capture IN ({sql})", text_params, where, params,
                                    offset + limit, 0)
            return brand_then_word(tagged, words)[offset:offset + limit]
        domain = domain_of(query) if "://" in query else query.lower()
        if self.conn.execute("SELECT 1 FROM domains WHERE domain = ?", [domain]).fetchone():
            return self._sightings("s.domain = ?", [domain], where, params, limit, offset)
        sql, text_params = _text_match(query)
        return self._sightings(f"s.capture IN ({sql})", text_params, where, params, limit, offset)

    def _brand_query(self, query: str) -> list[str] | None:
        """The lower-cased names to search when the query is a brand, else None."""
        if brand := find_brand(self.brands(), query):
            return brand_names(brand)
        key = query.lower()
        found = self.conn.execute("SELECT 1 FROM sighting_brands WHERE brand = ? LIMIT 1", [key])
        return [key] if key and found.fetchone() else None

    def _names(self, brand: str) -> list[str]:
        registered = find_brand(self.brands(), brand)
        return brand_names(registered) if registered else [brand.strip().lower()]

    def _filters(self, f: SearchFilters) -> tuple[list[str], list[object]]:
        where: list[str] = []
        params: list[object] = []
        if f.since:
            where.append("s.captured_at >= ?")
            params.append(lower_bound(f.since))
        if f.until:
            where.append("s.captured_at <= ?")
            params.append(upper_bound(f.until))
        if f.number_type:
            where.append("s.number_type = ?")
            params.append(f.number_type)
        if f.domain:
            where.append("s.domain = ?")
            params.append(f.domain.lower())
        if f.brand:
            names = self._names(f.brand)
            where.append(f"s.id IN (SELECT sighting FROM sighting_brands WHERE brand IN "
                         f"({', '.join('?' * len(names))}))")
            params.extend(names)
        if f.network_id:
            where.append("s.e164 IN (SELECT e164 FROM numbers WHERE network_id = ?)")
            params.append(f.network_id)
        return where, params

    def _sightings(self, cond: str, cond_params: list[object], where: list[str],
                   params: list[object], limit: int, offset: int) -> list[Sighting]:
        sql = (f"SELECT {SIGHTING_COLUMNS} FROM sightings s {SIGHTING_JOINS} "
               f"WHERE {' AND '.join([cond, *where])} "
               f"ORDER BY {NEWEST_FIRST} LIMIT ? OFFSET ?")
        rows = self.conn.execute(sql, [*cond_params, *params, limit, offset])
        return [_sighting(row) for row in rows]

    def _by_brands(self, names: list[str], where: list[str], params: list[object], limit: int,
                   offset: int, exclude: Iterable[str] = ()) -> list[Sighting]:
        """Newest-first sightings on pages claiming any of `names`: one index walk per name,
        merged."""
        excluded = list(exclude)
        extra = list(where)
        if excluded:
            extra.append(f"s.e164 NOT IN ({', '.join('?' * len(excluded))})")
        sql = (f"SELECT {SIGHTING_COLUMNS} FROM sighting_brands b "
               f"JOIN sightings s ON s.id = b.sighting {SIGHTING_JOINS} "
               f"WHERE {' AND '.join(['b.brand = ?', *extra])} "
               f"ORDER BY {NEWEST_FIRST.replace('s.captured_at', 'b.captured_at')} LIMIT ?")
        runs = [self.conn.execute(sql, [name, *params, *excluded, offset + limit]).fetchall()
                for name in names]
        merged = heapq.merge(*runs, key=_order_key, reverse=True)
        seen: set[int] = set()
        out = []
        for row in merged:
            if row[0] not in seen:
                seen.add(row[0])
                out.append(row)
        return [_sighting(row) for row in out[offset:offset + limit]]

    def number_profile(self, e164: str) -> NumberProfile | None:
        e164 = as_number(e164) or e164
        row = self.conn.execute(
            "SELECT number_type, first_seen, last_seen, network_id FROM numbers WHERE e164 = ?",
            [e164]).fetchone()
        if row is None:
            return None
        count, pages = self.conn.execute(
            "SELECT count(*), count(DISTINCT page) FROM sightings WHERE e164 = ?", [e164]).fetchone()
        domains = dict(self.conn.execute(
            "SELECT domain, count(DISTINCT page) AS n FROM sightings WHERE e164 = ? "
            "GROUP BY domain ORDER BY n DESC, domain", [e164]).fetchall())
        brands = dict(self.conn.execute(
            "SELECT j.value, count(DISTINCT s.page) AS n FROM sightings s, json_each(s.brands) j "
            "WHERE s.e164 = ? GROUP BY j.value ORDER BY n DESC, j.value", [e164]).fetchall())
        return NumberProfile(
            e164=e164, number_type=row[0], first_seen=row[1], last_seen=row[2], sightings=count,
            pages=pages, brands=brands, domains=domains, network_id=row[3],
        )

    def captures(self, *, number: str | None = None, brand: str | None = None,
                 domain: str | None = None, network_id: str | None = None,
                 url: str | None = None) -> list[Capture]:
        where: list[str] = []
        params: list[object] = []
        if number:
            where.append("c.id IN (SELECT capture FROM sightings WHERE e164 = ?)")
            params.append(as_number(number) or number)
        if brand:
            names = self._names(brand)
            where.append(f"c.id IN (SELECT capture FROM capture_brands WHERE brand IN "
                         f"({', '.join('?' * len(names))}))")
            params.extend(names)
        if domain:
            where.append("c.page IN (SELECT id FROM pages WHERE domain = ?)")
            params.append(domain.lower())
        if network_id:
            where.append("c.id IN (SELECT s.capture FROM sightings s JOIN numbers n "
                         "ON n.e164 = s.e164 WHERE n.network_id = ?)")
            params.append(network_id)
        if url:
            where.append("c.page = ?")
            params.append(page_id(url))
        sql = (f"SELECT {CAPTURE_COLUMNS} FROM captures c "
               f"WHERE {' AND '.join(where) or '1'} ORDER BY c.captured_at DESC, c.key DESC")
        return self._rebuild(self.conn.execute(sql, params).fetchall())

    def iter_captures(self) -> Iterator[Capture]:
        last = -1
        while True:
            rows = self.conn.execute(
                f"SELECT {CAPTURE_COLUMNS} FROM captures c WHERE c.id > ? ORDER BY c.id LIMIT 1000",
                [last]).fetchall()
            if not rows:
                return
            yield from self._rebuild(rows)
            last = rows[-1][0]

    def _rebuild(self, rows: list[tuple]) -> list[Capture]:
        """Captures from capture rows, with their text, hits and WARC locations."""
        ids = [row[0] for row in rows]
        hits: dict[int, list[PhoneHit]] = defaultdict(list)
        for row in _select_in(
                self.conn,
                """SELECT capture, e164, raw, start, "end", number_type, context, source, region
                   FROM sightings WHERE capture IN ({}) ORDER BY capture, start, id""", ids,
                full_rows=True):
            hits[row[0]].append(PhoneHit(*row[1:]))
        texts = {row[0]: row[1] for row in _select_in(
            self.conn, "SELECT rowid, text FROM capture_text WHERE rowid IN ({})", ids,
            full_rows=True)}
        return [
            Capture(
                url=r[1], status=r[2], captured_at=r[3], content_type=r[4], encoding=r[5],
                ip_address=r[6], title=r[7], text=texts.get(r[0], ""), job=r[8],
                brands=json.loads(r[9]), features=json.loads(r[10]), hits=hits.get(r[0], []),
                warc=WarcLocation(r[11], r[12], r[13], r[14], r[15] or "") if r[11] else None,
            )
            for r in rows
        ]

    def brands(self) -> list[Brand]:
        rows = self.conn.execute("SELECT name, aliases, official FROM brands ORDER BY name")
        return [Brand(name, json.loads(aliases), json.loads(official))
                for name, aliases, official in rows]

    def brand_report(self, name: str) -> list[Sighting]:
        brand = find_brand(self.brands(), name)
        names = brand_names(brand) if brand else [name.strip().lower()]
        official = brand.official if brand else []
        total = self.conn.execute(
            f"SELECT count(*) FROM sighting_brands WHERE brand IN ({', '.join('?' * len(names))})",
            names).fetchone()[0]
        return self._by_brands(names, [], [], total, 0, exclude=official)

    def iter_sightings(self) -> Iterator[Sighting]:
        last = -1
        while True:
            rows = self.conn.execute(
                f"SELECT {SIGHTING_COLUMNS} FROM sightings s {SIGHTING_JOINS} "
                "WHERE s.id > ? ORDER BY s.id LIMIT 5000", [last]).fetchall()
            if not rows:
                return
            yield from map(_sighting, rows)
            last = rows[-1][0]

    def networks(self) -> list[Network]:
        rows = self.conn.execute(
            "SELECT doc FROM networks ORDER BY size DESC, pages DESC, network_id")
        return [Network(**json.loads(doc)) for (doc,) in rows]

    def counts(self) -> dict[str, int]:
        tables = ["pages", "captures", "sightings", "numbers", "domains", "brands"]
        return {t: self.conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}


def connect_read_only(path: Path, timeout: float = 30.0) -> sqlite3.Connection:
    """A connection to an existing SQLite file that cannot write (``mode=ro``); on a read-only
    folder, where SQLite cannot make the WAL index beside the file, it reads it as immutable.
    Raises FileNotFoundError for a missing file, sqlite3.Error for an unreadable one."""
    if not path.is_file():
        raise FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT), str(path))
    uri = path.resolve().as_uri() + "?mode=ro"
    for flags in ("", "&immutable=1"):
        conn = sqlite3.connect(uri + flags, uri=True, timeout=timeout, isolation_level=None,
                               check_same_thread=False)
        try:
            conn.execute("PRAGMA user_version").fetchone()
            return conn
        except sqlite3.Error:
            conn.close()
            if flags:
                raise
    raise AssertionError("unreachable")


def _open_read_only(path: Path, timeout: float) -> sqlite3.Connection:
    """The store's file for reading only, never migrated: it must be of this schema version."""
    try:
        conn = connect_read_only(path, timeout)
    except FileNotFoundError as exc:
        raise StoreUnavailable(f"no SQLite store at {path}: crawl, ingest or run `spamline demo` "
                               "first, or check --data-dir / --store") from exc
    except sqlite3.Error as exc:
        raise StoreUnavailable(f"cannot read the SQLite store {path}: {exc}") from exc
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version != schema.VERSION:
        conn.close()
        raise StoreUnavailable(
            f"the store {path} has schema version {version}, this spamline reads version "
            f"{schema.VERSION}; open it once with a writing command (e.g. `spamline brand add`) "
            "where it is writable to upgrade it, or use the matching spamline")
    return conn


def _capture_row(cid: int, key: int, hex_id: str, pid: int, c: Capture) -> tuple:
    w = c.warc
    return (cid, key, hex_id, pid, c.url, c.status, c.captured_at, c.content_type,
            c.encoding, c.ip_address, c.title, c.job, json.dumps(c.brands, ensure_ascii=False),
            json.dumps(c.features, ensure_ascii=False, default=str),
            w.file if w else None, w.offset if w else None, w.length if w else None,
            w.record_id if w else None, w.payload_digest if w else None)


def _sighting(row: tuple) -> Sighting:
    brands = json.loads(row[9])
    return Sighting(
        e164=row[1], number_type=row[2], raw=row[3], start=row[4], end=row[5], context=row[6],
        url=row[7], domain=row[8], brand=brands[0] if brands else "", captured_at=row[10],
        capture_id=row[11], warc_file=row[12], warc_offset=row[13], warc_length=row[14],
        warc_record_id=row[15], source=row[16], network_id=row[17],
    )


def _order_key(row: tuple) -> tuple:
    """NEWEST_FIRST as a sort key over SIGHTING_COLUMNS rows."""
    return row[10], row[18], row[4], row[1]


def _is_text(s: str) -> bool:
    """Whether `s` can be stored as UTF-8 (it holds no lone surrogate)."""
    try:
        s.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _text_match(query: str) -> tuple[str, list[str]]:
    """The sub-select of captures whose title or text contains `query`, with its parameters."""
    if len(query) >= 3 and "\x00" not in query:  # the trigram index answers substrings of three
        # characters or more; FTS5 query syntax cannot hold a NUL, LIKE can
        return ("SELECT rowid FROM capture_text WHERE capture_text MATCH ?",
                ['"' + query.replace('"', '""') + '"'])
    pattern = "%" + query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    return ("SELECT rowid FROM capture_text WHERE text LIKE ? ESCAPE '\\' "
            "OR title LIKE ? ESCAPE '\\'", [pattern, pattern])


def _select_in(conn: sqlite3.Connection, sql: str, values: list, full_rows: bool = False) -> list:
    """Run `sql` with its `IN ({})` filled by `values`, in chunks."""
    out: list = []
    for i in range(0, len(values), CHUNK):
        chunk = values[i:i + CHUNK]
        rows = conn.execute(sql.format(", ".join("?" * len(chunk))), chunk).fetchall()
        out.extend(rows if full_rows else (r[0] for r in rows))
    return out

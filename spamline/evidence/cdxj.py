"""CDXJ index lines (pywb / cdxj-indexer format) and the per-WARC sidecar index.

Each WARC `NAME.warc.gz` in the data dir's warcs/ folder has a sidecar
`NAME.warc.gz.cdxj`: lines are appended as records are written and sorted when
the file is closed. Lines look like cdxj-indexer's default output:

    com,example)/page 20261128001234 {"url": ..., "mime": ..., "status": ...,
        "digest": ..., "length": ..., "offset": ..., "filename": ...}
"""
from __future__ import annotations

import base64
import binascii
import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from json.encoder import encode_basestring_ascii as _json_str
from pathlib import Path

import surt
from cdxj_indexer import CDXJIndexer
from surt.IAURLCanonicalizer import alphaReorderQuery

INDEXED_TYPES = ("response", "revisit", "resource")


def sidecar(warc_path: Path) -> Path:
    """The CDXJ index that belongs to a WARC file."""
    return warc_path.with_name(warc_path.name + ".cdxj")


def url_key(url: str) -> str:
    """The SURT key pywb sorts and looks up by (surt.surt's, computed faster for plain URLs)."""
    try:
        return _plain_url_key(url) or surt.surt(url)
    except Exception:  # surt refuses some malformed URLs; index them verbatim like cdxj-indexer
        return url


# Plain URLs: scheme and host as surt expects them, and a path and query that surt's
# unescaping, escaping and path normalising leave as they are (no %, no spaces, no
# "/." or "//" segments, no session ids). Everything else goes through surt itself.
_PLAIN_URL = re.compile(
    r"(https?://[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?(?::[0-9]+)?)"
    r"(/[A-Za-z0-9._~!$&'*+,;=:@/-]*)(?:\?([A-Za-z0-9._~!$&'()*+,;=:@/?-]+))?")
# every query surt strips a session id from contains one of these (jsessionid=, phpsessid=,
# sid=, aspsessionidXXXXXXXX=, cfid=...&cftoken=)
_SESSION_ID_MARKS = ("sessionid", "sid=", "cfid=")


def _plain_url_key(url: str) -> str | None:
    """surt.surt(url) for a plain URL, its host part cached per origin; None for other URLs."""
    match = _PLAIN_URL.fullmatch(url)
    if match is None:
        return None
    origin, path, query = match.groups()
    if "/." in path or "//" in path:
        return None
    path = path.lower()
    if len(path) > 1 and path.endswith("/"):
        path = path[:-1]
    if query is None:
        return _origin_key(origin) + path
    query = query.lower()
    if any(mark in query for mark in _SESSION_ID_MARKS):
        return None
    return f"{_origin_key(origin)}{path}?{alphaReorderQuery(query.encode()).decode()}"


@lru_cache(maxsize=4096)
def _origin_key(origin: str) -> str:
    """'test,host:8080)' for 'http://host.test:8080': the part of the key before the path."""
    return surt.surt(origin + "/")[:-1]


def timestamp14(warc_date: str) -> str:
    """'20261128030405' for a WARC-Date '2026-11-28T03:04:05[.ffffff]Z', as CDXJ wants."""
    return (warc_date[0:4] + warc_date[5:7] + warc_date[8:10] + warc_date[11:13]
            + warc_date[14:16] + warc_date[17:19])


def cdxj_line(*, url: str, timestamp: str, record_type: str, mime: str, status: int | None,
              digest: str, length: int, offset: int, filename: str) -> str:
    """One index line, newline-terminated, in cdxj-indexer's field order.

    The JSON is written out by hand (it is on the crawler's hot path); the tests check
    it against json.dumps of the same fields.
    """
    mime = "warc/revisit" if record_type == "revisit" else mime.split(";")[0].strip()
    fields = f'{{"url": {_json_str(url)}, "mime": {_json_str(mime)}'
    if status is not None:
        fields += f', "status": "{status}"'
    if digest:
        fields += f', "digest": {_json_str(digest)}'
    return (f'{url_key(url)} {timestamp} {fields}, "length": "{length}", "offset": "{offset}", '
            f'"filename": {_json_str(filename)}}}\n')


@dataclass(frozen=True)
class IndexEntry:
    """A parsed CDXJ line."""

    urlkey: str
    timestamp: str
    fields: dict

    @property
    def url(self) -> str:
        return self.fields["url"]

    @property
    def digest(self) -> str:
        return self.fields.get("digest", "")

    @property
    def filename(self) -> str:
        return self.fields["filename"]

    @property
    def offset(self) -> int:
        return int(self.fields["offset"])

    @property
    def length(self) -> int:
        return int(self.fields["length"])

    @property
    def is_revisit(self) -> bool:
        return self.fields.get("mime") == "warc/revisit"


def parse_line(line: str) -> IndexEntry | None:
    """Parse one CDXJ line; None for blank, header or truncated lines."""
    parts = line.rstrip("\n").split(" ", 2)
    if len(parts) != 3 or line.startswith("!"):
        return None
    try:
        fields = json.loads(parts[2])
    except ValueError:
        return None
    return IndexEntry(parts[0], parts[1], fields)


def read_index(path: Path) -> Iterator[IndexEntry]:
    """Entries of one CDXJ file, skipping anything unparseable (a torn last line)."""
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            entry = parse_line(line)
            if entry is not None:
                yield entry


def sort_index(path: Path) -> None:
    """Sort a CDXJ file in place (atomically), as pywb's binary search needs."""
    with open(path, encoding="utf-8") as fh:
        lines = sorted({line for line in fh if parse_line(line) is not None})
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.writelines(lines)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def build_index(warc_paths: list[Path], out: Path, *, dir_root: Path | None = None) -> None:
    """Write a sorted CDXJ index of whole WARC files with cdxj-indexer.

    `filename` fields are relative to dir_root (default: the bare file name).
    """
    tmp = out.with_name(out.name + ".tmp")
    indexer = CDXJIndexer(str(tmp), [str(p) for p in warc_paths], sort=True,
                          dir_root=str(dir_root) if dir_root else None)
    indexer.process_all()
    os.replace(tmp, out)


def canonical_digest(value: str) -> str:
    """"algo:hex" for a labelled digest written in hex or base32, so both encodings compare equal."""
    algo, _, encoded = value.partition(":")
    try:
        int(encoded, 16)
        return f"{algo.lower()}:{encoded.lower()}"
    except ValueError:
        pass
    try:
        return f"{algo.lower()}:{base64.b32decode(encoded.upper()).hex()}"
    except (binascii.Error, ValueError):
        return value


def find_original(folder: Path, url: str, digest: str) -> IndexEntry | None:
    """The earliest full response for url with this payload digest, from the sidecar indexes."""
    best: IndexEntry | None = None
    digest = canonical_digest(digest)
    for index in sorted(folder.glob("*.cdxj")):
        for entry in read_index(index):
            if (entry.url == url and canonical_digest(entry.digest) == digest and not entry.is_revisit
                    and "status" in entry.fields
                    and (best is None or entry.timestamp < best.timestamp)):
                best = entry
    return best

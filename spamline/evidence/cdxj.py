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
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import surt
from cdxj_indexer import CDXJIndexer
from warcio.timeutils import iso_date_to_timestamp

INDEXED_TYPES = ("response", "revisit", "resource")


def sidecar(warc_path: Path) -> Path:
    """The CDXJ index that belongs to a WARC file."""
    return warc_path.with_name(warc_path.name + ".cdxj")


def url_key(url: str) -> str:
    """The SURT key pywb sorts and looks up by."""
    try:
        return surt.surt(url)
    except Exception:  # surt refuses some malformed URLs; index them verbatim like cdxj-indexer
        return url


def cdxj_line(*, url: str, warc_date: str, record_type: str, mime: str, status: int | None,
              digest: str, length: int, offset: int, filename: str) -> str:
    """One index line, newline-terminated, in cdxj-indexer's field order."""
    fields: dict[str, str] = {"url": url}
    fields["mime"] = "warc/revisit" if record_type == "revisit" else mime.split(";")[0].strip()
    if status is not None:
        fields["status"] = str(status)
    if digest:
        fields["digest"] = digest
    fields.update(length=str(length), offset=str(offset), filename=filename)
    return f"{url_key(url)} {iso_date_to_timestamp(warc_date)} {json.dumps(fields)}\n"


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

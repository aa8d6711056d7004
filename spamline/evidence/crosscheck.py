"""A package's records against the same records in a data dir's archive (`verify --data-dir`).

Each record copied into a package must be byte for byte (decompressed) the record
of the same WARC-Record-ID in the archive's WARCs, found through the archive's
sidecar CDXJ indexes (cdxj.py); a request record is the one written right after
its response. Records made at export time (the package's warcinfo, screenshot
resources) have no archived twin and are counted apart.
"""
from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from spamline.evidence import cdxj
from spamline.evidence.bounded import GzipMembers, Limits
from spamline.evidence.digests import RecordDigests
from spamline.evidence.records import RecordNotFound, read_record_headers, resolve_in

EXPORT_MADE_URI = "urn:spamline:screenshot:"


@dataclass
class ArchiveCheck:
    """How the package's records compare with the archive's."""

    problems: list[str] = field(default_factory=list)
    matched: int = 0
    made_at_export: int = 0


@dataclass
class _Archived:
    path: Path
    offset: int
    sha256: str
    next_offset: int  # where the record written after it starts


def _member(path: Path, offset: int, limits: Limits) -> tuple[str, int]:
    """SHA-256 of the decompressed record at offset, and the offset of the next one."""
    with open(path, "rb") as fh:
        fh.seek(offset)
        members = GzipMembers(fh, limits)
        for _, chunks in members:
            digest = hashlib.sha256()
            for chunk in chunks:
                digest.update(chunk)
            return "sha256:" + digest.hexdigest(), offset + members.offset
    raise RecordNotFound(f"no record at {path}:{offset}")


def compare_with_archive(records: list[RecordDigests], warcs: Path,
                         limits: Limits | None = None) -> ArchiveCheck:
    """Check every package record against the archive in the folder `warcs`."""
    limits = limits or Limits()
    check = ArchiveCheck()
    by_key: dict[tuple[str, str], list[cdxj.IndexEntry]] = defaultdict(list)
    for index in sorted(Path(warcs).glob("*.cdxj")):
        for entry in cdxj.read_index(index):
            by_key[(entry.url, entry.timestamp)].append(entry)
    found: dict[str, _Archived] = {}
    requests = []
    for rec in records:
        if rec.rec_type == "warcinfo" or rec.url.startswith(EXPORT_MADE_URI):
            check.made_at_export += 1
        elif rec.rec_type == "request":
            requests.append(rec)
        else:
            archived = _find(rec, by_key, warcs, limits, check)
            if archived is not None:
                found[rec.record_id] = archived
                _compare(rec, archived, check)
    for rec in requests:
        response = found.get(rec.concurrent_to)
        if response is None:
            check.problems.append(f"request {rec.record_id}: its response is not in the archive "
                                  f"of {warcs.parent}")
            continue
        try:
            headers = read_record_headers(response.path, response.next_offset)
            if headers.get_header("WARC-Record-ID") != rec.record_id:
                check.problems.append(f"request {rec.record_id}: not the record written after "
                                      f"its response in the archive of {warcs.parent}")
                continue
            sha256, nxt = _member(response.path, response.next_offset, limits)
        except (RecordNotFound, OSError, ValueError) as exc:
            check.problems.append(f"request {rec.record_id}: not readable in the archive ({exc})")
            continue
        _compare(rec, _Archived(response.path, response.next_offset, sha256, nxt), check)
    return check


def _find(rec: RecordDigests, by_key: dict, warcs: Path, limits: Limits,
          check: ArchiveCheck) -> _Archived | None:
    for entry in by_key.get((rec.url, cdxj.timestamp14(rec.date)), []):
        try:
            path = resolve_in(warcs, entry.filename)
            headers = read_record_headers(path, entry.offset)
            if headers.get_header("WARC-Record-ID") != rec.record_id:
                continue
            sha256, nxt = _member(path, entry.offset, limits)
        except (RecordNotFound, OSError, ValueError) as exc:
            check.problems.append(f"{rec.rec_type} {rec.record_id}: unreadable in the archive "
                                  f"({exc})")
            return None
        return _Archived(path, entry.offset, sha256, nxt)
    check.problems.append(f"{rec.rec_type} {rec.record_id} ({rec.url}): not in the archive of "
                          f"{warcs.parent}")
    return None


def _compare(rec: RecordDigests, archived: _Archived, check: ArchiveCheck) -> None:
    if archived.sha256 == rec.sha256:
        check.matched += 1
    else:
        check.problems.append(f"{rec.rec_type} {rec.record_id}: differs from the archived record "
                              f"at {archived.path.name}:{archived.offset}")

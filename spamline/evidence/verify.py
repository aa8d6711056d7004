"""Verify a WACZ package: every file digest, the datapackage digest and its signedData, every
WARC record digest.

Independent of how the package was made: it re-reads the zip, hashes each member
against datapackage.json, checks datapackage-digest.json and its signature,
recomputes the block digest of every WARC record and the payload digest of every
response, request and resource, and checks that the CDXJ index, pages.jsonl and
urls.csv point at records that exist. Each problem names the member (and record)
that changed. Everything is streamed under `Limits` (bounded.py): a package that
cannot be read in bounded memory and time is refused.
"""
from __future__ import annotations

import csv
import hashlib
import json
import re
import zipfile
import zlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO

from warcio.timeutils import iso_date_to_timestamp

from spamline.evidence import cdxj
from spamline.evidence.bounded import CHUNK, GzipMembers, LimitExceeded, Limits, read_lines
from spamline.evidence.crosscheck import ArchiveCheck, compare_with_archive
from spamline.evidence.digests import DIGEST_ALGORITHMS, RecordDigests, check_record
from spamline.evidence.signing import SignatureCheck, Trust, check_signed_data
from spamline.plural import plural

PACKAGE_FILES = ("datapackage.json", "datapackage-digest.json")


@dataclass
class Verification:
    """What was checked and what failed."""

    path: Path
    problems: list[str] = field(default_factory=list)
    files: int = 0
    records: int = 0
    index_lines: int = 0
    pages: int = 0
    signature: SignatureCheck = field(default_factory=SignatureCheck)
    digests: Counter = field(default_factory=Counter)  # record digests checked, by algorithm
    unchecked: Counter = field(default_factory=Counter)  # record digests that cannot be checked
    urls_rows: int = 0
    records_by_file: dict[str, dict[int, RecordDigests]] = field(default_factory=dict, repr=False)
    archive: ArchiveCheck | None = None

    @property
    def ok(self) -> bool:
        return not self.problems

    def digest_summary(self) -> str:
        """'24 SHA-256' or '20 SHA-256, 4 SHA-1 (+ 1 payload (chunked) not checkable)'."""
        checked = ", ".join(f"{n} {DIGEST_ALGORITHMS[a]}" for a, n in self.digests.most_common())
        skipped = ", ".join(f"{n} {what}" for what, n in self.unchecked.most_common())
        return (checked or "none") + (f" (+ {skipped} not checkable)" if skipped else "")

    def summary(self) -> str:
        return (f"{self.path}: OK: {plural(self.files, 'file')} (SHA-256), "
                f"{plural(self.records, 'WARC record')} "
                f"(record digests: {self.digest_summary()}), "
                f"{plural(self.index_lines, 'index line')}, {plural(self.pages, 'page')} and "
                f"{plural(self.urls_rows, 'urls.csv row')} verified; "
                f"{self.signature.describe()}" + (
                    f"; {plural(self.archive.matched, 'record')} identical to the archive's, "
                    f"{self.archive.made_at_export} made at export" if self.archive else ""))


def unsafe_name(name: str) -> bool:
    """A member name that could escape the folder it is extracted to."""
    path = PurePosixPath(name)
    return (name.startswith(("/", "\\")) or "\\" in name or ".." in path.parts
            or (len(name) > 1 and name[1] == ":"))


def verify_package(path: str | Path, *, trust: Trust | None = None, allow_unsigned: bool = False,
                   limits: Limits | None = None, archive: Path | None = None) -> Verification:
    """Check everything in a WACZ file; see Verification.problems for what changed.

    The signedData must verify, by a signer `trust` believes, unless allow_unsigned
    and the package carries none. With archive (a data dir's warcs/ folder), every
    record must also be the same as the archived record of the same id.
    """
    result = Verification(Path(path))
    limits = limits or Limits()
    try:
        zf = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile, ValueError) as exc:
        result.problems.append(f"{path}: not a readable zip/WACZ file ({exc})")
        return result
    with zf:
        names = zf.namelist()
        if len(names) > limits.max_members:
            result.problems.append(f"{path}: {len(names)} zip members, more than the "
                                   f"{limits.max_members} verify reads: refused")
            return result
        for info in zf.infolist():
            if unsafe_name(info.filename):
                result.problems.append(f"{info.filename}: unsafe member name (path traversal) "
                                       "refused")
            try:
                limits.check_inflation(f"zip member {info.filename}", info.file_size,
                                       info.compress_size)
            except LimitExceeded as exc:
                result.problems.append(str(exc))
        if result.problems:
            return result
        package_bytes = _read_member(zf, "datapackage.json", result, limits)
        if package_bytes is None:
            return result
        try:
            package = json.loads(package_bytes)
            resources = {r["path"]: r for r in package["resources"]}
        except (ValueError, KeyError, TypeError) as exc:
            result.problems.append(f"datapackage.json: not a valid data package ({exc})")
            return result
        _check_package_digest(zf, package_bytes, package.get("created", ""),
                              trust or Trust(), allow_unsigned, result, limits)
        for name, res in resources.items():
            if unsafe_name(name):
                result.problems.append(f"datapackage.json: unsafe resource path {name!r} refused")
            elif name not in names:
                result.problems.append(f"{name}: listed in datapackage.json but missing")
            elif not name.startswith("archive/") or not name.endswith(".warc.gz"):
                _check_file(zf, name, res, result)
        for name in names:
            if name not in resources and name not in PACKAGE_FILES and not name.endswith("/"):
                result.problems.append(f"{name}: not listed in datapackage.json")
        warc_records: dict[str, dict[int, RecordDigests]] = {}
        for name in names:
            if name.startswith("archive/") and name.endswith(".warc.gz"):
                warc_records[name] = _check_warc(zf, name, resources.get(name), result, limits,
                                                 whole_sha256=archive is not None)
            elif name.startswith("archive/") and name.endswith(".warc"):
                result.problems.append(f"{name}: uncompressed WARC; verify reads gzip WARCs only")
        _check_indexes(zf, names, warc_records, result, limits)
        cited = _Records.of(warc_records)
        _check_urls_csv(zf, names, cited, result, limits)
        _check_report(zf, names, cited, result, limits)
    result.records_by_file = warc_records
    if archive is not None:
        result.archive = compare_with_archive(
            [rec for records in warc_records.values() for rec in records.values()],
            Path(archive), limits)
        result.problems.extend(result.archive.problems)
    return result


def _read_member(zf: zipfile.ZipFile, name: str, result: Verification,
                 limits: Limits) -> bytes | None:
    try:
        if zf.getinfo(name).file_size > limits.max_json_bytes:
            result.problems.append(f"{name}: larger than {limits.max_json_bytes} bytes: refused")
            return None
        return zf.read(name)
    except KeyError:
        result.problems.append(f"{name}: missing from the package")
    except (zipfile.BadZipFile, zlib.error, OSError) as exc:
        result.problems.append(f"{name}: corrupted in the zip ({exc})")
    return None


def _check_package_digest(zf: zipfile.ZipFile, package_bytes: bytes, created: str, trust: Trust,
                          allow_unsigned: bool, result: Verification, limits: Limits) -> None:
    """datapackage-digest.json: its hash, and its signedData (WACZ Signing 0.1.0)."""
    data = _read_member(zf, "datapackage-digest.json", result, limits)
    if data is None:
        return
    try:
        digest = json.loads(data)
        value = digest["hash"]
    except (ValueError, KeyError, TypeError) as exc:
        result.problems.append(f"datapackage-digest.json: unreadable ({exc})")
        return
    package_hash = "sha256:" + hashlib.sha256(package_bytes).hexdigest()
    if value != package_hash:
        result.problems.append("datapackage.json: SHA-256 does not match the hash in "
                               "datapackage-digest.json (one of the two changed)")
    signed = digest.get("signedData")
    if signed is None:
        if not allow_unsigned:
            result.problems.append("datapackage-digest.json: no signedData: the package is not "
                                   "signed, so anyone could have made it as it is "
                                   "(--allow-unsigned checks it anyway)")
        return
    result.signature = check_signed_data(signed, package_hash=package_hash, created=created,
                                         trust=trust)
    result.problems.extend(result.signature.problems)


class _Tee:
    """A zip member's stream that SHA-256es every byte read from it."""

    def __init__(self, fh: IO[bytes]) -> None:
        self.fh = fh
        self.hasher = hashlib.sha256()
        self.size = 0

    def read(self, n: int = -1) -> bytes:
        data = self.fh.read(n)
        self.hasher.update(data)
        self.size += len(data)
        return data


def _check_file(zf: zipfile.ZipFile, name: str, res: dict | None, result: Verification,
                parse: Callable[[_Tee], None] | None = None) -> None:
    """A member against its `hash` and `bytes` in datapackage.json, read once; parse (if
    given) reads the same stream first (a WARC's records)."""
    if res is not None and not str(res.get("hash", "")).startswith("sha256:"):
        result.problems.append(f"{name}: datapackage.json gives {res.get('hash')!r}, "
                               "not a sha256: hash")
        res = None
    try:
        with zf.open(name) as raw:
            fh = _Tee(raw)
            if parse is not None:
                parse(fh)
            for _ in iter(lambda: fh.read(CHUNK), b""):
                pass
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError) as exc:
        result.problems.append(f"{name}: corrupted in the zip ({exc})")
        return
    if res is None:
        return
    result.files += 1
    if res["hash"] != f"sha256:{fh.hasher.hexdigest()}":
        result.problems.append(f"{name}: SHA-256 does not match datapackage.json")
    elif res.get("bytes") is not None and res["bytes"] != fh.size:
        result.problems.append(f"{name}: size {fh.size} does not match datapackage.json "
                               f"({res['bytes']})")


def _check_warc(zf: zipfile.ZipFile, name: str, res: dict | None, result: Verification,
                limits: Limits, *, whole_sha256: bool) -> dict[int, RecordDigests]:
    """Every record of a gzip WARC member, streamed: digests, framing, limits; and the
    member's own SHA-256 from the same read."""
    records: dict[int, RecordDigests] = {}

    def parse(fh: _Tee) -> None:
        try:
            for offset, chunks in GzipMembers(fh, limits):
                rec = check_record(chunks, offset, limits, whole_sha256=whole_sha256)
                if rec is None:
                    result.problems.append(f"{name}: record at offset {offset}: not a WARC record")
                    continue
                result.problems.extend(f"{name}: {p}" for p in rec.problems)
                result.digests.update(rec.checked)
                result.unchecked.update(rec.unchecked)
                records[offset] = rec
                result.records += 1
                if result.records > limits.max_records:
                    raise LimitExceeded(f"more than {limits.max_records} records")
        except ValueError as exc:  # LimitExceeded included
            result.problems.append(f"{name}: {exc}")

    _check_file(zf, name, res, result, parse)
    return records


def _member_lines(zf: zipfile.ZipFile, name: str, result: Verification, limits: Limits):
    """Decoded lines of a member, streamed; a problem (and no more lines) when unreadable."""
    try:
        with zf.open(name) as fh:
            for line in read_lines(fh, limits, name):
                yield line.decode("utf-8", "replace")
    except ValueError as exc:
        result.problems.append(str(exc))
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError) as exc:
        result.problems.append(f"{name}: corrupted in the zip ({exc})")


def _check_indexes(zf: zipfile.ZipFile, names: list[str],
                   warcs: dict[str, dict[int, RecordDigests]], result: Verification,
                   limits: Limits) -> None:
    indexed: set[tuple[str, str]] = set()
    for name in names:
        if not (name.startswith("indexes/") and name.endswith((".cdxj", ".cdx"))):
            continue
        for line in _member_lines(zf, name, result, limits):
            entry = cdxj.parse_line(line)
            if entry is None:
                continue
            result.index_lines += 1
            try:
                url, filename, offset = entry.url, entry.filename, entry.offset
            except (KeyError, TypeError, ValueError):
                result.problems.append(f"{name}: index line without url, filename or offset")
                continue
            indexed.add((url, entry.timestamp))
            rec = warcs.get(f"archive/{filename}", {}).get(offset)
            if rec is None or rec.url != url or (entry.digest and rec.payload_digest != entry.digest):
                result.problems.append(f"{name}: line for {url} points at no matching record "
                                       f"(archive/{filename} offset {offset})")
    for name in names:
        if not (name.startswith("pages/") and name.endswith(".jsonl")):
            continue
        for number, line in enumerate(_member_lines(zf, name, result, limits)):
            if number == 0 or not line.strip():
                continue  # the json-pages-1.0 header
            try:
                page = json.loads(line)
                key = (page["url"], iso_date_to_timestamp(page["ts"]))
            except (ValueError, KeyError, TypeError):
                result.problems.append(f"{name}: unreadable line {line[:80]!r}")
                continue
            result.pages += 1
            if key not in indexed:
                result.problems.append(f"{name}: page {key[0]} at {page['ts']} is not in the index")


@dataclass
class _Records:
    """The package's records as urls.csv and report.html cite them, indexed once for both."""

    by_id: dict[str, RecordDigests]  # by WARC-Record-ID as written ("<urn:uuid:...>")
    bare_ids: set[str]  # the ids without their angle brackets, as the report prints them
    digests: set[str]  # payload digests, canonical (cdxj.canonical_digest)

    @classmethod
    def of(cls, warcs: dict[str, dict[int, RecordDigests]]) -> _Records:
        every = [rec for records in warcs.values() for rec in records.values()]
        return cls({rec.record_id: rec for rec in every}, {r.record_id.strip("<>") for r in every},
                   {cdxj.canonical_digest(rec.payload_digest) for rec in every})


def _check_urls_csv(zf: zipfile.ZipFile, names: list[str], records: _Records,
                    result: Verification, limits: Limits) -> None:
    """Each urls.csv row names a record of the package, with its URL and payload digest."""
    name = "report/urls.csv"
    if name not in names:
        return
    lines = _member_lines(zf, name, result, limits)
    try:
        for row in csv.DictReader(lines):
            if not row.get("record_id"):
                result.problems.append(f"{name}: a row without record_id, so not checkable")
                continue
            result.urls_rows += 1
            rec = records.by_id.get(row["record_id"])
            if rec is None or rec.url != row.get("url") or (
                    row.get("payload_digest") and row["payload_digest"] != rec.payload_digest):
                result.problems.append(f"{name}: row for {row.get('url')} does not match record "
                                       f"{row['record_id']} of the package (URL or digest differ)")
    except csv.Error as exc:
        result.problems.append(f"{name}: unreadable CSV ({exc})")


_RECORD_ID = re.compile(r"urn:uuid:[0-9a-fA-F-]{36}")
_SHA256 = re.compile(r"sha256:[0-9a-f]{64}")


def _check_report(zf: zipfile.ZipFile, names: list[str], records: _Records,
                  result: Verification, limits: Limits) -> None:
    """Every record id and SHA-256 digest report.html cites is one of the package's records."""
    name = "report/report.html"
    if name not in names:
        return
    cited: set[str] = set()
    for line in _member_lines(zf, name, result, limits):
        for rid in _RECORD_ID.findall(line):
            if rid not in records.bare_ids and rid not in cited:
                result.problems.append(f"{name}: cites record {rid}, which is not in the package")
            cited.add(rid)
        for digest in _SHA256.findall(line):
            if digest not in records.digests and digest not in cited:
                result.problems.append(f"{name}: cites digest {digest}, which no record of the "
                                       "package has")
            cited.add(digest)

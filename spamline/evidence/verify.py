"""Verify a WACZ package: every file digest, the datapackage digest, every WARC record digest.

Independent of how the package was made: it re-reads the zip, hashes each member
against datapackage.json, checks datapackage-digest.json, recomputes the block
digest of every WARC record and the payload digest of every response, request
and resource, and checks that the CDXJ index and pages.jsonl point at records
that exist. Each problem names the member (and record) that changed.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import json
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO

from warcio.timeutils import iso_date_to_timestamp

from spamline.evidence import cdxj
from spamline.evidence.signing import SignatureCheck, Trust, check_signed_data

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

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        return (f"{self.path}: OK: {self.files} files, {self.records} WARC records, "
                f"{self.index_lines} index lines and {self.pages} pages verified (SHA-256); "
                f"{self.signature.describe()}")


def unsafe_name(name: str) -> bool:
    """A member name that could escape the folder it is extracted to."""
    path = PurePosixPath(name)
    return (name.startswith(("/", "\\")) or "\\" in name or ".." in path.parts
            or (len(name) > 1 and name[1] == ":"))


def digest_matches(value: str, data_digest: hashlib._Hash) -> bool:
    """Compare a labelled digest ("sha256:BASE32" or hex or base64) with a computed one."""
    raw = data_digest.digest()
    encoded = value.split(":", 1)[1] if ":" in value else value
    for decode in (lambda s: base64.b32decode(s.upper()), bytes.fromhex, base64.b64decode):
        try:
            if decode(encoded) == raw:
                return True
        except (binascii.Error, ValueError):
            continue
    return False


def _hasher(value: str) -> hashlib._Hash | None:
    algo = value.split(":", 1)[0].lower().replace("-", "") if ":" in value else "sha256"
    try:
        return hashlib.new(algo)
    except ValueError:
        return None


def iter_members(fh: IO[bytes], chunk: int = 1 << 20) -> Iterator[tuple[int, bytes]]:
    """(offset, decompressed bytes) of each gzip member; raises ValueError where one is broken."""
    offset = 0
    pending = b""
    while True:
        if not pending:
            pending = fh.read(chunk)
            if not pending:
                return
        decomp = zlib.decompressobj(zlib.MAX_WBITS | 16)
        out = []
        consumed = 0
        while True:
            try:
                out.append(decomp.decompress(pending))
            except zlib.error as exc:
                raise ValueError(f"broken gzip data at offset {offset}: {exc}") from exc
            if decomp.eof:
                consumed += len(pending) - len(decomp.unused_data)
                pending = decomp.unused_data
                break
            consumed += len(pending)
            pending = fh.read(chunk)
            if not pending:
                raise ValueError(f"record at offset {offset} is cut short")
        yield offset, b"".join(out)
        offset += consumed


@dataclass
class _Record:
    offset: int
    rec_type: str
    record_id: str
    url: str
    payload_digest: str


def check_record(data: bytes, offset: int) -> tuple[_Record | None, list[str]]:
    """Parse one decompressed WARC record and recompute its digests."""
    where = f"record at offset {offset}"
    end = data.find(b"\r\n\r\n")
    if not data.startswith(b"WARC/") or end < 0:
        return None, [f"{where}: not a WARC record"]
    headers: dict[str, str] = {}
    for line in data[:end].decode("utf-8", "replace").split("\r\n")[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    rec = _Record(offset, headers.get("warc-type", ""), headers.get("warc-record-id", ""),
                  headers.get("warc-target-uri", ""), headers.get("warc-payload-digest", ""))
    where = f"{rec.rec_type or 'record'} {rec.record_id} at offset {offset}"
    try:
        length = int(headers.get("content-length", ""))
    except ValueError:
        return rec, [f"{where}: no valid Content-Length"]
    block = data[end + 4: end + 4 + length]
    problems = []
    if len(block) != length or data[end + 4 + length:] != b"\r\n\r\n":
        problems.append(f"{where}: block length does not match Content-Length {length}")
    for label, value, content in _digest_targets(rec, headers, block):
        hasher = _hasher(value)
        if hasher is None:
            problems.append(f"{where}: unknown {label} digest algorithm in {value!r}")
            continue
        hasher.update(content)
        if not digest_matches(value, hasher):
            problems.append(f"{where}: {label} digest mismatch (WARC-{label.title()}-Digest {value})")
    return rec, problems


def _digest_targets(rec: _Record, headers: dict[str, str], block: bytes
                    ) -> Iterator[tuple[str, str, bytes]]:
    if headers.get("warc-block-digest"):
        yield "block", headers["warc-block-digest"], block
    if rec.payload_digest and rec.rec_type in ("response", "request", "resource"):
        payload = block
        if headers.get("content-type", "").startswith("application/http"):
            head_end = block.find(b"\r\n\r\n")
            head = block[:head_end].lower()
            if head_end < 0 or b"transfer-encoding: chunked" in head:
                return  # payload digest covers the de-chunked entity; checked via the block
            payload = block[head_end + 4:]
        yield "payload", rec.payload_digest, payload


def verify_package(path: str | Path, *, trust: Trust | None = None,
                   allow_unsigned: bool = False) -> Verification:
    """Check everything in a WACZ file; see Verification.problems for what changed.

    The signedData must verify, by a signer `trust` believes, unless allow_unsigned
    and the package carries none.
    """
    result = Verification(Path(path))
    try:
        zf = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as exc:
        result.problems.append(f"{path}: not a readable zip/WACZ file ({exc})")
        return result
    with zf:
        names = zf.namelist()
        for name in names:
            if unsafe_name(name):
                result.problems.append(f"{name}: unsafe member name (path traversal) refused")
        if result.problems:
            return result
        package_bytes = _read_member(zf, "datapackage.json", result)
        if package_bytes is None:
            return result
        try:
            package = json.loads(package_bytes)
            resources = {r["path"]: r for r in package["resources"]}
        except (ValueError, KeyError, TypeError) as exc:
            result.problems.append(f"datapackage.json: not a valid data package ({exc})")
            return result
        _check_package_digest(zf, package_bytes, package.get("created", ""),
                              trust or Trust(), allow_unsigned, result)
        for name, res in resources.items():
            if unsafe_name(name):
                result.problems.append(f"datapackage.json: unsafe resource path {name!r} refused")
            elif name not in names:
                result.problems.append(f"{name}: listed in datapackage.json but missing")
            else:
                _check_file(zf, name, res, result)
        for name in names:
            if name not in resources and name not in PACKAGE_FILES and not name.endswith("/"):
                result.problems.append(f"{name}: not listed in datapackage.json")
        warc_records: dict[str, dict[int, _Record]] = {}
        for name in names:
            if name.startswith("archive/") and name.endswith((".warc", ".warc.gz")):
                warc_records[name] = _check_warc(zf, name, result)
        _check_indexes(zf, names, warc_records, result)
    return result


def _read_member(zf: zipfile.ZipFile, name: str, result: Verification) -> bytes | None:
    try:
        return zf.read(name)
    except KeyError:
        result.problems.append(f"{name}: missing from the package")
    except (zipfile.BadZipFile, zlib.error, OSError) as exc:
        result.problems.append(f"{name}: corrupted in the zip ({exc})")
    return None


def _check_package_digest(zf: zipfile.ZipFile, package_bytes: bytes, created: str, trust: Trust,
                          allow_unsigned: bool, result: Verification) -> None:
    """datapackage-digest.json: its hash, and its signedData (WACZ Signing 0.1.0)."""
    data = _read_member(zf, "datapackage-digest.json", result)
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


def _check_file(zf: zipfile.ZipFile, name: str, res: dict, result: Verification) -> None:
    hasher = _hasher(res.get("hash", ""))
    if hasher is None:
        result.problems.append(f"{name}: unknown hash {res.get('hash')!r} in datapackage.json")
        return
    size = 0
    try:
        with zf.open(name) as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                hasher.update(block)
                size += len(block)
    except (zipfile.BadZipFile, zlib.error, OSError) as exc:
        result.problems.append(f"{name}: corrupted in the zip ({exc})")
        return
    result.files += 1
    if res["hash"] != f"{hasher.name}:{hasher.hexdigest()}":
        result.problems.append(f"{name}: SHA-256 does not match datapackage.json")
    elif res.get("bytes") is not None and res["bytes"] != size:
        result.problems.append(f"{name}: size {size} does not match datapackage.json ({res['bytes']})")


def _check_warc(zf: zipfile.ZipFile, name: str, result: Verification) -> dict[int, _Record]:
    records: dict[int, _Record] = {}
    try:
        with zf.open(name) as fh:
            for offset, data in iter_members(fh):
                rec, problems = check_record(data, offset)
                result.problems.extend(f"{name}: {p}" for p in problems)
                if rec is not None:
                    records[offset] = rec
                    result.records += 1
    except ValueError as exc:
        result.problems.append(f"{name}: {exc}")
    except (zipfile.BadZipFile, zlib.error, OSError) as exc:
        result.problems.append(f"{name}: corrupted in the zip ({exc})")
    return records


def _check_indexes(zf: zipfile.ZipFile, names: list[str],
                   warcs: dict[str, dict[int, _Record]], result: Verification) -> None:
    indexed: set[tuple[str, str]] = set()
    for name in names:
        if not (name.startswith("indexes/") and name.endswith((".cdxj", ".cdx"))):
            continue
        text = _read_member(zf, name, result)
        for line in (text or b"").decode("utf-8", "replace").splitlines():
            entry = cdxj.parse_line(line)
            if entry is None:
                continue
            result.index_lines += 1
            indexed.add((entry.url, entry.timestamp))
            rec = warcs.get(f"archive/{entry.filename}", {}).get(entry.offset)
            if rec is None or rec.url != entry.url or (entry.digest and rec.payload_digest != entry.digest):
                result.problems.append(f"{name}: line for {entry.url} points at no matching record "
                                       f"(archive/{entry.filename} offset {entry.offset})")
    for name in names:
        if not (name.startswith("pages/") and name.endswith(".jsonl")):
            continue
        text = _read_member(zf, name, result)
        for line in (text or b"").decode("utf-8", "replace").splitlines()[1:]:
            try:
                page = json.loads(line)
                key = (page["url"], iso_date_to_timestamp(page["ts"]))
            except (ValueError, KeyError, TypeError):
                result.problems.append(f"{name}: unreadable line {line[:80]!r}")
                continue
            result.pages += 1
            if key not in indexed:
                result.problems.append(f"{name}: page {key[0]} at {page['ts']} is not in the index")

"""Read one archived record by its location (file + offset), as a library call."""
from __future__ import annotations

import gzip
import io
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.statusandheaders import StatusAndHeaders

from spamline.model import WarcLocation


class RecordNotFound(LookupError):
    """No readable WARC record at the given location."""


@dataclass
class ArchivedRecord:
    """A WARC record's headers, HTTP headers (if any) and payload bytes as stored."""

    rec_type: str
    warc_headers: StatusAndHeaders
    http_headers: StatusAndHeaders | None
    payload: bytes  # the HTTP entity as received (still content-encoded), or a resource's bytes

    @property
    def record_id(self) -> str:
        return self.warc_headers.get_header("WARC-Record-ID") or ""

    @property
    def url(self) -> str:
        return self.warc_headers.get_header("WARC-Target-URI") or ""

    @property
    def date(self) -> str:
        return self.warc_headers.get_header("WARC-Date") or ""

    @property
    def status(self) -> int | None:
        if self.http_headers is None or self.rec_type == "request":
            return None
        code = self.http_headers.get_statuscode()
        return int(code) if code and code.isdigit() else None

    def header(self, name: str) -> str | None:
        """An HTTP header of the archived response."""
        return self.http_headers.get_header(name) if self.http_headers else None


def decode_body(body: bytes, content_encoding: str | None) -> bytes:
    """Undo Content-Encoding (gzip, deflate, br when brotli is installed).

    Raises ValueError for an unknown coding and for bodies that do not decode.
    """
    codings = [c.strip().lower() for c in (content_encoding or "").split(",") if c.strip()]
    for coding in reversed(codings):
        try:
            body = _decode_one(body, coding)
        except (OSError, EOFError, zlib.error) as exc:
            raise ValueError(f"body does not decode as {coding}: {exc}") from exc
    return body


def _decode_one(body: bytes, coding: str) -> bytes:
    if coding in ("gzip", "x-gzip"):
        return gzip.decompress(body)
    if coding == "deflate":
        try:
            return zlib.decompress(body)
        except zlib.error:
            return zlib.decompress(body, -zlib.MAX_WBITS)  # raw deflate, as some servers send
    if coding == "br":
        try:
            import brotli
        except ImportError as exc:
            raise ValueError("install brotli to decode Content-Encoding br") from exc
        try:
            return brotli.decompress(body)
        except brotli.error as exc:
            raise ValueError(f"body does not decode as br: {exc}") from exc
    if coding == "identity":
        return body
    raise ValueError(f"cannot decode Content-Encoding {coding!r}")


def read_record_headers(path: Path, offset: int) -> StatusAndHeaders:
    """Only the WARC headers of the record at offset (cheap: the payload is not read)."""
    with open(path, "rb") as fh:
        fh.seek(offset)
        _check_member_start(fh, path, offset)
        try:
            for record in ArchiveIterator(fh, check_digests=False):
                _check_format(record.format, _is_arc(path), f"{path}:{offset}")
                return record.rec_headers
        except (ArchiveLoadFailed, OSError, EOFError, zlib.error) as exc:
            raise RecordNotFound(f"no WARC record at {path}:{offset}: {exc}") from exc
    raise RecordNotFound(f"no WARC record at {path}:{offset}")


def read_record(path: Path, offset: int) -> ArchivedRecord:
    """The full record at offset in a (gzip) WARC file."""
    try:
        fh = open(path, "rb")
    except FileNotFoundError as exc:
        raise RecordNotFound(f"WARC file {path} is missing") from exc
    with fh:
        fh.seek(offset)
        _check_member_start(fh, path, offset)
        return _first_record(fh, f"{path}:{offset}", arc=_is_arc(path))


def read_raw(path: Path, offset: int, length: int) -> bytes:
    """The stored bytes of one record (its gzip member), unchanged, for copying."""
    try:
        with open(path, "rb") as fh:
            fh.seek(offset)
            data = fh.read(length)
    except FileNotFoundError as exc:
        raise RecordNotFound(f"WARC file {path} is missing") from exc
    if len(data) != length:
        raise RecordNotFound(f"{path} ends before {offset}+{length}; was it truncated?")
    return data


def raw_member_at(path: Path, offset: int, chunk: int = 1 << 16) -> bytes:
    """The whole gzip member (one record) starting at offset, when its length is not known."""
    decomp = zlib.decompressobj(zlib.MAX_WBITS | 16)
    taken = bytearray()
    with open(path, "rb") as fh:
        fh.seek(offset)
        while not decomp.eof:
            data = fh.read(chunk)
            if not data:
                raise RecordNotFound(f"{path} ends inside the record at {offset}")
            try:
                decomp.decompress(data)
            except zlib.error as exc:
                raise RecordNotFound(f"no gzip record at {path}:{offset}: {exc}") from exc
            taken += data
    return bytes(taken[: len(taken) - len(decomp.unused_data)])


def parse_raw(data: bytes) -> ArchivedRecord:
    """Parse the bytes of one record as returned by read_raw."""
    return _first_record(io.BytesIO(data), "the given bytes")


def _is_arc(path: Path) -> bool:
    return path.name.endswith((".arc", ".arc.gz"))


def _check_member_start(fh: BinaryIO, path: Path, offset: int) -> None:
    """In a gzip file a record starts a gzip member. Without this check warcio, handed bytes
    from inside a member, falls back to reading them uncompressed, and one time in about 60
    their first line parses as an ARC header: garbage served as a record."""
    if path.name.endswith(".gz"):
        head = fh.read(2)
        fh.seek(offset)
        if head != b"\x1f\x8b":
            raise RecordNotFound(f"no record starts at {path}:{offset} (not a gzip member); "
                                 "take offsets from the CDXJ index or a capture's warc location")


def _check_format(record_format: str, arc: bool, where: str) -> None:
    """Only WARC records in a WARC file; ARC records only in an ARC file."""
    if record_format != "warc" and not (arc and record_format.startswith("arc")):
        raise RecordNotFound(f"no WARC record at {where} (the bytes there read as {record_format})")


def _first_record(fh: BinaryIO, where: str, arc: bool = False) -> ArchivedRecord:
    try:
        for record in ArchiveIterator(fh, check_digests=False):
            _check_format(record.format, arc, where)
            return ArchivedRecord(record.rec_type, record.rec_headers, record.http_headers,
                                  record.raw_stream.read())
    except (ArchiveLoadFailed, OSError, EOFError, zlib.error) as exc:
        raise RecordNotFound(f"no WARC record at {where}: {exc}") from exc
    raise RecordNotFound(f"no WARC record at {where}")


def read_location(warcs: Path, location: WarcLocation) -> ArchivedRecord:
    """The record a capture points at, from the data dir's warcs/ folder."""
    return read_record(resolve_in(warcs, location.file), location.offset)


def resolve_in(folder: Path, name: str) -> Path:
    """folder/name, refusing names that escape the folder (../, absolute paths) except the
    source files the data dir's ingest read (listed in its ingest.db)."""
    root = folder.resolve()
    if Path(name).is_absolute() and _ingested(root.parent, name):
        return Path(name)  # a source WARC that `spamline ingest` read in place
    path = (root / name).resolve()
    if path != root and root not in path.parents:
        raise RecordNotFound(f"WARC name {name!r} points outside {root}")
    return path


def _ingested(data_root: Path, name: str) -> bool:
    from spamline.ingest.state import is_ingested  # here: spamline.ingest imports this module

    return is_ingested(data_root, name)

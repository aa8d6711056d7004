"""Read the records of a WARC member with FastWARC, resuming after corrupt records.

FastWARC (Rust) iterates and parses the headers; this module adds what ingest
needs on top: de-chunked, content-decoded bodies, the absolute offset and stored length of every record (WARC 1.1 §5: one
gzip member per record, or plain records back to back), the warcinfo in force, and
recovery: a record that does not parse or decode, or is cut short, is reported as a
`Skipped` with its reason and reading resumes at the next record boundary.

ARC files (which FastWARC does not read) are read with warcio's ARC-to-WARC conversion.
"""
from __future__ import annotations

import io
import re
import uuid
import zlib
from collections.abc import Iterator
from dataclasses import dataclass

from fastwarc.warc import ArchiveIterator, WarcRecord, WarcRecordType
from warcio.archiveiterator import ArchiveIterator as WarcioIterator
from warcio.exceptions import ArchiveLoadFailed

from spamline.evidence.records import decode_body
from spamline.ingest.sources import Member

MAX_PAYLOAD = 32 << 20  # a text payload larger than this is skipped, not read (bounded memory)
READ_TYPES = WarcRecordType.response | WarcRecordType.resource | WarcRecordType.revisit
TEXT_MARKERS = ("text/", "html", "xml", "json", "javascript")
_PLAIN_START = re.compile(rb"WARC/1\.[01]\r?\n")
_SCAN = 1 << 20


@dataclass
class SourceRecord:
    """One record as read: where it is, its headers, and its decoded payload (if read)."""

    offset: int  # in member.path
    length: int  # stored bytes (the gzip member for .warc.gz)
    rec_type: str
    headers: dict[str, str]  # WARC headers
    status: int | None = None
    content_type: str = ""  # HTTP Content-Type, or the record's for resource records
    payload: bytes = b""  # de-chunked and content-decoded, when the record was read
    read: bool = False  # whether payload holds the body (text types only)

    def header(self, name: str) -> str:
        return self.headers.get(name, "")


@dataclass
class Skipped:
    """A stretch of the member that could not be read as a record."""

    offset: int
    reason: str


def is_text(content_type: str) -> bool:
    """Whether a Content-Type names something read for numbers (missing counts as text)."""
    ct = content_type.lower()
    return not ct or any(t in ct for t in TEXT_MARKERS)


def iter_records(member: Member, start: int | None = None) -> Iterator[SourceRecord | Skipped]:
    """Records (and skipped stretches) of `member` from `start` (a record boundary)."""
    pos = member.start if start is None else start
    if member.arc:
        yield from _arc_records(member, pos)
        return
    with open(member.path, "rb", buffering=0) as raw:
        while pos < member.end:
            pos = yield from _run(raw, member, pos)


def _run(raw: io.RawIOBase, member: Member, pos: int) -> Iterator[SourceRecord | Skipped]:
    """Read from `pos` until the end or an error; return where to go on from."""
    stream = io.BufferedReader(_Window(raw, pos, member.end), 1 << 16)
    pending: SourceRecord | None = None  # read, waiting for the next record's offset
    here = pos
    try:
        for rec in ArchiveIterator(stream, parse_http=True, strict_mode=False):
            here = pos + rec.stream_pos
            if pending is not None:
                pending.length = here - pending.offset
                yield pending
                pending = None
            pending = _record(rec, here)
    except OSError as exc:
        reason = str(exc) or type(exc).__name__
        if pending is not None:  # the record after it does not parse: where does it end?
            end = _record_end(raw, member, pending.offset)
            if end is None:
                yield Skipped(pending.offset, f"record cut short or corrupt: {reason}")
                return _next_boundary(raw, member, pending.offset + 1)
            pending.length = end - pending.offset
            yield pending
            here = end
        end = _record_end(raw, member, here)
        if end is not None and end > here:  # a whole record whose body does not decode
            yield Skipped(here, f"record does not decode: {reason}")
            return end
        yield Skipped(here, f"no readable record: {reason}")
        return _next_boundary(raw, member, here + 1)
    end = pos
    if pending is not None:
        end = _record_end(raw, member, pending.offset)
        if end is None:
            yield Skipped(pending.offset, "last record cut short (truncated file?)")
            return member.end
        pending.length = end - pending.offset
        yield pending
    if end < member.end:
        yield Skipped(end, f"{member.end - end} bytes at the end are no whole record "
                      "(record cut short: truncated file?)")
    return member.end


def _record(rec: WarcRecord, offset: int) -> SourceRecord:
    headers = dict(rec.headers.items())
    out = SourceRecord(offset, 0, str(rec.record_type), headers)
    if rec.record_type & READ_TYPES:
        if rec.is_http and rec.is_http_parsed:
            out.status = rec.http_headers.status_code
            out.content_type = rec.http_headers.get("Content-Type") or ""
        elif rec.record_type == WarcRecordType.resource:
            out.content_type = headers.get("Content-Type", "")
        if (rec.record_type != WarcRecordType.revisit and is_text(out.content_type)
                and rec.content_length <= MAX_PAYLOAD):
            out.payload = rec.reader.read()
            out.read = True
            if rec.is_http and rec.is_http_parsed:
                out.payload = http_decoded(out.payload, rec.http_headers.get("Transfer-Encoding"),
                                           rec.http_headers.get("Content-Encoding"))
    elif rec.record_type == WarcRecordType.warcinfo:
        out.payload = rec.reader.read(1 << 16)
        out.read = True
    return out


def _arc_records(member: Member, pos: int) -> Iterator[SourceRecord | Skipped]:
    """The records of an ARC file from `pos`, as WARC records (warcio's arc2warc). An ARC
    record has no id: it gets one made from its offset, URL and date, the same on every read
    (so a second ingest stores nothing new). A record that does not parse ends the read."""
    with open(member.path, "rb") as fh:
        fh.seek(pos)
        records = WarcioIterator(fh, arc2warc=True)
        offset = pos
        try:
            for rec in records:
                headers = dict(rec.rec_headers.headers)
                out = SourceRecord(0, 0, rec.rec_type, headers)
                if rec.http_headers is not None and rec.rec_type == "response":
                    out.status = int(rec.http_headers.get_statuscode() or 0)
                    out.content_type = rec.http_headers.get_header("Content-Type") or ""
                    if is_text(out.content_type) and rec.length <= MAX_PAYLOAD:
                        out.payload, out.read = rec.content_stream().read(), True
                records.read_to_end(rec)  # (warcio knows the offset once the record is read)
                out.offset = offset = pos + records.get_record_offset()
                out.length = records.get_record_length()
                headers["WARC-Record-ID"] = "<urn:uuid:%s>" % uuid.uuid5(uuid.NAMESPACE_URL, (
                    f"arc:{offset}:{headers.get('WARC-Target-URI', '')}:{headers['WARC-Date']}"))
                yield out
        except (ArchiveLoadFailed, OSError, ValueError) as exc:
            yield Skipped(offset, f"ARC record does not parse; the rest of the file is not "
                          f"read: {exc}")


def http_decoded(body: bytes, transfer_encoding: str | None, content_encoding: str | None) -> bytes:
    """The entity as a browser sees it: de-chunked, then content-decoded (RFC 9112 §7,
    RFC 9110 §8.4). A body that does not decode stays as stored, as warcio leaves it.

    (FastWARC's own auto_decode stops iterating after a chunked and gzipped body.)
    """
    if transfer_encoding and "chunked" in transfer_encoding.lower():
        body = dechunked(body)
    try:
        return decode_body(body, content_encoding)
    except ValueError:
        return body


def dechunked(body: bytes) -> bytes:
    """The data of a chunked body; the body itself when it is not validly chunked."""
    out, pos = bytearray(), 0
    while True:
        line_end = body.find(b"\r\n", pos)
        if line_end < 0:
            return body
        size_text = body[pos:line_end].split(b";", 1)[0].strip()
        try:
            size = int(size_text, 16)
        except ValueError:
            return body
        if size == 0:
            return bytes(out)
        start = line_end + 2
        if start + size > len(body):
            return body
        out += body[start:start + size]
        pos = start + size + 2


def _record_end(raw: io.RawIOBase, member: Member, offset: int) -> int | None:
    """Where the record at `offset` ends, or None when it is cut short or does not parse."""
    raw.seek(offset)
    if member.gzipped:
        decomp = zlib.decompressobj(zlib.MAX_WBITS | 16)
        pos = offset
        while not decomp.eof and pos < member.end:
            data = raw.read(min(_SCAN, member.end - pos))
            if not data:
                return None
            try:
                decomp.decompress(data, 0)
            except zlib.error:
                return None
            pos += len(data)
        return pos - len(decomp.unused_data) if decomp.eof else None
    head = raw.read(min(1 << 16, member.end - offset))
    split = head.find(b"\r\n\r\n")
    match = re.search(rb"\r\nContent-Length:\s*(\d+)", head[: max(split, 0)], re.IGNORECASE)
    if split < 0 or match is None:
        return None
    end = offset + split + 4 + int(match.group(1)) + 4
    return end if end <= member.end else None


def _next_boundary(raw: io.RawIOBase, member: Member, pos: int) -> int:
    """The first offset at or after `pos` where a readable record starts (member.end if none)."""
    while pos < member.end:
        raw.seek(pos)
        chunk = raw.read(min(_SCAN + 16, member.end - pos))
        if not chunk:
            break
        if member.gzipped:
            at = chunk.find(b"\x1f\x8b\x08")
            while at >= 0:
                raw.seek(pos + at)
                try:
                    head = zlib.decompressobj(zlib.MAX_WBITS | 16).decompress(raw.read(4096), 16)
                except zlib.error:
                    head = b""
                if head.startswith(b"WARC/1."):
                    return pos + at
                at = chunk.find(b"\x1f\x8b\x08", at + 1)
        else:
            for match in _PLAIN_START.finditer(chunk):
                if match.start() == 0 or chunk[match.start() - 1:match.start()] == b"\n":
                    return pos + match.start()
        pos += max(1, len(chunk) - 16)
    return member.end


class _Window(io.RawIOBase):
    """Bytes [start, end) of an open file as a seekable stream of its own (0 = start)."""

    def __init__(self, raw: io.RawIOBase, start: int, end: int) -> None:
        self.raw, self.start, self.end, self.pos = raw, start, end, start

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self.pos - self.start

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: self.start, io.SEEK_CUR: self.pos, io.SEEK_END: self.end}[whence]
        self.pos = min(max(self.start, base + offset), self.end)
        return self.pos - self.start

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        want = min(len(buffer), self.end - self.pos)
        if want <= 0:
            return 0
        self.raw.seek(self.pos)
        got = self.raw.readinto(memoryview(buffer)[:want]) or 0
        self.pos += got
        return got

"""Rotating gzip WARC 1.1 writer: SHA-256 digests, revisits, CDXJ sidecars, crash safety.

Usable without Scrapy: build an `Exchange` (what was sent and what came back)
and call `WarcWriter.write_exchange`. Every record is its own gzip member,
appended with one write and flushed, so a crash can only tear the last record;
`recover_folder` (run when a writer opens) cuts torn records off.

While a file is being written it has a `NAME.warc.gz.open` marker and an
exclusive flock; a clean close sorts the CDXJ sidecar and drops the marker.
"""
from __future__ import annotations

import fcntl
import io
import os
import socket
import zlib
from dataclasses import dataclass, field
from datetime import datetime, timezone
from http import HTTPStatus
from pathlib import Path
from urllib.parse import urlsplit

from warcio.recordloader import ArcWarcRecord
from warcio.statusandheaders import StatusAndHeaders, StatusAndHeadersParser
from warcio.timeutils import datetime_to_iso_date, iso_date_to_timestamp
from warcio.utils import Digester
from warcio.warcwriter import BufferWARCWriter, WARCWriter

from spamline.evidence import cdxj
from spamline.evidence.records import read_record_headers
from spamline.evidence.recovery import recover_file
from spamline.model import WarcLocation

DEFAULT_MAX_SIZE = 100 * 1024 * 1024
WARC_EXT = ".warc.gz"
OPEN_EXT = ".open"


class _Sha256:
    """Mixin: warcio writers compute SHA-256 block and payload digests instead of SHA-1."""

    @staticmethod
    def _create_digester() -> Digester:
        return Digester("sha256")


class Sha256WARCWriter(_Sha256, WARCWriter):
    """warcio's WARCWriter (to a file) with SHA-256 digests."""


class Sha256BufferWARCWriter(_Sha256, BufferWARCWriter):
    """warcio's BufferWARCWriter (to memory) with SHA-256 digests."""


def payload_digest(data: bytes) -> str:
    """The WARC-Payload-Digest value spamline writes for a payload."""
    digester = Digester("sha256")
    digester.update(data)
    return str(digester)


@dataclass
class Exchange:
    """One HTTP request and the response as received (body before any decoding)."""

    url: str
    status: int
    response_headers: list[tuple[str, str]]
    body: bytes
    method: str = "GET"
    request_headers: list[tuple[str, str]] = field(default_factory=list)
    request_body: bytes = b""
    protocol: str = "HTTP/1.1"  # of the response status line
    request_protocol: str = "HTTP/1.1"
    reason: str = ""
    ip_address: str | None = None
    date: datetime | None = None  # when the response arrived; default now (UTC)


@dataclass
class Written:
    """Where an exchange went: the response (or revisit) record, and the original it refers to."""

    location: WarcLocation
    request: WarcLocation
    refers_to: WarcLocation | None = None  # set for a revisit record
    warc_date: str = ""


def status_line(status: int, reason: str = "") -> str:
    """'200 OK' from a status code, using the standard phrase when none was kept."""
    if not reason:
        try:
            reason = HTTPStatus(status).phrase
        except ValueError:
            reason = ""
    return f"{status} {reason}".rstrip()


def recover_folder(folder: Path) -> list[tuple[str, int]]:
    """Finish files a crashed writer left open: truncate torn records, rebuild their index.

    Files still locked by a live writer are left alone. Returns (file, bytes cut).
    """
    fixed = []
    for marker in sorted(folder.glob(f"*{WARC_EXT}{OPEN_EXT}")):
        warc = marker.with_name(marker.name[: -len(OPEN_EXT)])
        if not warc.exists():
            marker.unlink(missing_ok=True)
            cdxj.sidecar(warc).unlink(missing_ok=True)
            continue
        with open(warc, "rb") as fh:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                continue  # another process is writing it
            cut = recover_file(warc)
            if warc.exists():
                cdxj.build_index([warc], cdxj.sidecar(warc))
            else:
                cdxj.sidecar(warc).unlink(missing_ok=True)
            marker.unlink()
        fixed.append((warc.name, cut))
    return fixed


@dataclass(frozen=True)
class _Original:
    file: str
    offset: int
    length: int
    timestamp: str  # 14-digit CDXJ timestamp


class WarcWriter:
    """Writes exchanges into `folder` as PREFIX-TIMESTAMP-SERIAL-PID.warc.gz files of about max_size."""

    def __init__(self, folder: str | os.PathLike[str], *, prefix: str = "spamline",
                 max_size: int = DEFAULT_MAX_SIZE, info: dict[str, str] | None = None,
                 compresslevel: int = 6) -> None:
        if "/" in prefix or prefix.startswith("."):
            raise ValueError(f"WARC prefix {prefix!r} must be a plain file name part")
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.prefix = prefix
        self.max_size = max_size
        self.info = dict(info or {})
        self.compresslevel = compresslevel
        self.recovered = recover_folder(self.folder)
        self._originals = self._load_originals()
        self._builder = Sha256BufferWARCWriter(gzip=False, warc_version="1.1")  # makes records
        self._serial = 0
        self._fh: io.BufferedWriter | None = None
        self._index: io.TextIOWrapper | None = None
        self._name = ""
        self._size = 0

    # --- public -----------------------------------------------------------
    @property
    def current_file(self) -> str:
        """Name of the file being written ('' when none is open)."""
        return self._name

    def write_exchange(self, ex: Exchange) -> Written:
        """Append the response (or a revisit when the payload is known) and the request."""
        date = datetime_to_iso_date((ex.date or datetime.now(timezone.utc)).replace(tzinfo=None),
                                    use_micros=True)
        digest = payload_digest(ex.body)
        original = self._originals.get((ex.url, digest)) if ex.body else None
        http = StatusAndHeaders(status_line(ex.status, ex.reason), ex.response_headers,
                                protocol=ex.protocol)
        warc_headers = {"WARC-Date": date, "WARC-Payload-Digest": digest}
        if ex.ip_address:
            warc_headers["WARC-IP-Address"] = ex.ip_address
        req_id = StatusAndHeadersParser.make_warc_id()
        warc_headers["WARC-Concurrent-To"] = req_id
        if original is None:
            resp = self._builder.create_warc_record(
                ex.url, "response", payload=io.BytesIO(ex.body), length=len(ex.body),
                http_headers=http, warc_headers_dict=warc_headers)
            refers_to = None
        else:
            refers_to, refers_date = self._original_location(original)
            del warc_headers["WARC-Payload-Digest"]  # the revisit builder adds it
            resp = self._builder.create_revisit_record(
                ex.url, digest, ex.url, refers_date,
                http_headers=http, warc_headers_dict=warc_headers)
            resp.rec_headers.add_header("WARC-Refers-To", refers_to.record_id)
        resp_id = resp.rec_headers.get_header("WARC-Record-ID")

        req = self._builder.create_warc_record(
            ex.url, "request", payload=io.BytesIO(ex.request_body), length=len(ex.request_body),
            http_headers=self._request_head(ex),
            warc_headers_dict={"WARC-Record-ID": req_id, "WARC-Date": date,
                               "WARC-Concurrent-To": resp_id})

        resp_bytes, req_bytes = self._gzip(resp), self._gzip(req)
        self._ensure_file(len(resp_bytes) + len(req_bytes))
        offset = self._append(resp_bytes + req_bytes)
        location = WarcLocation(self._name, offset, len(resp_bytes), resp_id, digest)
        request = WarcLocation(self._name, offset + len(resp_bytes), len(req_bytes), req_id)
        mime = http.get_header("Content-Type") or ""
        self._index_line(url=ex.url, warc_date=date, record_type=resp.rec_type, mime=mime,
                         status=ex.status, digest=digest, length=len(resp_bytes), offset=offset)
        if original is None and ex.body:
            self._originals[(ex.url, digest)] = _Original(
                self._name, offset, len(resp_bytes), iso_date_to_timestamp(date))
        return Written(location, request, refers_to, date)

    def write_resource(self, uri: str, data: bytes, content_type: str, *,
                       concurrent_to: str | None = None, refers_to: str | None = None) -> WarcLocation:
        """Append a `resource` record (e.g. a screenshot) linked to another record."""
        headers: dict[str, str] = {}
        if concurrent_to:
            headers["WARC-Concurrent-To"] = concurrent_to
        if refers_to:
            headers["WARC-Refers-To"] = refers_to
        digest = payload_digest(data)
        headers["WARC-Payload-Digest"] = digest
        record = self._builder.create_warc_record(
            uri, "resource", payload=io.BytesIO(data), length=len(data),
            warc_content_type=content_type, warc_headers_dict=headers)
        blob = self._gzip(record)
        self._ensure_file(len(blob))
        offset = self._append(blob)
        rid = record.rec_headers.get_header("WARC-Record-ID")
        self._index_line(url=uri, warc_date=record.rec_headers.get_header("WARC-Date"),
                         record_type="resource", mime=content_type, status=None,
                         digest=digest, length=len(blob), offset=offset)
        return WarcLocation(self._name, offset, len(blob), rid, digest)

    def close(self) -> None:
        """Finish the current file: fsync, sort its CDXJ, drop the open marker."""
        if self._fh is None:
            return
        path = self.folder / self._name
        self._fh.flush()
        os.fsync(self._fh.fileno())
        assert self._index is not None
        self._index.close()
        cdxj.sort_index(cdxj.sidecar(path))
        (self.folder / (self._name + OPEN_EXT)).unlink(missing_ok=True)
        self._fh.close()  # releases the flock
        self._fh = self._index = None
        self._name = ""
        self._size = 0

    def __enter__(self) -> "WarcWriter":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- internals ----------------------------------------------------------
    def _request_head(self, ex: Exchange) -> StatusAndHeaders:
        parts = urlsplit(ex.url)
        target = parts.path or "/"
        if parts.query:
            target += "?" + parts.query
        headers = list(ex.request_headers)
        if not any(name.lower() == "host" for name, _ in headers):
            headers.insert(0, ("Host", parts.netloc))
        return StatusAndHeaders(f"{ex.method} {target} {ex.request_protocol}", headers,
                                protocol="", is_http_request=True)

    def _gzip(self, record: ArcWarcRecord) -> bytes:
        """One record as one gzip member (warcio's own gzip is level 9: slower, barely smaller)."""
        out = Sha256BufferWARCWriter(gzip=False, warc_version="1.1")
        out.write_record(record)
        comp = zlib.compressobj(self.compresslevel, zlib.DEFLATED, zlib.MAX_WBITS | 16)
        return comp.compress(out.get_contents()) + comp.flush()

    def _ensure_file(self, incoming: int) -> None:
        if self._fh is not None and self._size > 0 and self._size + incoming > self.max_size:
            self.close()
        if self._fh is None:
            self._open_new()

    def _open_new(self) -> None:
        while True:
            self._serial += 1
            stamp = datetime.now(timezone.utc).strftime("%Y%m%d%H%M%S%f")
            name = f"{self.prefix}-{stamp}-{self._serial:05d}-{os.getpid()}{WARC_EXT}"
            if not (self.folder / name).exists():
                break
        (self.folder / (name + OPEN_EXT)).touch()
        fh = open(self.folder / name, "xb")
        fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        self._fh, self._name, self._size = fh, name, 0
        self._index = open(cdxj.sidecar(self.folder / name), "a", encoding="utf-8")
        info = {"software": self.info.get("software", ""), "hostname": socket.gethostname(),
                "format": "WARC File Format 1.1",
                "conformsTo": "https://iipc.github.io/warc-specifications/specifications/"
                              "warc-format/warc-1.1/"}
        info.update({k: v for k, v in self.info.items() if k != "software"})
        record = self._builder.create_warcinfo_record(name, info)
        self._append(self._gzip(record))

    def _append(self, blob: bytes) -> int:
        assert self._fh is not None
        offset = self._size
        self._fh.write(blob)
        self._fh.flush()
        self._size += len(blob)
        return offset

    def _index_line(self, **fields) -> None:
        assert self._index is not None
        self._index.write(cdxj.cdxj_line(filename=self._name, **fields))
        self._index.flush()

    def _load_originals(self) -> dict[tuple[str, str], _Original]:
        originals: dict[tuple[str, str], _Original] = {}
        for index in sorted(self.folder.glob(f"*{WARC_EXT}.cdxj")):
            for entry in cdxj.read_index(index):
                if entry.is_revisit or not entry.digest or "status" not in entry.fields:
                    continue  # only full responses can be referred to
                key = (entry.url, entry.digest)
                if key not in originals or entry.timestamp < originals[key].timestamp:
                    originals[key] = _Original(entry.filename, entry.offset, entry.length,
                                               entry.timestamp)
        return originals

    def _original_location(self, original: _Original) -> tuple[WarcLocation, str]:
        """The original response's location and WARC-Date, read from its record."""
        headers = read_record_headers(self.folder / original.file, original.offset)
        location = WarcLocation(original.file, original.offset, original.length,
                                headers.get_header("WARC-Record-ID"),
                                headers.get_header("WARC-Payload-Digest") or "")
        return location, headers.get_header("WARC-Date")

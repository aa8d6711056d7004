"""Archived records to Captures: the same page reader as a crawl, pointed at the source record.

`PageReader` (spamline.pipelines.extract) is the one page reader: crawled responses, ingested
records and Spark executors all call it; only where the bytes come from differs.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from spamline.brands.features import PageFeatures
from spamline.ingest.reader import SourceRecord, iter_records
from spamline.ingest.sources import Member
from spamline.model import Capture, WarcLocation
from spamline.pipelines.extract import PageReader

CAPTURE_TYPES = ("response", "resource", "revisit")


@dataclass
class Warcinfo:
    """The warcinfo record in force in a member: who captured the records after it."""

    offset: int
    length: int
    record_id: str
    fields: dict[str, str] = field(default_factory=dict)


@dataclass
class Page:
    """A capture read from an archive, with the page features still to apply."""

    capture: Capture
    features: PageFeatures | None


def parse_warcinfo(rec: SourceRecord) -> Warcinfo:
    """The `key: value` fields of a warcinfo record (WARC 1.1 §6.1, application/warc-fields)."""
    fields = {}
    for line in rec.payload.decode("utf-8", "replace").splitlines():
        key, sep, value = line.partition(":")
        if sep and key.strip():
            fields[key.strip()] = value.strip()
    return Warcinfo(rec.offset, rec.length, rec.header("WARC-Record-ID"), fields)


def target_uri(rec: SourceRecord, name: str = "WARC-Target-URI") -> str:
    """A record's target URI without the angle brackets WARC 1.0's grammar showed, which
    wget still writes (WARC 1.1 §5.5 dropped them)."""
    uri = rec.header(name).strip()
    return uri[1:-1] if uri.startswith("<") and uri.endswith(">") else uri


def warc_date(value: str) -> str:
    """A WARC-Date as a capture time: ISO 8601 UTC, second precision."""
    return value[:19] + "Z" if len(value) >= 19 else value


def location_of(rec: SourceRecord, member: Member) -> WarcLocation:
    """Where the record lives: the source file itself (absolute path), offset and length."""
    return WarcLocation(str(member.path), rec.offset, rec.length, rec.header("WARC-Record-ID"),
                        rec.header("WARC-Payload-Digest"))


def source_of(rec: SourceRecord, member: Member, info: Warcinfo | None) -> dict:
    """What a capture keeps of its source: the member, block digest and warcinfo record."""
    source: dict = {"member": member.label, "block_digest": rec.header("WARC-Block-Digest")}
    if info is not None:
        source["warcinfo"] = {"offset": info.offset, "length": info.length,
                              "record_id": info.record_id, **{k: info.fields[k] for k in
                              ("software", "isPartOf", "operator") if k in info.fields}}
    return source


def read_page(rec: SourceRecord, member: Member, info: Warcinfo | None, reader: PageReader,
              body: bytes | None = None, content_type: str | None = None) -> Page:
    """The capture of one response/resource record (or a revisit given its original's body)."""
    url = target_uri(rec)
    capture = Capture(
        url=url, status=rec.status or (200 if rec.rec_type == "resource" else 0),
        captured_at=warc_date(rec.header("WARC-Date")),
        content_type=rec.content_type if content_type is None else content_type,
        ip_address=rec.header("WARC-IP-Address") or None, warc=location_of(rec, member),
        job=(info.fields.get("isPartOf") if info else "") or "ingest",
    )
    capture.features["source"] = source_of(rec, member, info)
    payload = rec.payload if body is None else body
    features = None
    if payload and (rec.read or body is not None):
        result = reader(payload, capture.content_type, url)
        capture.encoding, capture.title, capture.text, capture.hits = (
            result.encoding, result.title, result.text, result.hits)
        features = result.features
    return Page(capture, features)


def read_revisit(doc: dict, original: Member, offset: int, record_id: str,
                 content_type: str, reader: PageReader) -> Page | None:
    """The capture of a revisit record (`doc`, as kept by `revisit_doc`) read with the payload
    of its original at `offset` of `original`; None when that record has no payload to read."""
    body = next((r for r in iter_records(original, offset) if isinstance(r, SourceRecord)), None)
    if body is None or not body.read:
        return None
    member = Member(Path(doc["path"]), doc["start"], doc["end"], doc["label"], doc["gzipped"])
    rec = SourceRecord(doc["offset"], doc["length"], "revisit", doc["headers"], doc["status"],
                       doc["content_type"])
    info = Warcinfo(*doc["warcinfo"]) if doc["warcinfo"] else None
    page = read_page(rec, member, info, reader, body.payload, doc["content_type"] or content_type)
    page.capture.features["source"]["refers_to"] = {
        "file": str(original.path), "offset": offset, "length": body.length,
        "record_id": record_id}
    return page

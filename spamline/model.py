"""The records that flow from the crawler through the pipelines into a store.

Everything here is plain data (dataclasses), shared by the crawler, the
pipelines, every store backend, the evidence exporter and the web app.
Times are ISO 8601 strings in UTC ("2026-11-28T00:07:17Z").
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime, timezone
from urllib.parse import urlsplit


def utc_now() -> str:
    """The current time as an ISO 8601 UTC string with second precision."""
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def stable_id(*parts: object) -> str:
    """A deterministic id from its parts, so a retried write never duplicates."""
    return hashlib.sha1("\x1f".join(map(str, parts)).encode("utf-8")).hexdigest()


def domain_of(url: str) -> str:
    """The lower-cased host name of a URL, without port."""
    return (urlsplit(url).hostname or "").lower()


@dataclass
class PhoneHit:
    """One occurrence of a phone number in a document."""

    e164: str  # "+864008123456"
    raw: str  # the text exactly as it stands in the document: doc[start:end]
    start: int  # offsets into the decoded document (HTML source for HTML)
    end: int
    type: str  # toll_free | shared_cost | mobile | fixed_line | fixed_line_or_mobile | short_code | premium_rate | voip | uan | unknown
    context: str = ""  # readable text around the number
    source: str = "text"  # text | tel | jsonld | meta | attr | script
    region: str = ""  # ISO country the number belongs to


@dataclass
class WarcLocation:
    """Where the response record of a capture lives."""

    file: str  # path relative to the data dir's warcs/ folder
    offset: int
    length: int
    record_id: str  # "<urn:uuid:...>"
    payload_digest: str = ""  # "sha256:<base32 or hex>" as written in the record


@dataclass
class Capture:
    """One fetched page: what was served, where it is archived, what it says."""

    url: str
    status: int
    captured_at: str
    content_type: str = ""
    encoding: str = ""
    ip_address: str | None = None
    title: str = ""
    text: str = ""  # visible text, for full-text search
    warc: WarcLocation | None = None
    job: str = ""
    hits: list[PhoneHit] = field(default_factory=list)
    brands: list[str] = field(default_factory=list)  # brands the page claims to serve
    features: dict = field(default_factory=dict)  # spam score, fingerprints, reasons
    body: bytes = b""  # transient: the decoded-content body, never stored

    @property
    def domain(self) -> str:
        return domain_of(self.url)

    @property
    def capture_id(self) -> str:
        return stable_id(self.url, self.captured_at, self.warc.record_id if self.warc else "")


@dataclass
class Sighting:
    """A number seen on a page in one capture: the row analysts search."""

    e164: str
    number_type: str
    raw: str
    start: int
    end: int
    context: str
    url: str
    domain: str
    brand: str
    captured_at: str
    capture_id: str
    warc_file: str | None = None
    warc_offset: int | None = None
    warc_length: int | None = None
    warc_record_id: str | None = None
    source: str = "text"
    network_id: str | None = None
    # in search results for a brand: "brand" (the page is attributed to it) or "text" (the word
    # stands on the page, which is attributed to no such brand)
    matched: str = ""

    @property
    def sighting_id(self) -> str:
        return stable_id(self.capture_id, self.e164, self.start)


def sightings_of(capture: Capture) -> list[Sighting]:
    """Flatten a capture's hits into sightings, one per occurrence."""
    brand = capture.brands[0] if capture.brands else ""
    warc = capture.warc
    return [
        Sighting(
            e164=h.e164, number_type=h.type, raw=h.raw, start=h.start, end=h.end,
            context=h.context, url=capture.url, domain=capture.domain, brand=brand,
            captured_at=capture.captured_at, capture_id=capture.capture_id,
            warc_file=warc.file if warc else None, warc_offset=warc.offset if warc else None,
            warc_length=warc.length if warc else None,
            warc_record_id=warc.record_id if warc else None, source=h.source,
        )
        for h in capture.hits
    ]


@dataclass
class Brand:
    """A registered brand with its aliases and the numbers it really owns."""

    name: str
    aliases: list[str] = field(default_factory=list)
    official: list[str] = field(default_factory=list)  # E.164


@dataclass
class NumberProfile:
    """Everything known about one number."""

    e164: str
    number_type: str
    first_seen: str
    last_seen: str
    sightings: int
    pages: int
    brands: dict[str, int] = field(default_factory=dict)  # brand -> pages
    domains: dict[str, int] = field(default_factory=dict)  # domain -> pages
    network_id: str | None = None


@dataclass
class Network:
    """A connected group of numbers, brands, domains and templates."""

    network_id: str  # stable across re-runs
    numbers: list[str] = field(default_factory=list)
    brands: list[str] = field(default_factory=list)
    domains: list[str] = field(default_factory=list)
    templates: list[str] = field(default_factory=list)
    pages: int = 0
    first_seen: str = ""
    last_seen: str = ""
    explanations: list[str] = field(default_factory=list)  # why each link merged members
    # members shown on a page judged spam, found by the network build (None: built before
    # builds kept it; networks.spam then reads the captures)
    spam_numbers: list[str] | None = None

"""What the pipeline concludes about one page, without a crawl: numbers, brands, verdict.

    inspect_page(body, content_type, url, brands) -> PageReport

The same calls a crawl makes (extract_document, page_features, PageAnalyzer.apply) on one
page alone, so a page given here gets the verdict it would get as the first page of a crawl.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field

from spamline.brands.features import PageAnalyzer, html_of, page_features
from spamline.model import Brand, Capture, utc_now
from spamline.phones import extract_document


@dataclass
class PageReport:
    """One page as the pipeline reads it (the `spamline inspect --json` line)."""

    file: str
    encoding: str
    title: str
    region: str  # the page's default region (its prior for national-format numbers)
    numbers: list[dict] = field(default_factory=list)
    brands: list[str] = field(default_factory=list)
    products: list[str] = field(default_factory=list)
    spam: bool = False
    spam_score: float = 0.0
    reasons: list[str] = field(default_factory=list)
    brand_evidence: str = ""

    def as_dict(self) -> dict:
        return asdict(self)


def inspect_page(body: bytes | str, content_type: str | None = None, url: str | None = None,
                 brands: Sequence[Brand] = (), name: str = "") -> PageReport:
    """Read one page: its numbers (with the region each was read in), claimed brands and
    products, and the spam verdict with its reasons."""
    doc = extract_document(body, content_type=content_type, url=url)
    analyzer = PageAnalyzer(list(brands))
    capture = Capture(url=url or "", status=200, captured_at=utc_now(),
                      content_type=content_type or "", encoding=doc.encoding, title=doc.title,
                      text=doc.text, hits=doc.hits)
    raw = body if isinstance(body, bytes) else body.encode("utf-8")
    html = html_of(raw, content_type or "text/html", doc.encoding or "utf-8")
    if doc.title or doc.text:
        analyzer.apply(capture, page_features(doc.title, doc.text, doc.hits, html, analyzer.index,
                                              url or ""))
    f = capture.features
    numbers = [{"e164": h.e164, "raw": h.raw, "start": h.start, "end": h.end, "type": h.type,
                "source": h.source, "region": h.region, "context": h.context} for h in doc.hits]
    return PageReport(file=name, encoding=doc.encoding, title=doc.title, region=doc.region,
                      numbers=numbers, brands=list(capture.brands),
                      products=list(f.get("products", [])), spam=bool(f.get("spam")),
                      spam_score=float(f.get("spam_score", 0.0)),
                      reasons=list(f.get("reasons", [])),
                      brand_evidence=f.get("brand_evidence", ""))

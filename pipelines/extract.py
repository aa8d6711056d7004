"""Item pipeline: decode each captured page and extract its phone numbers."""
from __future__ import annotations

from typing import Any

from spamline.model import Capture
from spamline.phones import extract_document

TEXT_TYPES = ("text/", "html", "xml", "json", "javascript")


class ExtractionPipeline:
    """Fill a Capture's encoding, title, visible text and phone hits.

    Bodies that are not text (images, archives, binaries) are kept as captures
    without text, so the archive still records what was served.
    """

    def __init__(self, stats: Any, default_region: str | None):
        self.stats = stats
        self.default_region = default_region

    @classmethod
    def from_crawler(cls, crawler: Any) -> "ExtractionPipeline":
        return cls(crawler.stats, crawler.settings.get("SPAMLINE_REGION"))

    def process_item(self, item: Any, spider: Any = None) -> Any:
        if not isinstance(item, Capture) or not item.body:
            return item
        if not is_text(item.content_type):
            self.stats.inc_value("spamline/not_text")
            return item
        doc = extract_document(item.body, content_type=item.content_type, url=item.url,
                               region=self.default_region)
        item.encoding, item.title, item.text, item.hits = doc.encoding, doc.title, doc.text, doc.hits
        if doc.hits:
            self.stats.inc_value("spamline/hits", len(doc.hits))
            self.stats.inc_value("spamline/pages_with_numbers")
        return item


def is_text(content_type: str) -> bool:
    """Whether a Content-Type names something to read for numbers (missing counts as text)."""
    ct = content_type.lower()
    return not ct or any(t in ct for t in TEXT_TYPES)

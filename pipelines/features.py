"""Item pipeline: the brand a page claims, its template and its spam score."""
from __future__ import annotations

import logging
from typing import Any

from spamline.brands.features import PageAnalyzer
from spamline.datadir import DataDir, DataDirError
from spamline.model import Brand, Capture
from spamline.store import open_store
from spamline.store.base import StoreUnavailable

log = logging.getLogger(__name__)


class FeaturesPipeline:
    """Fill a Capture's brands and features after extraction, before storing.

    Registered brands (names, aliases, official numbers) are read from the store
    once when the spider opens; without a store, brands are read from the pages alone.
    """

    def __init__(self, stats: Any, data_dir: str | None, store_url: str | None):
        self.stats = stats
        self.data_dir = data_dir
        self.store_url = store_url
        self.analyzer = PageAnalyzer()

    @classmethod
    def from_crawler(cls, crawler: Any) -> FeaturesPipeline:
        s = crawler.settings
        return cls(crawler.stats, s.get("SPAMLINE_DATA_DIR"), s.get("SPAMLINE_STORE"))

    def open_spider(self, spider: Any = None) -> None:
        self.analyzer = PageAnalyzer(self._registered_brands())

    def _registered_brands(self) -> list[Brand]:
        if not self.data_dir:
            return []
        try:
            with open_store(self.store_url, DataDir.open(self.data_dir)) as store:
                return store.brands()
        except (StoreUnavailable, DataDirError, OSError) as exc:
            log.warning("brand registry not loaded (%s); brands are read from pages only", exc)
            return []

    def process_item(self, item: Any, spider: Any = None) -> Any:
        if not isinstance(item, Capture) or not (item.title or item.text):
            return item
        self.analyzer.analyze(item, html=_html_of(item))
        if item.brands:
            self.stats.inc_value("spamline/pages_with_brand")
        return item


def _html_of(capture: Capture) -> str | bytes | None:
    """The page body as text when its encoding is known (for headings), else the bytes."""
    if not capture.body or "html" not in (capture.content_type or "text/html").lower():
        return None
    if capture.encoding:
        try:
            return capture.body.decode(capture.encoding, errors="replace")
        except LookupError:
            pass
    return capture.body

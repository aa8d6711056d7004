"""Item pipeline: the brand a page claims, its template and its spam score."""
from __future__ import annotations

from typing import Any

from spamline.brands.features import PageAnalyzer, PageFeatures, html_of
from spamline.brands.registry import registered_brands
from spamline.model import Capture


class FeaturesPipeline:
    """Fill a Capture's brands and features after extraction, before storing.

    Registered brands (names, aliases, official numbers) are read from the store
    once when the spider opens; without a store, brands are read from the pages alone.
    When ExtractionPipeline already read the page features (in a worker process), they
    come as `features["page"]` and only the template and score are worked out here.
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
        self.analyzer = PageAnalyzer(registered_brands(self.data_dir, self.store_url))

    def process_item(self, item: Any, spider: Any = None) -> Any:
        if not isinstance(item, Capture):
            return item
        page = item.features.pop("page", None)
        if isinstance(page, PageFeatures):
            self.analyzer.apply(item, page)
        elif item.title or item.text:
            self.analyzer.analyze(item, html=html_of(item.body, item.content_type, item.encoding))
        else:
            return item
        if item.brands:
            self.stats.inc_value("spamline/pages_with_brand")
        return item

"""Item pipeline: decode each captured page, extract its phone numbers and read its features.

The per-page CPU work (decoding, extraction, brand detection, fingerprints, and the links
the spider follows) is `PageReader`, a pure function of the page. It runs in
SPAMLINE_WORKERS forked worker processes (default: one per core but the reactor's; 0 reads
inline), so the reactor thread keeps crawling while another core reads pages. The spider
awaits `ExtractionPipeline.read` for the pages whose links it follows, so link extraction
leaves the reactor thread too; other captures are read when they reach `process_item`.
A page that takes a worker longer than SPAMLINE_PAGE_BUDGET seconds (default 30) is stopped
there: it stays archived, is stored with `features["not_read"] = "over budget"` and counted
(`spamline/not_read/over_budget`), and the crawl goes on (pages read inline have no budget).
What depends on the pages seen so far (template ids, the spam score that counts them)
stays in this process: FeaturesPipeline applies the page features with the same
TemplateIndex as inline, so pages taken in the same order get the same results.
"""
from __future__ import annotations

import asyncio
import logging
import os
from dataclasses import dataclass
from typing import Any

from scrapy import signals
from scrapy.http import TextResponse
from scrapy.linkextractors import LinkExtractor
from scrapy.utils.conf import build_component_list

from spamline.pipelines.workers import OverBudget, WorkerPool
from spamline.brands.features import PageFeatures, html_of, page_features
from spamline.brands.registry import BrandIndex, registered_brands
from spamline.model import Brand, Capture, PhoneHit
from spamline.phones import extract_document

log = logging.getLogger(__name__)

TEXT_TYPES = ("text/", "html", "xml", "json", "javascript")
PAGE_BUDGET = 30.0  # seconds a worker may spend on one page (SPAMLINE_PAGE_BUDGET)
OVER_BUDGET = "over budget"  # features["not_read"] of a page stopped at its budget
FEATURES_PIPELINE = "spamline.pipelines.features.FeaturesPipeline"


@dataclass
class PageResult:
    """What a PageReader reads: the Capture fields, the page features and the links."""

    encoding: str
    title: str
    text: str
    hits: list[PhoneHit]
    features: PageFeatures | None  # None: no text to read, or features not asked for
    links: list[str]  # URLs to follow: empty unless asked for


class PageReader:
    """Reads one page: its numbers, its features (when `brands` is given: the registry,
    possibly empty) and the links `links` extracts (when the page is to be followed).

    Pure, so it can run in a worker process; the BrandIndex is built once per reader.
    """

    def __init__(self, region: str | None = None, brands: tuple[Brand, ...] | None = None,
                 links: LinkExtractor | None = None) -> None:
        self.region = region
        self.brand_index = BrandIndex(list(brands)) if brands is not None else None
        self.links = links

    def __call__(self, body: bytes, content_type: str, url: str,
                 follow: type[TextResponse] | None = None) -> PageResult:
        """Read the page; `follow`: the response class to read its links as (None: no links)."""
        doc = extract_document(body, content_type=content_type, url=url, region=self.region)
        features = None
        if self.brand_index is not None and (doc.title or doc.text):
            features = page_features(doc.title, doc.text, doc.hits,
                                     html_of(body, content_type, doc.encoding), self.brand_index, url)
        links = []
        if follow is not None and self.links is not None:
            response = follow(url, body=body, headers={"Content-Type": content_type})
            links = [link.url for link in self.links.extract_links(response)]
        return PageResult(doc.encoding, doc.title, doc.text, doc.hits, features, links)


class ExtractionPipeline:
    """Fill a Capture's encoding, title, visible text and phone hits (and its page features).

    Bodies that are not text (images, archives, binaries) are kept as captures
    without text, so the archive still records what was served. A capture the spider
    had read already (`read`; its `encoding` is set) passes through as it is.
    """

    def __init__(self, stats: Any, default_region: str | None, workers: int = 0,
                 with_features: bool = False, data_dir: str | None = None,
                 store_url: str | None = None, budget: float = PAGE_BUDGET):
        if not budget > 0:
            raise ValueError(f"SPAMLINE_PAGE_BUDGET must be a positive number of seconds, not {budget}")
        self.stats = stats
        self.budget = budget
        self.default_region = default_region
        self.workers = workers
        self.with_features = with_features
        self.data_dir, self.store_url = data_dir, store_url
        self.reader = PageReader(default_region)
        self.pool: WorkerPool | None = None

    @classmethod
    def from_crawler(cls, crawler: Any) -> ExtractionPipeline:
        s = crawler.settings
        workers = s.getint("SPAMLINE_WORKERS", max(0, (os.cpu_count() or 1) - 1))
        if workers < 0:
            raise ValueError(f"SPAMLINE_WORKERS must be 0 (inline) or more, not {workers}")
        pipe = cls(crawler.stats, s.get("SPAMLINE_REGION"), workers,
                   with_features=_features_enabled(s), data_dir=s.get("SPAMLINE_DATA_DIR"),
                   store_url=s.get("SPAMLINE_STORE"), budget=s.getfloat("SPAMLINE_PAGE_BUDGET", PAGE_BUDGET))
        crawler.signals.connect(pipe.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(pipe.spider_closed, signal=signals.spider_closed)
        return pipe

    def spider_opened(self, spider: Any = None) -> None:
        brands = tuple(registered_brands(self.data_dir, self.store_url)) if self.with_features else None
        links = getattr(spider, "links", None)  # the spider's LinkExtractor, for `read`
        self.reader = PageReader(self.default_region, brands, links if isinstance(links, LinkExtractor) else None)
        if self.workers:
            # forked now, while the crawler is idle: the workers inherit the imported code and
            # this reader (brands, link extractor) instead of receiving them with every page
            self.pool = WorkerPool(self.workers, self.reader, self.budget)

    def spider_closed(self, spider: Any = None) -> None:
        if self.pool is not None:
            self.pool.close()
            self.pool = None

    async def read(self, item: Capture, response_class: type[TextResponse]) -> list[str]:
        """Read `item` now (numbers, features) and return the links of its page to follow;
        `response_class` is the Scrapy response class the page came as."""
        result = await self._read(item, response_class)
        self._fill(item, result)
        return result.links if result is not None else []

    async def process_item(self, item: Any, spider: Any = None) -> Any:
        if not isinstance(item, Capture) or not item.body or item.encoding or "not_read" in item.features:
            return item
        if not is_text(item.content_type):
            self.stats.inc_value("spamline/not_text")
            return item
        self._fill(item, await self._read(item, None))
        return item

    async def _read(self, item: Capture, follow: type[TextResponse] | None) -> PageResult | None:
        """The page read in a worker (or inline); None if it ran over its budget there."""
        args = (item.body, item.content_type, item.url, follow)
        if self.pool is not None and not _in_asyncio_loop():
            log.warning("SPAMLINE_WORKERS needs Scrapy's asyncio reactor (TWISTED_REACTOR = "
                        "\"twisted.internet.asyncioreactor.AsyncioSelectorReactor\"); reading "
                        "pages in the crawler process instead")
            self.pool.close()
            self.pool = None
        if self.pool is not None:
            try:
                return await self.pool.call(*args)
            except OverBudget:
                log.warning("%s took over %g s to read: archived, not read", item.url, self.budget)
                return None
            except Exception as exc:  # noqa: BLE001 - a crashed worker or a bug must not lose the page
                log.warning("worker failed on %s (%s: %s); reading it in the crawler process",
                            item.url, type(exc).__name__, exc)
                self.stats.inc_value("spamline/worker_failures")
        return self.reader(*args)

    def _fill(self, item: Capture, result: PageResult | None) -> None:
        if result is None:
            item.features["not_read"] = OVER_BUDGET
            self.stats.inc_value("spamline/not_read/over_budget")
            return
        item.encoding, item.title, item.text, item.hits = (result.encoding, result.title,
                                                           result.text, result.hits)
        if result.features is not None:
            item.features["page"] = result.features  # applied by FeaturesPipeline
        if result.hits:
            self.stats.inc_value("spamline/hits", len(result.hits))
            self.stats.inc_value("spamline/pages_with_numbers")


def _in_asyncio_loop() -> bool:
    """Whether this coroutine runs on an asyncio loop (the workers answer through it)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def _features_enabled(settings: Any) -> bool:
    """Whether FeaturesPipeline runs after this one (then the workers read the features too)."""
    names = [c if isinstance(c, str) else f"{c.__module__}.{c.__qualname__}"
             for c in build_component_list(settings.getwithbase("ITEM_PIPELINES"))]
    return FEATURES_PIPELINE in names


def is_text(content_type: str) -> bool:
    """Whether a Content-Type names something to read for numbers (missing counts as text)."""
    ct = content_type.lower()
    return not ct or any(t in ct for t in TEXT_TYPES)

"""Item pipeline: decode each captured page, extract its phone numbers and read its features.

The per-page CPU work (decoding, extraction, brand detection, fingerprints) is the pure
function `read_page`. It runs in a pool of SPAMLINE_WORKERS worker processes (default: one
per core but the reactor's; 0 runs it inline), so the reactor thread keeps crawling while
another core reads pages. What depends on the pages seen so far (template ids, the spam
score that counts them) stays in this process: FeaturesPipeline applies the page features
that `read_page` returns with the same TemplateIndex as inline, so pages taken in the same
order get the same results (one worker keeps item order; more may finish out of order).
"""
from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Awaitable
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

from scrapy import signals
from scrapy.utils.conf import build_component_list
from twisted.internet.defer import Deferred

from spamline.brands.registry import registered_brands
from spamline.brands.features import PageFeatures, html_of, page_features
from spamline.brands.registry import BrandIndex
from spamline.model import Brand, Capture, PhoneHit
from spamline.phones import extract_document

log = logging.getLogger(__name__)

TEXT_TYPES = ("text/", "html", "xml", "json", "javascript")
FEATURES_PIPELINE = "pipelines.features.FeaturesPipeline"


@dataclass
class PageResult:
    """What `read_page` fills in: the Capture fields, and the page features for FeaturesPipeline."""

    encoding: str
    title: str
    text: str
    hits: list[PhoneHit]
    features: PageFeatures | None  # None: no text to read, or features not asked for


def read_page(body: bytes, content_type: str, url: str, region: str | None,
              brands: tuple[Brand, ...] | None) -> PageResult:
    """Decode and read one page (pure; runs in a worker process). `brands` None: no features."""
    doc = extract_document(body, content_type=content_type, url=url, region=region)
    features = None
    if brands is not None and (doc.title or doc.text):
        features = page_features(doc.title, doc.text, doc.hits,
                                 html_of(body, content_type, doc.encoding), _brand_index(brands))
    return PageResult(doc.encoding, doc.title, doc.text, doc.hits, features)


_index_cache: tuple[tuple[Brand, ...], BrandIndex] | None = None


def _brand_index(brands: tuple[Brand, ...]) -> BrandIndex:
    """The BrandIndex of `brands`, built once per worker while the registry stays the same."""
    global _index_cache
    if _index_cache is None or _index_cache[0] != brands:
        _index_cache = (brands, BrandIndex(list(brands)))
    return _index_cache[1]


class ExtractionPipeline:
    """Fill a Capture's encoding, title, visible text and phone hits (and its page features).

    Bodies that are not text (images, archives, binaries) are kept as captures
    without text, so the archive still records what was served.
    """

    def __init__(self, stats: Any, default_region: str | None, workers: int = 0,
                 with_features: bool = False, data_dir: str | None = None,
                 store_url: str | None = None):
        self.stats = stats
        self.default_region = default_region
        self.workers = workers
        self.with_features = with_features
        self.data_dir, self.store_url = data_dir, store_url
        self.brands: tuple[Brand, ...] | None = None
        self.pool: Executor | None = None

    @classmethod
    def from_crawler(cls, crawler: Any) -> ExtractionPipeline:
        s = crawler.settings
        workers = s.getint("SPAMLINE_WORKERS", max(0, (os.cpu_count() or 1) - 1))
        if workers < 0:
            raise ValueError(f"SPAMLINE_WORKERS must be 0 (inline) or more, not {workers}")
        pipe = cls(crawler.stats, s.get("SPAMLINE_REGION"), workers,
                   with_features=_features_enabled(s), data_dir=s.get("SPAMLINE_DATA_DIR"),
                   store_url=s.get("SPAMLINE_STORE"))
        crawler.signals.connect(pipe.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(pipe.spider_closed, signal=signals.spider_closed)
        return pipe

    def spider_opened(self, spider: Any = None) -> None:
        if self.with_features:
            self.brands = tuple(registered_brands(self.data_dir, self.store_url))
        if self.workers:
            self._start_pool()

    def spider_closed(self, spider: Any = None) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None

    def _start_pool(self) -> None:
        # fork: the workers inherit the imported extraction and brand code instead of
        # re-importing it (seconds per worker); forked early, while the crawler is idle.
        self.pool = ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("fork"),
                                        initializer=_worker_init, initargs=(os.getpid(),))
        self.pool.submit(int).result()  # start the workers now, not on the first page

    async def process_item(self, item: Any, spider: Any = None) -> Any:
        if not isinstance(item, Capture) or not item.body:
            return item
        if not is_text(item.content_type):
            self.stats.inc_value("spamline/not_text")
            return item
        args = (item.body, item.content_type, item.url, self.default_region, self.brands)
        result = await self._in_worker(args, item.url) if self.pool else None
        result = result or read_page(*args)
        item.encoding, item.title, item.text, item.hits = (result.encoding, result.title,
                                                           result.text, result.hits)
        if result.features is not None:
            item.features = {"page": result.features}  # applied by FeaturesPipeline
        if result.hits:
            self.stats.inc_value("spamline/hits", len(result.hits))
            self.stats.inc_value("spamline/pages_with_numbers")
        return item

    async def _in_worker(self, args: tuple, url: str) -> PageResult | None:
        """`read_page(*args)` in the pool; None (and a fresh pool) when the worker failed."""
        assert self.pool is not None
        pool = self.pool
        try:
            return await _awaitable(pool.submit(read_page, *args))
        except Exception as exc:  # noqa: BLE001 - a crashed or broken worker must not lose the page
            log.warning("worker failed on %s (%s: %s); reading it in the crawler process",
                        url, type(exc).__name__, exc)
            self.stats.inc_value("spamline/worker_failures")
            if self.pool is pool:
                pool.shutdown(wait=False, cancel_futures=True)
                self._start_pool()
            return None


def _worker_init(parent: int) -> None:
    """In a new worker: drop the crawler's inherited signal handlers (Ctrl-C is the crawler's
    to handle; SIGTERM ends the worker) and exit when the crawler is gone (after kill -9)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1)
        os._exit(0)

    threading.Thread(target=watch, name="exit-with-crawler", daemon=True).start()


def _awaitable(future: Future) -> Awaitable[Any]:
    """`future` (completed in another thread) as something the item's coroutine can await:
    an asyncio future under the asyncio reactor (or any running loop), else a Deferred."""
    try:
        return asyncio.wrap_future(future, loop=asyncio.get_running_loop())
    except RuntimeError:  # no asyncio loop: a plain Twisted reactor runs this coroutine
        from twisted.internet import reactor  # the one Scrapy installed

        d: Deferred = Deferred()

        def fire(f: Future) -> None:
            exc = f.exception()
            if exc is None:
                d.callback(f.result())
            else:
                d.errback(exc)

        future.add_done_callback(lambda f: reactor.callFromThread(fire, f))
        return d


def _features_enabled(settings: Any) -> bool:
    """Whether FeaturesPipeline runs after this one (then the workers read the features too)."""
    names = [c if isinstance(c, str) else f"{c.__module__}.{c.__qualname__}"
             for c in build_component_list(settings.getwithbase("ITEM_PIPELINES"))]
    return FEATURES_PIPELINE in names


def is_text(content_type: str) -> bool:
    """Whether a Content-Type names something to read for numbers (missing counts as text)."""
    ct = content_type.lower()
    return not ct or any(t in ct for t in TEXT_TYPES)

"""The crawl spider: fetch seeds, archive every response, follow links within scope."""
from __future__ import annotations

import base64
import shutil
from collections import Counter
from collections.abc import Iterator
from typing import Any
from urllib.parse import unquote, urlsplit, urlunsplit

import scrapy
from scrapy import signals
from scrapy.exceptions import CloseSpider
from scrapy.http import Response, TextResponse
from scrapy.linkextractors import LinkExtractor
from twisted.python.failure import Failure

from spamline.crawler.resolver import refusal_reason
from spamline.pipelines.extract import ExtractionPipeline
from spamline.model import Capture, utc_now

DISK_FULL = "disk_full"  # finish reason when the data dir runs out of space


class SpamSpider(scrapy.Spider):
    """Crawl from seed URLs, staying on the seeds' hosts (plus `allowed_domains`).

    Every response becomes a `Capture` item; the pipelines extract numbers,
    detect brands and store it. Failed requests are counted with their reason.
    """

    name = "spamline"
    # Error pages are evidence too (a takedown shows as 404/410), so every status is parsed.
    custom_settings = {"HTTPERROR_ALLOW_ALL": True}

    def __init__(self, start_urls: list[str] | str = (), allowed_domains: list[str] | str = (),
                 *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.start_urls = as_list(start_urls)
        hosts = {urlsplit(u).hostname for u in self.start_urls} | set(as_list(allowed_domains))
        self.allowed_domains = sorted(h for h in hosts if h)
        self.links = LinkExtractor(unique=True)  # scope is enforced by OffsiteMiddleware
        self.host_requests: Counter[str] = Counter()  # host -> links followed, less duplicates
        self.capped_hosts: set[str] = set()
        self.reader: ExtractionPipeline | None = None  # reads pages and their links when it runs

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> "SpamSpider":
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider._dropped, signal=signals.request_dropped)
        crawler.signals.connect(spider._find_reader, signal=signals.spider_opened)
        return spider

    def _find_reader(self, spider: Any = None) -> None:
        self.reader = self.crawler.get_item_pipeline(ExtractionPipeline)

    def _dropped(self, request: scrapy.Request, spider: Any = None) -> None:
        self.host_requests[urlsplit(request.url).hostname or ""] -= 1  # a duplicate

    def over_host_cap(self, url: str) -> bool:
        """Whether the host of `url` has had SPAMLINE_MAX_PAGES_PER_HOST requests (a trap such
        as endless pagination or a calendar); logs the reason once per host."""
        cap = self.settings.getint("SPAMLINE_MAX_PAGES_PER_HOST")
        host = urlsplit(url).hostname or ""
        if not cap or self.host_requests[host] < cap:
            self.host_requests[host] += 1
            return False
        if host not in self.capped_hosts:
            self.capped_hosts.add(host)
            self.crawler.stats.inc_value("spamline/host_capped")
            self.logger.warning("not following more links to %s: it reached the per-host cap of %d "
                                "pages (SPAMLINE_MAX_PAGES_PER_HOST); a page trap such as "
                                "endless pagination?", host, cap)
        return True

    async def start(self) -> Any:
        for url in self.start_urls:
            url, auth = split_credentials(url)
            yield scrapy.Request(url, headers=auth, callback=self.parse, errback=self.failed,
                                 meta={"seed": True})
        for url in getattr(self, "resume_urls", ()):  # the frontier of a killed crawl
            yield scrapy.Request(url, callback=self.parse, errback=self.failed)

    async def parse(self, response: Response) -> Iterator[Any]:
        item = self.capture(response)
        links = await self.read(item, response)
        # a plain iterator, not an async generator: Scrapy hands its outputs to the item
        # workers at once, instead of waking them for each one
        return self.hand_over(item, links)

    def hand_over(self, item: Capture, links: list[str], **meta: Any) -> Iterator[Any]:
        """The capture, the requests for its links; then stop if the disk is nearly full."""
        yield item
        for url in links:
            request = self.follow(url, **meta)
            if request is not None:
                yield request
        self.check_free_space()  # after this page's capture and links are handed over

    async def read(self, item: Capture, response: Response) -> list[str]:
        """The links to follow from `response` (a 200 text page). When ExtractionPipeline runs,
        it reads the page now, links and all, in its worker processes, and fills `item`."""
        if response.status != 200 or not isinstance(response, TextResponse):
            return []
        if self.reader is not None:
            return await self.reader.read(item, type(response))
        return [link.url for link in self.links.extract_links(response)]

    def follow(self, url: str, **meta: Any) -> scrapy.Request | None:
        """A request for a link (an absolute, escaped URL), unless its host is over the cap."""
        url, _ = split_credentials(url)  # never replay credentials a page shows
        if self.over_host_cap(url):
            return None
        return scrapy.Request(url, callback=self.parse, errback=self.failed, meta=meta)

    def check_free_space(self) -> None:
        """Stop cleanly (state saved, resumable) before the data dir's disk fills up:
        a full disk would fail WARC, store and spool writes alike."""
        folder = self.settings.get("SPAMLINE_DATA_DIR") or "."
        free = shutil.disk_usage(folder).free
        need = self.settings.getint("SPAMLINE_MIN_FREE_MB") * 1024 * 1024
        if free < need:
            self.logger.error("stopping: the data dir %s has %.1f MB free, under SPAMLINE_MIN_FREE_MB "
                              "(%d MB); free some space (or use another --data-dir) and run the "
                              "same command again to resume", folder, free / 2**20, need // 2**20)
            raise CloseSpider(DISK_FULL)

    def capture(self, response: Response) -> Capture:
        """The archived response as an item for the pipelines."""
        meta = response.meta
        return Capture(
            url=response.url,
            status=response.status,
            captured_at=meta.get("captured_at") or utc_now(),
            content_type=(response.headers.get("Content-Type") or b"").decode("latin-1"),
            ip_address=str(response.ip_address) if response.ip_address else None,
            warc=meta.get("warc"),
            job=self.settings.get("SPAMLINE_JOB", ""),
            body=response.body,
        )

    def failed(self, failure: Failure) -> None:
        """Count and log a request that produced no response."""
        request = failure.request  # type: ignore[attr-defined]
        host = urlsplit(request.url).hostname or ""
        reason = (request.meta.get("spamline_refused")
                  or refusal_reason(host)
                  or failure.getErrorMessage())
        kind = failure.type.__name__ if failure.type else "Error"
        self.crawler.stats.inc_value(f"spamline/failed/{kind}")
        self.crawler.stats.inc_value("spamline/failed")
        if request.meta.get("seed"):
            self.crawler.stats.set_value(f"spamline/seed_failed/{request.url}", reason)
        self.logger.warning("could not fetch %s: %s", request.url, reason)


def split_credentials(url: str) -> tuple[str, dict[str, str]]:
    """The URL without user:password@ (so it is never logged or archived) and the
    Basic Authorization header that carries them instead."""
    parts = urlsplit(url)
    if parts.username is None and parts.password is None:
        return url, {}
    host = parts.netloc.rpartition("@")[2]
    token = f"{unquote(parts.username or '')}:{unquote(parts.password or '')}"
    return (urlunsplit(parts._replace(netloc=host)),
            {"Authorization": "Basic " + base64.b64encode(token.encode()).decode()})


def as_list(value: list[str] | str | tuple) -> list[str]:
    """Spider arguments arrive as lists from code and as comma-separated text from scrapy/scrapyd."""
    if isinstance(value, str):
        return [v for v in value.split(",") if v]
    return list(value)


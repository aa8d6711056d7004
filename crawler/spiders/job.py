"""The job spider: SpamSpider plus sitemap discovery and pivoting to new domains."""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import scrapy
from lxml import etree
from scrapy.http import Response, TextResponse
from scrapy.utils.gz import gunzip, gzip_magic_number
from scrapy.utils.sitemap import Sitemap, sitemap_urls_from_robots

from spamline.crawler.spiders.spam import SpamSpider, as_list
from spamline.model import Capture
from spamline.phones import extract_document


class JobSpider(SpamSpider):
    """Crawl a configured job's seeds, sitemaps and robots.txt-listed sitemaps.

    Arguments (lists may be comma-separated text, flags "true"/"1", as from scrapyd):
    - sitemaps: sitemap (or sitemap index, .xml or .xml.gz) URLs whose pages are seeds;
    - robots_sitemaps: also read the `Sitemap:` lines of each seed host's robots.txt;
    - pivot: from a page that carries phone numbers, follow links to any domain. Pages
      on the new domains are captured; their own links are followed only when they
      carry numbers too, so the crawl spreads along the spam and nowhere else.
    """

    name = "spamline-job"

    def __init__(self, start_urls: list[str] | str = (), allowed_domains: list[str] | str = (),
                 sitemaps: list[str] | str = (), robots_sitemaps: bool | str = False,
                 pivot: bool | str = False, *args: Any, **kwargs: Any):
        self.sitemaps = as_list(sitemaps)
        hosts = {urlsplit(u).hostname for u in self.sitemaps} - {None}
        super().__init__(start_urls, sorted(set(as_list(allowed_domains)) | hosts), *args, **kwargs)
        self.robots_sitemaps = _as_flag(robots_sitemaps)
        self.pivot = _as_flag(pivot)

    async def start(self) -> Any:
        async for request in super().start():
            yield request
        for url in self.sitemaps:
            yield scrapy.Request(url, callback=self.parse_sitemap, errback=self.failed,
                                 meta={"seed": True})
        if self.robots_sitemaps:
            roots = {f"{p.scheme}://{p.netloc}" for p in map(urlsplit, self.start_urls)}
            for root in sorted(roots):
                yield scrapy.Request(root + "/robots.txt", callback=self.parse_robots,
                                     errback=self.failed)

    async def parse(self, response: Response) -> Iterator[Any]:
        item = self.capture(response)
        links = await self.read(item, response)
        pivot = (self.pivot and response.status == 200 and isinstance(response, TextResponse)
                 and self.is_spam(item, response))
        if pivot:
            self.crawler.stats.inc_value("spamline/pivot_pages")
        return self.hand_over(item, links, **({"allow_offsite": True} if pivot else {}))

    def is_spam(self, item: Capture, response: TextResponse) -> bool:
        """The pivot signal: the page carries at least one valid phone number."""
        if item.encoding:  # ExtractionPipeline read it already
            return bool(item.hits)
        content_type = (response.headers.get("Content-Type") or b"").decode("latin-1")
        return bool(extract_document(response.body, content_type=content_type,
                                     url=response.url).hits)

    def parse_robots(self, response: Response) -> Iterator[Any]:
        """Queue the sitemaps a robots.txt lists."""
        if response.status != 200:
            return
        for url in sitemap_urls_from_robots(response.body, base_url=response.url):
            self.crawler.stats.inc_value("spamline/robots_sitemaps")
            yield scrapy.Request(url, callback=self.parse_sitemap, errback=self.failed)

    def parse_sitemap(self, response: Response) -> Iterator[Any]:
        """Pages of a sitemap become requests; a sitemap index's sitemaps are read in turn."""
        if response.status != 200:
            return
        body = response.body
        if gzip_magic_number(response):
            body = gunzip(body, max_size=self.settings.getint("DOWNLOAD_MAXSIZE"))
        try:
            sitemap = Sitemap(body)
        except (StopIteration, etree.LxmlError):  # empty or not XML
            sitemap = None
        if sitemap is None or sitemap.type not in ("urlset", "sitemapindex"):
            self.logger.warning("not a sitemap: %s", response.url)
            return
        callback = self.parse_sitemap if sitemap.type == "sitemapindex" else self.parse
        for entry in sitemap:
            loc = entry.get("loc")
            if loc:
                self.crawler.stats.inc_value("spamline/sitemap_urls")
                yield scrapy.Request(response.urljoin(loc), callback=callback, errback=self.failed)


def _as_flag(value: bool | str) -> bool:
    """Spider flags arrive as booleans from code and as text from scrapy/scrapyd."""
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes", "on")
    return bool(value)

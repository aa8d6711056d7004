"""A live progress line for crawls run from a terminal."""
from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from scrapy import signals
from scrapy.exceptions import NotConfigured


class CrawlProgress:
    """Show pages fetched, numbers found and failures while a crawl runs (SPAMLINE_PROGRESS)."""

    def __init__(self, stats: Any):
        self.stats = stats
        self.progress = Progress(
            SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
            console=Console(stderr=True), transient=True,
        )
        self.task = self.progress.add_task("starting", total=None)

    @classmethod
    def from_crawler(cls, crawler: Any) -> "CrawlProgress":
        if not crawler.settings.getbool("SPAMLINE_PROGRESS"):
            raise NotConfigured
        ext = cls(crawler.stats)
        crawler.signals.connect(ext.opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.update, signal=signals.item_scraped)
        crawler.signals.connect(ext.update, signal=signals.response_received)
        crawler.signals.connect(ext.closed, signal=signals.spider_closed)
        return ext

    def opened(self, spider: Any) -> None:
        self.progress.start()

    def update(self, *args: Any, **kwargs: Any) -> None:
        get = self.stats.get_value
        self.progress.update(
            self.task,
            description=(f"pages {get('response_received_count', 0)}  "
                         f"numbers {get('spamline/hits', 0)}  "
                         f"failed {get('spamline/failed', 0)}"),
        )

    def closed(self, spider: Any) -> None:
        self.progress.stop()

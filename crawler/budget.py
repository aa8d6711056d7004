"""A hard page limit (`--max-pages`, a job's `max_pages`), kept by the scheduler.

Scrapy's CLOSESPIDER_PAGECOUNT counts responses and closes the spider while up to
CONCURRENT_REQUESTS more are already on their way, so a limit of 20 crawled 37.
Here the scheduler hands out at most SPAMLINE_MAX_PAGES requests (robots.txt,
fetched by its middleware, is not a page); then it closes the spider with
`closespider_pagecount` and the requests left stay queued in JOBDIR, so the same
command resumes. Retries and redirects are requests too and count.
"""
from __future__ import annotations

from typing import Any

from scrapy import Request, Spider
from scrapy.core.scheduler import Scheduler
from scrapy.utils.defer import deferred_from_coro

PAGE_LIMIT = "closespider_pagecount"  # the finish reason, as Scrapy's own limit names it


class PageBudget:
    """Scheduler mixin: hand out at most SPAMLINE_MAX_PAGES requests (0: no limit)."""

    budget = 0
    handed = 0
    closing = False

    def open(self, spider: Spider) -> Any:
        self.budget = spider.crawler.settings.getint("SPAMLINE_MAX_PAGES")
        self.budget_spider = spider
        return super().open(spider)  # type: ignore[misc]

    def next_request(self) -> Request | None:
        if self.budget and self.handed >= self.budget:
            if not self.closing and self.has_pending_requests():  # type: ignore[attr-defined]
                self.closing = True
                engine = self.budget_spider.crawler.engine
                deferred_from_coro(engine.close_spider_async(reason=PAGE_LIMIT))
            return None  # with nothing queued the crawl finishes on its own
        request = super().next_request()  # type: ignore[misc]
        if request is not None:
            self.handed += 1
        return request


class PageBudgetScheduler(PageBudget, Scheduler):
    """Scrapy's scheduler (JOBDIR disk queues) with a hard page limit."""

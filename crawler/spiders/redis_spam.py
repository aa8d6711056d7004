"""Spiders whose frontier is shared through Redis (see spamline.jobs.frontier).

They are the ordinary spiders plus one thing: a failed request releases its
lease, so another worker does not fetch it again. Run one per process, on as
many machines as you like, with the same job name and Redis URL:

    scrapy crawl spamline-redis -a start_urls=https://shop.test/ \\
        -s REDIS_URL=redis://10.0.0.5:6379 -s SPAMLINE_JOB=shops ...

or set `frontier = "redis://..."` on a job in a jobs TOML file.
"""
from __future__ import annotations

from typing import Any

from scrapy.settings import Settings
from twisted.python.failure import Failure

from spamline.crawler.spiders.job import JobSpider
from spamline.crawler.spiders.spam import SpamSpider
from spamline.jobs.frontier import LeasedScheduler, frontier_settings


class FrontierAck:
    """Spider mixin: turn the Redis frontier on (from REDIS_URL and SPAMLINE_JOB), and
    release a failed request's lease after the usual handling."""

    @classmethod
    def update_settings(cls, settings: Settings) -> None:
        super().update_settings(settings)  # type: ignore[misc]
        url = settings.get("REDIS_URL") or "redis://127.0.0.1:6379"
        for key, value in frontier_settings(url, settings.get("SPAMLINE_JOB") or cls.name).items():
            settings.set(key, value, priority="spider")

    def failed(self, failure: Failure) -> Any:
        try:
            return super().failed(failure)  # type: ignore[misc]
        finally:
            scheduler = self.crawler.engine.scheduler  # type: ignore[attr-defined]
            if isinstance(scheduler, LeasedScheduler):
                scheduler.ack(failure.request)  # type: ignore[attr-defined]


class RedisSpamSpider(FrontierAck, SpamSpider):
    """SpamSpider on a shared Redis frontier."""

    name = "spamline-redis"


class RedisJobSpider(FrontierAck, JobSpider):
    """JobSpider (sitemaps, pivot) on a shared Redis frontier."""

    name = "spamline-job-redis"

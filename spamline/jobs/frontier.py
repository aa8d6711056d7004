"""A crawl frontier shared by many crawler processes, on Redis with scrapy-redis.

scrapy-redis gives the shared request queue and the shared duplicate filter, so
each URL is scheduled once across all workers. It drops a request the moment a
worker pops it, so a worker killed mid-fetch would lose its in-flight pages. This
module adds leases on top:

- a pop moves the request into the worker's in-flight hash in one atomic step
  (a Lua script), and the request is released (acked) only when its response's
  callback output (the links found) has been queued, or its errback has run;
- each worker refreshes a heartbeat key; any worker that finds an in-flight hash
  whose owner's heartbeat expired puts those requests back at the head of the
  queue (atomically, so only one worker does it);
- a worker with nothing to do stays up while the queue or any live worker's
  in-flight set is non-empty, and closes after `SPAMLINE_FRONTIER_IDLE` idle
  seconds. The last worker to finish clears the duplicate filter, so the next
  scheduled run of the job crawls afresh.

Delivery is at-least-once: after a SIGKILL, the pages that worker had in flight
are fetched again by another worker; with a graceful stop (SIGINT) nothing is
fetched twice and nothing is lost.

Enable with the settings from `frontier_settings(redis_url, job)` and a spider
from `crawler.spiders.redis_spam` (their errback acks failures).
"""
from __future__ import annotations

import hashlib
import os
import socket
import time
import uuid
from collections.abc import AsyncIterator, Iterable
from typing import Any

from scrapy import Request, Spider, signals
from scrapy.exceptions import DontCloseSpider
from scrapy_redis.scheduler import Scheduler
from twisted.internet.task import LoopingCall

from spamline.crawler.budget import PageBudget

LEASES = "spamline_leases"  # request.meta key: lease ids of the requests behind a response
HEARTBEAT = 1.0  # seconds between heartbeats
TTL = 4  # seconds without a heartbeat before a worker counts as dead

POP = """
local r = redis.call('rpop', KEYS[1])
if not r then return false end
redis.call('hset', KEYS[2], redis.sha1hex(r), r)
return r
"""
RECLAIM = """
if redis.call('exists', KEYS[2]) == 1 then return -1 end
local vals = redis.call('hvals', KEYS[1])
for _, v in ipairs(vals) do redis.call('rpush', KEYS[3], v) end
redis.call('del', KEYS[1])
return #vals
"""


def frontier_settings(redis_url: str, job: str, idle: float = 3.0, leases: int = 8) -> dict[str, Any]:
    """Scrapy settings that put a job's frontier on Redis (keys prefixed `spamline:<job>`)."""
    prefix = f"spamline:{job}"
    return {
        "SCHEDULER": "spamline.jobs.frontier.BudgetedLeasedScheduler",
        "SCHEDULER_QUEUE_CLASS": "scrapy_redis.queue.FifoQueue",
        "SCHEDULER_QUEUE_KEY": f"{prefix}:requests",
        "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
        "SCHEDULER_DUPEFILTER_KEY": f"{prefix}:dupefilter",
        "SCHEDULER_PERSIST": True,
        "REDIS_URL": redis_url,
        "SPIDER_MIDDLEWARES": {"spamline.jobs.frontier.LeaseAckMiddleware": 10},
        "SPAMLINE_FRONTIER_IDLE": idle,
        "SPAMLINE_FRONTIER_LEASES": leases,
        "JOBDIR": None,  # the frontier lives in Redis, not in the job folder
    }


def lease_id(encoded: bytes) -> str:
    return hashlib.sha1(encoded).hexdigest()


class LeasedScheduler(Scheduler):
    """scrapy-redis's scheduler with leased pops, heartbeats and a shared idle rule."""

    @classmethod
    def from_crawler(cls, crawler: Any) -> LeasedScheduler:
        scheduler = super().from_crawler(crawler)
        scheduler.crawler = crawler
        scheduler.idle_grace = crawler.settings.getfloat("SPAMLINE_FRONTIER_IDLE", 3.0)
        scheduler.max_leases = crawler.settings.getint("SPAMLINE_FRONTIER_LEASES", 8)
        crawler.signals.connect(scheduler.on_idle, signal=signals.spider_idle)
        return scheduler

    def open(self, spider: Spider) -> None:
        super().open(spider)
        self.prefix = self.queue.key.rsplit(":", 1)[0]
        self.worker = f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}"
        self.inflight = self._inflight(self.worker)
        self.idle_since: float | None = None
        self._pop = self.server.register_script(POP)
        self._reclaim = self.server.register_script(RECLAIM)
        self.beat()
        self.heartbeat = LoopingCall(self.beat)
        self.heartbeat.start(HEARTBEAT, now=False)
        spider.logger.info("frontier %s: worker %s", self.prefix, self.worker)

    def _inflight(self, worker: str) -> str:
        return f"{self.prefix}:inflight:{worker}"

    def _alive(self, worker: str) -> str:
        return f"{self.prefix}:alive:{worker}"

    def beat(self) -> None:
        """Refresh this worker's heartbeat, reclaim dead workers' leases, wake the engine."""
        self.server.set(self._alive(self.worker), 1, ex=TTL)
        self.reclaim()
        slot = getattr(self.crawler.engine, "_slot", None)
        if slot is not None and len(self.queue):
            slot.nextcall.schedule()  # don't wait for the engine's 5 s heartbeat

    def reclaim(self) -> int:
        """Put the leases of workers whose heartbeat expired back at the head of the queue."""
        moved = 0
        for key in self.server.scan_iter(match=self._inflight("*")):
            owner = key.decode().rsplit(":", 1)[1]
            if owner != self.worker:
                n = self._reclaim(keys=[key, self._alive(owner), self.queue.key])
                if n > 0:
                    moved += n
                    self.spider.logger.warning("frontier: requeued %d in-flight requests of "
                                               "stopped worker %s", n, owner)
                    self.stats.inc_value("spamline/frontier/reclaimed", n)
        return moved

    def next_request(self) -> Request | None:
        if self.server.hlen(self.inflight) >= self.max_leases:
            return None  # leave the rest of the queue to the other workers
        encoded = self._pop(keys=[self.queue.key, self.inflight])
        if not encoded:
            return None
        request = self.queue._decode_request(encoded)
        request.meta.setdefault(LEASES, []).append(lease_id(encoded))
        self.stats.inc_value("scheduler/dequeued/redis")
        return request

    def ack(self, request: Request) -> None:
        """Release the leases behind a request (its redirects included)."""
        leases = request.meta.get(LEASES)
        if leases:
            self.server.hdel(self.inflight, *leases)

    def busy_elsewhere(self) -> bool:
        """Whether any worker (this one included) holds leases, i.e. may still add links."""
        return any(self.server.hlen(k) for k in self.server.scan_iter(match=self._inflight("*")))

    def on_idle(self, spider: Spider) -> None:
        """Stay open while the shared frontier may still grow; close after a quiet grace period."""
        self.reclaim()
        if len(self.queue) or self.busy_elsewhere():
            self.idle_since = None
            raise DontCloseSpider
        now = time.monotonic()
        self.idle_since = self.idle_since or now
        if now - self.idle_since < self.idle_grace:
            raise DontCloseSpider

    def close(self, reason: str) -> None:
        if self.heartbeat.running:
            self.heartbeat.stop()
        # Anything still leased (stopped mid-redirect, say) goes back for the others.
        self._reclaim(keys=[self.inflight, f"{self.prefix}:never", self.queue.key])
        self.server.delete(self._alive(self.worker))
        if reason == "finished" and not len(self.queue) and not self.busy_elsewhere():
            self.df.clear()  # the frontier is done: the next run starts afresh
        super().close(reason)


class BudgetedLeasedScheduler(PageBudget, LeasedScheduler):
    """The leased scheduler with the hard page limit (SPAMLINE_MAX_PAGES) per worker."""


class LeaseAckMiddleware:
    """Ack a response's leases once its callback output (its links) has been queued."""

    def __init__(self, crawler: Any):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Any) -> LeaseAckMiddleware:
        return cls(crawler)

    async def process_spider_output_async(self, response: Any, result: AsyncIterator[Any],
                                          spider: Spider | None = None) -> AsyncIterator[Any]:
        try:
            async for item in result:
                yield item
        finally:
            self._ack(response.request)

    def process_spider_output(self, response: Any, result: Iterable[Any],
                              spider: Spider | None = None) -> Iterable[Any]:
        try:
            yield from result
        finally:
            self._ack(response.request)

    def _ack(self, request: Request | None) -> None:
        scheduler = self.crawler.engine.scheduler
        if request is not None and isinstance(scheduler, LeasedScheduler):
            scheduler.ack(request)

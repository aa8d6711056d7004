"""Run a Scrapy crawl in this process and summarize it (the library side of `spamline crawl`)."""
from __future__ import annotations

import json
import logging
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scrapy import Request
from scrapy.crawler import CrawlerProcess
from scrapy.dupefilters import RFPDupeFilter
from scrapy.settings import Settings
from scrapy.utils.misc import load_object

from spamline.crawler.journal import JOURNAL
from spamline.datadir import DataDir
from spamline.model import stable_id, utc_now
from spamline.store import StoreUnavailable, open_store
from spamline.store.spool import Spool

log = logging.getLogger(__name__)

FINISHED = "finished"
RUNNING = "spamline.running"  # in JOBDIR while a crawl runs: still there => it was killed
STARTED = "spamline.started"  # in JOBDIR: when this crawl (with all its resumes) began
NOT_READ = "spamline/not_read/"  # stats: pages archived but not read, by reason ("over_budget")


@dataclass
class CrawlOptions:
    """What to crawl and how; every field maps to a Scrapy or SPAMLINE_* setting."""

    urls: list[str]
    data_dir: DataDir
    store_url: str | None = None
    job: str | None = None
    allow_private: bool = False
    host_map: dict[str, str] = field(default_factory=dict)
    max_pages: int = 0  # 0: no limit
    depth: int | None = None
    obey_robots: bool = True
    progress: bool = True
    settings: dict[str, Any] = field(default_factory=dict)  # any further Scrapy settings
    spider: str = "spamline.crawler.spiders.spam.SpamSpider"  # import path of the spider class
    spider_args: dict[str, Any] = field(default_factory=dict)  # further spider arguments

    @property
    def job_name(self) -> str:
        """The job name; by default derived from the seeds, so the same command resumes."""
        return self.job or "crawl-" + stable_id(*sorted(self.urls))[:10]


@dataclass
class CrawlSummary:
    """What a crawl did, read from Scrapy's stats."""

    job: str
    finish_reason: str
    pages: int
    pages_with_numbers: int
    numbers: int
    failed: int
    not_text: int
    seconds: float
    seed_failures: dict[str, str]
    log_file: str
    resumable: bool
    not_read: dict[str, int] = field(default_factory=dict)  # archived pages not read, by reason

    @property
    def pages_per_second(self) -> float:
        return self.pages / self.seconds if self.seconds else 0.0


def crawl_settings(opts: CrawlOptions) -> Settings:
    """Project settings with the options applied."""
    settings = Settings()
    settings.setmodule("spamline.crawler.settings", priority="project")
    job = opts.job_name
    values: dict[str, Any] = {
        "SPAMLINE_DATA_DIR": str(opts.data_dir.root),
        "SPAMLINE_STORE": opts.store_url,
        "SPAMLINE_JOB": job,
        "SPAMLINE_HOST_MAP": opts.host_map,
        "SPAMLINE_ALLOW_PRIVATE": opts.allow_private,
        "SPAMLINE_PROGRESS": opts.progress,
        "JOBDIR": str(opts.data_dir.jobs / job / "state"),
        "LOG_FILE": str(opts.data_dir.jobs / job / "crawl.log"),
        "ROBOTSTXT_OBEY": opts.obey_robots,
        "SPAMLINE_MAX_PAGES": opts.max_pages,
    }
    if opts.depth is not None:
        values["DEPTH_LIMIT"] = opts.depth
    values.update(opts.settings)
    settings.setdict(values, priority="cmdline")
    return settings


def run_crawl(opts: CrawlOptions) -> CrawlSummary:
    """Crawl the seeds to completion (or a limit) and return the summary.

    Runs the Twisted reactor, so it can be called once per process. A crawl that
    stops before it finishes keeps its state in the job folder; running the same
    job again resumes it. A finished crawl clears that state so the next run
    fetches everything afresh.
    """
    settings = crawl_settings(opts)
    job_dir = opts.data_dir.jobs / opts.job_name
    job_dir.mkdir(parents=True, exist_ok=True)
    spider_args = dict(opts.spider_args)
    state = Path(settings["JOBDIR"]) if settings["JOBDIR"] else None
    if state:
        spider_args["resume_urls"] = recover_if_killed(state, opts)
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(load_object(opts.spider))
    started = time.monotonic()
    process.crawl(crawler, start_urls=opts.urls, **spider_args)
    process.start()
    stats = crawler.stats.get_stats()
    reason = str(stats.get("finish_reason", "unknown"))
    if state and (reason == FINISHED or (state / "requests.queue" / "active.json").exists()):
        (state / RUNNING).unlink(missing_ok=True)  # else Scrapy could not save its queue: recover
    if reason == FINISHED:
        shutil.rmtree(settings["JOBDIR"], ignore_errors=True)
    prefix = "spamline/seed_failed/"
    return CrawlSummary(
        job=opts.job_name,
        finish_reason=reason,
        pages=int(stats.get("response_received_count", 0))
        - int(stats.get("robotstxt/response_count", 0)),
        pages_with_numbers=int(stats.get("spamline/pages_with_numbers", 0)),
        numbers=int(stats.get("spamline/hits", 0)),
        failed=int(stats.get("spamline/failed", 0)),
        not_text=int(stats.get("spamline/not_text", 0)),
        seconds=time.monotonic() - started,
        seed_failures={k[len(prefix):]: v for k, v in stats.items() if k.startswith(prefix)},
        log_file=settings["LOG_FILE"],
        resumable=reason != FINISHED,
        not_read={k[len(NOT_READ):].replace("_", " "): int(v) for k, v in stats.items() if k.startswith(NOT_READ)},
    )


def recover_if_killed(state: Path, opts: CrawlOptions) -> list[str]:
    """Mark the job state as in use; if the last run was killed, repair it and return
    the URLs to request again (see recover_frontier)."""
    running, started = state / RUNNING, state / STARTED
    urls = recover_frontier(state, opts, started.read_text()) if running.exists() else []
    state.mkdir(parents=True, exist_ok=True)
    if not started.exists():
        started.write_text(utc_now())
    running.touch()
    return urls


def recover_frontier(state: Path, opts: CrawlOptions, since: str) -> list[str]:
    """Repair the job state of a crawl that was killed (kill -9, power cut) and return
    the URLs to request again.

    Scrapy's queue index is only written on a clean close, so after a kill the queue is
    dropped and rebuilt from the journal of requested URLs (crawler.journal): URLs with
    a capture stored since the crawl started count as done, all others are requested
    again; the duplicate filter is rebuilt to hold exactly the done ones.
    """
    journal = state / JOURNAL
    if not journal.exists():
        return []
    requested = list(dict.fromkeys(journal.read_text(encoding="utf-8").splitlines()))
    done = captured_urls(opts, since)
    shutil.rmtree(state / "requests.queue", ignore_errors=True)
    for name in ("requests.seen", "spider.state"):
        (state / name).unlink(missing_ok=True)
    seen = RFPDupeFilter(str(state))
    for url in requested:
        if url in done:
            seen.request_seen(Request(url))
    seen.close("rebuilt")
    return [url for url in requested if url not in done]


def captured_urls(opts: CrawlOptions, since: str) -> set[str]:
    """URLs this job captured since `since`: in the store or waiting in its spool."""
    rows: list[tuple[str, str, str]] = []
    try:
        with open_store(opts.store_url, opts.data_dir) as store:
            rows += [(c.url, c.job, c.captured_at) for c in store.iter_captures()]
    except StoreUnavailable as exc:
        log.warning("store unavailable (%s): a killed crawl refetches all it had queued", exc)
    spool = Spool(opts.data_dir.spool).path
    if spool.exists():
        for line in spool.read_bytes().splitlines():
            try:
                data = json.loads(line)
            except ValueError:
                continue  # a line torn by the kill
            rows.append((data.get("url", ""), data.get("job", ""), data.get("captured_at", "")))
    return {url for url, job, at in rows if job == opts.job_name and at >= since}

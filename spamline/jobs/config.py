"""Crawl jobs as a TOML file: what to crawl, how politely, and when.

```toml
[[jobs]]
name = "shops"
schedule = "0 */6 * * *"        # cron: 5 fields, or 6 with seconds last
# every = "30m"                 # or a fixed interval: 45s, 30m, 6h, 1d
allowed_domains = ["shop.test"]
pivot = true                    # follow links to new domains from pages with numbers
store = "es://127.0.0.1:9200"   # default: --store, else the data dir's SQLite
frontier = "redis://10.0.0.5:6379/0"  # share the crawl with every worker of this job

[jobs.seeds]
urls = ["https://shop.test/"]
sitemaps = ["https://shop.test/sitemap.xml"]
robots_sitemaps = true          # also read the Sitemap: lines of each seed host's robots.txt
url_file = "search-export.csv"  # relative to this file; text (one URL a line) or CSV

[jobs.limits]
max_pages = 500
depth = 3

[jobs.politeness]
delay = 1.0                     # seconds between requests to one site
concurrency = 2                 # parallel requests per site

[jobs.robots]
obey = true                     # false is recorded in every WARC's warcinfo

[jobs.network]
allow_private = false
resolve = { "shop.test" = "127.0.0.1" }

[jobs.settings]                 # further Scrapy settings, as is
```
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import tomllib
from croniter import croniter

from spamline.crawl import CrawlOptions
from spamline.datadir import DataDir
from spamline.jobs.frontier import frontier_settings
from spamline.jobs.seeds import is_http_url, read_url_list

NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
JOB_SPIDER = "spamline.crawler.spiders.job.JobSpider"
REDIS_JOB_SPIDER = "spamline.crawler.spiders.redis_spam.RedisJobSpider"
SECTIONS: dict[str, set[str]] = {
    "seeds": {"urls", "sitemaps", "robots_sitemaps", "url_file"},
    "limits": {"max_pages", "depth"},
    "politeness": {"delay", "concurrency"},
    "robots": {"obey"},
    "network": {"allow_private", "resolve"},
}
TOP = {"name", "schedule", "every", "allowed_domains", "pivot", "store", "frontier",
       "settings"} | set(SECTIONS)


class JobConfigError(ValueError):
    """The jobs file is wrong; the message names the job and the key to fix."""


@dataclass
class Job:
    """One configured crawl job."""

    name: str
    urls: list[str] = field(default_factory=list)
    sitemaps: list[str] = field(default_factory=list)
    robots_sitemaps: bool = False
    url_file: Path | None = None
    allowed_domains: list[str] = field(default_factory=list)
    pivot: bool = False
    max_pages: int = 0
    depth: int | None = None
    delay: float | None = None
    concurrency: int | None = None
    obey_robots: bool = True
    schedule: str | None = None  # cron expression
    every: float | None = None  # seconds
    store: str | None = None
    frontier: str | None = None  # redis://... : a crawl frontier shared by many workers
    allow_private: bool = False
    resolve: dict[str, str] = field(default_factory=dict)
    settings: dict[str, Any] = field(default_factory=dict)
    source: Path | None = None  # the TOML file it came from

    def seeds(self) -> list[str]:
        """Seed URLs: the listed ones, then the URL file's, without duplicates."""
        found = list(self.urls)
        if self.url_file:
            found += read_url_list(self.url_file)
        return list(dict.fromkeys(found))

    def crawl_settings(self) -> dict[str, Any]:
        """Scrapy settings this job sets on top of the project's."""
        values: dict[str, Any] = {}
        if self.frontier:
            values.update(frontier_settings(self.frontier, self.name))
        if self.delay is not None:
            values["DOWNLOAD_DELAY"] = self.delay
            values["AUTOTHROTTLE_START_DELAY"] = max(self.delay, 0.01)
        if self.concurrency is not None:
            values["CONCURRENT_REQUESTS_PER_DOMAIN"] = self.concurrency
        if not self.obey_robots:
            values["SPAMLINE_ROBOTS_OVERRIDE"] = (
                f"robots.txt not obeyed: job {self.name!r} sets robots.obey = false"
                + (f" in {self.source.name}" if self.source else "")
            )
        values.update(self.settings)
        return values

    def crawl_options(self, data_dir: DataDir, store_url: str | None = None,
                      progress: bool = False) -> CrawlOptions:
        """The `run_crawl` options for one run of this job."""
        return CrawlOptions(
            urls=self.seeds(), data_dir=data_dir, store_url=self.store or store_url,
            job=self.name, allow_private=self.allow_private, host_map=dict(self.resolve),
            max_pages=self.max_pages, depth=self.depth, obey_robots=self.obey_robots,
            progress=progress, settings=self.crawl_settings(),
            spider=REDIS_JOB_SPIDER if self.frontier else JOB_SPIDER,
            spider_args={"sitemaps": self.sitemaps, "robots_sitemaps": self.robots_sitemaps,
                         "allowed_domains": self.allowed_domains, "pivot": self.pivot},
        )


def load_jobs(path: Path) -> list[Job]:
    """Read and check a jobs file; raise JobConfigError saying what to fix."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise JobConfigError(f"{path}: no such file; write a jobs TOML file (see docs/scale-out.md)")
    except tomllib.TOMLDecodeError as exc:
        raise JobConfigError(f"{path}: not valid TOML: {exc}") from exc
    extra = set(data) - {"jobs"}
    if extra:
        raise JobConfigError(f"{path}: unknown top-level key(s) {sorted(extra)}; put jobs in [[jobs]] tables")
    tables = data.get("jobs")
    if not isinstance(tables, list) or not tables:
        raise JobConfigError(f"{path}: no jobs; add at least one [[jobs]] table with a name and seeds")
    jobs = [parse_job(t, path) for t in tables]
    names = [j.name for j in jobs]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise JobConfigError(f"{path}: job names must be unique; repeated: {', '.join(dupes)}")
    return jobs


def parse_job(table: dict[str, Any], path: Path) -> Job:
    """One [[jobs]] table to a Job."""
    name = table.get("name")
    where = f"{path}: job {name!r}"
    if not isinstance(name, str) or not NAME.match(name):
        raise JobConfigError(f"{where}: give each job a name of letters, digits, '.', '_' or '-'")
    _no_unknown(table, TOP, where)
    for section, keys in SECTIONS.items():
        _no_unknown(table.get(section, {}), keys, f"{where} [{section}]")
    seeds = table.get("seeds", {})
    limits = table.get("limits", {})
    polite = table.get("politeness", {})
    network = table.get("network", {})
    job = Job(
        name=name,
        urls=_strings(seeds.get("urls", []), f"{where} seeds.urls"),
        sitemaps=_strings(seeds.get("sitemaps", []), f"{where} seeds.sitemaps"),
        robots_sitemaps=bool(seeds.get("robots_sitemaps", False)),
        url_file=(path.parent / seeds["url_file"]).resolve() if seeds.get("url_file") else None,
        allowed_domains=[d.lower() for d in table.get("allowed_domains", [])],
        pivot=bool(table.get("pivot", False)),
        max_pages=int(limits.get("max_pages", 0)),
        depth=int(limits["depth"]) if "depth" in limits else None,
        delay=float(polite["delay"]) if "delay" in polite else None,
        concurrency=int(polite["concurrency"]) if "concurrency" in polite else None,
        obey_robots=bool(table.get("robots", {}).get("obey", True)),
        schedule=table.get("schedule"),
        every=parse_interval(table["every"], where) if "every" in table else None,
        store=table.get("store"),
        frontier=table.get("frontier"),
        allow_private=bool(network.get("allow_private", False)),
        resolve={str(k).lower(): str(v) for k, v in network.get("resolve", {}).items()},
        settings=dict(table.get("settings", {})),
        source=path.resolve(),
    )
    bad = [u for u in job.urls + job.sitemaps if not is_http_url(u)]
    if bad:
        raise JobConfigError(f"{where}: not an http(s) URL: {', '.join(bad)}")
    if job.url_file and not job.url_file.is_file():
        raise JobConfigError(f"{where}: seeds.url_file {job.url_file} does not exist")
    if not (job.urls or job.sitemaps or job.url_file):
        raise JobConfigError(f"{where}: no seeds; set seeds.urls, seeds.sitemaps or seeds.url_file")
    if job.frontier and not job.frontier.startswith(("redis://", "rediss://", "unix://")):
        raise JobConfigError(f"{where}: frontier = {job.frontier!r}: write redis://HOST:6379/0")
    if job.schedule is not None and job.every is not None:
        raise JobConfigError(f"{where}: set either schedule (cron) or every (interval), not both")
    if job.schedule is not None and not croniter.is_valid(job.schedule):
        raise JobConfigError(f"{where}: schedule {job.schedule!r} is not a cron expression "
                             "(5 fields, or 6 with seconds last, e.g. '*/15 * * * *')")
    return job


def parse_interval(value: Any, where: str = "") -> float:
    """'45s', '30m', '6h', '1d' or a number of seconds, to seconds."""
    if isinstance(value, (int, float)) and value > 0:
        return float(value)
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([smhd])\s*", str(value))
    if not m or float(m.group(1)) <= 0:
        raise JobConfigError(f"{where}: every = {value!r}: write e.g. '45s', '30m', '6h' or '1d'")
    return float(m.group(1)) * UNITS[m.group(2)]


def _no_unknown(table: Any, allowed: set[str], where: str) -> None:
    if not isinstance(table, dict):
        raise JobConfigError(f"{where}: expected a table")
    unknown = set(table) - allowed
    if unknown:
        raise JobConfigError(f"{where}: unknown key(s) {sorted(unknown)}; known: {sorted(allowed)}")


def _strings(value: Any, where: str) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise JobConfigError(f"{where}: expected a list of strings")
    return value

"""Jobs TOML: parsing, checking, and the crawl options a job becomes."""
from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest

from spamline.datadir import DataDir
from spamline.jobs.config import JobConfigError, load_jobs, parse_interval
from spamline.jobs.scheduler import next_due

FULL = """
[[jobs]]
name = "shops"
schedule = "*/15 * * * *"
allowed_domains = ["Shop.test"]
pivot = true
store = "es://127.0.0.1:9200"

[jobs.seeds]
urls = ["http://shop.test/"]
sitemaps = ["http://shop.test/sitemap.xml"]
robots_sitemaps = true
url_file = "export.csv"

[jobs.limits]
max_pages = 50
depth = 2

[jobs.politeness]
delay = 1.5
concurrency = 2

[jobs.robots]
obey = false

[jobs.network]
allow_private = true
resolve = { "shop.test" = "127.0.0.1" }

[jobs.settings]
RETRY_TIMES = 0

[[jobs]]
name = "fast"
every = "3s"
seeds = { urls = ["http://fast.test/"] }
"""


def write(tmp_path: Path, text: str, name: str = "jobs.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_full_job_maps_to_crawl_options(tmp_path: Path) -> None:
    (tmp_path / "export.csv").write_text(
        "Position,Title,URL\n1,Cheap repair,http://a.test/x\n2,Dup,http://shop.test/\n")
    shops, fast = load_jobs(write(tmp_path, FULL))
    assert fast.every == 3.0 and fast.schedule is None
    assert shops.seeds() == ["http://shop.test/", "http://a.test/x"]
    opts = shops.crawl_options(DataDir.open(tmp_path / "d"), store_url="sqlite:/ignored")
    assert opts.job == "shops" and opts.store_url == "es://127.0.0.1:9200"
    assert opts.max_pages == 50 and opts.depth == 2 and opts.obey_robots is False
    assert opts.host_map == {"shop.test": "127.0.0.1"} and opts.allow_private
    assert opts.spider == "spamline.crawler.spiders.job.JobSpider"
    assert opts.spider_args == {"sitemaps": ["http://shop.test/sitemap.xml"],
                                "robots_sitemaps": True, "allowed_domains": ["shop.test"],
                                "pivot": True}
    assert opts.settings["DOWNLOAD_DELAY"] == 1.5
    assert opts.settings["CONCURRENT_REQUESTS_PER_DOMAIN"] == 2
    assert opts.settings["RETRY_TIMES"] == 0
    assert "robots.obey = false" in opts.settings["SPAMLINE_ROBOTS_OVERRIDE"]


def test_obeying_robots_sets_no_override(tmp_path: Path) -> None:
    (job,) = load_jobs(write(tmp_path, '[[jobs]]\nname="a"\nseeds={urls=["http://a.test/"]}\n'))
    assert job.obey_robots and "SPAMLINE_ROBOTS_OVERRIDE" not in job.crawl_settings()


@pytest.mark.parametrize("text, message", [
    ("", "no jobs"),
    ("[[jobs]]\nname='a'\n", "no seeds"),
    ("[[jobs]]\nname='a b'\nseeds={urls=['http://a.test/']}\n", "name"),
    ("[[jobs]]\nname='a'\nseeds={urls=['ftp://a.test/']}\n", "not an http\\(s\\) URL"),
    ("[[jobs]]\nname='a'\nseeds={urls=['http://a.test/']}\nschedule='every day'\n", "cron"),
    ("[[jobs]]\nname='a'\nseeds={urls=['http://a.test/']}\nevery='soon'\n", "every"),
    ("[[jobs]]\nname='a'\nseeds={urls=['http://a.test/']}\nevery='3s'\nschedule='* * * * *'\n",
     "not both"),
    ("[[jobs]]\nname='a'\nseeds={urls=['http://a.test/']}\nmax_page=3\n", "unknown key"),
    ("[[jobs]]\nname='a'\nseeds={urls=['http://a.test/'], sitemap='x'}\n", "unknown key"),
    ("[[jobs]]\nname='a'\nseeds={url_file='missing.txt'}\n", "does not exist"),
    (("[[jobs]]\nname='a'\nseeds={urls=['http://a.test/']}\n[[jobs]]\nname='a'\n"
      "seeds={urls=['http://a.test/']}\n"), "unique"),
    ("[[jobs]\n", "not valid TOML"),
])
def test_bad_files_say_what_to_fix(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(JobConfigError, match=message):
        load_jobs(write(tmp_path, text))


def test_intervals() -> None:
    assert parse_interval("45s") == 45 and parse_interval("2m") == 120
    assert parse_interval("1.5h") == 5400 and parse_interval(10) == 10
    with pytest.raises(JobConfigError):
        parse_interval("0s")


def test_next_due_counts_from_the_last_start(tmp_path: Path) -> None:
    every, cron, once = load_jobs(write(tmp_path, """
[[jobs]]
name = "every"
every = "10s"
seeds = { urls = ["http://a.test/"] }
[[jobs]]
name = "cron"
schedule = "*/15 * * * *"
seeds = { urls = ["http://a.test/"] }
[[jobs]]
name = "once"
seeds = { urls = ["http://a.test/"] }
"""))
    now = datetime(2026, 11, 28, 1, 7, 0, tzinfo=timezone.utc)
    last = datetime(2026, 11, 28, 1, 2, 3, tzinfo=timezone.utc)
    for job in (every, cron, once):
        assert next_due(job, None, now) == now  # never ran: due at once
    assert next_due(every, last, now) == datetime(2026, 11, 28, 1, 2, 13, tzinfo=timezone.utc)
    assert next_due(cron, last, now) == datetime(2026, 11, 28, 1, 15, tzinfo=timezone.utc)
    assert next_due(once, last, now) is None

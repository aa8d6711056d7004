"""`--max-pages` and a job's `max_pages` are hard limits, counted before requests leave."""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from spamline.datadir import DataDir
from spamline.samplenet import SampleNetworkServer
from spamline.store import open_store
from tests.crawler.conftest import crawl_args, run_spamline


def page_fetches(srv: SampleNetworkServer) -> Counter[str]:
    return Counter({u: n for u, n in srv.fetch_counts.items()
                    if not u.endswith(("/robots.txt", "/sitemap.xml"))})


def stored(data: Path) -> int:
    with open_store(None, DataDir.open(data)) as store:
        return sum(1 for _ in store.iter_captures())


def test_max_pages_is_a_hard_limit(samplenet: SampleNetworkServer, tmp_path: Path) -> None:
    samplenet.fetch_counts.clear()
    # many hosts and 32 requests in flight: Scrapy's own page count overshot (20 gave 37)
    first = run_spamline(*crawl_args(samplenet, tmp_path, "--max-pages", "20", "--json"))
    assert sum(page_fetches(samplenet).values()) == 20, page_fetches(samplenet)
    assert stored(tmp_path) == 20 and "crawled 20 pages" in first.stderr
    [stats] = [json.loads(line) for line in first.stdout.splitlines()]  # --json: stdout is JSON
    assert stats["pages"] == 20 and stats["finish_reason"] == "closespider_pagecount"
    assert stats["resumable"] is True and stats["data_dir"] == str(tmp_path)
    again = run_spamline(*crawl_args(samplenet, tmp_path, "--max-pages", "20")).stdout
    assert sum(page_fetches(samplenet).values()) == 40 and "crawled 20 pages" in again
    assert max(page_fetches(samplenet).values()) == 1, "a resumed crawl fetches no page twice"


def test_a_jobs_max_pages_is_a_hard_limit(samplenet: SampleNetworkServer, tmp_path: Path) -> None:
    samplenet.fetch_counts.clear()
    urls = ", ".join(f'"{u}"' for u in samplenet.seed_urls)
    resolve = ", ".join(f'"{h}" = "{ip}"' for h, ip in samplenet.host_map.items())
    config = tmp_path / "jobs.toml"
    config.write_text(f'[[jobs]]\nname = "five"\nevery = "1h"\nseeds = {{ urls = [{urls}] }}\n'
                      f"[jobs.limits]\nmax_pages = 5\n"
                      f"[jobs.network]\nallow_private = true\nresolve = {{ {resolve} }}\n")
    out = run_spamline("schedule", "run-job", str(config), "five",
                       "--data-dir", str(tmp_path)).stdout
    assert "5 pages" in out, out
    assert sum(page_fetches(samplenet).values()) == 5 and stored(tmp_path) == 5

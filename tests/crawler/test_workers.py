"""Pages read in worker processes (SPAMLINE_WORKERS) give exactly the inline results, links included."""
from __future__ import annotations

import asyncio
import operator
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from scrapy.http import HtmlResponse
from scrapy.linkextractors import LinkExtractor
from scrapy.utils.test import get_crawler

from spamline.pipelines.extract import ExtractionPipeline, PageReader
from spamline.pipelines.features import FeaturesPipeline
from spamline.pipelines.workers import WorkerDied, WorkerPool
from spamline.model import Capture
from spamline.samplenet.pages import render_page
from spamline.samplenet.site import SampleNetwork

PIPELINES = {"spamline.pipelines.extract.ExtractionPipeline": 100, "spamline.pipelines.features.FeaturesPipeline": 200}


def sample_pages() -> list[Capture]:
    net = SampleNetwork(seed=3, pages_per_site=4)
    pages = [render_page(net, host, path, 8123) for host in net.hosts for path in net.paths(host)]
    return [Capture(url=p.url, status=200, captured_at="2026-11-28T00:00:00Z",
                    content_type=p.content_type, body=p.body) for p in pages if p]


def open_pipelines(workers: int) -> tuple[ExtractionPipeline, FeaturesPipeline, object]:
    crawler = get_crawler(settings_dict={"SPAMLINE_WORKERS": workers, "SPAMLINE_DATA_DIR": None,
                                         "ITEM_PIPELINES": PIPELINES})
    extract, features = ExtractionPipeline.from_crawler(crawler), FeaturesPipeline.from_crawler(crawler)
    extract.spider_opened()
    features.open_spider()
    return extract, features, crawler.stats


async def crawl(extract: ExtractionPipeline, features: FeaturesPipeline,
                items: list[Capture]) -> list[Capture]:
    return [features.process_item(await extract.process_item(item)) for item in items]


def fields(c: Capture) -> tuple:
    return c.encoding, c.title, c.text, c.hits, c.brands, c.features


def test_workers_give_the_inline_results() -> None:
    results = {}
    for workers in (0, 1):
        extract, features, stats = open_pipelines(workers)
        assert (extract.pool is not None) == bool(workers)
        try:
            results[workers] = [fields(c) for c in asyncio.run(crawl(extract, features, sample_pages()))]
        finally:
            extract.spider_closed()
        assert extract.pool is None
        assert stats.get_value("spamline/worker_failures") is None
    assert len(results[0]) > 20 and all(r[3] and r[5]["template"] for r in results[0])
    assert results[1] == results[0]


def test_a_killed_worker_loses_no_page() -> None:
    extract, features, stats = open_pipelines(1)
    pages = sample_pages()
    try:
        first = asyncio.run(crawl(extract, features, pages[:2]))
        for pid in extract.pool.pids:  # the OOM killer, say
            os.kill(pid, signal.SIGKILL)
        rest = asyncio.run(crawl(extract, features, pages[2:6]))
    finally:
        extract.spider_closed()
    assert stats.get_value("spamline/worker_failures") >= 1
    assert all(c.hits and c.features["template"] for c in first + rest)
    inline, inline_features, _ = open_pipelines(0)
    expected = asyncio.run(crawl(inline, inline_features, sample_pages()[:6]))
    assert [fields(c) for c in first + rest] == [fields(c) for c in expected]


def test_workers_exit_when_the_crawler_is_killed() -> None:
    script = ("from tests.crawler.test_workers import open_pipelines\n"
              "extract, _, _ = open_pipelines(1)\n"
              "print(*extract.pool.pids, flush=True)\n"
              "import time; time.sleep(60)\n")
    crawler = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True,
                               cwd=Path(__file__).resolve().parents[2])
    workers = [int(pid) for pid in crawler.stdout.readline().split()]
    crawler.kill()  # kill -9: no spider_closed, no pool shutdown
    crawler.wait()
    crawler.stdout.close()
    deadline = time.monotonic() + 10
    while any(map(running, workers)) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert workers and not any(map(running, workers))


def running(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[1][0] != "Z"
    except (FileNotFoundError, IndexError):
        return False


def test_workers_read_the_links_the_spider_would() -> None:
    extractor = LinkExtractor(unique=True)
    reader = PageReader(links=extractor)
    followed = 0
    for page in sample_pages():
        response = HtmlResponse(page.url, body=page.body, headers={"Content-Type": page.content_type})
        expected = [link.url for link in extractor.extract_links(response)]
        assert reader(page.body, page.content_type, page.url, HtmlResponse).links == expected
        assert reader(page.body, page.content_type, page.url).links == []  # not asked for
        followed += bool(expected)
    assert followed > 20


def test_concurrent_first_calls_share_one_connection() -> None:
    pool = WorkerPool(2, operator.neg)

    async def many() -> list[int]:
        return await asyncio.wait_for(asyncio.gather(*(pool.call(n) for n in range(200))), 60)

    try:
        assert asyncio.run(many()) == [-n for n in range(200)]
    finally:
        pool.close()


class Unreadable:
    """An answer that pickles in the worker but fails to unpickle in the crawler."""

    def __reduce__(self) -> tuple:
        return (refuse, ())


def refuse() -> None:
    raise ValueError("this answer cannot be read")


def answer(n: int) -> int | Unreadable:
    return Unreadable() if n < 0 else n


def test_an_answer_that_cannot_be_read_replaces_the_worker() -> None:
    pool = WorkerPool(1, answer)
    first = pool.pids

    async def calls() -> int:
        with pytest.raises(WorkerDied):
            await asyncio.wait_for(pool.call(-1), 30)
        return await asyncio.wait_for(pool.call(5), 30)

    try:
        assert asyncio.run(calls()) == 5
        assert pool.pids and pool.pids != first
    finally:
        pool.close()
    assert not any(map(running, first))


def big_page(lines: int) -> Capture:
    body = "".join(f"<p>客服热线：400-812-{k % 10000:04d}</p>\n" for k in range(lines)).encode()
    return Capture(url="http://big.example/", status=200, captured_at="2026-11-28T00:00:00Z",
                   content_type="text/html; charset=utf-8", body=b"<html><body>" + body + b"</body></html>")


def test_a_page_over_its_budget_is_not_read_and_the_crawl_goes_on() -> None:
    crawler = get_crawler(settings_dict={"SPAMLINE_WORKERS": 1, "SPAMLINE_DATA_DIR": None,
                                         "SPAMLINE_PAGE_BUDGET": 0.05, "ITEM_PIPELINES": PIPELINES})
    extract, features = ExtractionPipeline.from_crawler(crawler), FeaturesPipeline.from_crawler(crawler)
    extract.spider_opened()
    features.open_spider()
    assert extract.pool is not None
    pids = extract.pool.pids
    try:
        big, *small = asyncio.run(crawl(extract, features, [big_page(30_000), *sample_pages()[:3]]))
    finally:
        extract.spider_closed()
    assert big.features == {"not_read": "over budget"} and big.hits == [] and big.encoding == ""
    assert big.body, "the page is kept as captured (the WARC middleware has archived it)"
    assert crawler.stats.get_value("spamline/not_read/over_budget") == 1
    assert all(c.encoding and "not_read" not in c.features for c in small)
    assert any(c.hits for c in small), "the pages after it are read"
    assert extract.pool is None and pids, "the pool was closed at the end, its worker never died"
    assert not crawler.stats.get_value("spamline/worker_failures")


def test_the_budget_must_be_positive() -> None:
    crawler = get_crawler(settings_dict={"SPAMLINE_WORKERS": 0, "SPAMLINE_PAGE_BUDGET": 0})
    with pytest.raises(ValueError, match="SPAMLINE_PAGE_BUDGET"):
        ExtractionPipeline.from_crawler(crawler)

"""The JOBDIR frontier files: the request disk queue and the journal of requested URLs."""
from __future__ import annotations

import threading
from pathlib import Path

import pytest
import scrapy
from scrapy.crawler import Crawler
from scrapy.http import Response
from scrapy.squeues import PickleFifoDiskQueue
from scrapy.utils.test import get_crawler
from twisted.python.failure import Failure

from spamline.crawler.diskqueue import RequestDiskQueue
from spamline.crawler.journal import JOURNAL, JournalingDupeFilter


class Spider(scrapy.Spider):
    name = "jobdir"

    def parse(self, response: Response) -> None:
        pass

    def failed(self, failure: Failure) -> None:
        pass

    def _renamed(self, failure: Failure) -> None:
        pass

    on_error = _renamed  # its __name__ is not an attribute: found by searching the methods
    del _renamed


class Other:
    def parse(self, response: Response) -> None:
        pass


@pytest.fixture
def crawler() -> Crawler:
    crawler = get_crawler(Spider)
    crawler.spider = Spider.from_crawler(crawler)
    return crawler


def requests(spider: Spider) -> list[scrapy.Request]:
    return [
        scrapy.Request("http://a.test/", callback=spider.parse, errback=spider.failed,
                       meta={"depth": 2, "seed": True}),
        scrapy.Request("http://b.test/x?q=1", callback=spider.parse, priority=-3,
                       headers={"Authorization": "Basic eDp5"}, cb_kwargs={"page": 4},
                       dont_filter=True, flags=["resumed"]),
        scrapy.FormRequest("http://c.test/form", formdata={"a": "b"}, errback=spider.on_error),
        scrapy.Request("http://d.test/"),
    ]


def as_dicts(reqs: list[scrapy.Request | None], spider: Spider) -> list[dict]:
    return [r.to_dict(spider=spider) for r in reqs if r is not None]


def test_queue_round_trip_matches_scrapys(crawler: Crawler, tmp_path: Path) -> None:
    spider = crawler.spider
    ours = RequestDiskQueue.from_crawler(crawler, str(tmp_path / "ours" / "0"))
    theirs = PickleFifoDiskQueue.from_crawler(crawler, str(tmp_path / "theirs" / "0"))
    for q in (ours, theirs):
        for request in requests(spider):
            q.push(request)
    assert len(ours) == 4
    assert ours.peek().url == "http://a.test/"
    popped = [ours.pop() for _ in range(5)]
    assert popped[-1] is None
    assert as_dicts(popped, spider) == as_dicts([theirs.pop() for _ in range(4)], spider)
    assert as_dicts(popped, spider) == as_dicts(requests(spider), spider)
    assert popped[2].errback == spider.on_error and type(popped[2]) is scrapy.FormRequest


def test_queue_resumes_a_queue_scrapy_wrote(crawler: Crawler, tmp_path: Path) -> None:
    """A job paused before the switch resumes: the file format is Scrapy's own."""
    theirs = PickleFifoDiskQueue.from_crawler(crawler, str(tmp_path / "q"))
    for request in requests(crawler.spider):
        theirs.push(request)
    theirs.close()
    ours = RequestDiskQueue.from_crawler(crawler, str(tmp_path / "q"))
    assert as_dicts([ours.pop() for _ in range(4)], crawler.spider) == \
        as_dicts(requests(crawler.spider), crawler.spider)


def test_queue_keeps_requests_across_close_and_drops_an_empty_one(crawler: Crawler,
                                                                   tmp_path: Path) -> None:
    path = tmp_path / "requests.queue" / "slot" / "-1"
    q = RequestDiskQueue.from_crawler(crawler, str(path))
    for request in requests(crawler.spider):
        q.push(request)
    q.pop()
    q.close()  # Ctrl-C: the rest is saved
    q = RequestDiskQueue.from_crawler(crawler, str(path))
    assert [r.url for r in iter(q.pop, None)] == [r.url for r in requests(crawler.spider)[1:]]
    q.close()  # drained: nothing left behind but the folder
    assert path.is_dir() and not any(path.iterdir())
    q = RequestDiskQueue.from_crawler(crawler, str(path))
    assert len(q) == 0 and q.pop() is None
    q.push(requests(crawler.spider)[3])
    assert q.pop().url == "http://d.test/"


def test_queue_refuses_what_it_cannot_keep(crawler: Crawler, tmp_path: Path) -> None:
    """ValueError makes Scrapy's scheduler keep the request in memory instead."""
    q = RequestDiskQueue.from_crawler(crawler, str(tmp_path / "q"))
    with pytest.raises(ValueError):
        q.push(scrapy.Request("http://a.test/", callback=lambda r: None))
    with pytest.raises(ValueError):
        q.push(scrapy.Request("http://a.test/", callback=Other().parse))  # not the spider's
    with pytest.raises(ValueError):
        q.push(scrapy.Request("http://a.test/", meta={"lock": threading.Lock()}))
    assert len(q) == 0


def test_journal_has_each_new_url_before_the_request_goes_on(tmp_path: Path) -> None:
    seen = JournalingDupeFilter.from_crawler(get_crawler(Spider, {"JOBDIR": str(tmp_path)}))
    journal = tmp_path / JOURNAL
    assert not seen.request_seen(scrapy.Request("http://a.test/é"))
    assert journal.read_text(encoding="utf-8") == "http://a.test/%C3%A9\n"  # no close needed
    assert seen.request_seen(scrapy.Request("http://a.test/é"))
    assert not seen.request_seen(scrapy.Request("http://b.test/"))
    assert journal.read_text(encoding="utf-8").splitlines() == ["http://a.test/%C3%A9",
                                                                "http://b.test/"]
    seen.close("finished")
    again = JournalingDupeFilter.from_crawler(get_crawler(Spider, {"JOBDIR": str(tmp_path)}))
    assert again.request_seen(scrapy.Request("http://b.test/"))  # requests.seen was kept
    assert not again.request_seen(scrapy.Request("http://c.test/"))
    again.close("finished")
    assert journal.read_text(encoding="utf-8").splitlines()[-1] == "http://c.test/"

"""A duplicate filter that also journals every URL it lets through, so a killed crawl can resume.

Scrapy's JOBDIR survives Ctrl-C, but not kill -9 or a power cut: the request queue's
index (active.json) is written only on a clean close, and requests already taken off
the queue are lost. The journal (`requests.urls` in JOBDIR, one URL per line, flushed
per line) lets `spamline.crawl.recover_frontier` rebuild the frontier: every journalled
URL without a stored capture is requested again.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from scrapy import Request
from scrapy.dupefilters import RFPDupeFilter
from scrapy.utils.job import job_dir

JOURNAL = "requests.urls"


class JournalingDupeFilter(RFPDupeFilter):
    """RFPDupeFilter that appends each new request's URL to JOBDIR/requests.urls."""

    def __init__(self, path: str | None = None, debug: bool = False, **kwargs: Any) -> None:
        super().__init__(path, debug, **kwargs)
        self.journal = Path(path, JOURNAL).open("a", encoding="utf-8") if path else None

    @classmethod
    def from_crawler(cls, crawler: Any) -> "JournalingDupeFilter":
        return cls(job_dir(crawler.settings), crawler.settings.getbool("DUPEFILTER_DEBUG"),
                   fingerprinter=crawler.request_fingerprinter)

    def request_seen(self, request: Request) -> bool:
        if super().request_seen(request):
            return True
        if self.journal:
            self.journal.write(request.url + "\n")
            self.journal.flush()  # in the OS's hands: survives kill -9
            self.file.flush()
        return False

    def close(self, reason: str) -> None:
        super().close(reason)
        if self.journal:
            self.journal.close()

"""A duplicate filter that also journals every URL it lets through, so a killed crawl can resume.

Scrapy's JOBDIR survives Ctrl-C, but not kill -9 or a power cut: the request queue's
index (active.json) is written only on a clean close, and requests already taken off
the queue are lost. The journal (`requests.urls` in JOBDIR, one URL per line) lets
`spamline.crawl.recover_frontier` rebuild the frontier: every journalled URL without a
stored capture is requested again. Each line is one write(2) to an O_APPEND descriptor,
so it is in the OS's hands (and survives kill -9) before the request can be downloaded.
The fingerprint file (requests.seen) needs no flushing: after a kill it is rebuilt
from the journal, after a clean close Scrapy has written it whole.
"""
from __future__ import annotations

import os
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
        self.journal: int | None = None
        if path:
            self.journal = os.open(Path(path, JOURNAL), os.O_WRONLY | os.O_APPEND | os.O_CREAT,
                                   0o644)

    @classmethod
    def from_crawler(cls, crawler: Any) -> "JournalingDupeFilter":
        return cls(job_dir(crawler.settings), crawler.settings.getbool("DUPEFILTER_DEBUG"),
                   fingerprinter=crawler.request_fingerprinter)

    def request_seen(self, request: Request) -> bool:
        if super().request_seen(request):
            return True
        if self.journal is not None:
            os.write(self.journal, (request.url + "\n").encode("utf-8"))
        return False

    def close(self, reason: str) -> None:
        super().close(reason)
        if self.journal is not None:
            os.close(self.journal)
            self.journal = None

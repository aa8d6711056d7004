"""The recheck spider: fetch known pages once each, follow nothing, record failures too."""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

from scrapy.http import Response
from twisted.python.failure import Failure

from spamline.crawler.failures import failure_kind
from spamline.crawler.resolver import lookup_verdicts, refusal_reason
from spamline.crawler.spiders.spam import SpamSpider
from spamline.model import Capture, utc_now


class RecheckSpider(SpamSpider):
    """Recrawl the given URLs without following links.

    Every URL yields exactly one Capture stored under the URL as requested (a
    redirect's target is kept in `features["redirected_to"]`); a request that
    gets no response (DNS failure, connection refused, timeout, refused address)
    yields a Capture with status 0, `features["error"]` and `features["failure"]`
    (a kind from crawler.failures), so the recheck history can tell "gone" from
    "unreachable from here".
    """

    name = "spamline-recheck"

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.allowed_domains = []  # nothing is followed; a redirect to a parking host is evidence

    def parse(self, response: Response) -> Iterator[Any]:
        item = self.capture(response)
        first = (response.meta.get("redirect_urls") or [response.url])[0]
        if first != response.url:
            item.features["redirected_to"] = response.url
            item.url = first
        yield item

    def failed(self, failure: Failure) -> Iterator[Capture]:
        """Count the failure, then record it as a capture with status 0."""
        super().failed(failure)
        request = failure.request  # type: ignore[attr-defined]
        refused = (request.meta.get("spamline_refused")
                   or refusal_reason(urlsplit(request.url).hostname or ""))
        reason = refused or failure.getErrorMessage()
        kind = failure.type.__name__ if failure.type else "Error"
        first = (request.meta.get("redirect_urls") or [request.url])[0]
        yield Capture(url=first, status=0, captured_at=utc_now(),
                      job=self.settings.get("SPAMLINE_JOB", ""),
                      features={"error": f"{kind}: {reason}",
                                "failure": failure_kind(failure, request, lookup_verdicts(), refused)})

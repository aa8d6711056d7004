"""Failure kinds: what a failed request says about the page (crawler.failures)."""
from __future__ import annotations

import pytest
from scrapy import Request
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadConnectionRefusedError,
    DownloadTimeoutError,
    ResponseDataLossError,
)
from twisted.internet import error
from twisted.python.failure import Failure

from spamline.crawler.failures import failure_kind, is_public_name

REQUEST = Request("http://shop.example.com/page")


@pytest.mark.parametrize("exc, kind", [
    (DownloadTimeoutError("took too long"), "timeout"),
    (error.TimeoutError(), "timeout"),
    (DownloadConnectionRefusedError("refused"), "refused"),
    (error.ConnectionRefusedError(), "refused"),
    (ResponseDataLossError("cut"), "connection"),
    (CannotResolveHostError("no results"), "dns"),  # a public name, no verdict: no answer
])
def test_failure_kinds(exc: Exception, kind: str) -> None:
    assert failure_kind(Failure(exc), REQUEST, {}, None) == kind


def test_the_resolvers_verdict_and_the_guard_decide() -> None:
    dns = Failure(error.DNSLookupError("no results"))
    assert failure_kind(dns, REQUEST, {"shop.example.com": "nxdomain"}, None) == "nxdomain"
    assert failure_kind(dns, Request("http://shop.test/"), {}, None) == "unmapped"
    assert failure_kind(dns, REQUEST, {}, "refused shop.example.com: non-public") == "guard"


@pytest.mark.parametrize("host, public", [
    ("shop.example.com", True), ("spam.cn.", True), ("shop.test", False), ("a.b.example", False),
    ("printer.local", False), ("intranet", False), ("x.home.arpa", False), ("db.internal", False),
])
def test_public_names(host: str, public: bool) -> None:
    assert is_public_name(host) is public

"""Takedown states derived from a page's capture history (pure functions)."""
from __future__ import annotations

import random

from spamline.jobs.recheck import (
    BACK,
    FIRST_SEEN,
    GONE,
    LIVE_SAME,
    NUMBER_CHANGED,
    UNREACHABLE,
    history,
    observe,
    page_status,
)
from spamline.model import Capture, PhoneHit

URL = "http://shop.test/repair"


def cap(at: str, status: int = 200, numbers: tuple[str, ...] = (), text: str = "",
        error: str | None = None, failure: str | None = None) -> Capture:
    hits = [PhoneHit(e164=n, raw=n, start=0, end=len(n), type="toll_free") for n in numbers]
    features = {"error": error} if error else {}
    if failure:
        features["failure"] = failure
    return Capture(url=URL, status=status, captured_at=f"2026-11-{at}Z", text=text, hits=hits,
                   features=features)


def test_a_takedown_and_return() -> None:
    caps = [
        cap("01T00:00:00", numbers=("+864008123456",)),
        cap("02T00:00:00", numbers=("+864008123456",)),
        cap("03T00:00:00", numbers=("+864006601234",)),
        cap("04T00:00:00", status=404),
        cap("05T00:00:00", status=0, error="DNSLookupError: DNS lookup failed: no results",
            failure="nxdomain"),
        cap("06T00:00:00", numbers=("+864006601234",)),
        cap("07T00:00:00", numbers=("+864006601234",)),
    ]
    random.Random(1).shuffle(caps)  # the store's order does not matter
    checks = history(caps)
    assert [c.state for c in checks] == [FIRST_SEEN, LIVE_SAME, NUMBER_CHANGED, GONE, GONE, BACK,
                                         LIVE_SAME]
    assert [c.reason for c in checks][3:5] == ["http 404", "dns: no such domain"]
    assert checks[3].numbers == ["+864006601234"]  # the numbers the takedown removed
    status = page_status(checks)
    assert status.state == LIVE_SAME and status.since == "2026-11-06T00:00:00Z"
    assert status.gone_at == "2026-11-04T00:00:00Z" and status.back_at == "2026-11-06T00:00:00Z"
    assert status.first_seen == "2026-11-01T00:00:00Z" and status.checks == 7


def test_gone_since_the_first_check_that_saw_it_gone() -> None:
    status = page_status(history([
        cap("01T00:00:00", numbers=("+864008123456",)),
        cap("02T00:00:00", status=410),
        cap("03T00:00:00", status=0, error="TimeoutError: took too long", failure="timeout"),
        cap("04T00:00:00", status=404),
    ]))
    assert status.state == GONE and status.reason == "http 404"
    assert status.since == status.gone_at == "2026-11-02T00:00:00Z" and status.back_at is None


def test_gone_needs_evidence_of_removal() -> None:
    assert observe(cap("01T00:00:00", numbers=("+864008123456",))) == ("", "")
    assert observe(cap("01T00:00:00", text="This domain is for sale! Inquire now")) == (GONE, "parked")
    assert observe(cap("01T00:00:00", text="该域名出售")) == (GONE, "parked")
    assert observe(cap("01T00:00:00", text="We moved.")) == (GONE, "no numbers")
    for status in (404, 410, 451):
        assert observe(cap("01T00:00:00", status=status)) == (GONE, f"http {status}")
    assert observe(cap("01T00:00:00", status=0, failure="nxdomain")) == (GONE, "dns: no such domain")


def test_failures_on_our_side_are_unreachable_never_gone() -> None:
    for failure, reason in [("guard", "address guard"), ("unmapped", "no mapping"),
                            ("dns", "dns: no answer"), ("timeout", "timeout"),
                            ("refused", "connection refused"), ("connection", "no response"),
                            (None, "no response")]:  # a capture stored before failures had kinds
        got = observe(cap("01T00:00:00", status=0, error="DNSLookupError: x", failure=failure))
        assert got == (UNREACHABLE, reason)
    assert observe(cap("01T00:00:00", status=503)) == (UNREACHABLE, "http 503")
    assert observe(cap("01T00:00:00", status=403)) == (UNREACHABLE, "http 403")


def test_an_unreachable_check_is_no_takedown() -> None:
    live = ("+864008123456",)
    down = dict(status=0, error="DNSLookupError: no results", failure="unmapped")
    checks = history([cap("01T00:00:00", numbers=live), cap("02T00:00:00", **down),
                      cap("03T00:00:00", **down)])
    assert [c.state for c in checks] == [FIRST_SEEN, UNREACHABLE, UNREACHABLE]
    status = page_status(checks)
    assert status.state == UNREACHABLE and status.reason == "no mapping"
    assert status.since == "2026-11-02T00:00:00Z" and status.numbers == list(live)
    assert status.gone_at is None and status.back_at is None
    # reachable again with the same number: still live, never "back"
    checks = history([cap("01T00:00:00", numbers=live), cap("02T00:00:00", **down),
                      cap("03T00:00:00", numbers=live)])
    assert [c.state for c in checks] == [FIRST_SEEN, UNREACHABLE, LIVE_SAME]
    assert page_status(checks).gone_at is None


def test_pages_that_never_carried_a_number_have_no_history() -> None:
    assert history([cap("01T00:00:00", status=404), cap("02T00:00:00", text="hello")]) == []
    assert page_status([]) is None
    checks = history([cap("01T00:00:00", status=404), cap("02T00:00:00", numbers=("+8612",))])
    assert [c.state for c in checks] == [FIRST_SEEN]

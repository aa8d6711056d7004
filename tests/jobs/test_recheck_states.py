"""Takedown states derived from a page's capture history (pure functions)."""
from __future__ import annotations

import random

from spamline.jobs.recheck import (
    BACK,
    FIRST_SEEN,
    GONE,
    LIVE_SAME,
    NUMBER_CHANGED,
    gone_reason,
    history,
    page_status,
)
from spamline.model import Capture, PhoneHit

URL = "http://shop.test/repair"


def cap(at: str, status: int = 200, numbers: tuple[str, ...] = (), text: str = "",
        error: str | None = None) -> Capture:
    hits = [PhoneHit(e164=n, raw=n, start=0, end=len(n), type="toll_free") for n in numbers]
    return Capture(url=URL, status=status, captured_at=f"2026-11-{at}Z", text=text, hits=hits,
                   features={"error": error} if error else {})


def test_a_takedown_and_return() -> None:
    caps = [
        cap("01T00:00:00", numbers=("+864008123456",)),
        cap("02T00:00:00", numbers=("+864008123456",)),
        cap("03T00:00:00", numbers=("+864006601234",)),
        cap("04T00:00:00", status=404),
        cap("05T00:00:00", status=0, error="DNSLookupError: DNS lookup failed: no results"),
        cap("06T00:00:00", numbers=("+864006601234",)),
        cap("07T00:00:00", numbers=("+864006601234",)),
    ]
    random.Random(1).shuffle(caps)  # the store's order does not matter
    checks = history(caps)
    assert [c.state for c in checks] == [FIRST_SEEN, LIVE_SAME, NUMBER_CHANGED, GONE, GONE, BACK,
                                         LIVE_SAME]
    assert [c.reason for c in checks][3:5] == ["http 404", "dns"]
    assert checks[3].numbers == ["+864006601234"]  # the numbers the takedown removed
    status = page_status(checks)
    assert status.state == LIVE_SAME and status.since == "2026-11-06T00:00:00Z"
    assert status.gone_at == "2026-11-04T00:00:00Z" and status.back_at == "2026-11-06T00:00:00Z"
    assert status.first_seen == "2026-11-01T00:00:00Z" and status.checks == 7


def test_gone_since_the_first_failed_check() -> None:
    status = page_status(history([
        cap("01T00:00:00", numbers=("+864008123456",)),
        cap("02T00:00:00", status=410),
        cap("03T00:00:00", status=0, error="ConnectionRefusedError: Connection was refused"),
    ]))
    assert status.state == GONE and status.reason == "refused"
    assert status.since == status.gone_at == "2026-11-02T00:00:00Z" and status.back_at is None


def test_gone_reasons() -> None:
    assert gone_reason(cap("01T00:00:00", numbers=("+864008123456",))) == ""
    assert gone_reason(cap("01T00:00:00", text="This domain is for sale! Inquire now")) == "parked"
    assert gone_reason(cap("01T00:00:00", text="该域名出售")) == "parked"
    assert gone_reason(cap("01T00:00:00", text="We moved.")) == "no numbers"
    assert gone_reason(cap("01T00:00:00", status=503)) == "http 503"


def test_pages_that_never_carried_a_number_have_no_history() -> None:
    assert history([cap("01T00:00:00", status=404), cap("02T00:00:00", text="hello")]) == []
    assert page_status([]) is None
    checks = history([cap("01T00:00:00", status=404), cap("02T00:00:00", numbers=("+8612",))])
    assert [c.state for c in checks] == [FIRST_SEEN]

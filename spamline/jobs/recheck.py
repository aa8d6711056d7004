"""Rechecks: is a known spam page still live, with the same number, gone, or back?

Nothing is stored besides captures: a recheck fetches each known spam page once
and stores what it got as a new Capture (a failed fetch as status 0 with
`features["error"]`). The takedown history of a page is then a pure function of
its captures, oldest first:

- `first_seen`: the first capture that carried numbers;
- `live_same`: live with the same numbers as the last live capture;
- `number_changed`: live with other numbers;
- `gone`: 404/410 or another error status, a failed fetch (DNS failure, connection
  refused, timeout), a parked page, or a page that no longer carries any number;
- `back`: live with numbers again after being gone.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from spamline.model import Capture
from spamline.store.base import Store

FIRST_SEEN, LIVE_SAME, NUMBER_CHANGED, GONE, BACK = (
    "first_seen", "live_same", "number_changed", "gone", "back")
RECHECK_JOB = "recheck"
PARKED = re.compile(
    r"domain (?:name )?(?:is |may be )?(?:for sale|parked)|parked (?:free|domain)|buy this domain"
    r"|this domain (?:has expired|is available)|域名(?:出售|转让|停放)",
    re.IGNORECASE,
)


@dataclass
class Check:
    """One capture of a page, read as a takedown observation."""

    url: str
    checked_at: str
    state: str
    status: int
    numbers: list[str] = field(default_factory=list)
    reason: str = ""  # why a page counts as gone: "http 404", "dns", "refused", "parked"...


@dataclass
class PageStatus:
    """Where a page stands now, with the dates brand owners ask about."""

    url: str
    state: str
    since: str  # when the current state (or the current numbers) began
    last_checked: str
    first_seen: str
    numbers: list[str]  # the live numbers, or the last ones seen when gone
    reason: str = ""
    gone_at: str | None = None  # start of the latest takedown
    back_at: str | None = None  # latest return after a takedown
    checks: int = 0
    history: list[Check] = field(default_factory=list)


def gone_reason(capture: Capture) -> str:
    """Why a capture shows the page gone, or "" when it is live with numbers."""
    if capture.status == 0:
        error = str(capture.features.get("error", "no response"))
        if "DNSLookupError" in error or "DNS lookup failed" in error:
            return "dns"
        if "ConnectionRefused" in error:
            return "refused"
        return error
    if capture.status >= 400:
        return f"http {capture.status}"
    if PARKED.search(f"{capture.title}\n{capture.text}"):
        return "parked"
    if not capture.hits:
        return "no numbers"
    return ""


def history(captures: Iterable[Capture]) -> list[Check]:
    """Each capture of one page as a Check, oldest first (pure; any store order)."""
    checks: list[Check] = []
    last_live: list[str] | None = None
    gone = False
    for capture in sorted(captures, key=lambda c: c.captured_at):
        reason = gone_reason(capture)
        numbers = sorted({h.e164 for h in capture.hits})
        if reason:
            if last_live is None:
                continue  # nothing to take down yet: the page never carried a number
            state, numbers, gone = GONE, last_live, True
        elif last_live is None:
            state = FIRST_SEEN
        elif gone:
            state, gone = BACK, False
        else:
            state = LIVE_SAME if numbers == last_live else NUMBER_CHANGED
        if not reason:
            last_live = numbers
        checks.append(Check(capture.url, capture.captured_at, state, capture.status, numbers, reason))
    return checks


def page_status(checks: Sequence[Check]) -> PageStatus | None:
    """Summarize a page's history into its current status (None without checks)."""
    if not checks:
        return None
    now = checks[-1]
    since = now.checked_at
    for earlier in reversed(checks[:-1]):
        if (earlier.state == GONE) != (now.state == GONE) or earlier.numbers != now.numbers:
            break
        since = earlier.checked_at
    gone_at = next((c.checked_at for i, c in reversed(list(enumerate(checks)))
                    if c.state == GONE and (i == 0 or checks[i - 1].state != GONE)), None)
    back_at = next((c.checked_at for c in reversed(checks) if c.state == BACK), None)
    return PageStatus(
        url=now.url, state=now.state, since=since, last_checked=now.checked_at,
        first_seen=checks[0].checked_at, numbers=now.numbers, reason=now.reason,
        gone_at=gone_at, back_at=back_at, checks=len(checks), history=list(checks),
    )


def recheck_history(store: Store, url: str) -> PageStatus | None:
    """A page's takedown status from its stored captures."""
    return page_status(history(store.captures(url=url)))


def spam_urls(store: Store) -> list[str]:
    """Every page that ever carried a number: what a recheck fetches."""
    return list(dict.fromkeys(s.url for s in store.iter_sightings()))


def page_states(store: Store, urls: Iterable[str]) -> dict[str, PageStatus]:
    """Takedown status of each page (pages never seen with a number are left out)."""
    found = {url: recheck_history(store, url) for url in dict.fromkeys(urls)}
    return {url: status for url, status in found.items() if status is not None}


def brand_takedowns(store: Store, brand: str) -> list[PageStatus]:
    """Takedown status of each page that gives the brand a number it does not own
    (for `spamline brand report` and the web API)."""
    return list(page_states(store, (s.url for s in store.brand_report(brand))).values())


def takedown_fields(status: PageStatus | None) -> dict[str, str | None]:
    """A page's takedown status as flat JSON fields (for reports and the API)."""
    if status is None:
        return {"page_state": None, "page_state_since": None, "page_gone_reason": None,
                "gone_at": None, "back_at": None, "last_checked": None}
    return {"page_state": status.state, "page_state_since": status.since,
            "page_gone_reason": status.reason or None, "gone_at": status.gone_at,
            "back_at": status.back_at, "last_checked": status.last_checked}


def describe(status: PageStatus | None) -> str:
    """A page's takedown status in a few words, for tables."""
    if status is None:
        return "-"
    why = f" ({status.reason})" if status.reason else ""
    return f"{status.state}{why} since {status.since}"

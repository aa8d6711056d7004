"""Rechecks: is a known spam page still live, with the same number, gone, or back?

Nothing is stored besides captures: a recheck fetches each known spam page once
and stores what it got as a new Capture (a failed fetch as status 0 with
`features["error"]`). The takedown history of a page is then a pure function of
its captures, oldest first:

- `first_seen`: the first capture that carried numbers;
- `live_same`: live with the same numbers as the last live capture;
- `number_changed`: live with other numbers;
- `gone`: evidence the page was removed: 404, 410 or 451, NXDOMAIN from real DNS
  for a public name, a parked page, or a page that no longer carries any number;
- `unreachable`: "unreachable from here": no evidence either way, because of a
  failure on our side or a server that did not answer (our address guard, a name
  we have no mapping for, no DNS answer, a timeout, a refused connection, another
  error status). It is never a takedown: `gone_at`, `back_at` and the states
  around it are worked out as if the check had not happened;
- `back`: live with numbers again after being gone.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from spamline.crawler.failures import DESCRIPTIONS, NXDOMAIN
from spamline.evidence.scope import brand_report
from spamline.model import Capture
from spamline.store.base import Store

FIRST_SEEN, LIVE_SAME, NUMBER_CHANGED, GONE, BACK, UNREACHABLE = (
    "first_seen", "live_same", "number_changed", "gone", "back", "unreachable")
STATES = (FIRST_SEEN, LIVE_SAME, NUMBER_CHANGED, GONE, BACK, UNREACHABLE)
REMOVED_STATUSES = (404, 410, 451)  # not found, gone, unavailable for legal reasons
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
    reason: str = ""  # why it is gone or unreachable: "http 404", "dns: no such domain"...


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


def observe(capture: Capture) -> tuple[str, str]:
    """What a capture says about its page: ("", "") live with numbers, or GONE or
    UNREACHABLE with the reason."""
    if capture.status == 0:
        kind = str(capture.features.get("failure", ""))
        if kind == NXDOMAIN:
            return GONE, DESCRIPTIONS[NXDOMAIN]
        # captures from before failures had kinds cannot tell our side from theirs
        return UNREACHABLE, DESCRIPTIONS.get(kind, "no response")
    if capture.status in REMOVED_STATUSES:
        return GONE, f"http {capture.status}"
    if capture.status >= 400:
        return UNREACHABLE, f"http {capture.status}"
    if PARKED.search(f"{capture.title}\n{capture.text}"):
        return GONE, "parked"
    if not capture.hits:
        return GONE, "no numbers"
    return "", ""


def history(captures: Iterable[Capture]) -> list[Check]:
    """Each capture of one page as a Check, oldest first (pure; any store order)."""
    checks: list[Check] = []
    last_live: list[str] | None = None
    gone = False
    for capture in sorted(captures, key=lambda c: c.captured_at):
        verdict, reason = observe(capture)
        numbers = sorted({h.e164 for h in capture.hits})
        if verdict and last_live is None:
            continue  # nothing to take down yet: the page never carried a number
        if verdict == UNREACHABLE:
            checks.append(Check(capture.url, capture.captured_at, UNREACHABLE, capture.status,
                                last_live, reason))
            continue  # says nothing about the page
        if verdict == GONE:
            state, numbers, gone = GONE, last_live, True
        elif last_live is None:
            state = FIRST_SEEN
        elif gone:
            state, gone = BACK, False
        else:
            state = LIVE_SAME if numbers == last_live else NUMBER_CHANGED
        if not verdict:
            last_live = numbers
        checks.append(Check(capture.url, capture.captured_at, state, capture.status, numbers, reason))
    return checks


def page_status(checks: Sequence[Check]) -> PageStatus | None:
    """Summarize a page's history into its current status (None without checks)."""
    if not checks:
        return None
    now = checks[-1]
    seen = [c for c in checks if c.state != UNREACHABLE]  # the checks that saw the page
    since = now.checked_at
    for earlier in reversed((checks if now.state == UNREACHABLE else seen)[:-1]):
        if _phase(earlier) != _phase(now) or earlier.numbers != now.numbers:
            break
        since = earlier.checked_at
    gone_at = next((c.checked_at for i, c in reversed(list(enumerate(seen)))
                    if c.state == GONE and (i == 0 or seen[i - 1].state != GONE)), None)
    back_at = next((c.checked_at for c in reversed(seen) if c.state == BACK), None)
    return PageStatus(
        url=now.url, state=now.state, since=since, last_checked=now.checked_at,
        first_seen=checks[0].checked_at, numbers=now.numbers, reason=now.reason,
        gone_at=gone_at, back_at=back_at, checks=len(checks), history=list(checks),
    )


def _phase(check: Check) -> str:
    """Live, gone or unreachable: a state's `since` spans checks of one phase."""
    return check.state if check.state in (GONE, UNREACHABLE) else "live"


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


def brand_takedowns(store: Store, brand: str, hubs: Iterable[str] = ()) -> list[PageStatus]:
    """Takedown status of each page the brand's report lists (`evidence.scope.brand_report`:
    a number the brand does not own, `hubs` left out), for the web page and API."""
    rows = brand_report(store, brand, hubs)
    return list(page_states(store, (s.url for s in rows)).values())


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

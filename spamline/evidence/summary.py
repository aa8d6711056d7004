"""The executive summary at the top of a package's report: the claim, in one screen.

What was selected and why it is a violation, pages and numbers per host, first
and last capture, where each page stands now (from `spamline recheck`), who made
the package with which software, and the command that verifies it.
"""
from __future__ import annotations

import getpass
import socket
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from spamline.evidence.rdap import Lookup
from spamline.evidence.report import ReportEntry
from spamline.evidence.scope import Scope
from spamline.jobs.recheck import GONE, PageStatus


def default_maker() -> str:
    """Who is making the package when `--by` is not given: local user @ host."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "unknown user"
    return f"{user}@{socket.gethostname()}"


@dataclass
class ExportContext:
    """What the exporter knows beyond the captures: the claim, page states, the maker."""

    scope: Scope
    states: Mapping[str, PageStatus] = field(default_factory=dict)  # url -> status
    left_out: list[str] = field(default_factory=list)  # URLs outside the claim
    made_by: str = field(default_factory=default_maker)
    lookups: list[Lookup] = field(default_factory=list)  # RDAP abuse contacts (--rdap)


@dataclass
class HostLine:
    host: str
    pages: int
    captures: int
    numbers: list[str]  # advertised numbers on this host
    ips: list[str]
    first: str
    last: str
    live: int
    gone: int


@dataclass
class Summary:
    selection: str
    claim: str  # why it is a violation, in one sentence
    brand: str
    official: list[str]
    advertised: list[tuple[str, int]]  # number, pages showing it
    pages: int
    captures: int
    first: str
    last: str
    hosts: list[HostLine]
    left_out: list[str]
    live: int
    gone: list[tuple[str, str, str]]  # url, gone since, reason
    unchecked: int  # pages never rechecked after their capture
    made_by: str
    made_at: str
    software: str
    verify: str


def page_now(status: PageStatus | None) -> str:
    """A page's current state in words: live (as last checked) or gone since."""
    if status is None:
        return "not rechecked"
    if status.state == GONE:
        why = f" ({status.reason})" if status.reason else ""
        return f"gone since {status.gone_at or status.since}{why}, last checked {status.last_checked}"
    return f"live, last checked {status.last_checked}"


def _claim(scope: Scope, advertised: list[tuple[str, int]], pages: int) -> str:
    shown = ", ".join(n for n, _ in advertised) or "no other number"
    if scope.brand is not None:
        official = ", ".join(scope.brand.official) or "none registered"
        return (f"{pages} page(s) claim to be {scope.brand.name} but advertise {shown}, "
                f"which {scope.brand.name} does not own (its official numbers: {official}).")
    return f"{pages} page(s) selected by {scope.selection} advertise {shown}."


def summarize(entries: Sequence[ReportEntry], context: ExportContext, *, made_at: str,
              software: str, verify: str) -> Summary:
    """The summary of a package's entries (pure)."""
    scope = context.scope
    urls_by_number: dict[str, set[str]] = defaultdict(set)
    by_host: dict[str, list[ReportEntry]] = defaultdict(list)
    for e in entries:
        by_host[e.domain].append(e)
        for n in e.numbers:
            if scope.advertised(n):
                urls_by_number[n].add(e.url)
    advertised = sorted(((n, len(u)) for n, u in urls_by_number.items()), key=lambda t: (-t[1], t[0]))
    states = context.states
    hosts = []
    for host, items in sorted(by_host.items()):
        urls = {e.url for e in items}
        tally = Counter(GONE if states.get(u) and states[u].state == GONE else "live" for u in urls)
        hosts.append(HostLine(
            host, len(urls), len(items),
            sorted({n for e in items for n in e.numbers if scope.advertised(n)}),
            sorted({e.ip_address for e in items if e.ip_address}),
            min(e.warc_date for e in items), max(e.warc_date for e in items),
            tally["live"], tally[GONE]))
    urls = sorted({e.url for e in entries})
    gone = [(u, states[u].gone_at or states[u].since, states[u].reason)
            for u in urls if u in states and states[u].state == GONE]
    dates = [e.warc_date for e in entries]
    return Summary(
        selection=scope.selection, claim=_claim(scope, advertised, len(urls)),
        brand=scope.brand.name if scope.brand else "",
        official=list(scope.brand.official) if scope.brand else [],
        advertised=advertised, pages=len(urls), captures=len(entries),
        first=min(dates, default=""), last=max(dates, default=""), hosts=hosts,
        left_out=list(context.left_out), live=len(urls) - len(gone), gone=gone,
        unchecked=sum(1 for u in urls if u not in states or states[u].checks < 2),
        made_by=context.made_by, made_at=made_at, software=software,
        verify=verify)

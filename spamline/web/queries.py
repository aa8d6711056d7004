"""The questions the API and the pages answer, over a Store, within a user's Scope.

Every function here applies the scope itself, so an endpoint cannot forget to:
a brand owner gets only captures (and their sightings) of pages claiming one of
their brands, numbers seen on such pages (with only those sightings), and
networks that contain their brand (with only the members seen on their pages).
The brand_report caller checks the brand is visible first.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace

from spamline.evidence.scope import brand_report as reported_sightings
from spamline.jobs.recheck import GONE, PageStatus, brand_takedowns
from spamline.model import Brand, Capture, Network, NumberProfile, Sighting
from spamline.networks.spam import spam_networks
from spamline.phones.normalize import number_readings
from spamline.store.base import SearchFilters, Store
from spamline.web.scope import Scope

PROFILE_SIGHTINGS_CAP = 10_000  # sightings per brand read to build a brand owner's profile


@dataclass
class Page:
    """One page of results and where the next one starts (None at the end)."""

    items: list
    limit: int
    offset: int
    next_offset: int | None


def _page(rows: list, limit: int, offset: int) -> Page:
    """``rows`` holds up to limit+1 items starting at ``offset``."""
    more = len(rows) > limit
    return Page(rows[:limit], limit, offset, offset + limit if more else None)


def _newest_first(rows: list[Sighting]) -> list[Sighting]:
    seen: set[str] = set()
    unique = []
    for s in rows:
        if s.sighting_id not in seen:
            seen.add(s.sighting_id)
            unique.append(s)
    return sorted(unique, key=lambda s: (s.captured_at, s.url, s.start), reverse=True)


def search(store: Store, scope: Scope, query: str, filters: SearchFilters,
           limit: int, offset: int) -> Page:
    """Sightings matching ``query`` (number in any format, brand, domain or text)."""
    if not scope.restricted:
        return _page(store.search(query, filters, limit + 1, offset), limit, offset)
    if filters.brand is not None:
        brands = [filters.brand] if scope.allows_brand(filters.brand) else []
    else:
        brands = list(scope.user.brands)
    per_brand = [
        store.search(query, replace(filters, brand=b), offset + limit + 1, 0) for b in brands
    ]
    rows = _newest_first([s for rows in per_brand for s in rows])
    return _page(rows[offset:offset + limit + 1], limit, offset)


TOTALS_CAP = 10_000  # sightings counted for a query's totals


@dataclass
class Totals:
    """What a query matches, counted over at most TOTALS_CAP sightings (``capped`` if more)."""

    sightings: int
    numbers: int
    pages: int
    domains: int
    brands: int
    capped: bool


def totals(store: Store, scope: Scope, query: str, filters: SearchFilters) -> Totals:
    """The totals of a search (not of the whole store), within the user's scope."""
    rows = search(store, scope, query, filters, TOTALS_CAP, 0)
    items = rows.items
    return Totals(sightings=len(items), numbers=len({s.e164 for s in items}),
                  pages=len({s.url for s in items}), domains=len({s.domain for s in items}),
                  brands=len({s.brand for s in items if s.brand}),
                  capped=rows.next_offset is not None)


def number_sightings(store: Store, scope: Scope, e164: str, limit: int, offset: int) -> Page:
    """The timeline of one number's sightings, newest first."""
    page = search(store, scope, e164, SearchFilters(), limit, offset)
    page.items = [s for s in page.items if s.e164 == e164]
    return page


def number_profile(store: Store, scope: Scope, e164: str) -> NumberProfile | None:
    """A number's profile; for a brand owner built from their brands' sightings only."""
    profile = store.number_profile(e164)
    if profile is None or not scope.restricted:
        return profile
    rows = search(store, scope, e164, SearchFilters(), PROFILE_SIGHTINGS_CAP, 0).items
    rows = [s for s in rows if s.e164 == e164]
    if not rows:
        return None
    pages: dict[str, Sighting] = {}
    for s in rows:
        pages.setdefault(s.url, s)
    return NumberProfile(
        e164=e164, number_type=profile.number_type,
        first_seen=min(s.captured_at for s in rows), last_seen=max(s.captured_at for s in rows),
        sightings=len(rows), pages=len(pages),
        brands=dict(Counter(s.brand for s in pages.values() if s.brand)),
        domains=dict(Counter(s.domain for s in pages.values())),
        network_id=profile.network_id,
    )


def find_number(store: Store, scope: Scope, typed: str) -> NumberProfile | None:
    """The profile of a number as typed (any format, with or without country code), read as
    the CLI reads it: the first of its readings (default region, then NANP) the user can see."""
    return next(filter(None, (number_profile(store, scope, e) for e in _readings(typed))), None)


def read_number(store: Store, scope: Scope, typed: str) -> str | None:
    """The E.164 reading of a typed number: the first the user has seen, else the first."""
    found = find_number(store, scope, typed)
    return found.e164 if found else next(iter(_readings(typed)), None)


def _readings(typed: str) -> list[str]:
    return number_readings(typed) if any(ch.isdigit() for ch in typed) else []


def brands(store: Store, scope: Scope) -> list[Brand]:
    return [b for b in store.brands() if scope.allows_brand(b.name)]


def brand(store: Store, scope: Scope, name: str) -> Brand | None:
    """A registered brand by name or alias, when the user may see it."""
    folded = name.casefold()
    for b in brands(store, scope):
        if folded == b.name.casefold() or folded in (a.casefold() for a in b.aliases):
            return b
    return None


def brand_report(store: Store, scope: Scope, name: str, hubs: Iterable[str], limit: int,
                 offset: int) -> Page:
    """Sightings that give the brand a number it does not own (nor shares as a hub)."""
    rows = reported_sightings(store, name, hubs)
    return _page(rows[offset:offset + limit + 1], limit, offset)


def takedowns(store: Store, name: str, hubs: Iterable[str]) -> list[PageStatus]:
    """Takedown status of every page the brand's report lists, gone ones first."""
    return sorted(brand_takedowns(store, name, hubs), key=lambda s: (s.state != GONE, s.url))


def networks(store: Store, scope: Scope, limit: int, offset: int, include_all: bool = False) -> Page:
    """Networks with a page judged spam (every network with `include_all`), largest first; a
    brand owner's see only their own members."""
    nets = store.networks()
    if not include_all:
        nets = spam_networks(nets, store)
    visible = [n for n in nets if scope.allows_network(n)]
    rows = visible[offset:offset + limit + 1]
    if scope.restricted:
        rows = [_scoped_network(store, scope, n) for n in rows]
    return _page(rows, limit, offset)


def network(store: Store, scope: Scope, network_id: str) -> Network | None:
    for n in store.networks():
        if n.network_id == network_id and scope.allows_network(n):
            return _scoped_network(store, scope, n) if scope.restricted else n
    return None


def _scoped_network(store: Store, scope: Scope, net: Network) -> Network:
    """The part of a network a brand owner may see: their pages and what is on them
    (numbers, domains, page templates)."""
    caps = [c for c in store.captures(network_id=net.network_id) if scope.allows_capture(c)]
    numbers = {h.e164 for c in caps for h in c.hits}
    domains = {c.domain for c in caps}
    templates = {c.features.get("template") for c in caps}
    return replace(
        net,
        numbers=[n for n in net.numbers if n in numbers],
        brands=[b for b in net.brands if scope.allows_brand(b)],
        domains=[d for d in net.domains if d in domains],
        templates=[t for t in net.templates if t in templates],
        spam_numbers=None if net.spam_numbers is None else
        [n for n in net.spam_numbers if n in numbers],
        pages=len({c.url for c in caps}),
        first_seen=min((c.captured_at for c in caps), default=""),
        last_seen=max((c.captured_at for c in caps), default=""),
        explanations=[],
    )


def captures(store: Store, scope: Scope, **selector: str | None) -> list[Capture]:
    """Captures for one selector (number, brand, domain, network_id or url), newest first."""
    rows = [c for c in store.captures(**selector) if scope.allows_capture(c)]
    return sorted(rows, key=lambda c: c.captured_at, reverse=True)


def capture(store: Store, scope: Scope, url: str, capture_id: str | None) -> Capture | None:
    """One capture of a page: the given one, else the newest."""
    rows = captures(store, scope, url=url)
    if capture_id is None:
        return rows[0] if rows else None
    return next((c for c in rows if c.capture_id == capture_id), None)

"""What a package claims, and which pages back the claim.

A `--brand B` package says "these pages give B numbers B does not own". So it
holds exactly the captures that show at least one number that is neither one of
B's official numbers nor a hub (a shared hotline, such as a national consumer
line, that the network build found on pages of several unrelated groups and that
no one brand is given). Pages showing only official (or hub) numbers are left
out and counted. Every number in any package is marked: official for the
selected brand, official number of another registered brand, shared hotline, or
not official.

`brand_report` applies the same rule (`Scope.advertised`) to a brand's sightings: it is what
`spamline brand report`, the web brand page and API, and the takedown status of a brand read.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from spamline.model import Brand, Capture, Sighting
from spamline.store.base import Store
from spamline.store.query import find_brand

OFFICIAL, NOT_OFFICIAL, HUB = "official", "not official", "shared hotline"


def known_hubs(data_root: Path) -> frozenset[str]:
    """The hub numbers of the data dir's last network build (empty without one)."""
    from spamline.networks.refresh import STATE_FILE, NetworkState  # numpy, scipy: only here

    state = NetworkState.load(Path(data_root) / STATE_FILE)
    return frozenset(state.hubs) if state else frozenset()


@dataclass
class Scope:
    """The selection behind a package and how each of its numbers stands."""

    kind: str  # number | brand | network | domain
    value: str
    registry: list[Brand] = field(default_factory=list)
    hubs: frozenset[str] = frozenset()
    brand: Brand | None = None  # the selected brand (kind "brand"), registered or not

    @classmethod
    def of(cls, kind: str, value: str, registry: Sequence[Brand],
           hubs: Iterable[str] = ()) -> Scope:
        brand = None
        if kind == "brand":
            brand = find_brand(list(registry), value) or Brand(value.strip())
        return cls(kind, value, list(registry), frozenset(hubs), brand)

    @property
    def selection(self) -> str:
        return f"{self.kind} {self.value}".strip()

    @property
    def registered(self) -> bool:
        return self.brand is not None and any(b.name == self.brand.name for b in self.registry)

    def owners(self, e164: str) -> list[str]:
        """Registered brands that own the number."""
        return [b.name for b in self.registry if e164 in b.official]

    def mark(self, e164: str) -> str:
        """How the number stands, in the words the report uses."""
        if self.brand is not None:
            if e164 in self.brand.official:
                return f"{OFFICIAL} ({self.brand.name})"
            if e164 in self.hubs:
                return HUB
            return f"{NOT_OFFICIAL} for {self.brand.name}"
        owners = self.owners(e164)
        if owners:
            return f"{OFFICIAL} number of {', '.join(owners)}"
        return HUB if e164 in self.hubs else NOT_OFFICIAL

    def advertised(self, e164: str) -> bool:
        """A number the pages give the selected brand that it does not own."""
        if self.brand is None:
            return not self.owners(e164) and e164 not in self.hubs
        return e164 not in self.brand.official and e164 not in self.hubs

    def select(self, captures: Sequence[Capture]) -> tuple[list[Capture], list[str]]:
        """The captures that back the claim, and the URLs left out because they show only
        official or shared numbers (a brand's own site). Other selectors keep everything."""
        if self.brand is None:
            return list(captures), []
        kept = [c for c in captures if any(self.advertised(h.e164) for h in c.hits)]
        kept_urls = {c.url for c in kept}
        left_out = sorted({c.url for c in captures if c.hits and c.url not in kept_urls})
        return kept, left_out


def brand_report(store: Store, name: str, hubs: Iterable[str] = ()) -> list[Sighting]:
    """The sightings that give the brand (or an alias) a number it neither owns nor shares as a
    hub, newest first: the pages a `--brand` package holds (`Scope.select`)."""
    scope = Scope.of("brand", name, store.brands(), hubs)
    return [s for s in store.brand_report(name) if scope.advertised(s.e164)]

"""The sample network's model: which sites exist, what they claim, which numbers they use.

`SampleNetwork(seed)` builds only the small structure (sites, networks,
numbers, templates); pages are rendered on demand from (host, path) by
`spamline.samplenet.pages`, so even a 100 000-page network costs nothing
until a page is asked for.

Paths of every site: "/" (listing page 1), "/list/<k>.html" (listing pages
2..L, `PER_LIST` items each), "<item prefix><i>.html" (items 1..pages_per_site).
"""
from __future__ import annotations

import math
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass

from spamline.samplenet.content import (
    CITIES_EN,
    DISTRICTS,
    FILLER_EN,
    FILLER_ZH,
    LEGIT_SITES,
    NETWORKS,
    Brand,
)
from spamline.samplenet.numbers import invent_number, invent_vanity

PER_LIST = 6  # items linked from one listing page
_ITEM_PREFIX = {"zh": "/fuwu/", "en": "/support/", "legit": "/products/"}
_LIST_RE = re.compile(r"/list/(\d+)\.html")


@dataclass(frozen=True)
class Template:
    """What every site of one network shares: layout variant, filler article, region padding."""

    name: str  # css class prefix, e.g. "wx3"
    layout: int  # 0..2: order of page sections
    filler: tuple[str, ...]
    regions: tuple[str, ...]


@dataclass(frozen=True)
class Site:
    """One host of the sample network."""

    host: str
    is_spam: bool
    language: str  # "zh" | "en"
    brands: tuple[Brand, ...]  # brands its pages claim; brands[0] is the main one
    network_id: str | None  # None for legitimate sites
    primary: str  # E.164: the site's main hotline (spam) or official number (legit)
    others: tuple[str, ...]  # spam: the network's other hotlines; legit: further official numbers
    encoding: str  # "utf-8" | "gbk"
    item_prefix: str
    template: Template
    friends: tuple[str, ...]  # hosts the listing pages link to (same network)


@dataclass(frozen=True)
class SpamNetwork:
    """Ground truth of one spam network."""

    network_id: str
    numbers: tuple[str, ...]  # E.164 hotlines (the hub is not among them)
    brands: tuple[Brand, ...]
    domains: tuple[str, ...]


class SampleNetwork:
    """The deterministic sample spam network for `seed`; see the module docstring for paths."""

    def __init__(self, seed: int = 1, pages_per_site: int = 12) -> None:
        if pages_per_site < 1:
            raise ValueError("pages_per_site must be at least 1")
        self.seed = seed
        self.pages_per_site = pages_per_site
        rng = random.Random(seed)
        taken: set[str] = set()
        self.hub = invent_number(rng, "cn400", taken)
        self.vanity: dict[str, str] = {}  # E.164 -> display ("1-855-INK-HELP")
        self.networks: dict[str, SpamNetwork] = {}
        self.official: dict[str, tuple[str, ...]] = {}  # legit brand name -> its real numbers
        self.sites: dict[str, Site] = {}
        zh_hosts = [h for spec in NETWORKS if spec.language == "zh" for h in spec.domains]
        gbk_hosts = set(rng.sample(zh_hosts, len(zh_hosts) // 2))
        for layout, spec in enumerate(NETWORKS):
            numbers = []
            for kind in spec.number_kinds:
                if kind == "vanity":
                    e164, display = invent_vanity(rng, taken)
                    self.vanity[e164] = display
                    numbers.append(e164)
                else:
                    numbers.append(invent_number(rng, kind, taken))
            self.networks[spec.network_id] = SpamNetwork(spec.network_id, tuple(numbers), spec.brands, spec.domains)
            template = _template(rng, spec.language, layout % 3)
            for k, host in enumerate(spec.domains):
                primary = numbers[k % len(numbers)]
                brands = spec.brands[k % len(spec.brands):] + spec.brands[:k % len(spec.brands)]
                friends = tuple(h for h in spec.domains[k + 1:] + spec.domains[:k] if h != host)[:2]
                self.sites[host] = Site(
                    host, True, spec.language, brands, spec.network_id, primary,
                    tuple(n for n in numbers if n != primary),
                    "gbk" if host in gbk_hosts else "utf-8", _ITEM_PREFIX[spec.language], template, friends,
                )
        for host, brand in LEGIT_SITES:
            official = (invent_number(rng, "cn400", taken), invent_number(rng, "cnfixed", taken))
            self.official[brand.name] = official
            self.sites[host] = Site(
                host, False, "zh", (brand,), None, official[0], official[1:], "utf-8",
                _ITEM_PREFIX["legit"], _template(rng, "zh", 0), (),
            )

    @classmethod
    def large(cls, seed: int = 1, total_pages: int = 100_000) -> SampleNetwork:
        """A network with at least `total_pages` pages, all rendered lazily."""
        n_sites = len(cls(seed, 1).sites)
        return cls(seed, max(1, math.ceil(total_pages / n_sites * PER_LIST / (PER_LIST + 1))))

    @property
    def hosts(self) -> list[str]:
        return list(self.sites)

    @property
    def listing_pages(self) -> int:
        """Listing pages per site ("/" plus "/list/<k>.html")."""
        return math.ceil(self.pages_per_site / PER_LIST)

    @property
    def page_count(self) -> int:
        return len(self.sites) * (self.listing_pages + self.pages_per_site)

    def listing_path(self, k: int) -> str:
        return "/" if k == 1 else f"/list/{k}.html"

    def item_path(self, host: str, i: int) -> str:
        return f"{self.sites[host].item_prefix}{i}.html"

    def paths(self, host: str) -> Iterator[str]:
        """Every page path of `host`: listings first, then items."""
        for k in range(1, self.listing_pages + 1):
            yield self.listing_path(k)
        for i in range(1, self.pages_per_site + 1):
            yield self.item_path(host, i)

    def page_at(self, index: int) -> tuple[str, str]:
        """(host, path) of page number `index` (0-based) in host order, without listing all pages."""
        if not 0 <= index < self.page_count:
            raise IndexError(f"page index {index} out of range 0..{self.page_count - 1}")
        per_site = self.listing_pages + self.pages_per_site
        host = self.hosts[index // per_site]
        local = index % per_site
        if local < self.listing_pages:
            return host, self.listing_path(local + 1)
        return host, self.item_path(host, local - self.listing_pages + 1)

    def locate(self, host: str, path: str) -> tuple[str, int] | None:
        """("list", k) or ("item", i) for a page path of `host`, None if there is no such page."""
        site = self.sites.get(host)
        if site is None:
            return None
        if path == "/":
            return "list", 1
        m = _LIST_RE.fullmatch(path)
        if m and 2 <= int(m.group(1)) <= self.listing_pages and m.group(1)[0] != "0":
            return "list", int(m.group(1))
        if path.startswith(site.item_prefix) and path.endswith(".html"):
            num = path[len(site.item_prefix):-5]
            if num.isdigit() and num[0] != "0" and 1 <= int(num) <= self.pages_per_site:
                return "item", int(num)
        return None


def _template(rng: random.Random, language: str, layout: int) -> Template:
    filler, regions = (FILLER_EN, CITIES_EN) if language == "en" else (FILLER_ZH, DISTRICTS)
    return Template(
        name=f"{rng.choice('abcdefghkmnpqrstwxyz')}{rng.choice('abcdefghkmnpqrstwxyz')}{rng.randrange(10)}",
        layout=layout,
        filler=tuple(rng.sample(filler, 5)),
        regions=tuple(rng.sample(regions, min(len(regions), rng.randrange(60, 90)))),
    )

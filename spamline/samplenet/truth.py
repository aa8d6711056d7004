"""Ground truth of the sample network as served on one port, and scoring against it."""
from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from urllib.parse import urlsplit

from spamline.samplenet.pages import PageTruth, render_page
from spamline.samplenet.site import SampleNetwork, SpamNetwork


@dataclass(frozen=True)
class Score:
    """Number-per-page extraction score: a (page, number) pair is one unit."""

    tp: int
    fp: int
    fn: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    def __str__(self) -> str:
        return (f"precision {self.precision:.3f} recall {self.recall:.3f} "
                f"(tp {self.tp}, fp {self.fp}, fn {self.fn})")


class GroundTruth:
    """What every page of `net` advertises when served at http://<host>:<port>/.

    Pages are rendered on demand; `pages` materializes them all (fine for the
    default size, avoid it for `SampleNetwork.large`).
    """

    def __init__(self, net: SampleNetwork, port: int) -> None:
        self.net, self.port = net, port

    @property
    def networks(self) -> dict[str, SpamNetwork]:
        return self.net.networks

    @property
    def hubs(self) -> list[str]:
        """Numbers shown on pages of every network and of legit sites: they must not merge networks."""
        return [self.net.hub]

    @property
    def official(self) -> dict[str, tuple[str, ...]]:
        """Legitimate brand name -> its official numbers."""
        return self.net.official

    def url(self, host: str, path: str = "/") -> str:
        return f"http://{host}:{self.port}{path}"

    def urls(self) -> Iterator[str]:
        for host in self.net.hosts:
            for path in self.net.paths(host):
                yield self.url(host, path)

    def page(self, url: str) -> PageTruth | None:
        """The truth of one page URL, None if it is not a page of the network."""
        parts = urlsplit(url)
        if parts.port != self.port or not parts.hostname:
            return None
        page = render_page(self.net, parts.hostname, parts.path or "/", self.port)
        return page.truth if page else None

    def iter_pages(self) -> Iterator[PageTruth]:
        for host in self.net.hosts:
            for path in self.net.paths(host):
                yield render_page(self.net, host, path, self.port).truth

    @cached_property
    def pages(self) -> dict[str, PageTruth]:
        return {p.url: p for p in self.iter_pages()}

    def score(self, found: Mapping[str, Iterable[str]]) -> Score:
        """Score extracted numbers (page URL -> E.164 numbers) against every page here.

        Pages never crawled count their numbers as missed; URLs that are not pages
        of the network (e.g. /_test/...) are ignored.
        """
        tp = fp = fn = 0
        for url, truth in self.pages.items():
            got = set(found.get(url, ()))
            tp += len(got & truth.numbers)
            fp += len(got - truth.numbers)
            fn += len(truth.numbers - got)
        return Score(tp, fp, fn)

    def summary(self) -> dict:
        """Everything but the pages, as plain JSON data."""
        brands = {b.name: {"alias": b.alias, "product": b.product}
                  for n in self.networks.values() for b in n.brands}
        return {
            "seed": self.net.seed,
            "pages_per_site": self.net.pages_per_site,
            "port": self.port,
            "page_count": self.net.page_count,
            "hubs": self.hubs,
            "networks": {nid: {"numbers": list(n.numbers), "brands": [b.name for b in n.brands],
                               "domains": list(n.domains),
                               "template": self.net.sites[n.domains[0]].template.name}
                         for nid, n in self.networks.items()},
            "legit": {s.host: {"brand": s.brands[0].name, "official": [s.primary, *s.others]}
                      for s in self.net.sites.values() if not s.is_spam},
            "brands": brands,
            "vanity": self.net.vanity,
        }

    def write(self, path: str | Path) -> Path:
        """Write the ground truth as JSON (pages streamed one by one) and return the path."""
        path = Path(path)
        with path.open("w", encoding="utf-8") as f:
            head = json.dumps(self.summary(), ensure_ascii=False, indent=1)
            f.write(head[:-2] + ',\n "pages": {\n')
            sep = ""
            for truth in self.iter_pages():
                f.write(f"{sep}  {json.dumps(truth.url)}: {json.dumps(truth.to_dict(), ensure_ascii=False)}")
                sep = ",\n"
            f.write("\n }\n}\n")
        return path

"""Sightings folded into compact arrays: numbers, pages, domains and who appears where."""
from __future__ import annotations

from array import array
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np

from spamline.model import Sighting
from spamline.networks.cluster import unique


@dataclass
class GraphInput:
    """Interned ids and per-page facts collected from a stream of sightings."""

    numbers: dict[str, int] = field(default_factory=dict)
    domains: dict[str, int] = field(default_factory=dict)
    pages: dict[str, int] = field(default_factory=dict)  # url -> page id
    templates: dict[str, int] = field(default_factory=dict)
    number_type: list[str] = field(default_factory=list)
    page_dom: array = field(default_factory=lambda: array("i"))
    page_tpl: array = field(default_factory=lambda: array("i"))
    page_brand: list[str] = field(default_factory=list)
    page_first: list[str] = field(default_factory=list)
    page_last: list[str] = field(default_factory=list)
    _pairs: array = field(default_factory=lambda: array("q"))

    def add(self, sightings: Iterable[Sighting], page_templates: Mapping[str, str] | None = None) -> None:
        """Fold sightings in; `page_templates` maps a page URL to its template id."""
        numbers, pages, domains, templates = self.numbers, self.pages, self.domains, self.templates
        number_type, pairs = self.number_type, self._pairs
        page_dom, page_tpl, page_brand = self.page_dom, self.page_tpl, self.page_brand
        page_first, page_last = self.page_first, self.page_last
        tpl_of = page_templates or {}
        page_get, number_get, add_pair = pages.get, numbers.get, pairs.append
        last_url = last_when = None
        p = -1
        for s in sightings:
            url, when = s.url, s.captured_at
            if url != last_url or when != last_when:  # a capture's sightings come together
                last_url, last_when = url, when
                p = page_get(url, -1)
                if p < 0:
                    p = pages[url] = len(pages)
                    d = domains.get(s.domain)
                    if d is None:
                        d = domains[s.domain] = len(domains)
                    page_dom.append(d)
                    tpl = tpl_of.get(url)
                    page_tpl.append(templates.setdefault(tpl, len(templates)) if tpl else -1)
                    page_brand.append(s.brand)
                    page_first.append(when)
                    page_last.append(when)
                elif when < page_first[p]:
                    page_first[p] = when
                elif when > page_last[p]:
                    page_last[p] = when
                    if s.brand:
                        page_brand[p] = s.brand
            n = number_get(s.e164)
            if n is None:
                n = numbers[s.e164] = len(numbers)
                number_type.append(s.number_type)
            add_pair(n << 32 | p)

    def arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(pair_num, pair_page, page_dom, page_tpl) with duplicate pairs removed."""
        pairs = unique(np.frombuffer(self._pairs, dtype=np.int64))
        return ((pairs >> 32).astype(np.int64), (pairs & 0xFFFFFFFF).astype(np.int64),
                np.frombuffer(self.page_dom, dtype=np.int32).astype(np.int64),
                np.frombuffer(self.page_tpl, dtype=np.int32).astype(np.int64))


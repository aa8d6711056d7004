"""Pages grouped into networks through shared numbers and domains, with a hub guard.

Pure array code (numpy + scipy), so ten million sightings cluster in seconds.

Pages are the units. Numbers link the pages they appear on; then domains link
their pages. A linker that would join `hub_min` or more *established* groups
(groups already held together by a number) is a hub — a consumer hotline
printed on every network's pages, a shared CDN or hosting domain — and links
nothing. Templates never link: operators buy the same page kits. Numbers are taken in order of
how many domains they span, in tiers (1, 2, 3-4, 5-8, ...), so a network's own
numbers have built its groups before a hub that spans several networks is tested.
Numbers marked `blocked` (official numbers of registered brands) never link.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

HUB_MIN = 3


@dataclass
class Clusters:
    """The outcome: a group label per page and the linkers that were refused."""

    label: np.ndarray  # int64 per page: pages with one label form one network
    hub_numbers: np.ndarray  # bool per number: would have joined unrelated groups
    shared_domains: np.ndarray  # bool per domain: hosts pages of unrelated groups
    hub_groups: dict[int, int]  # number -> how many unrelated groups it touched
    shared_groups: dict[int, int]  # domain -> how many unrelated groups it touched
    domain_joins: dict[int, int]  # domain -> how many number-held groups it joined (2+)


def cluster(pair_num: np.ndarray, pair_page: np.ndarray, page_dom: np.ndarray, n_nums: int,
            blocked: np.ndarray | None = None, hub_min: int = HUB_MIN,
            start: np.ndarray | None = None, blocked_domains: np.ndarray | None = None) -> Clusters:
    """Group pages. `pair_num[i]` appears on page `pair_page[i]` (pairs unique);
    `page_dom[p]` is page p's domain. `start[p]` >= 0 puts page p into an existing
    (established) group with that key, -1 leaves it alone; numbers and domains
    marked in `blocked` / `blocked_domains` never link."""
    n_pages = len(page_dom)
    n_doms = int(page_dom.max()) + 1 if n_pages else 0
    blocked = np.zeros(n_nums, bool) if blocked is None else blocked
    label = np.arange(n_pages, dtype=np.int64)
    established = np.zeros(n_pages, bool)
    if start is not None:
        fresh = start < 0
        _, label = np.unique(np.where(fresh, -1 - np.arange(n_pages), start), return_inverse=True)
        established[label[~fresh]] = True
    hub_numbers = np.zeros(n_nums, bool)
    hub_groups: dict[int, int] = {}

    keep = ~blocked[pair_num]
    pair_num, pair_page = pair_num[keep], pair_page[keep]
    span = _distinct_count(pair_num, page_dom[pair_page], n_nums)
    tier = np.zeros(n_nums, np.int64)
    tier[span > 0] = np.ceil(np.log2(span[span > 0])).astype(np.int64)
    pair_tier = tier[pair_num]
    for t in np.unique(pair_tier):
        sel = pair_tier == t
        nums, pages = pair_num[sel], pair_page[sel]
        if t > 0:  # numbers on one domain never decide anything across domains
            refused = _refuse(nums, label[pages], established, hub_min)
            hub_groups.update(refused)
            if refused:
                hub_numbers[list(refused)] = True
                ok = ~hub_numbers[nums]
                nums, pages = nums[ok], pages[ok]
        label, established = _link(label, established, nums, pages)

    dom_of_page = page_dom.astype(np.int64)
    touching = _refuse(dom_of_page, label, established, 2)
    shared_groups = {d: k for d, k in touching.items() if k >= hub_min}
    shared_domains = np.zeros(n_doms, bool)
    if shared_groups:
        shared_domains[list(shared_groups)] = True
    if blocked_domains is not None:
        shared_domains[: len(blocked_domains)] |= blocked_domains[:n_doms]
    ok = ~shared_domains[dom_of_page]
    label, _ = _link(label, established, dom_of_page[ok], np.nonzero(ok)[0], mark=False)
    joins = {d: k for d, k in touching.items() if not shared_domains[d]}
    return Clusters(label, hub_numbers, shared_domains, hub_groups, shared_groups, joins)


def _distinct_count(keys: np.ndarray, values: np.ndarray, n: int) -> np.ndarray:
    """For each key 0..n-1, how many distinct values it is paired with."""
    if not len(keys):
        return np.zeros(n, np.int64)
    pairs = unique(keys.astype(np.int64) * (int(values.max()) + 1) + values)
    return np.bincount(pairs // (int(values.max()) + 1), minlength=n)


def _refuse(linkers: np.ndarray, labels: np.ndarray, established: np.ndarray,
            hub_min: int) -> dict[int, int]:
    """Linkers that touch `hub_min` or more established groups -> how many they touch."""
    est = established[labels]
    if not est.any():
        return {}
    touched = unique(linkers[est] * len(established) + labels[est]) // len(established)
    counts = np.bincount(touched)
    return {int(k): int(counts[k]) for k in np.nonzero(counts >= hub_min)[0]}


def _link(label: np.ndarray, established: np.ndarray, linkers: np.ndarray, pages: np.ndarray,
          mark: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Join each linker with the groups of its pages; return compact labels and which
    groups are established (held together by a number)."""
    n_pages = len(label)
    if not len(pages):
        return label, established
    rows = linkers.astype(np.int64) + n_pages
    n_nodes = n_pages + int(linkers.max()) + 1
    graph = coo_matrix((np.ones(len(rows), np.int8), (rows, label[pages])), shape=(n_nodes, n_nodes))
    n_comp, comp = connected_components(graph, directed=False)
    used = np.zeros(n_comp, bool)
    used[comp[label]] = True
    new_label = (np.cumsum(used) - 1)[comp[label]]
    new_est = np.zeros(n_pages, bool)
    new_est[new_label[established[label]]] = True
    if mark:
        new_est[new_label[pages]] = True
    return new_label.astype(np.int64), new_est


def unique(a: np.ndarray) -> np.ndarray:
    """Sorted distinct values (sort-based: faster than np.unique's hashing for big int arrays)."""
    if not len(a):
        return a
    a = np.sort(a)
    keep = np.empty(len(a), bool)
    keep[0] = True
    np.not_equal(a[1:], a[:-1], out=keep[1:])
    return a[keep]

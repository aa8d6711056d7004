"""Properties of the clustering core on random page/number/domain graphs."""
from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from spamline.networks.cluster import HUB_MIN, cluster

graphs = st.integers(1, 40).flatmap(lambda n_pages: st.tuples(
    st.lists(st.integers(0, 7), min_size=n_pages, max_size=n_pages),  # domain of each page
    st.lists(st.tuples(st.integers(0, 14), st.integers(0, n_pages - 1)), max_size=80),  # (number, page)
))


def run(page_dom: list[int], pairs: list[tuple[int, int]], blocked: set[int] = frozenset()):
    uniq = sorted(set(pairs))
    nums = np.array([n for n, _ in uniq], np.int64)
    pages = np.array([p for _, p in uniq], np.int64)
    mask = np.array([n in blocked for n in range(15)], bool)
    return cluster(nums, pages, np.array(page_dom, np.int64), 15, mask), uniq


@settings(max_examples=150, deadline=None)
@given(graphs)
def test_linking_numbers_and_domains_hold_their_pages_together(graph) -> None:
    page_dom, pairs = graph
    c, uniq = run(page_dom, pairs)
    for n in range(15):
        groups = {int(c.label[p]) for m, p in uniq if m == n}
        if not c.hub_numbers[n]:
            assert len(groups) <= 1, "a linking number spans two networks"
        else:
            assert c.hub_groups[n] >= HUB_MIN
    for d in set(page_dom):
        groups = {int(c.label[p]) for p, dd in enumerate(page_dom) if dd == d}
        if not c.shared_domains[d]:
            assert len(groups) == 1, "a linking domain spans two networks"


@settings(max_examples=100, deadline=None)
@given(graphs, st.sets(st.integers(0, 14), max_size=4))
def test_blocked_numbers_never_link(graph, blocked) -> None:
    page_dom, pairs = graph
    with_blocked, _ = run(page_dom, pairs, blocked)
    without, _ = run(page_dom, [(n, p) for n, p in pairs if n not in blocked])
    same = lambda a, b: all((a[i] == a[j]) == (b[i] == b[j])
                            for i in range(len(a)) for j in range(len(a)))
    assert same(with_blocked.label, without.label)


@settings(max_examples=100, deadline=None)
@given(graphs)
def test_grouping_does_not_depend_on_page_order(graph) -> None:
    page_dom, pairs = graph
    n = len(page_dom)
    perm = list(reversed(range(n)))
    a, _ = run(page_dom, pairs)
    b, _ = run([page_dom[perm[i]] for i in range(n)], [(m, perm.index(p)) for m, p in pairs])
    for i in range(n):
        for j in range(n):
            assert (a.label[i] == a.label[j]) == (b.label[perm.index(i)] == b.label[perm.index(j)])

"""Networks from sightings: the sample network's ground truth, hubs, shared domains, stable ids."""
from __future__ import annotations

import random

import pytest

from spamline.model import Brand, Capture, Network, Sighting, sightings_of
from spamline.networks import build_networks
from spamline.networks.incremental import update_networks
from spamline.samplenet.site import SampleNetwork
from spamline.samplenet.truth import GroundTruth
from tests.networks.conftest import PORT, official_brands, sample_captures


def all_sightings(captures: list[Capture]) -> list[Sighting]:
    return [s for c in captures for s in sightings_of(c)]


def assert_matches_truth(networks: list[Network], truth: GroundTruth, legit_expected: bool) -> None:
    """Every ground-truth network is exactly one built network (same numbers and domains)."""
    built = {frozenset(n.numbers): n for n in networks}
    for gt in truth.networks.values():
        net = built.get(frozenset(gt.numbers))
        assert net is not None, f"{gt.network_id} not recovered whole: {[n.numbers for n in networks]}"
        assert set(net.domains) == set(gt.domains)
    for hub in truth.hubs:
        assert not any(hub in n.numbers for n in networks), "the hub joined a network"
    spam = [n for n in networks if set(n.domains) & {d for g in truth.networks.values() for d in g.domains}]
    assert len(spam) == len(truth.networks), "a false merge or split"
    legit = [n for n in networks if n not in spam]
    assert bool(legit) == legit_expected


@pytest.mark.parametrize("registered", [False, True])
def test_sample_network_recovered_whole(captures, truth, sample_net, registered: bool) -> None:
    brands = official_brands(sample_net) if registered else []
    result = build_networks(all_sightings(captures), brands)
    assert_matches_truth(result.networks, truth, legit_expected=not registered)
    assert set(result.hubs) == set(truth.hubs)
    for net in result.networks:
        hub = truth.hubs[0]
        if any(d.endswith("-guanwang.test") for d in net.domains) or "printer" in net.domains[0]:
            continue
        assert any(hub in line and "hub" in line for line in net.explanations), net.explanations
        assert net.pages == sum(1 for c in captures if c.domain in net.domains)
        assert net.first_seen <= net.last_seen
    if registered:
        assert set(result.official) == {e for nums in sample_net.official.values() for e in nums}


def test_brand_names_of_sample_networks(captures, truth) -> None:
    result = build_networks(all_sightings(captures))
    for gt in truth.networks.values():
        net = next(n for n in result.networks if set(n.numbers) == set(gt.numbers))
        names = {b.name.casefold() for b in gt.brands}
        products = {b.product for b in gt.brands}
        found = {b.casefold() for b in net.brands}
        # pages read "金盾保险柜" as brand 金盾 + product 保险柜
        assert len(found) == len(names)
        assert all(any(f + p.casefold() in names or f"{f} {p.casefold()}" in names for p in products)
                   for f in found)


def test_second_seed_recovered_whole() -> None:
    net = SampleNetwork(seed=7)
    result = build_networks(all_sightings(sample_captures(net)))
    assert_matches_truth(result.networks, GroundTruth(net, PORT), legit_expected=True)


def sighting(e164: str, url: str, when: str = "2026-11-01T00:00:00Z", brand: str = "") -> Sighting:
    domain = url.split("/")[2]
    return Sighting(e164=e164, number_type="mobile", raw=e164, start=0, end=1, context="", url=url,
                    domain=domain, brand=brand, captured_at=when, capture_id=url)


def three_networks(hub: str | None = "+864000000000", page_domain=lambda k, d: f"n{k}-{d}.test"):
    rows = []
    for k in range(3):
        own = f"+8613{k}00000000"
        for d in range(3):
            for p in range(2):
                url = f"http://{page_domain(k, d)}/{k}-{d}-{p}.html"
                rows.append(sighting(own, url, brand=f"brand{k}"))
                if hub:
                    rows.append(sighting(hub, url))
    return rows


def test_hub_number_does_not_merge_unrelated_networks() -> None:
    result = build_networks(three_networks())
    assert len(result.networks) == 3
    assert result.hubs == {"+864000000000": 3}
    assert all(len(n.domains) == 3 and n.pages == 6 for n in result.networks)


def test_official_number_never_links() -> None:
    rows = three_networks(hub=None)
    rows += [sighting("+864001111111", "http://n0-0.test/0-0-0.html"),
             sighting("+864001111111", "http://n1-0.test/1-0-0.html")]
    merged = build_networks(rows)
    assert len(merged.networks) == 2  # two groups only: a shared number does link
    result = build_networks(rows, [Brand("Acme", [], ["+864001111111"])])
    assert len(result.networks) == 3
    assert any("official number of Acme" in line for n in result.networks for line in n.explanations)


def test_shared_domain_does_not_merge_networks() -> None:
    rows = three_networks(hub=None, page_domain=lambda k, d: "cdn.test" if d == 0 else f"n{k}-{d}.test")
    result = build_networks(rows)
    assert len(result.networks) == 3
    assert result.shared_domains == {"cdn.test": 3}
    assert all("cdn.test" in n.domains for n in result.networks)
    assert all(any("cdn.test is shared" in line for line in n.explanations) for n in result.networks)


def test_ids_are_stable_across_rebuilds_and_growth(captures) -> None:
    rows = all_sightings(captures)
    first = build_networks(rows)
    again = build_networks(list(reversed(rows)))
    assert [n.network_id for n in first.networks] == [n.network_id for n in again.networks]
    # a renamed id survives a rebuild because members overlap
    renamed = [Network(**{**n.__dict__, "network_id": f"keep-{i}"}) for i, n in enumerate(first.networks)]
    kept = build_networks(rows + three_networks(), previous=renamed)
    assert {n.network_id for n in kept.networks} >= {n.network_id for n in renamed}
    assert len(kept.networks) == len(first.networks) + 3


def test_merge_keeps_the_larger_networks_id() -> None:
    rows = three_networks(hub=None)
    before = build_networks(rows)
    bridge = [sighting("+8613000000000", "http://bridge.test/x.html"),
              sighting("+8613100000000", "http://bridge.test/x.html")]
    after = build_networks(rows + bridge, previous=before.networks)
    assert len(after.networks) == 2
    merged = after.networks[0]
    old_ids = {n.network_id for n in before.networks if set(n.numbers) <= set(merged.numbers)}
    assert merged.network_id in old_ids
    assert any(line.startswith("merges earlier network") for line in merged.explanations)


def test_incremental_updates_equal_a_full_build(captures) -> None:
    rows = all_sightings(captures)
    random.Random(3).shuffle(rows)
    full = build_networks(rows)
    cut = len(rows) // 2
    first = build_networks(rows[:cut])
    updated = update_networks(first.networks, rows[cut:], old_urls={s.url for s in rows[:cut]},
                              hubs=first.hubs, shared=first.shared_domains)
    shape = lambda r: sorted((n.network_id, tuple(n.numbers), tuple(n.domains), n.pages,
                              n.first_seen, n.last_seen) for n in r.networks)
    assert shape(updated) == shape(full)
    assert updated.hubs.keys() == full.hubs.keys()


def test_incremental_leaves_untouched_networks_alone() -> None:
    base = build_networks(three_networks())
    new = [sighting("+8613900000000", "http://fresh.test/a.html", "2026-11-02T00:00:00Z")]
    updated = update_networks(base.networks, new, old_urls=set(), hubs=base.hubs,
                              shared=base.shared_domains)
    assert len(updated.networks) == 4
    for old in base.networks:
        assert old in updated.networks
    # a new page joining an existing network through its number
    joined = [sighting("+8613000000000", "http://n0-new.test/a.html", "2026-11-03T00:00:00Z")]
    grown = update_networks(base.networks, joined, old_urls=set(), hubs=base.hubs, shared={})
    net = next(n for n in grown.networks if "+8613000000000" in n.numbers)
    assert "n0-new.test" in net.domains and net.pages == 7
    assert net.network_id == next(n.network_id for n in base.networks if "+8613000000000" in n.numbers)
    assert net.last_seen == "2026-11-03T00:00:00Z"


def test_incremental_refuses_a_new_hub() -> None:
    base = build_networks(three_networks(hub=None))
    hub = [sighting("+864009999999", f"http://n{k}-0.test/{k}-0-0.html", "2026-11-05T00:00:00Z")
           for k in range(3)]
    updated = update_networks(base.networks, hub, old_urls={f"http://n{k}-0.test/{k}-0-0.html" for k in range(3)},
                              hubs={}, shared={})
    assert len(updated.networks) == 3
    assert updated.hubs == {"+864009999999": 3}
    assert all(n.pages == 6 for n in updated.networks)


def test_domain_link_is_explained() -> None:
    rows = [sighting("+8613000000001", "http://one.test/a.html"),
            sighting("+8613000000002", "http://one.test/b.html")]
    [net] = build_networks(rows).networks
    assert net.numbers == ["+8613000000001", "+8613000000002"]
    assert "domain one.test joins 2 groups of pages that share no number" in net.explanations

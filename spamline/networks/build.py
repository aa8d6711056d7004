"""Networks from sightings: cluster, describe, explain, and keep ids stable across runs."""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from operator import itemgetter

import numpy as np

from spamline.model import Brand, Network, Sighting, stable_id
from spamline.networks.cluster import HUB_MIN, cluster, unique
from spamline.networks.graph_input import GraphInput

MAX_EXPLANATIONS = 30


@dataclass
class BuildResult:
    """Networks plus the numbers and domains that were refused as links."""

    networks: list[Network]
    hubs: dict[str, int] = field(default_factory=dict)  # number -> unrelated groups it touched
    shared_domains: dict[str, int] = field(default_factory=dict)
    official: dict[str, str] = field(default_factory=dict)  # number -> brand that owns it


def build_networks(sightings: Iterable[Sighting], brands: Sequence[Brand] = (),
                   previous: Sequence[Network] = (), page_templates: Mapping[str, str] | None = None,
                   hub_min: int = HUB_MIN) -> BuildResult:
    """Every network in the sightings, ids kept from `previous` where members overlap."""
    data = GraphInput()
    data.add(sightings, page_templates)
    return networks_from(data, brands, previous, hub_min)


def networks_from(data: GraphInput, brands: Sequence[Brand] = (), previous: Sequence[Network] = (),
                  hub_min: int = HUB_MIN) -> BuildResult:
    """Cluster collected sightings and describe each network."""
    owner = {e164: b.name for b in brands for e164 in b.official}
    numbers = list(data.numbers)
    domains = list(data.domains)
    templates = list(data.templates)
    blocked = np.array([n in owner for n in numbers], bool)
    pair_num, pair_page, page_dom, page_tpl = data.arrays()
    c = cluster(pair_num, pair_page, page_dom, len(numbers), blocked, hub_min)

    linking = ~(c.hub_numbers | blocked)
    member_pairs = linking[pair_num]
    num_group = np.full(len(numbers), -1, np.int64)
    num_group[pair_num[member_pairs]] = c.label[pair_page[member_pairs]]
    groups = unique(num_group[num_group >= 0])

    order = np.argsort(c.label, kind="stable")
    sorted_labels = c.label[order]
    bounds = np.searchsorted(sorted_labels, groups)
    ends = np.searchsorted(sorted_labels, groups, side="right")
    pages_of = {int(g): order[b:e] for g, b, e in zip(groups, bounds, ends)}
    nums_of: dict[int, list[int]] = {}
    for n in np.nonzero(num_group >= 0)[0].tolist():
        nums_of.setdefault(int(num_group[n]), []).append(n)
    num_pages = np.bincount(pair_num, minlength=len(numbers))
    num_doms = _domains_per_number(pair_num, page_dom[pair_page], len(numbers))
    refused_on: dict[int, list[int]] = {}  # group -> hub/official numbers on its pages
    off = ~member_pairs
    width = len(c.label) + 1
    for key in unique(pair_num[off] * width + c.label[pair_page[off]]).tolist():
        refused_on.setdefault(key % width, []).append(key // width)

    hubs = {numbers[n]: k for n, k in c.hub_groups.items()}
    shared = {domains[d]: k for d, k in c.shared_groups.items()}
    networks = []
    for g in groups.tolist():
        pages = pages_of[g]
        member_nums = sorted(nums_of[g], key=lambda n: (-len(num_doms[n]), numbers[n]))
        doms = set(page_dom[pages].tolist())
        pick = _picker(pages)
        brand_counts = Counter(pick(data.page_brand))
        brand_counts.pop("", None)
        net = Network(
            network_id="",
            numbers=sorted(numbers[n] for n in member_nums),
            brands=[b for b, _ in brand_counts.most_common()],
            domains=sorted(domains[d] for d in doms),
            templates=sorted({templates[t] for t in page_tpl[pages].tolist() if t >= 0}),
            pages=len(pages),
            first_seen=min(pick(data.page_first)),
            last_seen=max(pick(data.page_last)),
        )
        net.explanations = _explain(
            member_nums, numbers, domains, num_pages, num_doms,
            [numbers[n] for n in refused_on.get(g, [])], hubs, owner,
            [domains[d] for d in doms if domains[d] in shared], shared,
            {domains[d]: c.domain_joins[d] for d in doms if d in c.domain_joins})
        networks.append(net)
    assign_ids(networks, previous)
    networks.sort(key=lambda n: (-len(n.numbers), -n.pages, n.network_id))
    return BuildResult(networks, hubs, shared, {n: owner[n] for n in numbers if n in owner})


def _picker(indices: np.ndarray):
    """A function taking those items of a list (as a tuple), at C speed."""
    get = itemgetter(*indices.tolist())
    return (lambda seq: (get(seq),)) if len(indices) == 1 else get


def _domains_per_number(pair_num: np.ndarray, pair_dom: np.ndarray, n: int) -> list[list[int]]:
    out: list[list[int]] = [[] for _ in range(n)]
    if len(pair_num):
        width = int(pair_dom.max()) + 1
        keys = unique(pair_num * width + pair_dom)
        for num, dom in zip((keys // width).tolist(), (keys % width).tolist()):
            out[num].append(dom)
    return out


def _explain(member_nums: list[int], numbers: list[str], domains: list[str], num_pages: np.ndarray,
             num_doms: list[list[int]], refused: list[str], hubs: Mapping[str, int],
             owner: Mapping[str, str], shared_here: list[str], shared: Mapping[str, int],
             joins: Mapping[str, int]) -> list[str]:
    """Why these members are one network, and which links were refused."""
    lines = []
    for n in member_nums:
        doms = sorted(domains[d] for d in num_doms[n])
        shown = ", ".join(doms[:4]) + (f" +{len(doms) - 4} more" if len(doms) > 4 else "")
        lines.append(f"{numbers[n]} links {num_pages[n]} page(s) on {len(doms)} domain(s): {shown}")
    if len(member_nums) == 1 and len(num_doms[member_nums[0]]) == 1:
        lines[-1] += " (a network of one number on one domain)"
    for d in sorted(joins):
        lines.append(f"domain {d} joins {joins[d]} groups of pages that share no number")
    notes = []
    for e164 in sorted(refused):
        if e164 in owner:
            notes.append(f"{e164} is an official number of {owner[e164]}: not used as a link")
        else:
            notes.append(f"{e164} is a hub (on pages of {hubs[e164]} unrelated groups): "
                         "not used as a link")
    for d in sorted(shared_here):
        notes.append(f"domain {d} is shared by {shared[d]} unrelated groups: not used as a link")
    if len(lines) > MAX_EXPLANATIONS:
        lines = lines[:MAX_EXPLANATIONS] + [f"... and {len(lines) - MAX_EXPLANATIONS} more linking numbers"]
    return lines + notes


def assign_ids(networks: list[Network], previous: Sequence[Network]) -> None:
    """Give each network the id of the earlier network it shares most members with
    (largest networks choose first), else a new id from its smallest number."""
    old_of: dict[str, str] = {}
    for old in previous:
        for e164 in old.numbers:
            old_of["n:" + e164] = old.network_id
        for d in old.domains:
            old_of.setdefault("d:" + d, old.network_id)
    taken: set[str] = set()
    for net in sorted(networks, key=lambda n: (-len(n.numbers), -n.pages, n.numbers[:1])):
        overlap = Counter(old_of[k] for k in _members(net) if k in old_of)
        candidates = sorted(overlap, key=lambda i: (-overlap[i], i))
        free = [i for i in candidates if i not in taken]
        if free:
            net.network_id = free[0]
            merged = [i for i in candidates if i != free[0]]
            if merged:
                net.explanations.append("merges earlier network(s) " + ", ".join(merged))
        else:
            net.network_id = _fresh_id(net, taken)
        taken.add(net.network_id)


def _members(net: Network) -> list[str]:
    return ["n:" + e for e in net.numbers] + ["d:" + d for d in net.domains]


def _fresh_id(net: Network, taken: set[str]) -> str:
    seed = min(net.numbers) if net.numbers else min(net.domains)
    base = "net-" + stable_id(seed)[:10]
    nid, k = base, 2
    while nid in taken:
        nid, k = f"{base}-{k}", k + 1
    return nid

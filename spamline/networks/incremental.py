"""Fold new sightings into existing networks without clustering everything again.

Each existing network the new pages touch enters the clustering as one
established group (a stand-in page holding its numbers, plus one on each of its
domains that the new pages use), and a new page on a domain of exactly one
network starts inside it, so the same hub guard applies: a number that would
join three unrelated networks becomes a hub instead. Networks the new pages do
not touch are returned unchanged. A number that turns into a hub only now is
dropped from its network but does not split it; `spamline networks --rebuild`
re-clusters from scratch.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace

import numpy as np

from spamline.model import Brand, Network, Sighting
from spamline.networks.build import BuildResult, _fresh_id
from spamline.networks.cluster import HUB_MIN, cluster
from spamline.networks.graph_input import GraphInput


def update_networks(previous: Sequence[Network], new_sightings: Iterable[Sighting], *,
                    old_urls: set[str], hubs: Mapping[str, int], shared: Mapping[str, int],
                    brands: Sequence[Brand] = (), page_templates: Mapping[str, str] | None = None,
                    hub_min: int = HUB_MIN) -> BuildResult:
    """`previous` networks updated with `new_sightings`; `old_urls` are pages already counted."""
    owner = {e164: b.name for b in brands for e164 in b.official}
    data = GraphInput()
    data.add(new_sightings, page_templates)
    pair_num, pair_page, page_dom, _ = data.arrays()
    n_new = len(data.pages)
    by_id = {n.network_id: n for n in previous}
    net_of_num = {e: n.network_id for n in previous for e in n.numbers}
    nets_of_dom: dict[str, list[str]] = {}
    for n in previous:
        for d in n.domains:
            nets_of_dom.setdefault(d, []).append(n.network_id)

    touched = sorted({net_of_num[e] for e in data.numbers if e in net_of_num}
                     | {i for d in data.domains if d not in shared for i in nets_of_dom.get(d, [])})
    # stand-in pages for each touched network: one holding its numbers (on a dummy domain),
    # one on each of its domains that the new pages use
    extra_dom, extra_key, extra_pairs = [], [], []
    n_doms = len(data.domains)
    for k, nid in enumerate(touched):
        holder = n_new + len(extra_dom)
        extra_dom.append(n_doms + k)
        extra_key.append(k)
        extra_pairs += [(data.numbers[e], holder) for e in by_id[nid].numbers if e in data.numbers]
        for d in by_id[nid].domains:
            if d in data.domains and d not in shared:
                extra_dom.append(data.domains[d])
                extra_key.append(k)
    # a new page on a domain of exactly one network starts inside that network
    key_of = {nid: k for k, nid in enumerate(touched)}
    owner_of_dom = [nets_of_dom.get(d, []) if d not in shared else [] for d in data.domains]
    new_start = [key_of[o[0]] if len(o) == 1 else -1 for o in (owner_of_dom[d] for d in page_dom.tolist())]
    start = np.array(new_start + extra_key, np.int64)
    all_dom = np.concatenate([page_dom, np.array(extra_dom, np.int64)])
    if extra_pairs:
        ep = np.array(extra_pairs, np.int64)
        pair_num, pair_page = np.concatenate([pair_num, ep[:, 0]]), np.concatenate([pair_page, ep[:, 1]])
    numbers = list(data.numbers)
    blocked = np.array([e in owner or e in hubs for e in numbers], bool)
    blocked_domains = np.array([d in shared for d in data.domains], bool)
    c = cluster(pair_num, pair_page, all_dom, len(numbers), blocked, hub_min, start, blocked_domains)

    new_hubs = {numbers[n]: k for n, k in c.hub_groups.items()}
    new_shared = {list(data.domains)[d]: k for d, k in c.shared_groups.items() if d < n_doms}
    all_hubs = {**hubs, **new_hubs}
    linking = ~(c.hub_numbers | blocked)
    groups: dict[int, dict] = {}
    for p in range(len(all_dom)):
        g = groups.setdefault(int(c.label[p]), {"nets": set(), "pages": [], "numbers": set()})
        if p < n_new:
            g["pages"].append(p)
        else:
            g["nets"].add(touched[int(start[p])])
    on_page: dict[int, set[str]] = {}
    for n, p in zip(pair_num.tolist(), pair_page.tolist()):
        if linking[n]:
            groups[int(c.label[p])]["numbers"].add(numbers[n])
        if p < n_new:
            on_page.setdefault(p, set()).add(numbers[n])

    domains, urls = list(data.domains), list(data.pages)
    templates = list(data.templates)
    page_tpl = np.frombuffer(data.page_tpl, dtype=np.int32)
    result: dict[str, Network] = {nid: n for nid, n in by_id.items() if nid not in touched}
    taken = set(result)
    for g in sorted(groups.values(), key=lambda g: sorted(g["nets"])[:1] or ["~"]):
        olds = sorted((by_id[i] for i in g["nets"]), key=lambda n: (-len(n.numbers), -n.pages, n.network_id))
        pages = g["pages"]
        new_numbers = g["numbers"] - {e for o in olds for e in o.numbers}
        if not olds and not g["numbers"]:
            continue  # pages showing only hubs or official numbers
        net = _merged(olds, all_hubs)
        new_urls = [p for p in pages if urls[p] not in old_urls]
        net.numbers = sorted(set(net.numbers) | g["numbers"])
        net.domains = sorted(set(net.domains) | {domains[page_dom[p]] for p in pages})
        net.templates = sorted(set(net.templates) | {templates[page_tpl[p]] for p in pages if page_tpl[p] >= 0})
        counts = Counter({b: len(net.brands) - i for i, b in enumerate(net.brands)})
        counts.update(data.page_brand[p] for p in pages if data.page_brand[p])
        net.brands = [b for b, _ in counts.most_common()]
        net.pages += len(new_urls)
        firsts = [data.page_first[p] for p in pages] + ([net.first_seen] if net.first_seen else [])
        net.first_seen = min(firsts) if firsts else ""
        net.last_seen = max([data.page_last[p] for p in pages] + [net.last_seen])
        for e in sorted(new_numbers):
            shown = [p for p in pages if e in on_page.get(p, ())]
            doms = sorted({domains[page_dom[p]] for p in shown})
            net.explanations.append(f"{e} links {len(shown)} new page(s) on {len(doms)} domain(s): "
                                    + ", ".join(doms[:4]))
        for e in sorted(new_hubs):
            if any(e in on_page.get(p, ()) for p in pages):
                net.explanations.append(f"{e} is a hub (on pages of {new_hubs[e]} unrelated groups): "
                                        "not used as a link")
        if len(olds) > 1:
            net.explanations.append("merges earlier network(s) " + ", ".join(o.network_id for o in olds[1:]))
        net.network_id = olds[0].network_id if olds else _fresh_id(net, taken)
        taken.add(net.network_id)
        result[net.network_id] = net
    networks = sorted(result.values(), key=lambda n: (-len(n.numbers), -n.pages, n.network_id))
    for net in networks:
        net.numbers = [e for e in net.numbers if e not in new_hubs]
    return BuildResult(networks, all_hubs, {**shared, **new_shared},
                       {e: owner[e] for e in numbers if e in owner})


def _merged(olds: list[Network], hubs: Mapping[str, int]) -> Network:
    """One network holding every member of `olds` (first one's id and explanations first)."""
    if not olds:
        return Network(network_id="")
    net = replace(olds[0], numbers=list(olds[0].numbers), domains=list(olds[0].domains),
                  brands=list(olds[0].brands), templates=list(olds[0].templates),
                  explanations=list(olds[0].explanations))
    for o in olds[1:]:
        net.numbers += o.numbers
        net.domains += o.domains
        net.brands += [b for b in o.brands if b not in net.brands]
        net.templates += o.templates
        net.pages += o.pages
        net.first_seen = min(net.first_seen, o.first_seen)
        net.last_seen = max(net.last_seen, o.last_seen)
        net.explanations += o.explanations
    net.numbers = [e for e in dict.fromkeys(net.numbers) if e not in hubs]
    return net


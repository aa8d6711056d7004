"""The network graph for analysis and export: numbers, domains, brands and templates as nodes."""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence

import networkx as nx

from spamline.model import Network, Sighting


def node_id(kind: str, name: str) -> str:
    """"number:+864008123456", "domain:a.test", "brand:金盾", "template:t1a2b"."""
    return f"{kind}:{name}"


def graph_of(sightings: Iterable[Sighting], networks: Sequence[Network],
             page_templates: Mapping[str, str] | None = None, hubs: Iterable[str] = (),
             official: Mapping[str, str] | None = None) -> nx.Graph:
    """A weighted graph: number-domain, number-brand and domain-template edges, weight =
    pages showing both. Nodes carry kind, label, network ("" if none) and role."""
    pages: set[tuple[str, str]] = set()
    num_dom: Counter[tuple[str, str]] = Counter()
    num_brand: Counter[tuple[str, str]] = Counter()
    dom_tpl: Counter[tuple[str, str]] = Counter()
    tpl_of = page_templates or {}
    seen_pages: set[str] = set()
    for s in sightings:
        if (s.e164, s.url) in pages:
            continue
        pages.add((s.e164, s.url))
        num_dom[s.e164, s.domain] += 1
        if s.brand:
            num_brand[s.e164, s.brand] += 1
        if s.url not in seen_pages:
            seen_pages.add(s.url)
            if tpl := tpl_of.get(s.url):
                dom_tpl[s.domain, tpl] += 1

    net_of: dict[str, str] = {}
    for net in networks:
        for kind, names in (("number", net.numbers), ("domain", net.domains), ("brand", net.brands),
                            ("template", net.templates)):
            for name in names:
                net_of.setdefault(node_id(kind, name), net.network_id)
    hub_set, official = set(hubs), official or {}

    g = nx.Graph()

    def node(kind: str, name: str) -> str:
        nid = node_id(kind, name)
        if nid not in g:
            role = ("hub" if name in hub_set else "official" if name in official else "member") \
                if kind == "number" else "member"
            g.add_node(nid, kind=kind, label=name, network=net_of.get(nid, ""), role=role)
        return nid

    for pairs, (ka, kb) in ((num_dom, ("number", "domain")), (num_brand, ("number", "brand")),
                            (dom_tpl, ("domain", "template"))):
        for (a, b), w in pairs.items():
            g.add_edge(node(ka, a), node(kb, b), weight=w)
    return g


def network_subgraph(g: nx.Graph, network: Network) -> nx.Graph:
    """The nodes of one network plus the hubs and official numbers on its domains."""
    members = {n for n, d in g.nodes(data=True) if d["network"] == network.network_id}
    extra = {m for n in members if g.nodes[n]["kind"] == "domain" for m in g[n]
             if g.nodes[m]["role"] in ("hub", "official")}
    return g.subgraph(members | extra).copy()

"""A picture of one network as a self-contained SVG (no scripts, no fonts, no CDN)."""
from __future__ import annotations

import math
from html import escape

import networkx as nx

from spamline.model import Network
from spamline.networks.graph import network_subgraph, node_id
from spamline.plural import plural

COLORS = {"number": "#d62728", "domain": "#1f77b4", "brand": "#ff7f0e", "template": "#9467bd",
          "hub": "#7f7f7f", "official": "#2ca02c", "network": "#222222"}
MARGIN = 60


def render_svg(network: Network, graph: nx.Graph | None = None, width: int = 900,
               height: int = 640, max_nodes: int = 150) -> str:
    """The network drawn as SVG. With `graph` (from `graph_of`) the real links are drawn;
    without, every member hangs off a centre node for the network."""
    g = network_subgraph(graph, network) if graph is not None else _membership(network)
    if g.number_of_nodes() > max_nodes:
        keep = sorted(g.nodes, key=lambda n: (-g.degree(n), n))[:max_nodes]
        g = g.subgraph(keep).copy()
    pos = nx.spring_layout(g, seed=1, weight=None) if g.number_of_nodes() > 1 else \
        {n: (0.0, 0.0) for n in g}
    xs = [p[0] for p in pos.values()] or [0.0]
    ys = [p[1] for p in pos.values()] or [0.0]
    span_x, span_y = (max(xs) - min(xs)) or 1.0, (max(ys) - min(ys)) or 1.0

    def at(n: str) -> tuple[float, float]:
        x, y = pos[n]
        return (MARGIN + (x - min(xs)) / span_x * (width - 2 * MARGIN),
                MARGIN + (y - min(ys)) / span_y * (height - 2 * MARGIN - 30))

    title = (f"{network.network_id}: {plural(len(network.numbers), 'number')}, "
             f"{plural(len(network.domains), 'domain')}, {plural(len(network.brands), 'brand')}, "
             f"{plural(network.pages, 'page')}")
    out = [(f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="11">'),
           f"<title>{escape(title)}</title>",
           f'<rect width="{width}" height="{height}" fill="#ffffff"/>',
           f'<text x="10" y="18" font-size="13" font-weight="bold">{escape(title)}</text>']
    for a, b, data in g.edges(data=True):
        (x1, y1), (x2, y2) = at(a), at(b)
        w = 0.6 + math.log1p(data.get("weight", 1))
        out.append(f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" '
                   f'stroke="#999999" stroke-opacity="0.6" stroke-width="{w:.1f}"/>')
    for n, data in g.nodes(data=True):
        x, y = at(n)
        kind = data["kind"]
        color = COLORS.get(data.get("role")) if data.get("role") in ("hub", "official") else COLORS[kind]
        r = 5 + min(10, 2 * math.log1p(g.degree(n)))
        label = data["label"] if len(data["label"]) <= 28 else data["label"][:27] + "…"
        tip = escape(f"{kind} {data['label']} ({data.get('role', 'member')})")
        out.append(f'<g><title>{tip}</title>'
                   f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" fill="{color}" stroke="#ffffff"/>'
                   f'<text x="{x + r + 2:.1f}" y="{y + 4:.1f}">{escape(label)}</text></g>')
    legend = ["number", "domain", "brand", "template", "hub", "official"]
    for i, kind in enumerate(legend):
        x = 10 + i * 100
        out.append(f'<circle cx="{x + 6}" cy="{height - 14}" r="6" fill="{COLORS[kind]}"/>'
                   f'<text x="{x + 16}" y="{height - 10}">{kind}</text>')
    out.append("</svg>")
    return "\n".join(out)


def _membership(network: Network) -> nx.Graph:
    g = nx.Graph()
    centre = node_id("network", network.network_id)
    g.add_node(centre, kind="network", label=network.network_id, network=network.network_id,
               role="member")
    for kind, names in (("number", network.numbers), ("domain", network.domains),
                        ("brand", network.brands), ("template", network.templates)):
        for name in names:
            nid = node_id(kind, name)
            g.add_node(nid, kind=kind, label=name, network=network.network_id, role="member")
            g.add_edge(centre, nid, weight=1)
    return g

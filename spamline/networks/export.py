"""Write the network graph as GraphML or GEXF (Gephi, networkx) or an edge-list CSV."""
from __future__ import annotations

import csv
from pathlib import Path

import networkx as nx

FORMATS = ("graphml", "gexf", "csv")
CSV_COLUMNS = ["source", "target", "source_kind", "target_kind", "weight", "source_network",
               "target_network"]


def export_graph(g: nx.Graph, fmt: str, path: str | Path) -> Path:
    """Write `g` to `path` in `fmt` (graphml, gexf or csv) and return the path."""
    path = Path(path)
    if fmt == "graphml":
        nx.write_graphml(g, path)
    elif fmt == "gexf":
        nx.write_gexf(g, path)
    elif fmt == "csv":
        with path.open("w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(CSV_COLUMNS)
            for a, b, data in g.edges(data=True):
                na, nb = g.nodes[a], g.nodes[b]
                w.writerow([a, b, na["kind"], nb["kind"], data.get("weight", 1),
                            na["network"], nb["network"]])
    else:
        raise ValueError(f"unknown export format {fmt!r}; use one of {', '.join(FORMATS)}")
    return path


def read_csv_graph(path: str | Path) -> nx.Graph:
    """Read an edge-list CSV written by `export_graph` back into a graph."""
    g = nx.Graph()
    with Path(path).open(newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            for end in ("source", "target"):
                g.add_node(row[end], kind=row[f"{end}_kind"], network=row[f"{end}_network"])
            g.add_edge(row["source"], row["target"], weight=int(row["weight"]))
    return g

"""The network graph: GraphML, GEXF and CSV round trips through networkx, and the SVG picture."""
from __future__ import annotations

import xml.etree.ElementTree as ET

import networkx as nx
import pytest

from spamline.model import sightings_of
from spamline.networks import build_networks
from spamline.networks.export import export_graph, read_csv_graph
from spamline.networks.graph import graph_of, node_id
from spamline.networks.render import render_svg


@pytest.fixture(scope="module")
def built(captures):
    rows = [s for c in captures for s in sightings_of(c)]
    result = build_networks(rows)
    templates = {c.url: c.features["template"] for c in captures}
    return result, graph_of(rows, result.networks, templates, result.hubs)


def test_graph_links_numbers_domains_brands_templates(built, truth) -> None:
    result, g = built
    kinds = {d["kind"] for _, d in g.nodes(data=True)}
    assert kinds == {"number", "domain", "brand", "template"}
    hub = g.nodes[node_id("number", truth.hubs[0])]
    assert hub["role"] == "hub" and hub["network"] == ""
    for net in result.networks:
        for e164 in net.numbers:
            assert g.nodes[node_id("number", e164)]["network"] == net.network_id
    assert all(w >= 1 for _, _, w in g.edges(data="weight"))


def same(a: nx.Graph, b: nx.Graph) -> None:
    assert set(a.nodes) == set(b.nodes)
    assert {frozenset(e) for e in a.edges} == {frozenset(e) for e in b.edges}
    for u, v, w in a.edges(data="weight"):
        assert int(b.edges[u, v]["weight"]) == w
    for n, d in a.nodes(data=True):
        assert b.nodes[n]["kind"] == d["kind"] and b.nodes[n]["network"] == d["network"]


def test_graphml_round_trip(built, tmp_path) -> None:
    _, g = built
    same(g, nx.read_graphml(export_graph(g, "graphml", tmp_path / "n.graphml")))
    root = ET.parse(tmp_path / "n.graphml").getroot()
    assert root.tag == "{http://graphml.graphdrawing.org/xmlns}graphml"


def test_gexf_round_trip(built, tmp_path) -> None:
    _, g = built
    back = nx.read_gexf(export_graph(g, "gexf", tmp_path / "n.gexf"))
    same(g, back)
    assert ET.parse(tmp_path / "n.gexf").getroot().tag.endswith("gexf")


def test_csv_round_trip(built, tmp_path) -> None:
    _, g = built
    same(g, read_csv_graph(export_graph(g, "csv", tmp_path / "n.csv")))


def test_unknown_format_is_refused(built, tmp_path) -> None:
    with pytest.raises(ValueError, match="graphml, gexf, csv"):
        export_graph(built[1], "dot", tmp_path / "n.dot")


def test_svg_picture_is_valid_and_self_contained(built) -> None:
    result, g = built
    net = result.networks[0]
    svg = render_svg(net, g)
    root = ET.fromstring(svg)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert "<script" not in svg and "http://" not in svg.replace("http://www.w3.org/2000/svg", "")
    for e164 in net.numbers:
        assert e164 in svg
    assert "hub" in svg
    plain = ET.fromstring(render_svg(net))  # without a graph: membership only
    assert len(plain.findall(".//{http://www.w3.org/2000/svg}circle")) >= len(net.numbers) + len(net.domains)

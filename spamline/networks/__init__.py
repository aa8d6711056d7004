"""Networks: numbers, brands, domains and templates that belong together.

    build_networks(sightings, brands, previous) -> BuildResult   # cluster from scratch
    update_networks(previous, new_sightings, ...) -> BuildResult # fold new sightings in
    rebuild(store, state_path) / update(store, state_path)       # the same against a store
    graph_of(sightings, networks, ...) -> networkx.Graph          # for analysis and export
    export_graph(graph, "graphml" | "gexf" | "csv", path)
    render_svg(network, graph=None) -> str                        # a picture for reports and the web
"""
from spamline.networks.build import BuildResult, build_networks
from spamline.networks.export import export_graph
from spamline.networks.graph import graph_of
from spamline.networks.incremental import update_networks
from spamline.networks.refresh import rebuild, update
from spamline.networks.render import render_svg

__all__ = ["BuildResult", "build_networks", "export_graph", "graph_of", "rebuild", "render_svg",
           "update", "update_networks"]

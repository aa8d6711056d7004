"""`spamline networks`: numbers, brands, domains and templates that belong together."""
from __future__ import annotations

from pathlib import Path

import click

from spamline.cli.common import (
    data_dir_option,
    json_option,
    make_table,
    print_json_lines,
    print_table,
    store_option,
)
from spamline.datadir import DataDir
from spamline.model import Network
from spamline.networks.export import FORMATS, export_graph
from spamline.networks.graph import graph_of
from spamline.networks.refresh import STATE_FILE, rebuild, update
from spamline.networks.render import render_svg
from spamline.networks.spam import spam_networks
from spamline.plural import plural
from spamline.store import open_store


@click.command()
@data_dir_option
@store_option
@json_option
@click.option("--rebuild", "full", is_flag=True,
              help="Cluster every sighting again instead of folding in only new ones.")
@click.option("--export", "export", nargs=2, type=(click.Choice(FORMATS), click.Path(dir_okay=False)),
              metavar="FORMAT FILE", help="Write the graph as graphml, gexf or csv to FILE.")
@click.option("--svg", nargs=2, type=(str, click.Path(dir_okay=False)), metavar="NETWORK_ID FILE",
              help="Draw one network as an SVG picture.")
@click.option("--show", "show", metavar="NETWORK_ID",
              help="Print one network in full, with why its members belong together.")
@click.option("--limit", type=click.IntRange(1), default=50, show_default=True,
              help="Networks shown in the table.")
@click.option("--all", "show_all", is_flag=True,
              help="List every network, not only those with a page judged spam.")
def networks(data_dir: DataDir, store_url: str | None, as_json: bool, full: bool,
             export: tuple[str, str] | None, svg: tuple[str, str] | None, show: str | None,
             limit: int, show_all: bool) -> None:
    """Update the networks from new sightings and list them, largest first.

    Numbers link the pages they appear on, domains link their pages; a number or
    domain that would join three or more unrelated groups (a consumer hotline, a
    shared host) and official numbers of registered brands link nothing. Every
    network lists why its members belong together. Only networks with a page judged spam
    are listed unless --all is given.
    """
    state_path = data_dir.root / STATE_FILE
    with open_store(store_url, data_dir) as store:
        done = rebuild(store, state_path) if full else update(store, state_path)
        result = done.result
        graph = None
        if export or svg:
            templates = {c.url: c.features["template"] for c in store.iter_captures()
                         if c.features.get("template")}
            official = {e: b.name for b in store.brands() for e in b.official}
            graph = graph_of(store.iter_sightings(), result.networks, templates, result.hubs, official)
        nets = result.networks if show_all or show else spam_networks(result.networks, store)
    if export:
        fmt, path = export
        export_graph(graph, fmt, path)
        click.echo(f"wrote {graph.number_of_nodes()} nodes and {graph.number_of_edges()} edges "
                   f"as {fmt} to {path}", err=True)
    if svg:
        nid, path = svg
        Path(path).write_text(render_svg(_find(result.networks, nid), graph), encoding="utf-8")
        click.echo(f"wrote a picture of {nid} to {path}", err=True)
    if show:
        nets = [_find(result.networks, show)]
    if as_json:
        print_json_lines(nets)
        return
    if show:
        net = nets[0]
        for label, items in (("numbers", net.numbers), ("domains", net.domains),
                             ("brands", net.brands), ("templates", net.templates)):
            click.echo(f"{label}: {', '.join(items) or '-'}")
        click.echo(f"pages: {net.pages}, first seen {net.first_seen}, last seen {net.last_seen}")
        click.echo("why:\n" + "\n".join(f"  {line}" for line in net.explanations))
        return
    if not nets:
        hidden = len(result.networks)
        click.echo(f"no spam networks ({plural(hidden, 'network')} of pages not judged spam: see them "
                   "with --all)" if hidden else "no networks yet: crawl pages with numbers first "
                   "(`spamline crawl URL` or `spamline demo`)", err=True)
        return
    print_table(make_table(
        ["network", "numbers", "domains", "brands", "pages", "first seen", "last seen"],
        ([n.network_id, _short(n.numbers), _short(n.domains), _short(n.brands), str(n.pages),
          n.first_seen, n.last_seen] for n in nets[:limit]),
        wide=["numbers", "domains", "brands"]))
    hubs = ", ".join(sorted(result.hubs)) or "none"
    hidden = len(result.networks) - len(nets)
    click.echo(f"{plural(len(nets), 'network')} ({done.mode}: {plural(done.new_sightings, 'sighting')} folded in); "
               f"hubs not used as links: {hubs}"
               + (f"; {plural(hidden, 'network')} without a spam page not shown (--all)" if hidden else ""))


def _find(nets: list[Network], nid: str) -> Network:
    net = next((n for n in nets if n.network_id == nid), None)
    if net is None:
        raise click.ClickException(f"no network {nid!r}; `spamline networks` lists the ids")
    return net


def _short(items: list[str], shown: int = 3) -> str:
    return ", ".join(items[:shown]) + (f" +{len(items) - shown}" if len(items) > shown else "")

"""`spamline demo`: serve the bundled sample spam network on 127.0.0.1 and crawl it end to end.

The network is served on a fixed port (DEMO_PORT), so its URLs, and the data a
demo stores, are the same on every run; a data dir that already holds the whole
demo crawl is shown as it is (`--recrawl` crawls it again). `--serve` brings the
network back at the same URLs until Ctrl-C, for rechecks, `serve` and screenshots.
"""
from __future__ import annotations

import functools
import threading
from collections import defaultdict
from contextlib import contextmanager
from collections.abc import Iterator
from typing import Any

import click

from spamline.cli.common import data_dir_option, print_json_lines
from spamline.cli.crawl import print_summary, refresh_networks, summary_json
from spamline.crawl import CrawlOptions, run_crawl
from spamline.datadir import DataDir
from spamline.model import Brand
from spamline.plural import plural
from spamline.samplenet import GroundTruth, SampleNetworkServer
from spamline.store import open_store

DEMO_PORT = 8470  # fixed: a page's URL (its identity in the store) names the port


def register_official_brands(truth: GroundTruth, data_dir: DataDir) -> list[Brand]:
    """Register the sample network's legitimate brands with their real numbers."""
    summary = truth.summary()
    aliases = {name: info.get("alias") for name, info in summary["brands"].items()}
    brands = [
        Brand(name=info["brand"], aliases=[a for a in [aliases.get(info["brand"])] if a],
              official=list(info["official"]))
        for info in summary["legit"].values()
    ]
    with open_store(None, data_dir) as store:
        for brand in brands:
            store.add_brand(brand)
    return brands


def report_store(truth: GroundTruth, data_dir: DataDir, err: bool = False) -> dict[str, Any]:
    """Print the numbers and brands found, scored against the ground truth (on stderr when
    `err`), and return them as --json fields."""
    found: dict[str, set[str]] = defaultdict(set)
    brand_pages: dict[str, set[str]] = defaultdict(set)
    with open_store(None, data_dir) as store:
        for s in store.iter_sightings():
            found[s.url].add(s.e164)
            if s.brand:
                brand_pages[s.brand].add(s.url)
    numbers = {n for nums in found.values() for n in nums}
    score = truth.score(found)
    click.echo(f"found {plural(len(numbers), 'distinct number')} on {plural(len(found), 'page')}; "
               f"scored against the ground truth: {score}", err=err)
    ranked = sorted(brand_pages.items(), key=lambda kv: -len(kv[1]))
    click.echo("brands claimed: " + ", ".join(f"{b} ({plural(len(p), 'page')})" for b, p in ranked), err=err)
    return {"numbers": len(numbers), "pages": len(found),
            "score": {"precision": round(score.precision, 4), "recall": round(score.recall, 4),
                      "tp": score.tp, "fp": score.fp, "fn": score.fn},
            "brands": {b: len(p) for b, p in ranked}}


def crawled_already(truth: GroundTruth, data_dir: DataDir, job: str) -> bool:
    """Whether the store holds a capture of every page of this demo network from `job`."""
    if not data_dir.db.exists():
        return False
    with open_store(None, data_dir) as store:
        have = {c.url for c in store.iter_captures() if c.job == job}
    return set(truth.pages) <= have


@contextmanager
def sample_network(seed: int, pages_per_site: int, port: int) -> Iterator[SampleNetworkServer]:
    """The sample network served on 127.0.0.1:`port`, or a clear error if the port is taken."""
    try:
        with SampleNetworkServer(seed=seed, pages_per_site=pages_per_site, port=port) as srv:
            yield srv
    except OSError as exc:
        raise click.ClickException(
            f"cannot serve the sample network on 127.0.0.1:{port}: {exc.strerror}. Is "
            "`spamline demo --serve` running? Stop it (Ctrl-C), or pass --port N to use "
            "another port (the pages' URLs then differ from earlier demo runs).") from None


def resolve_options(srv: SampleNetworkServer) -> str:
    return " ".join(f"--resolve {host}=127.0.0.1" for host in srv.host_map)


def serve_until_interrupted(srv: SampleNetworkServer, data_dir: DataDir) -> None:
    """Keep the network up at its demo URLs and say how to use it, until Ctrl-C."""
    click.echo(f"sample network on 127.0.0.1:{srv.port}, the same URLs as `spamline demo`; "
               f"hosts: {', '.join(srv.host_map)}")
    click.echo(f"recheck it: spamline recheck --data-dir {data_dir.root} --allow-private "
               f"{resolve_options(srv)}")
    click.echo("Ctrl-C to stop", err=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass


@click.command()
@data_dir_option
@click.option("--seed", default=1, show_default=True, help="Seed of the generated network.")
@click.option("--pages-per-site", default=12, show_default=True, help="Doorway pages per site.")
@click.option("--port", default=DEMO_PORT, show_default=True, type=click.IntRange(1, 65535),
              help="Port on 127.0.0.1; it is part of every page's URL, so keep it across runs.")
@click.option("--serve", is_flag=True,
              help="Only serve the sample network at the demo's URLs until Ctrl-C (for recheck, "
                   "serve and screenshots); crawl nothing.")
@click.option("--recrawl", is_flag=True, help="Crawl again even if the data dir holds the demo.")
@click.option("--no-progress", is_flag=True, help="No live progress line.")
@click.option("--json", "as_json", is_flag=True,
              help="The results as one JSON object on stdout (the report goes to stderr).")
def demo(data_dir: DataDir, seed: int, pages_per_site: int, port: int, serve: bool,
         recrawl: bool, no_progress: bool, as_json: bool) -> None:
    """Crawl the bundled sample spam network (invented brands and numbers on 127.0.0.1)."""
    job = f"demo-{seed}"
    with sample_network(seed, pages_per_site, port) as srv:
        if serve:
            serve_until_interrupted(srv, data_dir)
            return
        truth = srv.ground_truth
        truth_file = srv.write_ground_truth(data_dir.root / "demo-ground-truth.json")
        brands = register_official_brands(truth, data_dir)
        click.echo(f"sample network on 127.0.0.1:{srv.port}: {len(srv.host_map)} sites, "
                   f"{len(truth.pages)} pages, {len(truth.networks)} spam networks "
                   f"(ground truth: {truth_file})", err=as_json)
        summary = None
        if recrawl or not crawled_already(truth, data_dir, job):
            opts = CrawlOptions(urls=srv.seed_urls, data_dir=data_dir, job=job,
                                allow_private=True, host_map=srv.host_map,
                                progress=not no_progress,
                                settings={"AUTOTHROTTLE_ENABLED": False})
            summary = run_crawl(opts)
        resolve = resolve_options(srv)
    if summary is not None:
        print_summary(summary, data_dir, err=as_json)
    else:
        click.echo(f"{data_dir.root} already holds this demo's crawl: not crawled again "
                   "(--recrawl to crawl it anew)", err=as_json)
    found = report_store(truth, data_dir, err=as_json)
    networks = refresh_networks(data_dir, None, err=as_json)
    say = functools.partial(click.echo, err=as_json)
    say(f"registered official numbers for {', '.join(b.name for b in brands)}")
    hotline = next(iter(sorted(next(iter(truth.networks.values())).numbers)))
    root = data_dir.root
    port_option = "" if port == DEMO_PORT else f" --port {port}"
    say("\nnext:")
    say(f"  spamline search {hotline} --data-dir {root}")
    say(f"  spamline number {hotline} --data-dir {root}")
    say(f"  spamline brand report '{brands[0].name}' --data-dir {root}")
    say(f"  spamline networks --data-dir {root}")
    say(f"  spamline serve --data-dir {root}")
    say("the sample network is stopped now; to bring it back at the same URLs (for "
        "recheck, serve's replays and screenshots):")
    say(f"  spamline demo --serve --data-dir {root}{port_option}   (until Ctrl-C)")
    say(f"  spamline recheck --data-dir {root} --allow-private {resolve}")
    if as_json:
        print_json_lines([{"crawl": summary_json(summary) if summary else None, **found,
                           "networks": networks, "data_dir": str(root), "port": port}])

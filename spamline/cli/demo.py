"""`spamline demo`: serve the bundled sample spam network on 127.0.0.1 and crawl it end to end."""
from __future__ import annotations

from collections import defaultdict

import click

from spamline.cli.common import data_dir_option
from spamline.cli.crawl import print_summary, refresh_networks
from spamline.crawl import CrawlOptions, run_crawl
from spamline.datadir import DataDir
from spamline.model import Brand
from spamline.samplenet import GroundTruth, SampleNetworkServer
from spamline.store import open_store


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


def report_store(truth: GroundTruth, data_dir: DataDir) -> None:
    """Print the numbers and brands found, scored against the ground truth."""
    found: dict[str, set[str]] = defaultdict(set)
    brand_pages: dict[str, set[str]] = defaultdict(set)
    with open_store(None, data_dir) as store:
        for s in store.iter_sightings():
            found[s.url].add(s.e164)
            if s.brand:
                brand_pages[s.brand].add(s.url)
    numbers = {n for nums in found.values() for n in nums}
    click.echo(f"found {len(numbers)} distinct numbers on {len(found)} pages; "
               f"scored against the ground truth: {truth.score(found)}")
    ranked = sorted(brand_pages.items(), key=lambda kv: -len(kv[1]))
    click.echo("brands claimed: " + ", ".join(f"{b} ({len(p)} pages)" for b, p in ranked))


@click.command()
@data_dir_option
@click.option("--seed", default=1, show_default=True, help="Seed of the generated network.")
@click.option("--pages-per-site", default=12, show_default=True, help="Doorway pages per site.")
@click.option("--port", default=0, help="Port on 127.0.0.1 (default: any free port).")
@click.option("--no-progress", is_flag=True, help="No live progress line.")
def demo(data_dir: DataDir, seed: int, pages_per_site: int, port: int, no_progress: bool) -> None:
    """Crawl the bundled sample spam network (invented brands and numbers on 127.0.0.1)."""
    with SampleNetworkServer(seed=seed, pages_per_site=pages_per_site, port=port) as srv:
        truth = srv.ground_truth
        truth_file = srv.write_ground_truth(data_dir.root / "demo-ground-truth.json")
        brands = register_official_brands(truth, data_dir)
        click.echo(f"sample network on 127.0.0.1:{srv.port}: {len(srv.host_map)} sites, "
                   f"{len(truth.pages)} pages, {len(truth.networks)} spam networks "
                   f"(ground truth: {truth_file})")
        opts = CrawlOptions(urls=srv.seed_urls, data_dir=data_dir, job=f"demo-{seed}",
                            allow_private=True, host_map=srv.host_map, progress=not no_progress,
                            settings={"AUTOTHROTTLE_ENABLED": False})
        summary = run_crawl(opts)
    print_summary(summary, data_dir)
    report_store(truth, data_dir)
    refresh_networks(data_dir, None)
    click.echo(f"registered official numbers for {', '.join(b.name for b in brands)}")
    hotline = next(iter(sorted(next(iter(truth.networks.values())).numbers)))
    root = data_dir.root
    click.echo("\nnext:")
    click.echo(f"  spamline search {hotline} --data-dir {root}")
    click.echo(f"  spamline number {hotline} --data-dir {root}")
    click.echo(f"  spamline brand report '{brands[0].name}' --data-dir {root}")
    click.echo(f"  spamline networks --data-dir {root}")
    click.echo(f"  spamline serve --data-dir {root}")

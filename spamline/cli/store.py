"""`spamline store info|replay|migrate|kibana|load`: look after the store and its spool."""
from __future__ import annotations

from pathlib import Path

import click
from rich.progress import Progress

from spamline.cli.common import data_dir_option, json_option, print_json_lines, store_option
from spamline.datadir import DataDir
from spamline.plural import plural
from spamline.store import Store, StoreUnavailable, open_store
from spamline.store.spool import Spool


def _open(url: str | None, data_dir: DataDir) -> Store:
    try:
        return open_store(url, data_dir)
    except (StoreUnavailable, ValueError) as exc:
        raise click.ClickException(str(exc)) from exc


@click.group()
def store() -> None:
    """Inspect the store, replay the spool, move a data dir to Elasticsearch."""


@store.command()
@data_dir_option
@store_option
@json_option
def info(data_dir: DataDir, store_url: str | None, as_json: bool) -> None:
    """Totals in the store and captures waiting in the spool."""
    with _open(store_url, data_dir) as st:
        counts = st.counts()
    counts["spooled"] = Spool(data_dir.spool).pending()
    if as_json:
        print_json_lines([counts])
    else:
        for key, value in counts.items():
            click.echo(f"{key:>10}  {value}")


@store.command()
@data_dir_option
@store_option
@json_option
def replay(data_dir: DataDir, store_url: str | None, as_json: bool) -> None:
    """Write the captures spooled while the store was down; safe to run again."""
    spool = Spool(data_dir.spool)
    total = spool.pending()
    with _open(store_url, data_dir) as st, Progress(disable=as_json or not total) as bar:
        task = bar.add_task("replaying spool", total=total)
        try:
            done = spool.replay(st, progress=lambda n: bar.advance(task, n))
        except StoreUnavailable as exc:
            raise click.ClickException(
                f"{exc}. The spool is kept whole; run `spamline store replay` again once the "
                "store is back."
            ) from exc
    if as_json:
        print_json_lines([{"replayed": done, "spool": str(spool.path)}])
    else:
        click.echo(f"replayed {done} captures from {spool.path}")


@store.command()
@data_dir_option
@click.option("--from", "source_url", default=None,
              help="Store to read (default: the data dir's SQLite), e.g. sqlite:PATH.")
@click.option("--to", "target_url", required=True, help="Store to fill, e.g. es://host:9200.")
@json_option
def migrate(data_dir: DataDir, source_url: str | None, target_url: str, as_json: bool) -> None:
    """Copy brands, captures (with sightings) and networks into another store."""
    with _open(source_url, data_dir) as src, _open(target_url, data_dir) as dst:
        total = src.counts()["captures"]
        copied = 0
        try:
            for brand in src.brands():
                dst.add_brand(brand)
            with Progress(disable=as_json) as bar:
                task = bar.add_task("copying captures", total=total)
                batch = []
                for capture in src.iter_captures():
                    batch.append(capture)
                    if len(batch) >= 500:
                        dst.add_captures(batch)
                        copied += len(batch)
                        bar.advance(task, len(batch))
                        batch = []
                if batch:
                    dst.add_captures(batch)
                    copied += len(batch)
                    bar.advance(task, len(batch))
            dst.save_networks(src.networks())
        except StoreUnavailable as exc:
            raise click.ClickException(
                f"{exc}. {copied} captures were copied; writes are idempotent, so run the same "
                "migrate again once the target is back."
            ) from exc
        counts = dst.counts()
    if as_json:
        print_json_lines([{"copied": copied, **counts}])
    else:
        click.echo(f"copied {copied} captures; target now holds "
                   + ", ".join(f"{v} {k}" for k, v in counts.items()))


@store.command()
@click.option("--url", required=True, help="Kibana's URL, e.g. http://127.0.0.1:5601 "
              "(with /s/SPACE for another space).")
@click.option("--prefix", default="spamline", show_default=True,
              help="The Elasticsearch store's index prefix the data views point at.")
@click.option("--ca-certs", type=click.Path(exists=True, dir_okay=False),
              help="CA bundle of an https Kibana.")
@json_option
def kibana(url: str, prefix: str, ca_certs: str | None, as_json: bool) -> None:
    """Load the data views and the dashboard into Kibana (again: replaces them).

    Credentials as for the store: SPAMLINE_ES_USER + SPAMLINE_ES_PASSWORD, or
    SPAMLINE_ES_API_KEY. Example: spamline store kibana --url http://127.0.0.1:5601
    """
    from spamline.store.kibana import DASHBOARD_ID, KibanaError, load_dashboards

    try:
        answer = load_dashboards(url, prefix, ca_certs=ca_certs)
    except KibanaError as exc:
        raise click.ClickException(str(exc)) from exc
    dashboard = f"{url.rstrip('/')}/app/dashboards#/view/{DASHBOARD_ID}"
    if as_json:
        print_json_lines([{"imported": answer.get("successCount", 0), "dashboard": dashboard}])
    else:
        click.echo(f"imported {answer.get('successCount', 0)} saved objects; open {dashboard}")


@store.command()
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@data_dir_option
@store_option
def load(folder: Path, data_dir: DataDir, store_url: str | None) -> None:
    """Put the Parquet output of `spamline spark-ingest` into the store (idempotent)."""
    from spamline.brands.registry import registered_brands
    from spamline.cli.crawl import refresh_networks
    from spamline.ingest.load import load_parquet

    brands = registered_brands(str(data_dir.root), store_url)
    with _open(store_url, data_dir) as st:
        try:
            captures, numbers = load_parquet(folder, st, brands)
        except (ValueError, StoreUnavailable) as exc:
            raise click.ClickException(str(exc)) from exc
    click.echo(f"loaded {plural(captures, 'capture')} "
               f"({plural(numbers, 'number occurrence')}) from {folder}")
    if numbers:
        refresh_networks(data_dir, store_url)

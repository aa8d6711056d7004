"""The `spamline` command: a thin layer over the library, one module per command."""
from __future__ import annotations

import importlib

import click

from spamline import __version__

# command name -> "module:attribute"; modules load only when their command runs,
# so `spamline extract` never pays for importing Scrapy.
COMMANDS = {
    "crawl": "spamline.cli.crawl:crawl",
    "demo": "spamline.cli.demo:demo",
    "ingest": "spamline.cli.ingest:ingest",
    "search": "spamline.cli.search:search",
    "number": "spamline.cli.search:number",
    "extract": "spamline.cli.extract:extract",
    "schedule": "spamline.cli.schedule:schedule",
    "recheck": "spamline.cli.recheck:recheck",
    "store": "spamline.cli.store:store",
    "spark-ingest": "spamline.cli.spark:spark_ingest",
    "serve": "spamline.cli.serve:serve",
    "user": "spamline.cli.user:user",
    "brand": "spamline.cli.brand:brand",
    "networks": "spamline.cli.networks:networks",
    "evidence": "spamline.cli.evidence:evidence",
}


class LazyGroup(click.Group):
    """A click group whose subcommands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        target = COMMANDS.get(name)
        if target is None:
            return None
        module, attr = target.split(":")
        return getattr(importlib.import_module(module), attr)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="spamline")
def main() -> None:
    """Crawl, archive and map phone-number spam networks.

    Every command keeps its data in --data-dir (default ./spamline-data):
    the SQLite store, the WARC files, crawl state and exports.
    """

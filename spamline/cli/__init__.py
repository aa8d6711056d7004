"""The `spamline` command: a thin layer over the library, one module per command."""
from __future__ import annotations

import errno
import importlib
import sqlite3

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
    "inspect": "spamline.cli.inspect:inspect",
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


class DiskFull(click.ClickException):
    """A write found no space left; exits 1 like any other error the user can fix."""


def _is_disk_full(exc: BaseException | None) -> bool:
    """Whether ``exc`` (or an error it wraps) is SQLite's or the OS's "no space left"."""
    while exc is not None:
        if isinstance(exc, sqlite3.OperationalError) and (
                getattr(exc, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL
                or "database or disk is full" in str(exc)):
            return True
        if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


class LazyGroup(click.Group):
    """A click group whose subcommands are imported on first use; a full disk in any of them
    is a clear message and exit 1, never a traceback."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (sqlite3.Error, OSError, RuntimeError) as exc:
            if not _is_disk_full(exc):
                raise
            raise DiskFull(
                f"no space left on the disk: {exc}. What this command was writing was not saved "
                "(SQLite rolled it back). Free some space on the disk holding --data-dir, "
                "or use a --data-dir on another disk, and run it again.") from exc

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

"""`spamline ingest PATH...`: read existing WARC/WACZ files into the store."""
from __future__ import annotations

import os

import click
from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TransferSpeedColumn

from spamline.cli.common import data_dir_option, json_option, print_json_lines, store_option
from spamline.cli.crawl import refresh_networks
from spamline.datadir import DataDir
from spamline.ingest import IngestOptions, IngestSummary, NotAnArchive, run_ingest
from spamline.networks.refresh import STATE_FILE, update
from spamline.plural import plural
from spamline.store import StoreUnavailable, open_store


@click.command()
@click.argument("paths", nargs=-1, required=True)
@data_dir_option
@store_option
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="Worker processes reading files (default: one per core).")
@click.option("--region", default=None, help="Default region for numbers without a country code.")
@click.option("--no-progress", is_flag=True, help="No live progress bar.")
@json_option
def ingest(paths: tuple[str, ...], data_dir: DataDir, store_url: str | None, workers: int | None,
           region: str | None, no_progress: bool, as_json: bool) -> None:
    """Read WARC/WACZ files, folders of them, glob patterns, or `-` (a list of paths on stdin).

    Nothing is fetched: every HTML/text response is read like a crawled page and its
    sightings point at the source record. Running it again reads only what is new; an
    interrupted ingest resumes where it stopped.
    """
    opts = IngestOptions(list(paths), data_dir, store_url, workers or os.cpu_count() or 1, region)
    console = Console(stderr=True)
    show = not no_progress and console.is_terminal
    try:
        if show:
            with Progress(TextColumn("[bold]ingest"), BarColumn(), DownloadColumn(),
                          TransferSpeedColumn(), TextColumn("{task.fields[line]}"),
                          console=console, transient=True) as bar:
                task = bar.add_task("ingest", total=None, line="")

                def progress(s: IngestSummary, total: int) -> None:
                    bar.update(task, completed=s.bytes, total=total,
                               line=f"WARCs {s.members_read + s.up_to_date}/{s.members}  "
                                    f"records {s.records}  numbers {s.numbers}")

                summary = run_ingest(opts, progress)
        else:
            summary = run_ingest(opts)
    except NotAnArchive as exc:
        raise click.ClickException(f"{exc}. Give WARC (.warc, .warc.gz) or WACZ files.") from exc
    except (StoreUnavailable, ValueError) as exc:
        raise click.ClickException(f"{exc}; run the same command again to resume") from exc
    report(summary, as_json)
    if summary.captures and as_json:  # stdout holds only the JSON line
        with open_store(store_url, data_dir) as store:
            update(store, data_dir.root / STATE_FILE)
    elif summary.captures:
        refresh_networks(data_dir, store_url)
    if summary.errors:
        raise click.ClickException("some files could not be read:\n  " + "\n  ".join(summary.errors))


def report(s: IngestSummary, as_json: bool) -> None:
    """The end-of-ingest summary."""
    if as_json:
        print_json_lines([{
            "files": s.files, "members": s.members, "up_to_date": s.up_to_date,
            "records": s.records, "bytes": s.bytes, "captures": s.captures,
            "pages_with_numbers": s.pages_with_numbers, "numbers": s.numbers,
            "revisits": s.revisits, "unresolved_revisits": s.unresolved_revisits,
            "skipped": [{"member": m, "offset": o, "reason": r} for m, o, r in s.skipped],
            "errors": s.errors, "seconds": round(s.seconds, 3)}])
        return
    click.echo(f"ingested {plural(s.files, 'file')} ({plural(s.members, 'WARC')}, "
               f"{s.up_to_date} already read): {plural(s.records, 'record')}, "
               f"{s.bytes / 2**20:.1f} MB in {s.seconds:.1f}s ({s.mb_per_second:.1f} MB/s); "
               f"{plural(s.captures, 'capture')}, {plural(s.numbers, 'number occurrence')} "
               f"on {plural(s.pages_with_numbers, 'page')}")
    if s.revisits or s.unresolved_revisits:
        click.echo(f"revisits: {s.revisits} read with their original, "
                   f"{s.unresolved_revisits} whose original is not in the input")
    if s.skipped:
        click.echo(f"skipped {plural(len(s.skipped), 'unreadable record')}:")
        for member, offset, reason in s.skipped[:20]:
            click.echo(f"  {member} @ {offset}: {reason}")

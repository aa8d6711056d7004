"""`spamline spark-ingest PATHS_FILE --output DIR`: the ingest as a Spark job."""
from __future__ import annotations

from pathlib import Path

import click

from spamline.brands.registry import registered_brands
from spamline.cli.common import data_dir_option, store_option
from spamline.datadir import DataDir
from spamline.plural import plural


@click.command("spark-ingest")
@click.argument("paths_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--output", "-o", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder for the Parquet output (captures/ and sightings/).")
@click.option("--master", default="local[*]", show_default=True, help="Spark master URL.")
@click.option("--prefix", default="", help="Put before every path (e.g. file:///mnt/commoncrawl/).")
@click.option("--region", default=None, help="Default region for numbers without a country code.")
@data_dir_option
@store_option
def spark_ingest(paths_file: Path, output: Path, master: str, prefix: str, region: str | None,
                 data_dir: DataDir, store_url: str | None) -> None:
    """Read the WARC files PATHS_FILE lists (Common Crawl's warc.paths format) on Spark.

    One task per WARC file; the registered brands of --data-dir are used as in a crawl.
    Load the result with `spamline store load DIR`.
    """
    try:
        from spamline.ingest.spark import read_paths, run_job
    except ImportError as exc:
        raise click.ClickException(f"spark-ingest needs pyspark: pip install pyspark ({exc})") from exc
    try:
        paths = read_paths(paths_file, prefix)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    brands = tuple(registered_brands(str(data_dir.root), store_url))
    result = run_job(paths, output.resolve(), master, region, brands)
    revisits = (f", {result.resolved} of {result.revisits} revisits resolved to their originals"
                if result.revisits else "")
    click.echo(f"{plural(len(paths), 'WARC file')}, {plural(result.captures, 'capture')} "
               f"written to {output}{revisits} (captures/, sightings/); "
               f"next: spamline store load {output}")

"""`spamline spark-ingest`: the ingest as a Spark job, as Common Crawl's cc-pyspark does it.

The driver reads a `warc.paths` list (one WARC per line, local path or file:// URL) into an
RDD with one partition per file, so each task streams one WARC with the same reader and
PageReader as `spamline ingest`. The task hands its rows to the JVM as Arrow record batches
(`mapInArrow`, not pickled Rows) and they go straight to Parquet (`captures/`, partitioned by
capture month, and `sightings/`, one row per number occurrence), never to the driver.
"""
from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pyarrow as pa

from spamline.ingest.run import read_member
from spamline.ingest.rows import page_row
from spamline.ingest.sources import members
from spamline.model import Brand
from spamline.pipelines.extract import PageReader

ROWS_PER_BATCH = 200  # rows a task holds before handing them to the JVM
SIGHTING = pa.struct([("e164", pa.string()), ("number_type", pa.string()), ("raw", pa.string()),
                      ("start", pa.int64()), ("end", pa.int64()), ("source", pa.string())])
SCHEMA = pa.schema([("month", pa.string()), ("url", pa.string()), ("captured_at", pa.string()),
                    ("warc_file", pa.string()), ("warc_offset", pa.int64()),
                    ("warc_record_id", pa.string()), ("capture", pa.string()),
                    ("page_features", pa.string()), ("sightings", pa.list_(SIGHTING))])


def read_paths(paths_file: Path, prefix: str = "") -> list[str]:
    """WARC locations from a warc.paths file (blank lines and # comments skipped)."""
    found = []
    for line in paths_file.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        location = prefix + line
        scheme = urlsplit(location).scheme
        if scheme == "file":
            location = urlsplit(location).path
        elif scheme:
            raise ValueError(f"{location}: only local paths and file:// URLs are read "
                             "(mount s3:// or https:// sources, e.g. with s3fs, and list the paths)")
        found.append(str(Path(location).expanduser().resolve()))
    if not found:
        raise ValueError(f"{paths_file} lists no WARC files")
    return found


def rows_of_file(path: str, region: str | None, brands: tuple[Brand, ...]) -> Iterator[dict]:
    """Every capture row of one WARC or WACZ file (runs in an executor, one task per file)."""
    reader = PageReader(region, brands)
    with tempfile.TemporaryDirectory(prefix="spamline-unpack-") as unpack:
        for member in members(Path(path), Path(unpack)):
            for batch in read_member(member, member.start, reader):
                for page in batch.pages:
                    yield page_row(page)


def batches_of_files(paths: Iterator[pa.RecordBatch], region: str | None,
                     brands: tuple[Brand, ...]) -> Iterator[pa.RecordBatch]:
    """The mapInArrow function: capture rows of the files named in `paths`, as Arrow batches
    of at most ROWS_PER_BATCH rows (what a task holds does not grow with the file)."""
    for names in paths:
        for path in names.column("path").to_pylist():
            rows = []
            for row in rows_of_file(path, region, brands):
                rows.append(row)
                if len(rows) == ROWS_PER_BATCH:
                    yield pa.RecordBatch.from_pylist(rows, schema=SCHEMA)
                    rows = []
            if rows:
                yield pa.RecordBatch.from_pylist(rows, schema=SCHEMA)


def run_job(paths: list[str], output: Path, master: str, region: str | None = None,
            brands: tuple[Brand, ...] = ()) -> int:
    """Run the job; returns the number of capture rows written."""
    from pyspark.sql import SparkSession, functions as F
    from pyspark.sql.pandas.types import from_arrow_schema

    session = (SparkSession.builder.master(master).appName("spamline-ingest")
               .config("spark.ui.enabled", "false").getOrCreate())
    try:
        files = session.createDataFrame(  # one partition, so one task, per file
            session.sparkContext.parallelize([(p,) for p in paths], len(paths)), "path string")
        rows = files.mapInArrow(lambda b: batches_of_files(b, region, brands),
                                from_arrow_schema(SCHEMA))
        captures = str(output / "captures")
        rows.write.mode("overwrite").partitionBy("month").parquet(captures)  # the one pass
        written = session.read.parquet(captures)
        (written.select("month", "url", "captured_at", "warc_file", "warc_offset",
                        "warc_record_id", F.explode("sightings").alias("s"))
         .select("month", "url", "captured_at", "warc_file", "warc_offset", "warc_record_id",
                 "s.*")
         .write.mode("overwrite").partitionBy("month").parquet(str(output / "sightings")))
        return written.count()
    finally:
        session.stop()

"""`spamline spark-ingest`: the ingest as a Spark job, as Common Crawl's cc-pyspark does it.

The driver reads a `warc.paths` list (one WARC per line, local path or file:// URL) into an
RDD with one partition per file, so each task streams one WARC with the same reader and
PageReader as `spamline ingest`; rows go straight to Parquet (`captures/`, partitioned by
capture month, and `sightings/`, one row per number occurrence), never to the driver.
"""
from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

from spamline.ingest.run import read_member
from spamline.ingest.rows import page_row
from spamline.ingest.sources import members
from spamline.model import Brand
from spamline.pipelines.extract import PageReader

SCHEMA = ("month string, url string, captured_at string, warc_file string, warc_offset long, "
          "warc_record_id string, capture string, page_features string, sightings array<struct<"
          "e164: string, number_type: string, raw: string, start: long, end: long, "
          "source: string>>")


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


def run_job(paths: list[str], output: Path, master: str, region: str | None = None,
            brands: tuple[Brand, ...] = ()) -> int:
    """Run the job; returns the number of capture rows written."""
    from pyspark.sql import SparkSession, functions as F

    session = (SparkSession.builder.master(master).appName("spamline-ingest")
               .config("spark.ui.enabled", "false").getOrCreate())
    try:
        rdd = session.sparkContext.parallelize(paths, len(paths)).flatMap(
            lambda p: rows_of_file(p, region, brands))
        captures = str(output / "captures")
        session.createDataFrame(rdd, SCHEMA).write.mode("overwrite").partitionBy(
            "month").parquet(captures)  # the one pass over the WARCs
        written = session.read.parquet(captures)
        (written.select("month", "url", "captured_at", "warc_file", "warc_offset",
                        "warc_record_id", F.explode("sightings").alias("s"))
         .select("month", "url", "captured_at", "warc_file", "warc_offset", "warc_record_id",
                 "s.*")
         .write.mode("overwrite").partitionBy("month").parquet(str(output / "sightings")))
        return written.count()
    finally:
        session.stop()

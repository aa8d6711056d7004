"""`spamline spark-ingest`: the ingest as a Spark job, as Common Crawl's cc-pyspark does it.

The driver reads a `warc.paths` list (one WARC per line, local path or file:// URL) into a
DataFrame with one partition per file, so each task streams one WARC with the same reader
and PageReader as `spamline ingest`. The task hands its rows to the JVM as Arrow record
batches (`mapInArrow`, not pickled Rows) and they go straight to Parquet, never to the
driver: `captures/` (partitioned by capture month) and `sightings/` (one row per number
occurrence). Revisit records go to `revisits/` in the same pass; a second, small pass joins
them with their originals (by WARC-Refers-To, else payload digest) and adds the resolved
ones to `captures/`.
"""
from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pyarrow as pa

from spamline.ingest.pages import Page, read_revisit, warc_date
from spamline.ingest.rows import page_row
from spamline.ingest.run import read_member
from spamline.ingest.sources import Member, members
from spamline.model import Brand
from spamline.pipelines.extract import PageReader

ROWS_PER_BATCH = 200  # rows a task holds before handing them to the JVM
SIGHTING = pa.struct([("e164", pa.string()), ("number_type", pa.string()), ("raw", pa.string()),
                      ("start", pa.int64()), ("end", pa.int64()), ("source", pa.string())])
CAPTURE_COLUMNS = [("month", pa.string()), ("url", pa.string()), ("captured_at", pa.string()),
                   ("warc_file", pa.string()), ("warc_offset", pa.int64()),
                   ("warc_record_id", pa.string()), ("capture", pa.string()),
                   ("page_features", pa.string()), ("sightings", pa.list_(SIGHTING)),
                   # set on records a revisit may refer to (their payload was read):
                   ("payload_digest", pa.string()), ("content_type", pa.string())]
REVISIT = pa.struct([("record", pa.string()),  # the record, as run.revisit_doc gives it
                     ("refers_to", pa.string()), ("digest", pa.string()), ("uri", pa.string())])
# what the first pass writes, partitioned by kind: a capture, or a revisit (its `revisit` set)
SCHEMA = pa.schema([("kind", pa.string()), *CAPTURE_COLUMNS, ("revisit", REVISIT)])
CAPTURES = SCHEMA.remove(0)  # the files of captures/


@dataclass
class JobResult:
    captures: int  # capture rows written (resolved revisits included)
    revisits: int  # revisit records read
    resolved: int  # of which resolved to an original in the input


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
    """Every capture and revisit row of one WARC, WACZ or ARC file (runs in an executor, one
    task per file)."""
    reader = PageReader(region, brands)
    with tempfile.TemporaryDirectory(prefix="spamline-unpack-") as unpack:
        for member in members(Path(path), Path(unpack)):
            for batch in read_member(member, member.start, reader):
                originals = {o.offset: o for o in batch.originals}
                for page in batch.pages:
                    row = {"kind": "capture", **page_row(page)}
                    if (original := originals.get(row["warc_offset"])) is not None:
                        row["payload_digest"] = original.digest
                        row["content_type"] = original.content_type
                    yield row
                for doc in batch.revisits:
                    yield {"kind": "revisit", "revisit": _revisit(doc),
                           "month": warc_date(doc["headers"].get("WARC-Date", ""))[:7]}


def _revisit(doc: dict) -> dict:
    """A revisit row: the record and what finds its original (as IngestState.original)."""
    headers = doc["headers"]
    return {"record": json.dumps(doc), "refers_to": headers.get("WARC-Refers-To", ""),
            "digest": headers.get("WARC-Payload-Digest", ""),
            "uri": (headers.get("WARC-Refers-To-Target-URI")
                    or headers.get("WARC-Target-URI", "")).strip("<>")}


def resolved_page(row: dict, reader: PageReader) -> Page | None:
    """The capture of a revisit read with its original's payload (None if it cannot be read)."""
    original = _member_at(Path(row["warc_file"]), row["warc_offset"])
    if original is None:
        return None
    return read_revisit(json.loads(row["record"]), original, row["warc_offset"],
                        row["warc_record_id"], row["content_type"], reader)


def _member_at(path: Path, offset: int) -> Member | None:
    """The member of `path` that holds the record at `offset`."""
    with tempfile.TemporaryDirectory(prefix="spamline-unpack-") as unpack:
        return next((m for m in members(path, Path(unpack)) if m.start <= offset < m.end
                     and m.path == path), None)


def _batches(rows: Iterator[dict], schema: pa.Schema) -> Iterator[pa.RecordBatch]:
    """`rows` as Arrow batches of at most ROWS_PER_BATCH rows (bounded memory)."""
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) == ROWS_PER_BATCH:
            yield pa.RecordBatch.from_pylist(batch, schema=schema)
            batch = []
    if batch:
        yield pa.RecordBatch.from_pylist(batch, schema=schema)


def read_files(paths: Iterator[pa.RecordBatch], region: str | None,
               brands: tuple[Brand, ...]) -> Iterator[pa.RecordBatch]:
    """First pass (mapInArrow): the rows of the files named in `paths`."""
    for names in paths:
        for path in names.column("path").to_pylist():
            yield from _batches(rows_of_file(path, region, brands), SCHEMA)


def resolve_revisits(matched: Iterator[pa.RecordBatch], region: str | None,
                     brands: tuple[Brand, ...]) -> Iterator[pa.RecordBatch]:
    """Second pass (mapInArrow): revisits joined with their originals, as capture rows."""
    reader = PageReader(region, brands)

    def rows() -> Iterator[dict]:
        for batch in matched:
            for row in batch.to_pylist():
                if (page := resolved_page(row, reader)) is not None:
                    yield page_row(page)
    yield from _batches(rows(), CAPTURES)


def run_job(paths: list[str], output: Path, master: str, region: str | None = None,
            brands: tuple[Brand, ...] = ()) -> JobResult:
    """Run the job: captures/, sightings/ (and revisits/, when the input has any) under
    `output`, a folder the driver and the executors see at the same path."""
    from pyspark.sql import SparkSession
    from pyspark.sql.pandas.types import from_arrow_schema

    session = (SparkSession.builder.master(master).appName("spamline-ingest")
               .config("spark.ui.enabled", "false")
               .config("spark.python.daemon.module", "spamline.ingest.spark_daemon")
               .getOrCreate())
    try:
        files = session.createDataFrame(  # one partition, so one task, per file
            session.sparkContext.parallelize([(p,) for p in paths], len(paths)), "path string")
        first = files.mapInArrow(lambda b: read_files(b, region, brands),
                                 from_arrow_schema(SCHEMA))
        read_dir = output / "_read"
        first.write.mode("overwrite").partitionBy("kind", "month").parquet(str(read_dir))
        for kind, name in (("capture", "captures"), ("revisit", "revisits")):
            shutil.rmtree(output / name, ignore_errors=True)
            if (read_dir / f"kind={kind}").is_dir():
                (read_dir / f"kind={kind}").rename(output / name)
        shutil.rmtree(read_dir)
        if not (output / "captures").is_dir():  # no capture at all: an empty captures/
            session.createDataFrame([], from_arrow_schema(CAPTURES)).write.parquet(
                str(output / "captures"))
        read = session.read.parquet(str(output / "captures")).count()
        revisits = resolved = 0
        if (output / "revisits").is_dir():
            revisits = session.read.parquet(str(output / "revisits")).count()
            _resolve(session, output, region, brands)
            resolved = session.read.parquet(str(output / "captures")).count() - read
        _write_sightings(session, output)
        return JobResult(read + resolved, revisits, resolved)
    finally:
        session.stop()


def _resolve(session, output: Path, region: str | None, brands: tuple[Brand, ...]) -> None:
    """Second pass: each revisit joined with its original (by WARC-Refers-To, else by payload
    digest, the same URI first), read with the original's payload into captures/."""
    from pyspark.sql import Window, functions as F
    from pyspark.sql.pandas.types import from_arrow_schema

    revisits = session.read.parquet(str(output / "revisits")).select("revisit.*")
    originals = (session.read.parquet(str(output / "captures"))
                 .where(F.col("payload_digest").isNotNull())
                 .select("warc_file", "warc_offset", "warc_record_id", "payload_digest",
                         F.col("url").alias("original_uri"), "content_type"))
    by_id = revisits.join(originals, revisits.refers_to == originals.warc_record_id)
    rest = revisits.join(by_id.select("record"), "record", "left_anti")
    best = Window.partitionBy("record").orderBy(
        (F.col("original_uri") == F.col("uri")).desc(), "warc_file", "warc_offset")
    by_digest = (rest.join(originals, rest.digest == originals.payload_digest)
                 .withColumn("n", F.row_number().over(best)).where("n = 1").drop("n"))
    matched = by_id.unionByName(by_digest).select(
        "record", "warc_file", "warc_offset", "warc_record_id", "content_type")
    (matched.mapInArrow(lambda b: resolve_revisits(b, region, brands), from_arrow_schema(CAPTURES))
     .write.mode("append").partitionBy("month").parquet(str(output / "captures")))


def _write_sightings(session, output: Path) -> None:
    """sightings/: one row per number occurrence, for analysts' queries."""
    from pyspark.sql import functions as F

    cols = ["month", "url", "captured_at", "warc_file", "warc_offset", "warc_record_id"]
    (session.read.parquet(str(output / "captures"))
     .select(*cols, F.explode("sightings").alias("s")).select(*cols, "s.*")
     .write.mode("overwrite").partitionBy("month").parquet(str(output / "sightings")))

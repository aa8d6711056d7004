"""`spamline store load DIR`: put the Parquet output of `spark-ingest` into a store."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from spamline.brands.features import PageAnalyzer
from spamline.ingest.rows import page_of_row
from spamline.ingest.run import analyzed

BATCH = 500


def load_parquet(folder: Path, store: Any, brands: list) -> tuple[int, int]:
    """Load captures/ in source order (file, offset) with the page features applied as a
    local ingest applies them; idempotent by capture id. Returns (captures, occurrences)."""
    import pyarrow.dataset as ds

    captures_dir = folder / "captures"
    if not captures_dir.is_dir():
        raise ValueError(f"{folder} has no captures/ folder: give the --output of spark-ingest")
    table = ds.dataset(captures_dir, format="parquet", partitioning="hive").to_table(
        columns=["warc_file", "warc_offset", "capture", "page_features"])
    table = table.sort_by([("warc_file", "ascending"), ("warc_offset", "ascending")])
    analyzer = PageAnalyzer(brands)
    done = hits = 0
    for batch in table.to_batches(BATCH):
        caps = [analyzed(page_of_row(row), analyzer) for row in batch.to_pylist()]
        store.add_captures(caps)
        done += len(caps)
        hits += sum(len(c.hits) for c in caps)
    return done, hits

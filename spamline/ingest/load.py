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
    local ingest applies them, one source file at a time; idempotent by capture id.
    Returns (captures, number occurrences)."""
    import pyarrow.dataset as ds

    captures_dir = folder / "captures"
    if not captures_dir.is_dir():
        raise ValueError(f"{folder} has no captures/ folder: give the --output of spark-ingest")
    dataset = ds.dataset(captures_dir, format="parquet", partitioning="hive")
    files = sorted(set(dataset.to_table(columns=["warc_file"]).column("warc_file").to_pylist()))
    analyzer = PageAnalyzer(brands)
    done = hits = 0
    for name in files:  # one source file at a time: memory is bounded by the largest file
        table = dataset.to_table(columns=["warc_offset", "capture", "page_features"],
                                 filter=ds.field("warc_file") == name)
        table = table.sort_by([("warc_offset", "ascending")])
        for batch in table.to_batches(BATCH):
            caps = [analyzed(page_of_row(row), analyzer) for row in batch.to_pylist()]
            store.add_captures(caps)
            done += len(caps)
            hits += sum(len(c.hits) for c in caps)
    return done, hits

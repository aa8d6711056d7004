"""`spamline spark-ingest` in local mode gives the same sightings as `spamline ingest`."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from spamline.datadir import DataDir
from spamline.samplenet import SampleNetworkServer
from spamline.store import open_store
from tests.crawler.conftest import run_spamline
from tests.ingest.conftest import fresh_data_dir, ingest

pytest.importorskip("pyspark")
pytestmark = pytest.mark.skipif(shutil.which("java") is None, reason="Spark needs a Java runtime")


def sightings(data: Path) -> set[tuple]:
    with open_store(None, DataDir.existing(data)) as store:
        return {(s.url, s.e164, s.start, s.raw, s.brand, s.captured_at, s.warc_file, s.warc_offset)
                for s in store.iter_sightings()}


def test_spark_ingest_then_store_load_matches_ingest(samplenet: SampleNetworkServer,
                                                     warcio_file: Path, tmp_path):
    paths = tmp_path / "warc.paths"
    paths.write_text(f"# a Common Crawl style list\nfile://{warcio_file}\n", encoding="utf-8")
    spark_data = fresh_data_dir(samplenet, tmp_path / "spark")
    out = tmp_path / "parquet"
    run_spamline("spark-ingest", str(paths), "--output", str(out), "--master", "local[1]",
                 "--data-dir", str(spark_data), timeout=600)
    assert list((out / "captures").glob("month=*/*.parquet"))
    assert list((out / "sightings").glob("month=*/*.parquet"))
    run_spamline("store", "load", str(out), "--data-dir", str(spark_data))
    local = fresh_data_dir(samplenet, tmp_path / "local")
    ingest(local, warcio_file)
    assert sightings(spark_data) == sightings(local) and sightings(local)
    run_spamline("store", "load", str(out), "--data-dir", str(spark_data))  # idempotent
    with open_store(None, DataDir.existing(spark_data)) as a, \
            open_store(None, DataDir.existing(local)) as b:
        assert a.counts() == b.counts()


def test_bad_paths_file_is_a_clear_error(tmp_path):
    paths = tmp_path / "warc.paths"
    paths.write_text("s3://commoncrawl/crawl-data/x.warc.gz\n", encoding="utf-8")
    proc = run_spamline("spark-ingest", str(paths), "--output", str(tmp_path / "o"),
                        "--data-dir", str(tmp_path / "d"), check=False)
    assert proc.returncode == 1 and "only local paths" in proc.stderr

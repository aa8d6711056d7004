"""`spamline spark-ingest` in local mode gives the same sightings as `spamline ingest`."""
from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from warcio.warcwriter import WARCWriter

from spamline.datadir import DataDir
from spamline.samplenet import SampleNetworkServer
from spamline.store import open_store
from tests.crawler.conftest import run_spamline
from tests.ingest.conftest import HTML_HEAD, fresh_data_dir, ingest, responses
from tests.ingest.test_ingest import page_records
from tests.store.conftest import es_emulator, es_prefix, es_url  # noqa: F401  (fixtures)

pytest.importorskip("pyspark")
pytestmark = pytest.mark.skipif(shutil.which("java") is None, reason="Spark needs a Java runtime")


def sightings(data: Path) -> set[tuple]:
    with open_store(None, DataDir.existing(data)) as store:
        return store_sightings(store)


def store_sightings(store) -> set[tuple]:
    return {(s.url, s.e164, s.start, s.raw, s.brand, s.captured_at, s.warc_file, s.warc_offset)
            for s in store.iter_sightings()}


@pytest.fixture(scope="module")
def spark_output(samplenet: SampleNetworkServer, warcio_file: Path,
                 tmp_path_factory: pytest.TempPathFactory) -> Path:
    """spark-ingest's Parquet output for the sample network's pages (one Spark run)."""
    tmp = tmp_path_factory.mktemp("spark")
    paths = tmp / "warc.paths"
    paths.write_text(f"# a Common Crawl style list\nfile://{warcio_file}\n", encoding="utf-8")
    out = tmp / "parquet"
    run_spamline("spark-ingest", str(paths), "--output", str(out), "--master", "local[1]",
                 "--data-dir", str(fresh_data_dir(samplenet, tmp / "data")), timeout=600)
    assert list((out / "captures").glob("month=*/*.parquet"))
    assert list((out / "sightings").glob("month=*/*.parquet"))
    return out


def test_spark_ingest_then_store_load_matches_ingest(samplenet: SampleNetworkServer,
                                                     warcio_file: Path, spark_output: Path,
                                                     tmp_path):
    spark_data = fresh_data_dir(samplenet, tmp_path / "spark")
    run_spamline("store", "load", str(spark_output), "--data-dir", str(spark_data))
    local = fresh_data_dir(samplenet, tmp_path / "local")
    ingest(local, warcio_file)
    assert sightings(spark_data) == sightings(local) and sightings(local)
    run_spamline("store", "load", str(spark_output), "--data-dir", str(spark_data))  # idempotent
    with open_store(None, DataDir.existing(spark_data)) as a, \
            open_store(None, DataDir.existing(local)) as b:
        assert a.counts() == b.counts()


def test_store_load_into_elasticsearch_finds_what_sqlite_finds(
        samplenet: SampleNetworkServer, spark_output: Path, es_url: str, tmp_path):
    sqlite_data = fresh_data_dir(samplenet, tmp_path / "sqlite")
    run_spamline("store", "load", str(spark_output), "--data-dir", str(sqlite_data))
    store_url = f"{es_url}/{es_prefix()}".replace("http://", "es://", 1)
    es_data = DataDir.open(tmp_path / "es")
    with open_store(None, DataDir.existing(sqlite_data)) as sqlite, \
            open_store(store_url, es_data) as es:
        try:
            for brand in sqlite.brands():  # the same registry as the SQLite side
                es.add_brand(brand)
            for _ in range(2):  # the second load stores nothing new
                run_spamline("store", "load", str(spark_output), "--data-dir", str(es_data.root),
                             "--store", store_url)
                assert store_sightings(es) == store_sightings(sqlite) and store_sightings(sqlite)
                assert es.counts()["sightings"] == sqlite.counts()["sightings"]
        finally:
            es.drop()


def test_revisits_resolve_to_their_originals_as_in_ingest(tmp_path):
    first, second = tmp_path / "a.warc.gz", tmp_path / "b.warc.gz"
    first.write_bytes(page_records(3))
    originals = responses(first)
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=True)
    (_, digest0, date0), (id1, _, date1) = originals[:2]
    for uri, digest, date, extra in (
            ("http://pages.test/p/0", digest0, date0, None),  # found by payload digest
            ("http://pages.test/p/1", "sha1:NOTINTHEINPUT", date1,  # by WARC-Refers-To
             {"WARC-Refers-To": id1}),
            ("http://pages.test/p/9", "sha1:NOTINTHEINPUT", date1, None)):  # not found
        writer.write_record(writer.create_revisit_record(uri, digest, uri, date,
                                                         http_headers=HTML_HEAD,
                                                         warc_headers_dict=extra))
    second.write_bytes(out.getvalue())
    paths = tmp_path / "warc.paths"
    paths.write_text(f"{second}\n{first}\n", encoding="utf-8")
    out_dir = tmp_path / "parquet"
    proc = run_spamline("spark-ingest", str(paths), "--output", str(out_dir), "--master",
                        "local[1]", "--data-dir", str(tmp_path / "spark"), timeout=600)
    assert "5 captures" in proc.stdout and "2 of 3 revisits resolved" in proc.stdout
    run_spamline("store", "load", str(out_dir), "--data-dir", str(tmp_path / "spark"))
    ingest(tmp_path / "local", second, first)
    found = sightings(tmp_path / "spark")
    assert found == sightings(tmp_path / "local")
    assert {(url, warc_file) for url, *_, warc_file, _ in found} == {
        (f"http://pages.test/p/{i}", str(first)) for i in range(3)} | {
        (f"http://pages.test/p/{i}", str(second)) for i in range(2)}
    with open_store(None, DataDir.existing(tmp_path / "spark")) as store:
        revisit = next(c for c in store.iter_captures() if c.warc.file == str(second)
                       and c.url.endswith("/1"))
    assert revisit.features["source"]["refers_to"]["record_id"] == id1


def test_bad_paths_file_is_a_clear_error(tmp_path):
    paths = tmp_path / "warc.paths"
    paths.write_text("s3://commoncrawl/crawl-data/x.warc.gz\n", encoding="utf-8")
    proc = run_spamline("spark-ingest", str(paths), "--output", str(tmp_path / "o"),
                        "--data-dir", str(tmp_path / "d"), check=False)
    assert proc.returncode == 1 and "only local paths" in proc.stderr

"""`spamline store info|replay|migrate` through the real command line."""
from __future__ import annotations

import json
import uuid

import pytest
from click.testing import CliRunner

from spamline.cli import main
from spamline.datadir import DataDir
from spamline.model import Brand, Network
from spamline.store import open_store

from .backends import ES_SKIP, ES_URL
from .sample import FAKE, JD, sample_crawl


def filled(tmp_path) -> DataDir:
    data_dir = DataDir.open(tmp_path / "data")
    with open_store(None, data_dir) as store:
        store.add_captures(sample_crawl())
        store.add_brand(Brand("JD", aliases=["京东"], official=[JD]))
        store.save_networks([Network("net-1", numbers=[FAKE], pages=2)])
    return data_dir


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def test_info_json(tmp_path) -> None:
    data_dir = filled(tmp_path)
    code, out = run("store", "info", "--data-dir", str(data_dir.root), "--json")
    assert code == 0
    assert json.loads(out) == {"pages": 5, "captures": 6, "sightings": 8, "numbers": 4,
                               "domains": 3, "brands": 1, "spooled": 0}


def check_migrated(target_url: str, data_dir: DataDir) -> None:
    code, out = run("store", "migrate", "--data-dir", str(data_dir.root), "--to", target_url,
                    "--json")
    assert code == 0, out
    assert json.loads(out.strip().splitlines()[-1])["copied"] == 6
    with open_store(None, data_dir) as src, open_store(target_url, data_dir) as dst:
        assert dst.counts() == src.counts()
        assert dst.brands() == src.brands()
        assert dst.networks() == src.networks()
        for query in (FAKE, "京东", "other.test", "客服"):
            assert dst.search(query) == src.search(query), query
        assert dst.number_profile(FAKE) == src.number_profile(FAKE)
        assert dst.brand_report("JD") == src.brand_report("JD")
    code, _ = run("store", "migrate", "--data-dir", str(data_dir.root), "--to", target_url)
    assert code == 0  # running it again changes nothing
    with open_store(target_url, data_dir) as dst:
        assert dst.counts()["sightings"] == 8


def test_migrate_to_another_sqlite_file(tmp_path) -> None:
    check_migrated(f"sqlite:{tmp_path / 'copy.db'}", filled(tmp_path))


@pytest.mark.es
def test_migrate_to_elasticsearch(tmp_path) -> None:
    if not ES_URL:
        pytest.skip(ES_SKIP)
    url = f"{ES_URL.rstrip('/')}/spamline-test-{uuid.uuid4().hex[:8]}"
    data_dir = filled(tmp_path)
    try:
        check_migrated(url, data_dir)
    finally:
        with open_store(url, data_dir) as dst:
            dst.drop()  # type: ignore[attr-defined]


def test_bad_store_url_is_a_clear_error(tmp_path) -> None:
    code, out = run("store", "info", "--data-dir", str(tmp_path), "--store", "mysql://x")
    assert code == 1 and "use sqlite:PATH, es://host:9200" in out

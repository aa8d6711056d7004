"""End to end on Elasticsearch (the ES-API emulator, noida-db, which is not a real
Elasticsearch; and a real server when SPAMLINE_ES_URL is set): crawl the sample network
with `--store es://…`, search it, export evidence and verify the package."""
from __future__ import annotations

import json
from pathlib import Path

from spamline.datadir import DataDir
from spamline.samplenet import SampleNetworkServer
from spamline.store import open_store
from tests.crawler.conftest import crawl_args, run_spamline

from .conftest import es_prefix



def test_crawl_search_and_export_through_elasticsearch(es_url: str, tmp_path: Path) -> None:
    store_url = f"{es_url}/{es_prefix()}".replace("http://", "es://", 1)
    with SampleNetworkServer(seed=7, pages_per_site=2) as srv:
        run_spamline(*crawl_args(srv, tmp_path, "--store", store_url))
        truth = srv.ground_truth
    assert not (tmp_path / "spamline.db").exists(), "nothing went to SQLite"
    with open_store(store_url, DataDir.open(tmp_path)) as store:
        found: dict[str, set[str]] = {}
        for s in store.iter_sightings():
            found.setdefault(s.url, set()).add(s.e164)
        try:
            score = truth.score(found)
            assert score.recall >= 0.99 and score.precision >= 0.95, score

            number = sorted(next(iter(truth.networks.values())).numbers)[0]
            rows = [json.loads(line) for line in run_spamline(
                "search", number.replace("+86", ""), "--data-dir", str(tmp_path),
                "--store", store_url, "--json").stdout.splitlines()]
            assert rows and {r["e164"] for r in rows} == {number}
            assert {r["url"] for r in rows} == {u for u, ns in found.items() if number in ns}
            assert all((tmp_path / "warcs" / r["warc_file"]).is_file() for r in rows)

            package = tmp_path / "number.wacz"
            run_spamline("evidence", "export", "--number", number, "-o", str(package),
                         "--data-dir", str(tmp_path), "--store", store_url)
            verified = run_spamline("evidence", "verify", "--data-dir", str(tmp_path), str(package),
                                    "--json")
            assert json.loads(verified.stdout)["ok"] is True
        finally:
            store.drop()

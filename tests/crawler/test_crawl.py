"""The spine end to end: crawl the sample network, store, search, archive."""
from __future__ import annotations

import json
from collections import Counter, defaultdict
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from spamline.datadir import DataDir
from spamline.phones import decode_body
from spamline.samplenet import SampleNetworkServer
from spamline.store import open_store
from tests.crawler.conftest import crawl_args, run_spamline


def page_fetches(srv: SampleNetworkServer) -> Counter[str]:
    """Requests the server answered per page URL (robots.txt and sitemaps left out)."""
    return Counter({u: n for u, n in srv.fetch_counts.items()
                    if not u.endswith(("/robots.txt", "/sitemap.xml"))})


def stored_numbers(data_dir: Path) -> dict[str, set[str]]:
    """Page URL -> numbers, as the store holds them."""
    found: dict[str, set[str]] = defaultdict(set)
    with open_store(None, DataDir.open(data_dir)) as store:
        for s in store.iter_sightings():
            found[s.url].add(s.e164)
    return found


def test_crawl_scores_against_ground_truth(samplenet: SampleNetworkServer, tmp_path: Path) -> None:
    samplenet.fetch_counts.clear()
    result = run_spamline(*crawl_args(samplenet, tmp_path))
    assert "crawled" in result.stdout
    truth = samplenet.ground_truth
    score = truth.score(stored_numbers(tmp_path))
    print(f"\nsample network crawl: {score}")
    assert set(truth.pages) <= set(page_fetches(samplenet)), "every page was fetched"
    assert score.recall >= 0.99 and score.precision >= 0.95, score


def test_search_returns_warc_locations_that_open(samplenet: SampleNetworkServer,
                                                 tmp_path: Path) -> None:
    run_spamline(*crawl_args(samplenet, tmp_path))
    network = next(iter(samplenet.ground_truth.networks.values()))
    number = sorted(network.numbers)[0]
    typed = number.replace("+86", "")  # as an analyst types it: national format, no country code
    rows = [json.loads(l) for l in run_spamline("search", typed, "--data-dir", str(tmp_path),
                                                "--json").stdout.splitlines()]
    assert rows and all(r["e164"] == number for r in rows)
    for row in rows[:5]:
        path = tmp_path / "warcs" / row["warc_file"]
        with path.open("rb") as f:
            f.seek(row["warc_offset"])
            record = next(iter(ArchiveIterator(f)))
            assert record.rec_type in ("response", "revisit")
            assert record.rec_headers.get_header("WARC-Target-URI") == row["url"]
            if record.rec_type == "response":
                payload = record.content_stream().read()
                content_type = record.http_headers.get_header("Content-Type")
                source, _ = decode_body(payload, content_type)
                assert source[row["start"]:row["end"]] == row["raw"], "offsets trace to the WARC"


def test_interrupted_crawl_resumes_without_refetching(samplenet: SampleNetworkServer,
                                                      tmp_path: Path) -> None:
    samplenet.fetch_counts.clear()
    first = run_spamline(*crawl_args(samplenet, tmp_path, "--max-pages", "25"))
    assert "resume" in first.stdout
    fetched_first = set(page_fetches(samplenet))
    assert 0 < len(fetched_first) < len(samplenet.ground_truth.pages)
    second = run_spamline(*crawl_args(samplenet, tmp_path))
    assert "finished" in second.stdout
    fetches = page_fetches(samplenet)
    twice = {u: n for u, n in fetches.items() if n > 1}
    assert not twice, f"fetched more than once: {twice}"
    missing = set(samplenet.ground_truth.pages) - set(fetches)
    assert not missing, f"lost by the interruption: {sorted(missing)[:5]}"
    assert set(samplenet.ground_truth.pages) <= set(stored_numbers(tmp_path)) | {
        u for u, t in samplenet.ground_truth.pages.items() if not t.numbers}

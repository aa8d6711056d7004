"""Bad input to `spamline crawl` gets a clear error and loses nothing."""
from __future__ import annotations

from pathlib import Path

from spamline.samplenet import SampleNetworkServer
from tests.crawler.conftest import resolve_args, run_spamline


def test_unreachable_url_exits_1_saying_why(tmp_path: Path) -> None:
    result = run_spamline("crawl", "http://127.0.0.1:9/", "--data-dir", str(tmp_path),
                          "--allow-private", "--no-progress", check=False)
    assert result.returncode == 1
    assert "no page could be fetched" in result.stderr
    assert "Connection" in result.stderr and "127.0.0.1:9" in result.stderr


def test_private_address_refused_without_allow_private(samplenet: SampleNetworkServer,
                                                       tmp_path: Path) -> None:
    samplenet.fetch_counts.clear()
    seed = samplenet.seed_urls[0]
    result = run_spamline("crawl", seed, "--data-dir", str(tmp_path), "--no-progress",
                          *resolve_args(samplenet), check=False)
    assert result.returncode == 1
    assert "--allow-private" in result.stderr and "non-public address 127.0.0.1" in result.stderr
    assert not samplenet.fetch_counts, "nothing was fetched from the private address"


def test_non_html_body_is_archived_not_read(samplenet: SampleNetworkServer, tmp_path: Path) -> None:
    host = next(iter(samplenet.host_map))
    url = samplenet.url(host, "/_test/binary")
    result = run_spamline("crawl", url, "--data-dir", str(tmp_path), "--allow-private",
                          "--no-progress", *resolve_args(samplenet))
    assert "1 response was not text" in result.stdout
    assert list((tmp_path / "warcs").glob("*.warc.gz")), "the binary response is archived"


def test_data_dir_that_cannot_be_created(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    result = run_spamline("crawl", "http://example.test/", "--data-dir", str(blocker / "data"),
                          check=False)
    assert result.returncode == 1
    assert "cannot create data directory" in result.stderr and "--data-dir" in result.stderr


def test_not_a_url_is_a_usage_error(tmp_path: Path) -> None:
    result = run_spamline("crawl", "notaurl", "--data-dir", str(tmp_path), check=False)
    assert result.returncode == 2 and "not an http(s) URL" in result.stderr

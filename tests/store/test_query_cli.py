"""`spamline search` and `spamline number` read what an analyst types, as typed."""
from __future__ import annotations

import json

from click.testing import CliRunner

from spamline.cli import main
from spamline.datadir import DataDir
from spamline.store import open_store

from .sample import capture, hit

TOLL_FREE = "+18665550170"


def store_with_toll_free(tmp_path) -> str:
    data_dir = DataDir.open(tmp_path / "data")
    with open_store(None, data_dir) as store:
        store.add_captures([capture("http://air-help.test/a", "2026-11-02T08:00:00Z",
                                    [hit(TOLL_FREE, "1-866-555-0170", 10, "toll_free", "US")])])
    return str(data_dir.root)


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def test_number_typed_in_nanp_layout_is_read_as_nanp(tmp_path) -> None:
    root = store_with_toll_free(tmp_path)
    for typed in ("1-866-555-0170", "866-555-0170", "(866) 555-0170"):
        result = run("number", typed, "--data-dir", root, "--json")
        assert result.exit_code == 0, (typed, result.output)
        assert json.loads(result.output)["e164"] == TOLL_FREE


def test_number_region_option_decides_the_reading(tmp_path) -> None:
    root = store_with_toll_free(tmp_path)
    assert json.loads(run("number", "866-555-0170", "--region", "us", "--data-dir", root,
                          "--json").output)["e164"] == TOLL_FREE
    result = run("number", "1-866-555-0170", "--region", "CN", "--data-dir", root)
    assert result.exit_code == 1 and "+8618665550170 was never seen" in result.output


def test_empty_search_is_a_usage_error(tmp_path) -> None:
    root = store_with_toll_free(tmp_path)
    for query in ("", "   "):
        result = run("search", query, "--data-dir", root)
        assert result.exit_code == 2 and "QUERY is empty" in result.output


def test_reading_commands_never_create_a_data_dir(tmp_path) -> None:
    store_with_toll_free(tmp_path)
    missing = tmp_path / "dat"  # a typo of tmp_path / "data"
    for args in (["search", "866-555-0170"], ["number", "866-555-0170"]):
        result = run(*args, "--data-dir", str(missing))
        assert result.exit_code == 1 and f"no spamline data directory at {missing}" in result.output
    assert not missing.exists()


def test_brand_search_shows_pages_that_only_carry_the_word(tmp_path) -> None:
    data_dir = DataDir.open(tmp_path / "data")
    with open_store(None, data_dir) as store:
        store.add_captures([
            capture("http://delta-help.test/", "2026-11-02T08:00:00Z",
                    [hit(TOLL_FREE, "1-866-555-0170", 10, "toll_free", "US")], ["Delta"],
                    "Delta Airlines Reservations", "Delta reservations 1-866-555-0170", 1),
            capture("http://travel-blog.test/", "2026-11-03T08:00:00Z",
                    [hit(TOLL_FREE, "1-866-555-0170", 10, "toll_free", "US")], [],
                    "Cheap flights", "Book Delta or United: 1-866-555-0170", 2),
        ])
    root = str(data_dir.root)
    rows = [json.loads(x) for x in run("search", "delta", "--data-dir", root, "--json").output.splitlines()]
    assert [(r["url"], r["matched"]) for r in rows] == [("http://delta-help.test/", "brand"),
                                                         ("http://travel-blog.test/", "text")]
    table = run("search", "Delta", "--data-dir", root).output
    assert "word in text" in table and "brand" in table

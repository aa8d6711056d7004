"""`spamline brand add|list|report` against a real SQLite store."""
from __future__ import annotations

import json

from click.testing import CliRunner

from spamline.cli import main
from spamline.datadir import DataDir
from spamline.model import Capture
from spamline.store import open_store
from tests.networks.conftest import sample_captures


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_add_list_and_update(tmp_path) -> None:
    d = str(tmp_path / "data")
    r = run("brand", "add", "金盾保险柜", "--alias", "Jindun", "--official", "400-612-0260",
            "--official", "+86 10 8128 6001", "--data-dir", d)
    assert r.exit_code == 0, r.output
    assert "+864006120260" in r.output and "+861081286001" in r.output
    r = run("brand", "add", "金盾保险柜", "--alias", "金盾", "--data-dir", d, "--json")
    assert json.loads(r.output) == {"name": "金盾保险柜", "aliases": ["Jindun", "金盾"],
                                    "official": ["+864006120260", "+861081286001"]}
    rows = [json.loads(x) for x in run("brand", "list", "--data-dir", d, "--json").output.splitlines()]
    assert [b["name"] for b in rows] == ["金盾保险柜"]
    assert "Jindun" in run("brand", "list", "--data-dir", d).output


def test_unreadable_number_is_a_clear_error(tmp_path) -> None:
    r = CliRunner().invoke(main, ["brand", "add", "Acme", "--official", "call us",
                                  "--data-dir", str(tmp_path / "d")])
    assert r.exit_code == 1
    assert "not a phone number" in r.output and "country code" in r.output


def test_report_lists_foreign_numbers_newest_first_with_evidence(tmp_path, sample_net) -> None:
    data = DataDir.open(tmp_path / "data")
    caps: list[Capture] = sample_captures(sample_net, only={"jindun-400.test", "jindun-guanwang.test"})
    with open_store(None, data) as store:
        store.add_captures(caps)
    official = sample_net.official["金盾保险柜"]
    r = run("brand", "add", "金盾保险柜", "--alias", "金盾", *(x for o in official for x in ("--official", o)),
            "--data-dir", str(data.root))
    assert r.exit_code == 0, r.output
    out = run("brand", "report", "金盾", "--data-dir", str(data.root), "--json").output
    rows = [json.loads(x) for x in out.splitlines()]
    assert rows, "the spam site gives 金盾 numbers it does not own"
    assert not {r["e164"] for r in rows} & set(official)
    assert [r["captured_at"] for r in rows] == sorted((r["captured_at"] for r in rows), reverse=True)
    assert all(r["warc_file"] == "sample-00000.warc.gz" and r["warc_offset"] is not None for r in rows)
    assert {r["domain"] for r in rows} >= {"jindun-400.test"}
    table = run("brand", "report", "金盾保险柜", "--data-dir", str(data.root)).output
    assert "sample-00000.warc.gz@" in table and "sightings on" in table


def test_report_of_unregistered_brand_says_how_to_register(tmp_path) -> None:
    open_store(None, DataDir.open(tmp_path / "d")).close()  # an empty store: report only reads
    r = CliRunner().invoke(main, ["brand", "report", "Nobody", "--data-dir", str(tmp_path / "d")])
    assert r.exit_code == 0
    assert "spamline brand add Nobody --official" in r.output

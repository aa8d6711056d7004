"""`spamline inspect`: the real command on corpus pages, JSON contract, errors, no data dir."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from spamline.brands.inspect import inspect_page
from spamline.cli import main
from spamline.model import Brand

CORPUS = Path(__file__).parents[1] / "corpus" / "realworld"
FIELDS = {"file", "encoding", "title", "region", "numbers", "brands", "products", "spam",
          "spam_score", "reasons"}


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """The installed command in a fresh process (to see it create no data dir)."""
    return subprocess.run([sys.executable, "-m", "spamline", "inspect", *args],
                          capture_output=True, text=True, cwd=cwd, timeout=120, check=False)


def invoke(*args: str, tmp_path: Path):
    """The command in this process (faster), with no data dir."""
    return CliRunner().invoke(main, ["inspect", *args, "--data-dir", str(tmp_path / "none")])


def test_json_line_per_file_with_verdict_and_reasons(tmp_path: Path) -> None:
    doorway, contact = CORPUS / "zh" / "01.html", CORPUS / "zh" / "20.html"
    result = run(str(doorway), str(contact), "--json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    first, second = (json.loads(line) for line in result.stdout.splitlines())
    assert FIELDS <= set(first) and FIELDS <= set(second)
    assert first["file"] == str(doorway) and first["encoding"] == "utf-8"
    assert first["brands"][0] == "金盾" and first["products"][0] == "保险柜"
    assert first["spam"] is True and first["spam_score"] >= 0.5
    assert any("region-list padding" in r for r in first["reasons"])
    assert {n["e164"] for n in first["numbers"]} == {"+864008123456", "+8613800138000"}
    source = doorway.read_text(encoding="utf-8")
    for n in first["numbers"]:
        assert source[n["start"]:n["end"]] == n["raw"] and n["region"] == "CN"
    assert second["spam"] is False and second["brands"][0] == "海尔"
    assert not (tmp_path / "spamline-data").exists()  # inspect never creates a data dir


def test_url_is_evidence_and_table_output(tmp_path: Path) -> None:
    page = CORPUS / "en" / "18.html"  # Delta's contact page
    own = invoke(str(page), "--url", "https://www.delta.com/contact", tmp_path=tmp_path)
    borrowed = invoke(str(page), "--url", "https://delta-help.blogspot.com/", tmp_path=tmp_path)
    assert own.exit_code == borrowed.exit_code == 0
    assert "not spam" in own.output and "own domain" in own.output
    assert "SPAM" in borrowed.output and "borrows the name" in borrowed.output
    assert "+18002211212" in own.output
    assert not (tmp_path / "none").exists()


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    result = invoke(str(tmp_path / "nope.html"), tmp_path=tmp_path)
    assert result.exit_code == 1
    assert "cannot read" in result.output and result.exception.__class__ is SystemExit


def test_registered_brand_and_its_own_number() -> None:
    html = ("<html><title>Haier 空调售后服务电话</title><body><p>海尔空调维修 400-812-3456</p>"
            "<p>官方热线 400-699-9999</p></body></html>").encode()
    haier = Brand("Haier", ["海尔"], ["+864006999999"])
    report = inspect_page(html, "text/html", brands=[haier])
    assert report.brands[0] == "Haier"
    assert any("does not own" in r for r in report.reasons)
    assert any("official number" in r for r in report.reasons)


def test_empty_and_binary_files_give_a_quiet_report(tmp_path: Path) -> None:
    empty = tmp_path / "empty.html"
    empty.write_bytes(b"")
    blob = tmp_path / "blob.bin"
    blob.write_bytes(bytes(range(256)) * 20)
    result = invoke(str(empty), str(blob), "--json", tmp_path=tmp_path)
    assert result.exit_code == 0, result.output
    for line in result.output.splitlines():
        row = json.loads(line)
        assert row["numbers"] == [] and row["brands"] == [] and row["spam"] is False


def test_brands_registered_in_the_data_dir_are_used(tmp_path: Path) -> None:
    data = str(tmp_path / "data")
    added = CliRunner().invoke(main, ["brand", "add", "金盾保险柜", "--alias", "金盾",
                                      "--official", "400-600-1234", "--data-dir", data])
    assert added.exit_code == 0, added.output
    result = CliRunner().invoke(main, ["inspect", str(CORPUS / "zh" / "01.html"), "--json",
                                       "--data-dir", data])
    row = json.loads(result.output)
    assert row["brands"][0] == "金盾保险柜"
    assert any("does not own" in r for r in row["reasons"])

"""`spamline extract`: the real command on real files."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

PAGE = '<html><head><meta charset="gbk"><title>客服</title></head><body><p>客服热线：400-812-3456</p>' \
       '<a href="tel:13812345678">拨打</a></body></html>'


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "spamline", "extract", *args, "--data-dir", str(cwd / "data")],
                          capture_output=True, text=True, cwd=cwd, timeout=60, check=False)


def test_json_lines_one_per_occurrence(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_bytes(PAGE.encode("gbk"))
    notes = tmp_path / "notes.txt"
    notes.write_text("Call 1-800-FLOWERS today\n", encoding="utf-8")
    result = run(str(page), str(notes), "--json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(r["file"], r["e164"], r["type"], r["source"]) for r in rows] == [
        (str(page), "+864008123456", "shared_cost", "text"),
        (str(page), "+8613812345678", "mobile", "tel"),
        (str(notes), "+18003569377", "toll_free", "text"),
    ]
    source = PAGE
    for r in rows[:2]:
        assert source[r["start"]:r["end"]] == r["raw"]
        assert {"file", "e164", "raw", "start", "end", "type", "context"} <= set(r)


def test_table_output_and_region_option(tmp_path: Path) -> None:
    notes = tmp_path / "tw.txt"
    notes.write_text("免付費 0800-123-456\n", encoding="utf-8")
    plain = run(str(notes), cwd=tmp_path)
    assert plain.returncode == 0 and "0 numbers" in plain.stdout
    taiwan = run(str(notes), "--region", "TW", cwd=tmp_path)
    assert taiwan.returncode == 0
    assert "+886800123456" in taiwan.stdout and "toll_free" in taiwan.stdout and "e164" in taiwan.stdout


def test_include_possible_reports_invalid_but_plausible(tmp_path: Path) -> None:
    notes = tmp_path / "n.txt"
    notes.write_text("热线 14008123456\n", encoding="utf-8")
    assert "14008123456" not in run(str(notes), "--json", cwd=tmp_path).stdout
    rows = [json.loads(x) for x in run(str(notes), "--json", "--include-possible", cwd=tmp_path).stdout.splitlines()]
    assert [(r["e164"], r["type"]) for r in rows] == [("+8614008123456", "unknown")]


def test_missing_file_exits_1_with_a_clear_message(tmp_path: Path) -> None:
    result = run(str(tmp_path / "nope.html"), cwd=tmp_path)
    assert result.returncode == 1
    assert "cannot read" in result.stderr and "nope.html" in result.stderr


def test_bad_region_is_a_usage_error(tmp_path: Path) -> None:
    notes = tmp_path / "n.txt"
    notes.write_text("x", encoding="utf-8")
    assert run(str(notes), "--region", "CHINA", cwd=tmp_path).returncode == 2

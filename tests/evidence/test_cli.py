"""`spamline evidence export|verify` against a real SQLite store and the archived crawl."""
from __future__ import annotations

import json
import zipfile

from click.testing import CliRunner

from spamline.cli import main


def run(*args):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_export_by_number_then_verify(stored, tmp_path):
    out = tmp_path / "acme.wacz"
    result = run("evidence", "export", "--number", "400 812 3456", "-o", str(out),
                 "--data-dir", str(stored.data))
    assert result.exit_code == 0, result.output
    assert "verify" in result.output and out.exists()
    with zipfile.ZipFile(out) as zf:
        pages = zf.read("pages/pages.jsonl").decode().splitlines()[1:]
    expected = {c.url for c in stored.captures if any(h.e164 == "+864008123456" for h in c.hits)}
    assert {json.loads(p)["url"] for p in pages} == expected

    verified = run("evidence", "verify", str(out), "--json", "--data-dir", str(stored.data))
    assert verified.exit_code == 0, verified.output
    row = json.loads(verified.output)
    assert row["ok"] is True and row["signature"]["signer"].startswith("anonymous key sha256:")
    assert str(stored.data) in row["signature"]["trusted_as"]
    printed = run("evidence", "verify", str(out), "--data-dir", str(stored.data)).output
    assert f"signed by {row['signature']['signer']}" in printed and "not timestamped" in printed


def test_export_by_brand_as_json(stored, tmp_path):
    out = tmp_path / "brand.wacz"
    result = run("evidence", "export", "--brand", "Acme", "-o", str(out), "--json",
                 "--data-dir", str(stored.data))
    assert result.exit_code == 0, result.output
    row = json.loads(result.output.splitlines()[-1])
    assert row["path"] == str(out) and row["pages"] == sum(bool(c.brands) for c in stored.captures)


def test_verify_fails_with_exit_1_naming_the_member(stored, tmp_path):
    out = tmp_path / "acme.wacz"
    assert run("evidence", "export", "--number", "+864008123456", "-o", str(out),
               "--data-dir", str(stored.data)).exit_code == 0
    tampered = tmp_path / "tampered.wacz"
    with zipfile.ZipFile(out) as zin, zipfile.ZipFile(tampered, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "report/report.html":
                data = data.replace(b"Acme", b"Acne")
            zout.writestr(info, data)
    result = CliRunner().invoke(main, ["evidence", "verify", str(tampered)])
    assert result.exit_code == 1
    assert "report/report.html: SHA-256 does not match datapackage.json" in result.output


def test_usage_and_empty_selection(stored, tmp_path):
    out, data = str(tmp_path / "x.wacz"), str(stored.data)
    assert CliRunner().invoke(main, ["evidence", "export", "-o", out, "--data-dir", data]).exit_code == 2
    both = CliRunner().invoke(main, ["evidence", "export", "--number", "1", "--brand", "b", "-o", out,
                                     "--data-dir", data])
    assert both.exit_code == 2
    none = CliRunner().invoke(main, ["evidence", "export", "--number", "+12025550123", "-o", out,
                                     "--data-dir", str(stored.data)])
    assert none.exit_code == 1 and "nothing to export" in none.output

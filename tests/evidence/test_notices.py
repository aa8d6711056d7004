"""Per-host takedown notices (text and .eml), with abuse contacts from a local RDAP server."""
from __future__ import annotations

import csv
import email
import email.policy
import io
import json
import zipfile

from click.testing import CliRunner

from spamline.cli import main

from .rdap_server import rdap_server

BRAND = "金盾保险柜"


def export(root, out, *extra: str):
    result = CliRunner().invoke(main, ["evidence", "export", "--brand", BRAND, "-o", str(out),
                                       "--data-dir", str(root), "--by", "Legal <legal@jindun.test>",
                                       *extra], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result


def test_notices_per_host_with_rdap_contacts(demo, tmp_path):
    root, truth = demo
    out = tmp_path / "jd.wacz"
    with rdap_server(set(truth["networks"]["net-1"]["domains"])) as srv:
        export(root, out, "--rdap", "--rdap-url", f"http://127.0.0.1:{srv.server_address[1]}/")
        asked = list(srv.asked)
    with zipfile.ZipFile(out) as zf:
        rows = list(csv.DictReader(io.StringIO(zf.read("report/urls.csv").decode())))
        names = set(zf.namelist())
        lookups = json.loads(zf.read("rdap/lookups.json"))
        notices = {h: (zf.read(f"notices/{h}.txt").decode(), zf.read(f"notices/{h}.eml"))
                   for h in {r["domain"] for r in rows}}
        report = zf.read("report/report.html").decode()
    hosts = {r["domain"] for r in rows}
    assert {f"notices/{h}.{ext}" for h in hosts for ext in ("txt", "eml")} <= names
    assert {f"/domain/{h}" for h in hosts} | {"/ip/127.0.0.1"} <= set(asked)
    assert {(lk["kind"], lk["query"]) for lk in lookups} == {("domain", h) for h in hosts} | {("ip", "127.0.0.1")}
    assert all(lk["ok"] and lk["looked_up_at"] and lk["url"].startswith("http://127.0.0.1:")
               for lk in lookups)

    for host, (text, raw) in notices.items():
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        assert msg["To"] == "abuse@registrar.test, abuse@hosting.test"
        assert msg["From"] == "Legal <legal@jindun.test>" and msg["X-Unsent"] == "1"
        assert host in msg["Subject"] and BRAND in msg["Subject"]
        assert msg.get_content() == text
        for row in (r for r in rows if r["domain"] == host):
            assert row["url"] in text and row["captured_at"] in text
            assert row["record_id"] in text and row["payload_digest"] in text
            for number in row["advertised_numbers"].split():
                assert f"number {number} (not official for {BRAND})" in text
        assert "server IP: 127.0.0.1" in text and "<span" not in text
        assert "registrar of " + host + ": Example Registrar Ltd <abuse@registrar.test" in text
        assert "network owner of 127.0.0.1: LOOPBACK-NET / Example Hosting GmbH" in text
        assert f"spamline evidence verify --trust SIGNER-KEY.pem {out.name}" in text
        assert f"<h3>{host}</h3>" in report
    assert CliRunner().invoke(main, ["evidence", "verify", "--data-dir", str(root), str(out)]).exit_code == 0


def test_without_rdap_nothing_is_looked_up(demo, tmp_path):
    root, truth = demo
    out = tmp_path / "plain.wacz"
    with rdap_server(set(truth["networks"]["net-1"]["domains"])) as srv:
        export(root, out)
        assert srv.asked == []
    with zipfile.ZipFile(out) as zf:
        assert "rdap/lookups.json" not in zf.namelist()
        eml = email.message_from_bytes(zf.read("notices/jindun-400.test.eml"),
                                       policy=email.policy.default)
    assert eml["To"] is None and "Takedown request" in eml["Subject"]


def test_unknown_domain_is_recorded_as_not_found(demo, tmp_path):
    root, _ = demo
    out = tmp_path / "none.wacz"
    with rdap_server(set()) as srv:
        export(root, out, "--rdap-url", f"http://127.0.0.1:{srv.server_address[1]}")
    with zipfile.ZipFile(out) as zf:
        lookups = json.loads(zf.read("rdap/lookups.json"))
        text = zf.read("notices/jindun-400.test.txt").decode()
    domains = [lk for lk in lookups if lk["kind"] == "domain"]
    assert domains and all(not lk["ok"] and "does not exist" in lk["error"] for lk in domains)
    assert "registrar of jindun-400.test: not found" in text

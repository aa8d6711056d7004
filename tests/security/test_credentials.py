"""Credentials in a seed URL (user:password@host) never reach the logs, the output or the WARCs."""
from __future__ import annotations

import base64
import gzip
import subprocess
import sys
from pathlib import Path

from tests.reliability.faultserver import FaultServer

SECRET = "s3cr3t-Pa55"


def test_url_credentials_are_not_logged_nor_archived(tmp_path: Path) -> None:
    with FaultServer() as srv:
        seed = f"http://alice:{SECRET}@faults.test:{srv.port}/charset/wrong"
        proc = subprocess.run(
            [sys.executable, "-m", "spamline", "crawl", seed, "--data-dir", str(tmp_path),
             "--allow-private", "--no-progress", "--resolve", "faults.test=127.0.0.1",
             "--job", "creds"],
            capture_output=True, text=True, timeout=120)
        fetched = srv.fetch_counts["/charset/wrong"]
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert fetched == 1, "the page behind the credentials was crawled"
    log = (tmp_path / "jobs" / "creds" / "crawl.log").read_text(encoding="utf-8")
    assert "Spider closed (finished)" in log
    for name, text in {"stdout": proc.stdout, "stderr": proc.stderr, "crawl.log": log}.items():
        assert SECRET not in text, f"the password leaked into {name}"
    # the WARCs go into takedown packages sent to third parties: no password there either
    basic = base64.b64encode(f"alice:{SECRET}".encode())  # an Authorization header, decoded in a second
    warcs = list((tmp_path / "warcs").glob("*.warc.gz"))
    assert warcs
    for path in warcs:
        data = gzip.decompress(path.read_bytes())
        assert SECRET.encode() not in data, f"password in {path.name}"
        assert basic not in data, f"password (Basic auth header) in {path.name}"

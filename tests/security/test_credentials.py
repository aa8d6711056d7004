"""Credentials in a seed URL (user:password@host) never reach the logs, the output or the WARCs."""
from __future__ import annotations

import base64
import gzip
import subprocess
import sys
from pathlib import Path

import pytest

from tests.reliability.faultserver import FaultServer

SECRET = "s3cr3t-Pa55"


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess[str], int]:
    data = tmp_path_factory.mktemp("creds")
    with FaultServer() as srv:
        seed = f"http://alice:{SECRET}@faults.test:{srv.port}/charset/wrong"
        proc = subprocess.run(
            [sys.executable, "-m", "spamline", "crawl", seed, "--data-dir", str(data),
             "--allow-private", "--no-progress", "--resolve", "faults.test=127.0.0.1",
             "--job", "creds"],
            capture_output=True, text=True, timeout=120)
        return data, proc, srv.fetch_counts["/charset/wrong"]


def test_url_credentials_are_not_logged(crawled) -> None:
    data, proc, fetched = crawled
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert fetched == 1, "the page behind the credentials was crawled"
    log = (data / "jobs" / "creds" / "crawl.log").read_text(encoding="utf-8")
    assert "Spider closed (finished)" in log
    for name, text in {"stdout": proc.stdout, "stderr": proc.stderr, "crawl.log": log}.items():
        assert SECRET not in text, f"the password leaked into {name}"


def test_url_credentials_are_not_archived(crawled) -> None:
    data, _, _ = crawled
    basic = base64.b64encode(f"alice:{SECRET}".encode())  # an Authorization header, decoded in a second
    warcs = list((data / "warcs").glob("*.warc.gz"))
    assert warcs
    for path in warcs:
        payload = gzip.decompress(path.read_bytes())
        assert SECRET.encode() not in payload, f"password in {path.name}"
        assert basic not in payload, f"password (Basic auth header) in {path.name}"

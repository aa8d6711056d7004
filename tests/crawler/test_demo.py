"""`spamline demo`: the same URLs and the same data on every run; `--serve` brings them back."""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

from spamline.datadir import DataDir
from spamline.store import open_store
from tests.crawler.conftest import run_spamline
from tests.jobs.conftest import free_port


def demo(data: Path, port: int, *extra: str, check: bool = True) -> subprocess.CompletedProcess:
    return run_spamline("demo", "--data-dir", str(data), "--port", str(port), "--pages-per-site",
                        "2", "--no-progress", *extra, check=check)


def found_line(out: str) -> str:
    return next(line for line in out.splitlines() if line.startswith("found "))


def captures(data: Path) -> list[str]:
    with open_store(None, DataDir.open(data)) as store:
        return sorted(c.url for c in store.iter_captures())


def test_demo_twice_gives_the_same_data(tmp_path: Path) -> None:
    port = free_port()
    first = demo(tmp_path, port).stdout
    urls = captures(tmp_path)
    assert urls and all(urlsplit(u).port == port for u in urls)
    second = demo(tmp_path, port)
    assert "already holds this demo's crawl" in second.stdout
    assert found_line(second.stdout) == found_line(first) and captures(tmp_path) == urls
    again = demo(tmp_path, port, "--recrawl", "--json")
    assert found_line(again.stderr) == found_line(first), "a recrawl finds the same pages"
    assert set(captures(tmp_path)) == set(urls)
    [stats] = [json.loads(line) for line in again.stdout.splitlines()]  # stdout: JSON only
    assert stats["pages"] == len(set(urls)) and stats["crawl"]["pages"] == len(set(urls))
    assert stats["crawl"]["finish_reason"] == "finished" and stats["port"] == port
    assert stats["score"]["recall"] == 1.0 and stats["networks"] >= 1
    assert f"spamline demo --serve --data-dir {tmp_path} --port {port}" in first


def test_a_busy_port_is_a_clear_error(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        result = demo(tmp_path, taken.getsockname()[1], check=False)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "spamline demo --serve" in result.stderr and "--port" in result.stderr


def test_serve_brings_the_network_back_at_the_same_urls(tmp_path: Path) -> None:
    port = free_port()
    demo(tmp_path, port)
    url = captures(tmp_path)[0]
    proc = subprocess.Popen([sys.executable, "-m", "spamline", "demo", "--serve", "--data-dir",
                             str(tmp_path), "--port", str(port), "--pages-per-site", "2"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        banner = proc.stdout.readline() + proc.stdout.readline()
        assert "the same URLs" in banner and "spamline recheck" in banner, banner
        host = urlsplit(url).hostname
        request = urllib.request.Request(f"http://127.0.0.1:{port}{urlsplit(url).path}",
                                         headers={"Host": f"{host}:{port}"})
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.status == 200
    finally:
        proc.send_signal(signal.SIGINT)
        proc.communicate(timeout=30)
    assert proc.returncode == 0

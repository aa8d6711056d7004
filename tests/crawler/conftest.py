"""Fixtures for crawl tests: the sample network served on 127.0.0.1 and a CLI runner.

Crawls run in a subprocess (`python -m spamline crawl`), because Twisted's reactor
runs once per process; the sample server runs in a thread of the test process.
"""
from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from spamline.samplenet import SampleNetworkServer


@pytest.fixture(scope="module")
def samplenet() -> Iterator[SampleNetworkServer]:
    with SampleNetworkServer(seed=7, pages_per_site=6) as srv:
        yield srv


def resolve_args(srv: SampleNetworkServer) -> list[str]:
    """--resolve options mapping every sample host to loopback."""
    return [arg for host, ip in srv.host_map.items() for arg in ("--resolve", f"{host}={ip}")]


def run_spamline(*args: str, timeout: float = 240, check: bool = True,
                 **popen: object) -> subprocess.CompletedProcess[str]:
    """Run `python -m spamline ARGS` and return its result (stdout, stderr, returncode)."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.run([sys.executable, "-m", "spamline", *args], capture_output=True,
                          text=True, timeout=timeout, env=env, **popen)  # type: ignore[call-overload]
    if check and proc.returncode != 0:
        raise AssertionError(f"spamline {' '.join(args)} exited {proc.returncode}:\n"
                             f"{proc.stdout}\n{proc.stderr}")
    return proc


def crawl_args(srv: SampleNetworkServer, data_dir: Path, *extra: str) -> list[str]:
    return ["crawl", *srv.seed_urls, "--data-dir", str(data_dir), "--allow-private",
            "--no-progress", *resolve_args(srv), *extra]

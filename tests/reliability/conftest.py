"""Helpers for reliability tests: crawls with tuned settings, run in a subprocess."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

# Runs spamline.crawl.run_crawl with options given as JSON (the CLI has no --set for
# arbitrary Scrapy settings, and tests need short timeouts).
_RUNNER = """
import dataclasses, json, sys
from spamline.crawl import CrawlOptions, run_crawl
from spamline.datadir import DataDir
spec = json.loads(sys.argv[1])
spec["data_dir"] = DataDir.open(spec["data_dir"])
summary = run_crawl(CrawlOptions(**spec))
print(json.dumps(dataclasses.asdict(summary)))
"""


def crawl_proc(urls: list[str], data_dir: Path, *, host_map: dict[str, str],
               settings: dict[str, Any] | None = None, allow_private: bool = True,
               job: str = "faults", **opts: Any) -> subprocess.Popen[str]:
    """Start a crawl subprocess (stdout: the summary as JSON); the caller waits or kills it."""
    spec = {"urls": urls, "data_dir": str(data_dir), "host_map": host_map, "job": job,
            "allow_private": allow_private, "progress": False, "obey_robots": False,
            "settings": settings or {}, **opts}
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen([sys.executable, "-c", _RUNNER, json.dumps(spec)], env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def crawl(urls: list[str], data_dir: Path, timeout: float = 180, **kw: Any) -> dict[str, Any]:
    """Run a crawl to its end and return its summary (fails the test on a crash)."""
    proc = crawl_proc(urls, data_dir, **kw)
    out, err = proc.communicate(timeout=timeout)
    assert proc.returncode == 0, f"crawl exited {proc.returncode}:\n{out}\n{err[-4000:]}"
    return json.loads(out.strip().splitlines()[-1])

"""Deploy the project to a real Scrapyd with scrapyd-deploy, schedule a crawl, read the store."""
from __future__ import annotations

import json
import shutil
import subprocess
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from spamline.datadir import DataDir
from spamline.samplenet import SampleNetworkServer
from spamline.store import open_store
from tests.jobs.conftest import ROOT, free_port

PROJECT_FILES = ("crawler", "pipelines", "spamline", "pyproject.toml", "setup.py", "README.md")


def api(base: str, endpoint: str, data: list[tuple[str, str]] | None = None) -> dict:
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    with urllib.request.urlopen(f"{base}/{endpoint}", data=body, timeout=10) as response:
        return json.load(response)


@pytest.fixture
def scrapyd(tmp_path: Path):
    if not shutil.which("scrapyd") or not shutil.which("scrapyd-deploy"):
        pytest.skip("scrapyd and scrapyd-client are not installed (pip install -e '.[test]')")
    port = free_port()
    home = tmp_path / "scrapyd"
    home.mkdir()
    (home / "scrapyd.conf").write_text(f"""[scrapyd]
bind_address = 127.0.0.1
http_port = {port}
eggs_dir = {home / 'eggs'}
logs_dir = {home / 'logs'}
dbs_dir = {home / 'dbs'}
poll_interval = 0.5
max_proc = 2
""")
    process = subprocess.Popen(["scrapyd"], cwd=home, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                api(base, "daemonstatus.json")
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError("scrapyd did not start")
                time.sleep(0.2)
        yield base, home
    finally:
        process.terminate()
        process.wait(15)


def deploy(base: str, tmp_path: Path) -> str:
    """scrapyd-deploy from a copy of the project (it writes build files beside scrapy.cfg)."""
    project = tmp_path / "project"
    project.mkdir()
    for name in PROJECT_FILES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, project / name, ignore=shutil.ignore_patterns("__pycache__"))
        elif source.exists():
            shutil.copy(source, project / name)
    (project / "scrapy.cfg").write_text(
        f"[settings]\ndefault = spamline.crawler.settings\n\n[deploy]\nurl = {base}/\nproject = spamline\n")
    result = subprocess.run(["scrapyd-deploy"], check=False, cwd=project, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout + result.stderr


def test_deploy_schedule_and_find_the_results_in_the_store(tmp_path: Path, scrapyd) -> None:
    base, home = scrapyd
    out = deploy(base, tmp_path)
    assert '"status": "ok"' in out, out
    assert "spamline" in api(base, "listspiders.json?project=spamline")["spiders"]
    data = DataDir.open(tmp_path / "data")
    with SampleNetworkServer(seed=2, pages_per_site=3) as srv:
        host = srv.network.hosts[0]
        job = api(base, "schedule.json", [
            ("project", "spamline"), ("spider", "spamline"), ("start_urls", srv.url(host)),
            ("setting", f"SPAMLINE_DATA_DIR={data.root}"),
            ("setting", "SPAMLINE_HOST_MAP=" + json.dumps({host: "127.0.0.1"})),
            ("setting", "SPAMLINE_ALLOW_PRIVATE=true"), ("setting", "SPAMLINE_PROGRESS=false"),
            ("setting", "SPAMLINE_JOB=scrapyd"), ("setting", "DEPTH_LIMIT=1"),
        ])
        assert job["status"] == "ok", job
        deadline = time.monotonic() + 90
        while not any(j["id"] == job["jobid"] for j in api(base, "listjobs.json?project=spamline")["finished"]):
            assert time.monotonic() < deadline, "the scrapyd job did not finish"
            time.sleep(0.5)
        served = sum(n for url, n in srv.fetch_counts.items() if host in url)
    log = next((home / "logs").rglob(f"{job['jobid']}.log")).read_text()
    assert "Spider closed (finished)" in log, log[-3000:]
    with open_store(None, data) as store:
        captures = store.captures(domain=host)
    assert captures and served >= len(captures)
    assert {c.job for c in captures} == {"scrapyd"}
    assert any(c.hits for c in captures) and all(c.warc for c in captures)

"""`spamline schedule run`: due jobs run as separate processes, never two copies at once,
every run is logged, and a restarted scheduler continues from the runs log."""
from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from click.testing import CliRunner

from spamline.cli import main
from spamline.datadir import DataDir
from spamline.jobs.runs import read_runs
from spamline.store import open_store
from tests.jobs.conftest import ROOT, Site, html, spamline

FAST = """
[jobs.network]
allow_private = true
resolve = {{ "shop.test" = "127.0.0.1" }}
[jobs.settings]
AUTOTHROTTLE_ENABLED = false
RETRY_TIMES = 0
"""


def job_file(tmp_path: Path, site: Site, name: str, when: str, path: str = "/") -> Path:
    config = tmp_path / "jobs.toml"
    config.write_text(f'[[jobs]]\nname = "{name}"\n{when}\n'
                      f'seeds = {{ urls = ["{site.url("shop.test", path)}"] }}\n' + FAST.format())
    return config


def starts(data: Path, job: str) -> list[dict]:
    return [e for e in read_runs(DataDir.open(data), job) if e["event"] == "start"]


def scheduler(config: Path, data: Path, *extra: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "spamline", "schedule", "run", str(config),
                             "--data-dir", str(data), *extra], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def wait_for(condition: Callable[[], bool], timeout: float = 45) -> bool:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.2)
    return True


def stop(process: subprocess.Popen, site: Site | None = None) -> str:
    """Ctrl-C the scheduler (it stops its runs and logs them) and return its output;
    then let any slow page answer, so the stopping crawl can finish."""
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
    if site is not None:
        time.sleep(0.5)
        site.release.set()
    try:
        out, _ = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    return out


def test_a_job_due_every_two_seconds_runs_again_and_again(tmp_path: Path, site: Site) -> None:
    site.put("shop.test", "/", html("Repair", "客服热线 400-812-3456"))
    config = job_file(tmp_path, site, "every2", 'schedule = "* * * * * */2"')  # cron, seconds last
    data = tmp_path / "data"
    process = scheduler(config, data)
    ended = lambda: [e for e in read_runs(DataDir.open(data), "every2") if e["event"] == "end"]
    done = wait_for(lambda: len(ended()) >= 2)
    out = stop(process)
    assert done, out
    runs = read_runs(DataDir.open(data), "every2")
    begun = [e for e in runs if e["event"] == "start"]
    assert len(begun) >= 2 and len(ended()) == len(begun), out
    first, second = ended()[:2]
    assert first["exit_code"] == second["exit_code"] == 0
    assert first["summary"]["pages"] >= 1 and first["summary"]["finish_reason"] == "finished"
    assert site.hits[("shop.test", "/")] >= 2  # each run fetched the page afresh
    with open_store(None, DataDir.open(data)) as store:
        caps = store.captures(url=site.url("shop.test", "/"))
    assert len(caps) >= 2 and {c.job for c in caps} == {"every2"}
    assert caps[0].hits and caps[0].hits[0].e164 == "+864008123456"


def test_a_long_job_is_not_started_twice(tmp_path: Path, site: Site) -> None:
    site.put("shop.test", "/slow", html("Slow", "400-812-3456"))
    site.delay["/slow"] = 60.0  # until the test releases it
    config = job_file(tmp_path, site, "long", 'every = "1s"', path="/slow")
    data = tmp_path / "data"
    first = scheduler(config, data)
    try:
        assert wait_for(lambda: site.hits[("shop.test", "/slow")] == 1), "the job never started"
        # A second scheduler on the same data dir sees the lock and does not start a copy.
        second = CliRunner().invoke(main, ["schedule", "run", str(config), "--for", "1",
                                           "--data-dir", str(data)])
        assert second.exit_code == 0 and "not started again" in second.output
        # Nor does running the job by hand.
        by_hand = spamline("schedule", "run-job", str(config), "long", "--data-dir", str(data),
                           check=False)
        assert by_hand.returncode == 75 and "already running" in by_hand.stderr
    finally:
        out = stop(first, site)
    runs = read_runs(DataDir.open(data), "long")
    assert len([e for e in runs if e["event"] == "start"]) == 1, out
    assert [e["reason"] for e in runs if e["event"] == "skipped"] == ["already running"]
    assert site.hits[("shop.test", "/slow")] == 1
    assert [e["event"] for e in runs][-1] == "end"  # the scheduler stopped the run and logged it


def test_a_restarted_scheduler_continues_from_the_runs_log(tmp_path: Path, site: Site) -> None:
    site.put("shop.test", "/", html("Repair", "400-812-3456"))
    config = job_file(tmp_path, site, "hourly", 'every = "1h"')
    data = tmp_path / "data"
    runner = CliRunner()
    once = runner.invoke(main, ["schedule", "run", str(config), "--once", "--data-dir", str(data)])
    assert once.exit_code == 0 and "ended with exit code 0" in once.output, once.output
    assert len(starts(data, "hourly")) == 1
    # Restarted: the last run was moments ago, so the hourly job is not due.
    result = runner.invoke(main, ["schedule", "run", str(config), "--for", "1",
                                  "--data-dir", str(data)])
    assert result.exit_code == 0, result.output
    assert len(starts(data, "hourly")) == 1 and site.hits[("shop.test", "/")] == 1
    listed = runner.invoke(main, ["schedule", "list", str(config), "--json", "--data-dir", str(data)])
    (row,) = [json.loads(line) for line in listed.output.splitlines()]
    assert row["job"] == "hourly" and not row["running"]
    assert row["next_due"] > row["last_start"]


def test_a_worker_that_dies_before_its_job_begins_is_skipped_not_ended(tmp_path: Path, site: Site) -> None:
    """Every end in the runs log has its start: a worker killed while it starts leaves a skip."""
    from spamline.jobs.runs import log_run
    from spamline.jobs.scheduler import Running, Scheduler

    config = job_file(tmp_path, site, "every2", 'every = "1h"')
    data = DataDir.open(tmp_path / "data")
    sched = Scheduler(config, data, echo=lambda msg: None)
    for run_id, began in (("never-began", False), ("began", True)):
        if began:
            log_run(data, "every2", run_id, "start")
        dead = subprocess.Popen([sys.executable, "-c", "raise SystemExit(3)"])
        dead.wait()
        sched.running["every2"] = Running("every2", run_id, dead)
        sched.reap()
    events = [(e["run_id"], e["event"]) for e in read_runs(data, "every2")]
    assert events == [("never-began", "skipped"), ("began", "start"), ("began", "end")]
    assert sched.failures == 2

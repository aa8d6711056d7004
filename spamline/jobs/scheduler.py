"""Run configured jobs on their schedules, each as a separate `spamline` process.

A job is due when it has never run, or when its interval or cron expression
says so counting from its last recorded start (so a restarted scheduler picks
up where the runs log left off, and a run missed while it was down happens once,
at once). A job already running (lock held, by this scheduler or any other
process) is not started again.
"""
from __future__ import annotations

import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from croniter import croniter

from spamline.datadir import DataDir
from spamline.jobs.config import Job, load_jobs
from spamline.jobs.runs import is_running, last_start, log_run, read_runs

TICK = 0.25  # seconds between looks at the clock
STOP_GRACE = 60.0  # seconds a stopping crawl gets to finish in-flight pages


def next_due(job: Job, last: datetime | None, now: datetime) -> datetime | None:
    """When the job should next start; None for an unscheduled job that already ran."""
    if last is None:
        return now
    if job.every is not None:
        return last + timedelta(seconds=job.every)
    if job.schedule is not None:
        return croniter(job.schedule, last).get_next(datetime)
    return None


@dataclass
class Running:
    job: str
    run_id: str
    process: subprocess.Popen


class Scheduler:
    """Start due jobs as child processes and record how each run ended."""

    def __init__(self, config: Path, data_dir: DataDir, store_url: str | None = None,
                 echo: Callable[[str], None] = print):
        self.config = config.resolve()
        self.jobs = load_jobs(self.config)
        self.data_dir = data_dir
        self.store_url = store_url
        self.echo = echo
        self.running: dict[str, Running] = {}
        self.spawned: dict[str, datetime] = {}  # covers runs whose start is not logged yet
        self.reported_busy: set[str] = set()  # jobs already logged as skipped while busy
        self.failures = 0

    def due(self, job: Job, now: datetime) -> bool:
        last = max(filter(None, [last_start(self.data_dir, job.name), self.spawned.get(job.name)]),
                   default=None)
        when = next_due(job, last, now)
        return when is not None and when <= now

    def tick(self, now: datetime | None = None) -> None:
        """Reap finished runs, then start every due job that is not running."""
        now = now or datetime.now(timezone.utc)
        self.reap()
        for job in self.jobs:
            if job.name in self.running or not self.due(job, now):
                continue
            if is_running(self.data_dir, job.name):
                if job.name not in self.reported_busy:
                    self.reported_busy.add(job.name)
                    log_run(self.data_dir, job.name, "", "skipped", reason="already running")
                    self.echo(f"job {job.name}: due but still running elsewhere; not started again")
                continue
            self.reported_busy.discard(job.name)
            self.start(job, now)

    def start(self, job: Job, now: datetime) -> None:
        run_id = uuid.uuid4().hex[:12]
        args = [sys.executable, "-m", "spamline", "schedule", "run-job", str(self.config), job.name,
                "--run-id", run_id, "--data-dir", str(self.data_dir.root)]
        if self.store_url:
            args += ["--store", self.store_url]
        (self.data_dir.jobs / job.name).mkdir(parents=True, exist_ok=True)
        with open(self.data_dir.jobs / job.name / "worker.log", "ab") as out:
            # Its own session: a Ctrl-C meant for the scheduler is forwarded, not inherited,
            # and a crawl outlives a scheduler that dies (its lock keeps copies out).
            process = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=out,
                                       stderr=subprocess.STDOUT, start_new_session=True)
        self.running[job.name] = Running(job.name, run_id, process)
        self.spawned[job.name] = now
        self.echo(f"job {job.name}: started run {run_id} (pid {process.pid})")

    def reap(self) -> None:
        """Record runs that ended; a worker that died without logging its end gets one here, and
        one that died before its job began (no start line) is logged as skipped, so every end in
        the runs log has its start."""
        for name, run in list(self.running.items()):
            code = run.process.poll()
            if code is None:
                continue
            del self.running[name]
            events = {e.get("event") for e in read_runs(self.data_dir, name)
                      if e.get("run_id") == run.run_id}
            if "start" not in events:
                log_run(self.data_dir, name, run.run_id, "skipped", exit_code=code,
                        reason="worker ended before its job began")
            elif "end" not in events:
                log_run(self.data_dir, name, run.run_id, "end", exit_code=code, summary=None,
                        note="worker ended without logging its end")
            self.failures += code != 0
            self.echo(f"job {name}: run {run.run_id} ended with exit code {code}")

    def stop(self, grace: float = STOP_GRACE) -> None:
        """Ask running crawls to stop (they keep their state to resume) and wait for them."""
        for run in self.running.values():
            if run.process.poll() is None:
                run.process.send_signal(signal.SIGINT)
        deadline = time.monotonic() + grace
        for run in self.running.values():
            try:
                run.process.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                run.process.kill()
                run.process.wait()
        self.reap()

    def run(self, once: bool = False, duration: float | None = None) -> int:
        """Loop until stopped (SIGINT/SIGTERM), `duration` seconds pass, or, with `once`,
        the jobs due now have run. Returns the number of failed runs."""
        stopping = []
        previous = {s: signal.signal(s, lambda *_: stopping.append(True))
                    for s in (signal.SIGINT, signal.SIGTERM)}
        ends = time.monotonic() + duration if duration is not None else None
        try:
            self.tick()
            while not stopping and (ends is None or time.monotonic() < ends):
                if once and not self.running:
                    break
                time.sleep(TICK)
                if once:
                    self.reap()
                else:
                    self.tick()
        finally:
            self.stop()
            for s, handler in previous.items():
                signal.signal(s, handler)
        return self.failures

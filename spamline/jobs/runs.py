"""The per-job lock and the runs log (`jobs/runs.jsonl` in the data dir).

The lock is an flock on `jobs/<name>/lock`, held by the process that crawls, so
two copies of a job never run at once, whoever started them (two schedulers, a
restarted scheduler, a person), and the kernel releases it when that process dies.
The runs log is append-only JSON lines, one per event:
`{"job", "run_id", "event": "start"|"end"|"skipped", "at", ...}`; an end line has
`exit_code` and the crawl `summary`.
"""
from __future__ import annotations

import fcntl
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from typing import Any

from spamline.datadir import DataDir

RUNS_LOG = "runs.jsonl"


class JobBusy(RuntimeError):
    """Another process is running this job."""


def now_iso() -> str:
    """The current UTC time, to the millisecond (schedules run every few seconds)."""
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def parse_iso(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def lock_path(data_dir: DataDir, job: str) -> str:
    folder = data_dir.jobs / job
    folder.mkdir(parents=True, exist_ok=True)
    return str(folder / "lock")


@contextmanager
def job_lock(data_dir: DataDir, job: str) -> Iterator[None]:
    """Hold the job's lock for the block; raise JobBusy if another process holds it."""
    fd = os.open(lock_path(data_dir, job), os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise JobBusy(f"job {job!r} is already running (lock {lock_path(data_dir, job)})")
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        yield
    finally:
        os.close(fd)


def is_running(data_dir: DataDir, job: str) -> bool:
    """Whether some process holds the job's lock right now."""
    try:
        with job_lock(data_dir, job):
            return False
    except JobBusy:
        return True


def log_run(data_dir: DataDir, job: str, run_id: str, event: str, **fields: Any) -> None:
    """Append one event to the runs log (one write, so concurrent writers never interleave)."""
    record = {"job": job, "run_id": run_id, "event": event, "at": now_iso(), **fields}
    line = (json.dumps(record, ensure_ascii=False, default=str) + "\n").encode("utf-8")
    fd = os.open(data_dir.jobs / RUNS_LOG, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, line)
    finally:
        os.close(fd)


def read_runs(data_dir: DataDir, job: str | None = None) -> list[dict[str, Any]]:
    """Runs log events, oldest first, optionally for one job (torn lines skipped)."""
    path = data_dir.jobs / RUNS_LOG
    if not path.exists():
        return []
    events = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            event = json.loads(line)
        except json.JSONDecodeError:
            continue
        if job is None or event.get("job") == job:
            events.append(event)
    return events


def last_start(data_dir: DataDir, job: str) -> datetime | None:
    """When the job last started, from the runs log (what a restarted scheduler resumes from)."""
    starts = [e["at"] for e in read_runs(data_dir, job) if e.get("event") == "start"]
    return parse_iso(max(starts)) if starts else None

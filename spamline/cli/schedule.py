"""`spamline schedule run|run-job|list`: run crawl jobs from a TOML file on their schedules."""
from __future__ import annotations

import dataclasses
import uuid
from datetime import datetime, timezone
from pathlib import Path

import click

from spamline.cli.common import (
    data_dir_option,
    json_option,
    print_json_lines,
    store_option,
)
from spamline.datadir import DataDir
from spamline.jobs.config import Job, JobConfigError, load_jobs
from spamline.plural import plural

BUSY_EXIT = 75  # EX_TEMPFAIL: the job is running elsewhere; try later

config_argument = click.argument("config", type=click.Path(dir_okay=False, path_type=Path))


def read_config(config: Path) -> list[Job]:
    try:
        return load_jobs(config)
    except JobConfigError as exc:
        raise click.ClickException(str(exc)) from exc


@click.group()
def schedule() -> None:
    """Run the crawl jobs of a TOML file on their schedules (see docs/scale-out.md)."""


@schedule.command("run")
@config_argument
@data_dir_option
@store_option
@click.option("--once", is_flag=True, help="Start the jobs due now, wait for them, exit.")
@click.option("--for", "duration", type=click.FloatRange(min=0), default=None, metavar="SECONDS",
              help="Stop after this many seconds (running crawls are asked to stop).")
def run(config: Path, data_dir: DataDir, store_url: str | None, once: bool,
        duration: float | None) -> None:
    """Run CONFIG's jobs when due, each as a separate crawl process, until Ctrl-C.

    A job never runs twice at once (a lock per job in the data dir), every run
    is logged to DATA_DIR/jobs/runs.jsonl, and a restarted scheduler continues
    from the last recorded runs.
    """
    from spamline.jobs.scheduler import Scheduler

    read_config(config)
    scheduler = Scheduler(config, data_dir, store_url, echo=click.echo)
    failures = scheduler.run(once=once, duration=duration)
    if failures:
        raise click.ClickException(
            f"{plural(failures, 'run')} failed; see {data_dir.jobs}/runs.jsonl and each job's crawl.log")


@schedule.command("run-job")
@config_argument
@click.argument("name")
@data_dir_option
@store_option
@click.option("--run-id", default=None, help="Id for the runs log (the scheduler sets it).")
def run_job(config: Path, name: str, data_dir: DataDir, store_url: str | None,
            run_id: str | None) -> None:
    """Run job NAME of CONFIG once, now, in this process (what the scheduler starts)."""
    from spamline.crawl import run_crawl
    from spamline.jobs.runs import JobBusy, job_lock, log_run

    job = next((j for j in read_config(config) if j.name == name), None)
    if job is None:
        raise click.ClickException(f"{config} has no job named {name!r}")
    run_id = run_id or uuid.uuid4().hex[:12]
    try:
        with job_lock(data_dir, name):
            log_run(data_dir, name, run_id, "start")
            try:
                summary = run_crawl(job.crawl_options(data_dir, store_url))
            except Exception as exc:
                log_run(data_dir, name, run_id, "end", exit_code=1, summary=None, error=repr(exc))
                raise
            code = 1 if summary.pages == 0 and summary.seed_failures else 0
            log_run(data_dir, name, run_id, "end", exit_code=code,
                    summary=dataclasses.asdict(summary))
    except JobBusy as exc:
        click.echo(f"{exc}; not started again", err=True)
        raise SystemExit(BUSY_EXIT)
    click.echo(f"job {name}: {summary.finish_reason}, {plural(summary.pages, 'page')}, "
               f"{plural(summary.numbers, 'number')} on "
               f"{plural(summary.pages_with_numbers, 'page')}")
    if code:
        raise click.ClickException(f"job {name}: no seed could be fetched; see {summary.log_file}")


@schedule.command("list")
@config_argument
@data_dir_option
@json_option
def list_jobs(config: Path, data_dir: DataDir, as_json: bool) -> None:
    """CONFIG's jobs with their schedule, last start, next due time and whether running."""
    from spamline.jobs.runs import is_running, last_start
    from spamline.jobs.scheduler import next_due

    now = datetime.now(timezone.utc)
    rows = []
    for job in read_config(config):
        last = last_start(data_dir, job.name)
        due = next_due(job, last, now)
        rows.append({
            "job": job.name,
            "schedule": job.schedule or (f"every {job.every:g}s" if job.every else "once"),
            "last_start": last.isoformat() if last else None,
            "next_due": due.isoformat() if due else None,
            "running": is_running(data_dir, job.name),
        })
    if as_json:
        print_json_lines(rows)
        return
    for r in rows:
        click.echo(f"{r['job']:<24} {r['schedule']:<18} last {r['last_start'] or '-':<32} "
                   f"next {r['next_due'] or '-':<32} {'RUNNING' if r['running'] else ''}")

"""`spamline crawl`: crawl seeds, archive every response, extract and store numbers."""
from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import click

from spamline.crawler.spiders.spam import DISK_FULL
from spamline.cli.common import data_dir_option, print_json_lines, store_option
from spamline.crawl import CrawlOptions, CrawlSummary, run_crawl
from spamline.datadir import DataDir
from spamline.networks.refresh import STATE_FILE, update
from spamline.networks.spam import spam_networks
from spamline.plural import plural
from spamline.store import open_store


def parse_resolve(values: tuple[str, ...]) -> dict[str, str]:
    """HOST=IP pairs (like curl --resolve) to a host map."""
    mapping = {}
    for value in values:
        host, sep, ip = value.partition("=")
        if not sep or not host or not ip:
            raise click.BadParameter(f"{value!r}: write HOST=IP, e.g. shop.test=127.0.0.1",
                                     param_hint="--resolve")
        mapping[host.strip().lower()] = ip.strip()
    return mapping


trust_proxy_option = click.option(
    "--trust-proxy", is_flag=True,
    help="The proxy in http_proxy/https_proxy may be on a private address (it is yours); "
         "the addresses of the pages are still checked.")


def read_seeds(urls: tuple[str, ...], seeds: Path | None) -> list[str]:
    """Seed URLs from the arguments and a file (one per line, # comments)."""
    found = list(urls)
    if seeds:
        for line in seeds.read_text(encoding="utf-8").splitlines():
            line = line.split("#", 1)[0].strip()
            if line:
                found.append(line)
    bad = [u for u in found if urlsplit(u).scheme not in ("http", "https") or not urlsplit(u).hostname]
    if bad:
        raise click.BadParameter(f"not an http(s) URL: {', '.join(bad)}", param_hint="URL")
    if not found:
        raise click.UsageError("give at least one URL or --seeds FILE")
    return found


def refresh_networks(data_dir: DataDir, store_url: str | None, err: bool = False) -> int:
    """Fold the new sightings into the networks, say how many there are and how many hold spam
    pages (on stderr when `err`), and return how many there are."""
    with open_store(store_url, data_dir) as store:
        done = update(store, data_dir.root / STATE_FILE)
        spam = spam_networks(done.result.networks, store)
    click.echo(f"networks: {len(spam)} with spam pages, {len(done.result.networks)} in all "
               f"({done.mode}, {plural(done.new_sightings, 'new sighting')} folded in); see "
               "`spamline networks` (--all for every one)", err=err)
    return len(done.result.networks)


def print_summary(summary: CrawlSummary, data_dir: DataDir, err: bool = False) -> None:
    """The end-of-crawl report, on stdout (stderr when `err`, as with --json)."""
    click.echo(
        f"crawled {plural(summary.pages, 'page')} in {summary.seconds:.1f}s "
        f"({summary.pages_per_second:.1f} pages/s): {plural(summary.numbers, 'number occurrence')} "
        f"on {plural(summary.pages_with_numbers, 'page')}, "
        f"{plural(summary.failed, 'failed request')}", err=err
    )
    if summary.not_text:
        click.echo(f"{plural(summary.not_text, 'response was', 'responses were')} not text "
                   "(archived, not read for numbers)",
                   err=err)
    for reason, count in summary.not_read.items():
        click.echo(f"{plural(count, 'page was', 'pages were')} not read: {reason} "
                   "(archived; see --page-budget)", err=err)
    click.echo(f"job {summary.job}: {summary.finish_reason}; log {summary.log_file}", err=err)
    if summary.resumable:
        click.echo("the crawl stopped early; run the same command again to resume it", err=err)
    click.echo(f"data: {data_dir.root}  (try: spamline search <number> --data-dir {data_dir.root})",
               err=err)


def summary_json(summary: CrawlSummary) -> dict[str, Any]:
    """A crawl's summary as the fields of a --json object."""
    return {**dataclasses.asdict(summary), "seconds": round(summary.seconds, 3),
            "pages_per_second": round(summary.pages_per_second, 3)}


@click.command()
@click.argument("urls", nargs=-1)
@click.option("--seeds", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="File of seed URLs, one per line.")
@data_dir_option
@store_option
@click.option("--job", help="Job name (default: derived from the seeds, so reruns resume).")
@click.option("--max-pages", type=click.IntRange(min=0), default=0,
              help="Fetch at most this many pages (a hard limit, robots.txt aside; 0: no "
                   "limit); rerun to resume.")
@click.option("--depth", type=click.IntRange(min=0), default=None, help="Link depth limit.")
@click.option("--allow-private", is_flag=True,
              help="Allow private, loopback and link-local addresses (local test sites).")
@click.option("--resolve", "resolve", multiple=True, metavar="HOST=IP",
              help="Map a host name to an IP without DNS (repeatable).")
@trust_proxy_option
@click.option("--ignore-robots", is_flag=True, help="Do not obey robots.txt.")
@click.option("--no-progress", is_flag=True, help="No live progress line.")
@click.option("--page-budget", type=click.FloatRange(min=0, min_open=True), default=None, metavar="SECONDS",
              help="Most time a worker spends reading one page (default 30); a page over it is "
                   "archived and stored as not read.")
@click.option("--json", "as_json", is_flag=True,
              help="The summary as one JSON object on stdout (the report goes to stderr).")
def crawl(urls: tuple[str, ...], seeds: Path | None, data_dir: DataDir, store_url: str | None,
          job: str | None, max_pages: int, depth: int | None, allow_private: bool,
          resolve: tuple[str, ...], trust_proxy: bool, ignore_robots: bool, no_progress: bool,
          page_budget: float | None, as_json: bool) -> None:
    """Crawl URL... (and --seeds), archive every response to WARC, extract and store numbers.

    An interrupted crawl (Ctrl-C, --max-pages, a crash) resumes when the same
    command runs again.
    """
    settings: dict[str, object] = {"SPAMLINE_TRUST_PROXY": trust_proxy}
    if ignore_robots:
        settings["SPAMLINE_ROBOTS_OVERRIDE"] = "robots.txt not obeyed: spamline crawl --ignore-robots"
    if page_budget is not None:
        settings["SPAMLINE_PAGE_BUDGET"] = page_budget
    opts = CrawlOptions(
        urls=read_seeds(urls, seeds), data_dir=data_dir, store_url=store_url, job=job,
        allow_private=allow_private, host_map=parse_resolve(resolve), max_pages=max_pages,
        depth=depth, obey_robots=not ignore_robots, progress=not no_progress, settings=settings,
    )
    summary = run_crawl(opts)
    print_summary(summary, data_dir, err=as_json)
    networks = None
    if summary.finish_reason != DISK_FULL and summary.pages_with_numbers:
        networks = refresh_networks(data_dir, store_url, err=as_json)
    if as_json:
        print_json_lines([{**summary_json(summary), "networks": networks,
                           "data_dir": str(data_dir.root)}])
    if summary.finish_reason == DISK_FULL:  # nothing else is written to the full disk
        raise click.ClickException(f"stopped: the disk of {data_dir.root} is (nearly) full; free "
                                   "some space, then run the same command again to resume")
    if summary.pages == 0 and summary.seed_failures:
        reasons = "\n".join(f"  {url}: {why}" for url, why in summary.seed_failures.items())
        raise click.ClickException(
            f"no page could be fetched:\n{reasons}\n"
            "Check the URLs and your network; for local sites pass --allow-private."
        )

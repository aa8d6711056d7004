"""`spamline recheck`: recrawl known spam pages; record live / number changed / gone / back."""
from __future__ import annotations

import dataclasses

import click

from spamline.cli.common import (
    data_dir_option,
    json_option,
    print_json_lines,
    store_option,
)
from spamline.cli.crawl import trust_proxy_option
from spamline.datadir import DataDir
from spamline.plural import plural


@click.command()
@data_dir_option
@store_option
@click.option("--url", "urls", multiple=True, help="Recheck only this page (repeatable).")
@click.option("--brand", help="Recheck only the pages giving this brand a number it does not own.")
@click.option("--allow-private", is_flag=True,
              help="Allow private, loopback and link-local addresses (local test sites).")
@click.option("--resolve", "resolve", multiple=True, metavar="HOST=IP",
              help="Map a host name to an IP without DNS (repeatable).")
@trust_proxy_option
@click.option("--no-fetch", is_flag=True, help="Only print the recorded status; fetch nothing.")
@json_option
def recheck(data_dir: DataDir, store_url: str | None, urls: tuple[str, ...], brand: str | None,
            allow_private: bool, resolve: tuple[str, ...], trust_proxy: bool, no_fetch: bool,
            as_json: bool) -> None:
    """Fetch every page that ever carried a number (links are not followed) and print
    each page's state: live_same, number_changed, gone (404/410/451, no such domain,
    parked, numbers removed), unreachable from here (our guard, no mapping, no DNS
    answer, timeout, refused connection: never a takedown) or back, with the dates.
    """
    from spamline.cli.crawl import parse_resolve
    from spamline.crawl import CrawlOptions, run_crawl
    from spamline.evidence.scope import brand_report, known_hubs
    from spamline.jobs.recheck import RECHECK_JOB, recheck_history, spam_urls
    from spamline.store import open_store

    with open_store(store_url, data_dir) as store:
        if brand:
            listed = brand_report(store, brand, known_hubs(data_dir.root))
            targets = list(dict.fromkeys([*urls, *(s.url for s in listed)]))
        else:
            targets = list(urls) or spam_urls(store)
    if not targets:
        raise click.ClickException(
            f"no pages giving {brand} another number: check the name with `spamline brand list`"
            if brand else "no pages with numbers in the store yet: run `spamline crawl URL...` first")
    if not no_fetch:
        summary = run_crawl(CrawlOptions(
            urls=targets, data_dir=data_dir, store_url=store_url, job=RECHECK_JOB,
            allow_private=allow_private, host_map=parse_resolve(resolve),
            progress=False, spider="spamline.crawler.spiders.recheck.RecheckSpider",
            settings={"SPAMLINE_TRUST_PROXY": trust_proxy},
        ))
        click.echo(f"rechecked {plural(len(targets), 'page')} in {summary.seconds:.1f}s "
                   f"({summary.failed} without a response)", err=True)
    with open_store(store_url, data_dir) as store:
        statuses = [s for s in (recheck_history(store, url) for url in targets) if s]
    if as_json:
        print_json_lines({k: v for k, v in dataclasses.asdict(s).items() if k != "history"}
                         for s in statuses)
        return
    for s in statuses:
        dates = f"since {s.since}" + (f", gone {s.gone_at}" if s.gone_at else "") + (
            f", back {s.back_at}" if s.back_at else "")
        why = f" ({s.reason})" if s.reason else ""
        click.echo(f"{s.state:<15}{why:<14} {s.url}  {' '.join(s.numbers)}  {dates}")

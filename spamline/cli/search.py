"""`spamline search` and `spamline number`: what the store knows about a number, brand, domain or text."""
from __future__ import annotations

import dataclasses

import click

from spamline.cli.common import (
    existing_data_dir_option,
    json_option,
    make_table,
    print_csv,
    print_json_lines,
    print_table,
    reading_store,
    store_option,
)
from spamline.datadir import DataDir
from spamline.phones.normalize import number_readings
from spamline.model import Sighting
from spamline.plural import plural
from spamline.store.base import SearchFilters

# the --json contract's fields first (DESIGN.md), then the rest of a sighting
CSV_COLUMNS = ["e164", "url", "domain", "brand", "captured_at", "warc_file", "warc_offset",
               "number_type", "raw", "context", "start", "end", "capture_id", "warc_length",
               "warc_record_id", "source", "network_id"]
NUMBER_TYPES = ["toll_free", "shared_cost", "mobile", "fixed_line", "fixed_line_or_mobile",
                "short_code", "premium_rate", "voip", "uan", "personal_number", "pager", "unknown"]


@click.command()
@click.argument("query")
@existing_data_dir_option
@store_option
@json_option
@click.option("--csv", "as_csv", is_flag=True,
              help="CSV with a header row: " + ", ".join(CSV_COLUMNS[:7]) + ", then the rest.")
@click.option("--since", help="Only sightings captured at or after this ISO date.")
@click.option("--until", help="Only sightings captured at or before this ISO date.")
@click.option("--type", "number_type", type=click.Choice(NUMBER_TYPES), help="Number type.")
@click.option("--brand", help="Only pages claiming this brand.")
@click.option("--domain", help="Only this domain.")
@click.option("--limit", type=click.IntRange(1, 100000), default=100, show_default=True)
def search(query: str, data_dir: DataDir, store_url: str | None, as_json: bool, as_csv: bool,
           since: str | None, until: str | None, number_type: str | None, brand: str | None,
           domain: str | None, limit: int) -> None:
    """Find sightings by a number in any format, a brand, a domain or page text."""
    if not query.strip():
        raise click.UsageError("QUERY is empty: give a number, a brand, a domain or words of page text")
    if as_json and as_csv:
        raise click.UsageError("give --json or --csv, not both")
    filters = SearchFilters(since=since, until=until, number_type=number_type, brand=brand,
                            domain=domain)
    with reading_store(store_url, data_dir) as store:
        rows = store.search(query, filters, limit=limit)
    if as_json:
        print_json_lines(rows)
        return
    if as_csv:
        print_csv(rows, CSV_COLUMNS)
        return
    if not rows:
        click.echo(f"no sightings match {query!r}; try another format, a brand or a domain "
                   "(`spamline networks` lists what is known)", err=True)
        return
    matched = any(r.matched for r in rows)  # a brand search: say which pages only carry the word
    print_table(make_table(
        ["number", "captured", "domain", "brand", "url", "warc", *(["matched"] if matched else [])],
        (_cells(r, matched) for r in rows), wide=["domain", "brand", "url", "warc"]))
    click.echo(plural(len(rows), "sighting") + (" (limit reached; use --limit)" if len(rows) == limit else ""))


@click.command()
@click.argument("number")
@existing_data_dir_option
@store_option
@json_option
@click.option("--region", help="Read a number without a country code as one of this region "
              "(ISO code, e.g. US, CN); default: try the default region, then NANP.")
def number(number: str, data_dir: DataDir, store_url: str | None, as_json: bool,
           region: str | None) -> None:
    """One number's profile: brands, domains, first/last seen, network."""
    readings = number_readings(number, region.upper() if region else None)
    if not readings:
        raise click.ClickException(
            f"{number!r} is not a phone number I can read; write it with its country code, "
            "e.g. +86 400 812 3456 or +1 800 555 0123, or give --region")
    with reading_store(store_url, data_dir) as store:
        profile = next(filter(None, map(store.number_profile, readings)), None)
    if profile is None:
        raise click.ClickException(f"{' or '.join(readings)} was never seen; crawl pages first, "
                                   "check the number or give --region")
    if as_json:
        print_json_lines([profile])
        return
    p = dataclasses.asdict(profile)
    click.echo(f"{p['e164']}  ({p['number_type']})  network {p['network_id'] or '-'}")
    click.echo(f"seen {plural(p['sightings'], 'time')} on {plural(p['pages'], 'page')}, "
               f"first {p['first_seen']}, last {p['last_seen']}")
    for title, key in (("brands", "brands"), ("domains", "domains")):
        items = ", ".join(f"{k} ({v})" for k, v in sorted(p[key].items(), key=lambda kv: -kv[1]))
        click.echo(f"{title}: {items or '-'}")


def _cells(row: "Sighting", matched: bool) -> list[str]:
    """One table row; with `matched`, how the page matched a brand query."""
    cells = [row.e164, row.captured_at, row.domain, row.brand, row.url,
             f"{row.warc_file}@{row.warc_offset}" if row.warc_file else ""]
    if matched:
        cells.append({"brand": "brand", "": ""}.get(row.matched, "word in text"))
    return cells

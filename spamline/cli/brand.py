"""`spamline brand add|list|report`: the brand registry and the pages that misuse a brand."""
from __future__ import annotations

from collections import Counter

import click

from spamline.cli.common import (
    data_dir_option,
    existing_data_dir_option,
    json_option,
    make_table,
    print_json_lines,
    print_table,
    reading_store,
    store_option,
    to_jsonable,
)
from spamline.datadir import DataDir
from spamline.evidence.scope import brand_report, known_hubs
from spamline.jobs.recheck import describe, page_states, takedown_fields
from spamline.model import Brand
from spamline.phones import normalize_number
from spamline.plural import plural
from spamline.store import open_store


@click.group()
def brand() -> None:
    """Register brands and their official numbers; report pages giving them other numbers."""


@brand.command("add")
@click.argument("name")
@click.option("--alias", "aliases", multiple=True, help="Another name of the brand (repeatable).")
@click.option("--official", "official", multiple=True,
              help="A number the brand really owns, any format (repeatable).")
@click.option("--region", default=None, help="Region for numbers written without +country code.")
@data_dir_option
@store_option
@json_option
def add(name: str, aliases: tuple[str, ...], official: tuple[str, ...], region: str | None,
        data_dir: DataDir, store_url: str | None, as_json: bool) -> None:
    """Register NAME (or add aliases and official numbers to it)."""
    name = name.strip()
    if not name:
        raise click.ClickException("the brand name is empty; pass the name pages use, e.g. 金盾")
    numbers = []
    for raw in official:
        e164 = normalize_number(raw, region)
        if e164 is None:
            raise click.ClickException(
                f"--official {raw!r} is not a phone number I can read; write it with its country "
                "code (e.g. +86 400 812 3456) or pass --region CN")
        numbers.append(e164)
    with open_store(store_url, data_dir) as store:
        known = next((b for b in store.brands() if b.name.casefold() == name.casefold()), None)
        merged = Brand(
            known.name if known else name,
            list(dict.fromkeys([*(known.aliases if known else []), *(a.strip() for a in aliases if a.strip())])),
            list(dict.fromkeys([*(known.official if known else []), *numbers])),
        )
        store.add_brand(merged)
    if as_json:
        print_json_lines([merged])
    else:
        click.echo(f"{'updated' if known else 'registered'} {merged.name}: aliases "
                   f"{', '.join(merged.aliases) or '-'}; official {', '.join(merged.official) or '-'}")


@brand.command("list")
@existing_data_dir_option
@store_option
@json_option
def list_(data_dir: DataDir, store_url: str | None, as_json: bool) -> None:
    """Every registered brand."""
    with reading_store(store_url, data_dir) as store:
        brands = store.brands()
    if as_json:
        print_json_lines(brands)
        return
    if not brands:
        click.echo("no brands registered; add one with `spamline brand add NAME --official NUMBER`",
                   err=True)
        return
    print_table(make_table(["brand", "aliases", "official numbers"],
                           ([b.name, ", ".join(b.aliases), ", ".join(b.official)] for b in brands),
                           wide=["aliases", "official numbers"]))


@brand.command("report")
@click.argument("name")
@existing_data_dir_option
@store_option
@json_option
def report(name: str, data_dir: DataDir, store_url: str | None, as_json: bool) -> None:
    """Pages giving NAME (or an alias) a number it does not own, newest first."""
    with reading_store(store_url, data_dir) as store:
        registered = any(name.casefold() in {n.casefold() for n in (b.name, *b.aliases)}
                         for b in store.brands())
        rows = brand_report(store, name, known_hubs(data_dir.root))
        states = page_states(store, (r.url for r in rows))  # takedown status (spamline recheck)
    if as_json:
        print_json_lines({**to_jsonable(r), **takedown_fields(states.get(r.url))} for r in rows)
        return
    if not registered:
        click.echo(f"note: {name!r} is not registered, so every number counts as not official; "
                   f"register it with `spamline brand add {name} --official NUMBER`", err=True)
    if not rows:
        click.echo(f"no page gives {name} a number it does not own", err=True)
        return
    evidence = "evidence (warc file @ offset)"
    print_table(make_table(
        ["captured", "number", "url", evidence, "page now"],
        ([r.captured_at, r.e164, r.url, f"{r.warc_file}@{r.warc_offset}" if r.warc_file else "-",
          describe(states.get(r.url))] for r in rows),
        wide=["url", evidence, "page now"]))
    click.echo(f"{plural(len(rows), 'sighting')} on {plural(len({r.url for r in rows}), 'page')}")
    tally = Counter(s.state for s in states.values())
    click.echo("pages now: " + ", ".join(f"{n} {state}" for state, n in sorted(tally.items()))
               + " (run `spamline recheck` to refresh)")

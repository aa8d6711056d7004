"""`spamline inspect FILE...`: numbers, brands, products and the spam verdict of pages, no crawl."""
from __future__ import annotations

from pathlib import Path

import click

from spamline.brands.inspect import PageReport, inspect_page
from spamline.brands.registry import registered_brands
from spamline.cli.common import json_option, print_json_lines, read_page
from spamline.datadir import DEFAULT_DATA_DIR


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--url", default=None, help="The address the page was served from (its TLD and "
              "host count as evidence); default: none.")
@click.option("--data-dir", "data_dir", default=DEFAULT_DATA_DIR, envvar="SPAMLINE_DATA_DIR",
              show_default=True, type=click.Path(path_type=Path),
              help="Registered brands are read from this data dir when it exists (never created).")
@json_option
def inspect(files: tuple[Path, ...], url: str | None, data_dir: Path, as_json: bool) -> None:
    """What the pipeline concludes about each FILE: numbers, brands, products, spam verdict."""
    brands = registered_brands(str(data_dir), None) if (data_dir / "spamline.db").is_file() else []
    for path in files:
        body, content_type = read_page(path)
        report = inspect_page(body, content_type, url, brands, name=str(path))
        if as_json:
            print_json_lines([report.as_dict()])
        else:
            _print(report)


def _print(r: PageReport) -> None:
    verdict = "SPAM" if r.spam else "not spam"
    click.echo(f"{r.file}  ({r.encoding or 'text'}, region {r.region}): {verdict}, "
               f"score {r.spam_score:.2f}")
    if r.title:
        click.echo(f"  title:    {r.title}")
    click.echo(f"  brands:   {', '.join(r.brands) or '-'}"
               + (f"  ({r.brand_evidence})" if r.brand_evidence else ""))
    click.echo(f"  products: {', '.join(r.products) or '-'}")
    for n in r.numbers:
        click.echo(f"  number:   {n['e164']}  {n['type']}  region {n['region'] or '-'}  "
                   f"{n['source']}  {n['raw']!r}")
    for reason in r.reasons:
        click.echo(f"  reason:   {reason}")

"""`spamline extract FILE...`: the numbers in HTML or text files."""
from __future__ import annotations

import unicodedata
from pathlib import Path

import click

from spamline.cli.common import data_dir_option, json_option, print_json_lines, read_page
from spamline.datadir import DataDir
from spamline.phones import extract_document

_COLUMNS = ("e164", "type", "source", "start", "raw", "context")


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--region", default=None, metavar="CC",
              help="Default region for numbers without +CC (default: guessed from the text, else CN).")
@click.option("--include-possible", is_flag=True, help="Also report plausible numbers that are not valid.")
@json_option
@data_dir_option
def extract(files: tuple[Path, ...], region: str | None, include_possible: bool, as_json: bool,
            data_dir: DataDir) -> None:
    """Extract phone numbers from HTML or text FILEs (encoding sniffed)."""
    if region and len(region) != 2:
        raise click.BadParameter("use a two-letter region code such as CN, US or GB", param_hint="--region")
    for path in files:
        body, content_type = read_page(path)
        doc = extract_document(body, content_type=content_type, region=region, include_possible=include_possible)
        rows = [{"file": str(path), "e164": h.e164, "raw": h.raw, "start": h.start, "end": h.end,
                 "type": h.type, "context": h.context, "source": h.source, "region": h.region} for h in doc.hits]
        if as_json:
            print_json_lines(rows)
        else:
            _print_table(path, doc.encoding, rows)


def _print_table(path: Path, encoding: str, rows: list[dict]) -> None:
    click.echo(f"{path}  ({encoding or 'text'}, {len(rows)} number{'s' if len(rows) != 1 else ''})")
    if not rows:
        return
    cells = [[str(r[c]).replace("\n", " ") for c in _COLUMNS] for r in rows]
    cells = [[c if len(c) <= 60 else c[:57] + "..." for c in row] for row in cells]
    widths = [max(_width(c), *(_width(row[k]) for row in cells)) for k, c in enumerate(_COLUMNS)]
    for row in [list(_COLUMNS), *cells]:
        click.echo("  " + "  ".join(c + " " * (w - _width(c)) for c, w in zip(row, widths)).rstrip())


def _width(text: str) -> int:
    """Columns `text` takes in a terminal: Chinese and full-width characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)

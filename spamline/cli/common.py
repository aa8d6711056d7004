"""Options and helpers shared by every command."""
from __future__ import annotations

import csv
import dataclasses
import json
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from spamline.datadir import DEFAULT_DATA_DIR, DataDir, DataDirError

if TYPE_CHECKING:
    from rich.table import Table

    from spamline.store.base import Store

F = TypeVar("F", bound=Callable[..., Any])


def data_dir_option(f: F) -> F:
    """--data-dir DIR (env SPAMLINE_DATA_DIR), opened and created if needed."""
    return _data_dir_option(DataDir.open)(f)


def existing_data_dir_option(f: F) -> F:
    """--data-dir DIR for commands that only read: a missing data dir is an error naming it."""
    return _data_dir_option(DataDir.existing)(f)


def _data_dir_option(opener: Callable[[str], DataDir]) -> Callable[[F], F]:
    def convert(ctx: click.Context, param: click.Parameter, value: str) -> DataDir:
        try:
            return opener(value)
        except DataDirError as exc:
            raise click.ClickException(str(exc)) from exc

    return click.option(
        "--data-dir", "data_dir", default=DEFAULT_DATA_DIR, envvar="SPAMLINE_DATA_DIR",
        show_default=True, callback=convert, is_eager=False,
        help="Folder holding the store, WARCs, crawl state and exports.",
    )


def store_option(f: F) -> F:
    """--store URL (env SPAMLINE_STORE): sqlite:PATH or es://host:9200; default the data dir's SQLite."""
    return click.option(
        "--store", "store_url", default=None, envvar="SPAMLINE_STORE",
        help="Backend: sqlite:PATH or es://host:9200 (default: SQLite in the data dir).",
    )(f)


@contextmanager
def reading_store(store_url: str | None, data_dir: DataDir) -> Iterator["Store"]:
    """The store of a command that only reads, opened read-only (a read-only archive works and
    nothing is migrated); a missing or unreadable store is a clear error."""
    from spamline.store import StoreUnavailable, open_store

    try:
        store = open_store(store_url, data_dir, read_only=True)
    except (StoreUnavailable, ValueError) as exc:
        raise click.ClickException(str(exc)) from exc
    with store:
        yield store


def json_option(f: F) -> F:
    """--json: print one JSON object per line instead of a table."""
    return click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")(f)


def to_jsonable(obj: Any) -> Any:
    """Dataclasses to dicts, for --json output."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return dataclasses.asdict(obj)
    return obj


def print_json_lines(rows: Iterable[Any]) -> None:
    """One compact JSON object per line, non-ASCII kept readable."""
    for row in rows:
        click.echo(json.dumps(to_jsonable(row), ensure_ascii=False, sort_keys=False))


def read_page(path: Path) -> tuple[bytes, str | None]:
    """A file's bytes and its content type (HTML by suffix, else None: sniffed), or a clear
    error when it cannot be read."""
    try:
        body = path.read_bytes()
    except OSError as exc:
        raise click.ClickException(
            f"cannot read {path}: {exc.strerror or exc}. Check the path and permissions.") from exc
    return body, "text/html" if path.suffix.lower() in (".html", ".htm", ".xhtml") else None


def print_table(table: "Table") -> None:
    """A table on stdout, fitted to the terminal's width (see ``make_table``); when stdout is
    not a terminal, one row per line, never cut, so the output stays greppable."""
    from rich.console import Console

    if sys.stdout.isatty():
        Console().print(table)
    else:
        Console(width=100_000, no_color=True).print(table, crop=False)


def make_table(headers: list[str], rows: Iterable[list[str]], wide: Iterable[str] = ()) -> "Table":
    """A table for ``print_table``: in a narrow terminal only the ``wide`` columns (URLs, lists)
    shrink, with an ellipsis; the others (numbers, dates) are never cut and no cell wraps."""
    from rich.table import Table

    rows = [list(r) for r in rows]
    shrinkable = set(wide)
    table = Table()
    for i, header in enumerate(headers):
        if header in shrinkable:
            table.add_column(header, overflow="ellipsis")
        else:
            width = max([len(header), *(len(r[i]) for r in rows)])
            table.add_column(header, no_wrap=True, min_width=width)
    for row in rows:
        table.add_row(*row)
    return table


def print_csv(rows: Iterable[Any], columns: list[str]) -> None:
    """Rows (dataclasses or dicts) as CSV on stdout, a header first, in ``columns`` order."""
    writer = csv.DictWriter(sys.stdout, columns, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(to_jsonable(row))

"""Options and helpers shared by every command."""
from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TypeVar

import click

from spamline.datadir import DEFAULT_DATA_DIR, DataDir, DataDirError

if TYPE_CHECKING:
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

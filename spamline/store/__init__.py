"""Where captures and sightings live: SQLite by default, Elasticsearch at scale.

`open_store(url, data_dir)` picks the backend from a URL:
None -> SQLite file in the data dir; "sqlite:PATH"; "es://host:9200" or
"http(s)://host:9200[/prefix]" -> Elasticsearch.
"""
from __future__ import annotations

from pathlib import Path

from spamline.datadir import DataDir
from spamline.store.base import SearchFilters, Store, StoreUnavailable

__all__ = ["SearchFilters", "Store", "StoreUnavailable", "open_store"]


def open_store(url: str | None, data_dir: DataDir, timeout: float | None = None, *,
               read_only: bool = False) -> Store:
    """Open the store a --store URL names (default: the data dir's SQLite file).

    `timeout` (seconds) bounds how long a write waits for a lock (SQLite) or a
    request waits for the server (Elasticsearch). `read_only` opens SQLite with
    ``mode=ro`` and no migration, so a read-only archive can be read. Raises
    StoreUnavailable when the backend cannot be reached, ValueError for a URL it does not
    understand.
    """
    if not url or url.startswith("sqlite:"):
        from spamline.store.sqlite import SQLiteStore

        path = data_dir.db
        if url:
            path = Path(url.removeprefix("sqlite:").removeprefix("//")).expanduser()
        return SQLiteStore(path, read_only=read_only) if timeout is None else \
            SQLiteStore(path, timeout=timeout, read_only=read_only)
    if url.startswith(("es://", "http://", "https://")):
        from spamline.store.elastic import ElasticStore

        return ElasticStore.from_url(url, timeout=timeout)
    raise ValueError(
        f"unknown store URL {url!r}: use sqlite:PATH, es://host:9200 or http(s)://host:9200"
    )

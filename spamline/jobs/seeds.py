"""Seed URLs from files: plain URL lists and CSV exports of search results."""
from __future__ import annotations

import csv
from pathlib import Path
from urllib.parse import urlsplit

URL_COLUMNS = ("url", "link", "href", "address", "uri", "page", "result")


def is_http_url(value: str) -> bool:
    """Whether a string is an absolute http(s) URL with a host."""
    parts = urlsplit(value.strip())
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def read_url_list(path: Path) -> list[str]:
    """The http(s) URLs in a file, in order, without duplicates.

    A `.csv`/`.tsv` file (e.g. a search-engine or SEO-tool export) is read by its
    URL column (url, link, href, address...; else the first column holding URLs);
    any other file is one URL per line, with `#` comments. Rows that hold no URL
    (headers, blank lines, notes) are skipped.
    """
    if path.suffix.lower() in (".csv", ".tsv"):
        found = _from_csv(path)
    else:
        found = []
        for line in path.read_text(encoding="utf-8-sig").splitlines():
            token = line.split("#", 1)[0].strip().split()
            if token and is_http_url(token[0]):
                found.append(token[0])
    return list(dict.fromkeys(found))


def _from_csv(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8-sig")
    delimiter = "\t" if path.suffix.lower() == ".tsv" else ","
    rows = list(csv.reader(text.splitlines(), delimiter=delimiter))
    if not rows:
        return []
    header = [h.strip().lower() for h in rows[0]]
    column = next((header.index(c) for c in URL_COLUMNS if c in header), None)
    if column is None:
        column = next((i for row in rows for i, v in enumerate(row) if is_http_url(v)), None)
    if column is None:
        return []
    return [row[column].strip() for row in rows if len(row) > column and is_http_url(row[column])]

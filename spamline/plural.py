"""Counts in words: "1 sighting", "2 sightings", for the CLI and the web pages."""
from __future__ import annotations


def noun(n: int, one: str, many: str | None = None) -> str:
    """The noun for ``n`` of it: singular for exactly one (``many``, else one+"s", otherwise)."""
    return one if n == 1 else many or one + "s"


def plural(n: int, one: str, many: str | None = None) -> str:
    """``n`` and its noun: "1 page", "3 pages"."""
    return f"{n} {noun(n, one, many)}"

"""Counts in words."""
from __future__ import annotations

from spamline.plural import noun, plural


def test_one_is_singular_and_every_other_count_plural():
    assert [plural(n, "page") for n in (0, 1, 2)] == ["0 pages", "1 page", "2 pages"]
    assert plural(1, "response was", "responses were") == "1 response was"
    assert plural(3, "response was", "responses were") == "3 responses were"
    assert noun(1, "sighting matches", "sightings match") == "sighting matches"

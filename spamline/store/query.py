"""Query rules shared by every backend: ids, number queries, date bounds, brand names."""
from __future__ import annotations

from dataclasses import replace

from spamline.model import Brand, Sighting, stable_id
from spamline.phones import normalize_number


def int_id(hex_id: str) -> int:
    """A positive 63-bit integer from a hex stable id (SQLite rowids, ES tie-break sort key)."""
    return int(hex_id[:16], 16) >> 1


def page_id(url: str) -> int:
    """The integer id of a page, derived from its URL."""
    return int_id(stable_id(url))


def as_number(query: str) -> str | None:
    """The E.164 form of a query typed as a phone number, else None."""
    query = query.strip()
    if not query or not any(ch.isdigit() for ch in query):
        return None
    return normalize_number(query)


def lower_bound(when: str | None) -> str | None:
    """An inclusive lower time bound; a bare date means the start of that day."""
    return f"{when}T00:00:00Z" if when and len(when) == 10 else when


def upper_bound(when: str | None) -> str | None:
    """An inclusive upper time bound; a bare date means the end of that day."""
    return f"{when}T23:59:59Z" if when and len(when) == 10 else when


def brand_names(brand: Brand) -> list[str]:
    """A brand's name and aliases, lower-cased, without duplicates."""
    return list(dict.fromkeys(n.lower() for n in [brand.name, *brand.aliases] if n))


def find_brand(registry: list[Brand], name: str) -> Brand | None:
    """The registered brand whose name or an alias equals `name` (case-insensitive)."""
    key = name.strip().lower()
    return next((b for b in registry if key in brand_names(b)), None)


def brand_then_word(tagged: list[Sighting], words: list[Sighting]) -> list[Sighting]:
    """A brand search's answer: sightings on pages attributed to the brand (matched "brand"),
    then those on other pages where the word stands in the title or text (matched "text")."""
    seen = {s.sighting_id for s in tagged}
    return [replace(s, matched="brand") for s in tagged] + [
        replace(s, matched="text") for s in words if s.sighting_id not in seen]

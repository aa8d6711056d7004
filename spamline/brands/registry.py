"""Registered brands: find their names and aliases in text, know their official numbers."""
from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from spamline.datadir import DataDir, DataDirError
from spamline.model import Brand
from spamline.store import open_store
from spamline.store.base import StoreUnavailable

log = logging.getLogger(__name__)

_CJK = re.compile(r"[\u3400-\u9fff]")
FOUND_CACHE = 1 << 16  # texts whose hits are remembered (pages of one template repeat phrases)


@lru_cache(maxsize=1 << 16)
def name_key(name: str) -> str:
    """How brand names are compared: case-folded, inner spaces dropped."""
    return re.sub(r"\s+", "", name).casefold()


@dataclass(frozen=True)
class AliasHit:
    """One registered brand name found in a text."""

    brand: str  # canonical name
    alias: str  # the name as registered
    start: int


class BrandIndex:
    """Registered brands by every spelling, with their official numbers."""

    def __init__(self, brands: Iterable[Brand] = ()):
        self.brands: dict[str, Brand] = {}
        self._by_key: dict[str, str] = {}
        self._owner: dict[str, str] = {}
        for brand in brands:
            self.brands[brand.name] = brand
            for alias in (brand.name, *brand.aliases):
                if alias.strip():
                    self._by_key[name_key(alias)] = brand.name
            for e164 in brand.official:
                self._owner[e164] = brand.name
        self._pattern = self._compile()
        self._found: dict[str, tuple[AliasHit, ...]] = {}

    def _compile(self) -> re.Pattern[str] | None:
        parts = []
        for key in sorted(self._by_key, key=len, reverse=True):
            body = r"\s*".join(map(re.escape, key))
            # Latin names must stand as words ("LG" not inside "LGBT"); CJK names cannot.
            parts.append(body if _CJK.search(key) else rf"(?<![a-z0-9]){body}(?![a-z0-9])")
        return re.compile("|".join(parts), re.IGNORECASE) if parts else None

    def __len__(self) -> int:
        return len(self.brands)

    def canonical(self, name: str) -> str | None:
        """The registered name behind a spelling, or None."""
        return self._by_key.get(name_key(name))

    def official(self, name: str) -> set[str]:
        """The brand's own numbers (E.164)."""
        brand = self.brands.get(self.canonical(name) or "")
        return set(brand.official) if brand else set()

    def owner_of(self, e164: str) -> str | None:
        """The brand that registered this number as official, if any."""
        return self._owner.get(e164)

    def find(self, text: str) -> tuple[AliasHit, ...]:
        """Every registered name in the text, in order."""
        if not self._pattern or not text:
            return ()
        found = self._found.get(text)
        if found is None:
            if len(self._found) >= FOUND_CACHE:
                self._found.clear()
            found = self._found[text] = tuple(
                AliasHit(self._by_key[name_key(m.group())], m.group(), m.start())
                for m in self._pattern.finditer(text))
        return found


def registered_brands(data_dir: str | None, store_url: str | None) -> list[Brand]:
    """The brands registered in the store ([] without a data dir or when the store is down)."""
    if not data_dir:
        return []
    try:
        with open_store(store_url, DataDir.open(data_dir)) as store:
            return store.brands()
    except (StoreUnavailable, DataDirError, OSError) as exc:
        log.warning("brand registry not loaded (%s); brands are read from pages only", exc)
        return []

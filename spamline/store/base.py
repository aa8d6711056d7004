"""The store interface every backend implements (SQLite default, Elasticsearch at scale).

The pipelines, the CLI, the evidence exporter and the web app talk only to this
interface, so both backends must answer the same questions the same way; the
contract tests in tests/store/ run one suite against each.
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from spamline.model import Brand, Capture, Network, NumberProfile, Sighting


class StoreUnavailable(RuntimeError):
    """The backend cannot be reached or refused a write; the caller should spool."""


@dataclass
class SearchFilters:
    """Narrowing applied to a search, shared by every backend."""

    since: str | None = None  # ISO UTC, inclusive
    until: str | None = None  # ISO UTC, inclusive
    number_type: str | None = None
    brand: str | None = None
    domain: str | None = None
    network_id: str | None = None


class Store(ABC):
    """Pages, captures, sightings, numbers, brands and networks."""

    # --- writes -----------------------------------------------------------
    @abstractmethod
    def add_captures(self, captures: Sequence[Capture]) -> None:
        """Store captures with their sightings; idempotent by capture id.

        Raises StoreUnavailable when the backend cannot take the batch.
        """

    def sync_commits(self) -> None:
        """From now on, return from add_captures only once the batch is on disk, so that a
        checkpoint kept elsewhere (ingest.db) never runs ahead of the store after a power
        loss. Elasticsearch already syncs its translog before it answers (the default
        `index.translog.durability: request`)."""

    @abstractmethod
    def add_brand(self, brand: Brand) -> None:
        """Register or update a brand (name, aliases, official numbers)."""

    @abstractmethod
    def save_networks(self, networks: Sequence[Network]) -> None:
        """Replace the stored networks; numbers then report their network id."""

    # --- reads ------------------------------------------------------------
    @abstractmethod
    def search(self, query: str, filters: SearchFilters | None = None, limit: int = 100,
               offset: int = 0) -> list[Sighting]:
        """Sightings matching a number in any format, a brand, a domain or free text,
        newest first."""

    @abstractmethod
    def number_profile(self, e164: str) -> NumberProfile | None:
        """One number's profile, or None when it was never seen."""

    @abstractmethod
    def captures(self, *, number: str | None = None, brand: str | None = None,
                 domain: str | None = None, network_id: str | None = None,
                 url: str | None = None) -> list[Capture]:
        """Captures (with their hits and WARC locations) involving the given selector."""

    @abstractmethod
    def brands(self) -> list[Brand]:
        """Every registered brand."""

    @abstractmethod
    def brand_report(self, name: str) -> list[Sighting]:
        """Sightings that give the brand (or an alias) a number it does not own,
        newest first."""

    @abstractmethod
    def iter_sightings(self) -> Iterator[Sighting]:
        """Every sighting, for building networks and migrating stores."""

    @abstractmethod
    def iter_captures(self) -> Iterator[Capture]:
        """Every capture with its text, hits and WARC location (body empty), for migrating."""

    @abstractmethod
    def networks(self) -> list[Network]:
        """Every stored network, largest first."""

    @abstractmethod
    def counts(self) -> dict[str, int]:
        """Totals: pages, captures, sightings, numbers, domains, brands."""

    def close(self) -> None:
        """Release connections."""

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


"""What one user may see: analysts see everything, a brand owner only their brands' data."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from spamline.model import Brand, Capture, Network
from spamline.web.auth import User


@dataclass(frozen=True)
class Scope:
    """A user's view of the store. ``brands`` is None for analysts (no restriction)."""

    user: User
    brands: frozenset[str] | None  # case-folded names and aliases of the user's brands

    @classmethod
    def of(cls, user: User, registered: Iterable[Brand]) -> "Scope":
        if user.is_analyst:
            return cls(user, None)
        mine = {b.casefold() for b in user.brands}
        for brand in registered:
            names = {brand.name.casefold(), *(a.casefold() for a in brand.aliases)}
            if names & mine:
                mine |= names
        return cls(user, frozenset(mine))

    @property
    def restricted(self) -> bool:
        return self.brands is not None

    def allows_brand(self, name: str) -> bool:
        return self.brands is None or name.casefold() in self.brands

    def allows_capture(self, capture: Capture) -> bool:
        return self.brands is None or any(self.allows_brand(b) for b in capture.brands)

    def allows_network(self, network: Network) -> bool:
        return self.brands is None or any(self.allows_brand(b) for b in network.brands)

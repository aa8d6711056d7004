"""Which networks are spam: those holding a number shown on a page judged spam.

Networks are built from every sighting (so a legitimate page that quotes a spam number still
links it); listings show the spam ones unless asked for all. The network build (refresh) marks
each network's `spam_numbers` while it reads the pages, so a listing only reads networks.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence

from spamline.brands.score import is_spam
from spamline.model import Capture, Network
from spamline.store.base import Store


def page_is_spam(capture: Capture) -> bool:
    """The page's verdict (captures stored before verdicts existed: from their score)."""
    verdict = capture.features.get("spam")
    if verdict is None:
        return is_spam(float(capture.features.get("spam_score", 0.0)))
    return bool(verdict)


def spam_numbers(captures: Iterable[Capture]) -> set[str]:
    """Every number shown on a page judged spam."""
    return {h.e164 for c in captures if page_is_spam(c) for h in c.hits}


def mark_spam(networks: Iterable[Network], numbers: set[str]) -> None:
    """Set each network's `spam_numbers`: its members among `numbers`."""
    for net in networks:
        net.spam_numbers = sorted(numbers.intersection(net.numbers))


def spam_networks(networks: Sequence[Network], store: Store) -> list[Network]:
    """The networks with at least one number shown on a spam page, in their order, as the
    network build marked them; networks stored before builds marked them are judged from the
    store's captures (`spamline networks` marks them on its next run)."""
    if any(n.spam_numbers is None for n in networks):
        numbers = spam_numbers(store.iter_captures())
        return [n for n in networks if numbers.intersection(n.numbers)]
    return [n for n in networks if n.spam_numbers]

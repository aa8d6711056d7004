"""Which networks are spam: those holding a number shown on a page judged spam.

Networks are built from every sighting (so a legitimate page that quotes a spam number still
links it); listings show the spam ones unless asked for all.
"""
from __future__ import annotations

from collections.abc import Iterable

from spamline.brands.score import is_spam
from spamline.model import Capture, Network


def page_is_spam(capture: Capture) -> bool:
    """The page's verdict (captures stored before verdicts existed: from their score)."""
    verdict = capture.features.get("spam")
    if verdict is None:
        return is_spam(float(capture.features.get("spam_score", 0.0)))
    return bool(verdict)


def spam_numbers(captures: Iterable[Capture]) -> set[str]:
    """Every number shown on a page judged spam."""
    return {h.e164 for c in captures if page_is_spam(c) for h in c.hits}


def spam_networks(networks: Iterable[Network], captures: Iterable[Capture]) -> list[Network]:
    """The networks with at least one number shown on a spam page, in their order."""
    numbers = spam_numbers(captures)
    return [n for n in networks if numbers.intersection(n.numbers)]

"""Spam score: 0..1 from page signals, with a readable reason for each point added, and the
verdict (spam when the score reaches SPAM_THRESHOLD)."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from spamline.brands.signals import PageSignals
from spamline.model import PhoneHit

SERVICE_TYPES = {"toll_free", "shared_cost", "mobile", "fixed_line_or_mobile", "uan"}
SPAM_THRESHOLD = 0.5


@dataclass
class Signals:
    """What the feature extractor learned about one page."""

    brand: str = ""
    product: str = ""
    registered: bool = False
    official: set[str] = field(default_factory=set)  # the claimed brand's own numbers
    brand_mentions: int = 0
    region_density: float = 0.0
    template_pages: int = 1  # pages of this page's template seen so far (itself included)
    hits: Sequence[PhoneHit] = ()
    page: PageSignals = field(default_factory=PageSignals)


def spam_score(s: Signals) -> tuple[float, list[str]]:
    """(score 0..1, reasons) — each reason names the signal and its weight."""
    score, reasons = 0.0, []

    def add(weight: float, reason: str) -> None:
        nonlocal score
        score += weight
        reasons.append(f"{weight:+.2f} {reason}")

    p = s.page
    numbers = list(dict.fromkeys(h.e164 for h in s.hits))
    foreign = [n for n in numbers if n not in s.official]
    if s.brand and s.registered and foreign:
        add(0.4, f"claims {s.brand} but gives {len(foreign)} number(s) it does not own: "
                 + ", ".join(foreign[:3]))
    elif s.brand and not s.registered and numbers:
        add(0.25, f"offers a service line for {s.brand}{' ' + s.product if s.product else ''}")
    own = [n for n in numbers if n in s.official]
    if s.brand and own:
        add(-0.3, f"also shows {len(own)} official number(s) of {s.brand}")
    service = sorted({h.type for h in s.hits if h.e164 in foreign and h.type in SERVICE_TYPES})
    if s.brand and service:
        add(0.1, "service-line number types: " + ", ".join(service))
    if s.brand and p.own_site:
        add(-0.45, f"served from {s.brand}'s own domain {p.own_site}")
    if s.brand and p.borrowed_host:
        add(0.2, f"host {p.borrowed_host} borrows the name {s.brand}")
    if s.brand and p.free_host:
        add(0.15, f"published on a free blog/help-desk host ({p.free_host})")
    if p.repeated[1] >= 3:
        add(0.15 if p.repeated[1] < 5 else 0.25,
            f"number {p.repeated[0]} repeated {p.repeated[1]} times")
    if s.brand and p.pitch:
        add(0.15, "sales pitch: " + ", ".join(p.pitch))
    if s.brand and p.disclaimer:
        add(0.2, f"disclaims the brand: {p.disclaimer!r}")
    if p.emoji:
        add(0.1, "phone or plane emoji next to numbers")
    if s.region_density >= 0.1:
        add(min(0.25, s.region_density), f"region-list padding: {s.region_density:.0%} of the text")
    if s.template_pages > 1:
        add(0.15, f"template shared with {s.template_pages - 1} other page(s)")
    if s.brand_mentions >= 5:
        add(0.1, f"brand phrase repeated {s.brand_mentions} times")
    if p.voice:
        add(-0.15 * min(2, len(p.voice)), "writes as a maker, newsroom or manual: " + ", ".join(p.voice))
    return round(min(1.0, max(0.0, score)), 2), reasons


def is_spam(score: float) -> bool:
    """The verdict for a score."""
    return score >= SPAM_THRESHOLD

"""What a page's text and address say about who made it: a doorway's sales pitch, or a
maker's, a newsroom's or a manual's own voice. Pure functions of one page.

    page_signals(title, text, url, brand, numbers) -> PageSignals
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from spamline.brands.detect import host_key
from spamline.brands.registry import name_key

# Hosts where anyone can publish a page under the host's name: blogs, help desks, site builders.
FREE_HOSTS = ("blogspot.", "wordpress.com", "zohodesk.com", "zendesk.com", "freshdesk.com",
              "helpscoutdocs.com", "sites.google.com", "wixsite.com", "weebly.com", "webflow.io",
              "gitbook.io", "medium.com", "jimdosite.com", "notion.site", "tumblr.com",
              "github.io", "strikingly.com", "site123.me", "over-blog.com", "livejournal.com")
_SECOND_LEVEL = {"co", "com", "net", "org", "gov", "ac", "or", "ne", "go", "lg", "edu", "gob"}

SAMPLE_CHARS = 50_000  # the signals are read from the page's start (title, then text)

# Doorway pages' pitch, and a maker's, a newsroom's, an office's or a manual's own voice, in the
# languages the corpus covers, read from the folded text. Every alternative starts with one literal
# character (a word's start is `(?<!\w.)` after its first letter, a line's `(?<![^\n].)`), except
# the byline indented by white space, which starts with `\s`.
_WORD_START, _LINE_START = r"(?<!\w.)", r"(?<![^\n].)"
_ALTERNATIVES: dict[str, list[str]] = {
    "pitch": [r"24\s*/\s*7", r"24\s*x\s*7", r"24\s*(?:hours|horas|ghante|stunden)", "24小时", "24時間",
              "rund um die uhr", "call now", "llame ya", "turant", "最短", "即日", "上门",
              "live (?:person|agent)", "real person", "una persona", "talk to", "sofort",
              "schnell und günstig"],
    "disclaimer": [r"third[- ]party", "independent", "not affiliated", "no oficial", "independiente",
                   "freier kundendienst", r"nicht .{0,30}(?:kg|gmbh|ag)\b", "非官方", "第三方",
                   "registered trademark"],
    "emoji": list("☎📞✈🔥📱☏"),
    "legal": ["©", "copyright", "版权所有", "icp备", "impressum", "aviso legal", "registergericht",
              *(w[0] + _WORD_START + w[1:] + r"\b\.?"
                for w in ("inc", "llc", "ltd", "gmbh", "kg", r"s\.a\.u?", "pvt")),
              "有限公司", "株式会社"],
    "byline": [r"\s" + _LINE_START + r"\s*(?:by|von|por)\s+\S+",
               *(w[0] + _LINE_START + w[1:] + r"\s+\S+" for w in ("by", "von", "por")),
               "记者", r"\((?:pti|ians|ap|dpa|efe)\)",
               *(w[0] + _WORD_START + w[1:] + r"\b" for w in ("staff reporter", "redacción"))],
    "manual": ["manual", r"user'?s guide", "说明书", "取扱説明書", "bedienungsanleitung", r"chapter \d+",
               r"page \d+", r"seite \d+", r"página \d+", r"第\d+页", "付録"],
    "warning": ["beware", "scam", "fraud", r"never (?:ask|share)", "谨防", "假冒", "警惕", "ご注意",
                "不審", "詐欺", "偽", "warnt", "estafa", "protect yourself", "otp"],
}
def _scanners() -> list[tuple[re.Pattern[str], dict[int, str]]]:
    """One pattern per first character (each starts with it, so the search skips to it), with
    the alternatives in SIGNALS' order, each marked by an empty group naming its signal."""
    by_first: dict[str, list[tuple[str, str]]] = {}
    for signal, alternatives in _ALTERNATIVES.items():
        for alt in alternatives:
            first, rest = (alt[:2], alt[2:]) if alt.startswith("\\") else (alt[0], alt[1:])
            by_first.setdefault(first, []).append((signal, rest))
    scanners = []
    for first, alts in by_first.items():
        pattern = re.compile(f"{first}(?:" + "|".join(f"(){rest}" for _, rest in alts) + ")")
        scanners.append((pattern, {i + 1: signal for i, (signal, _) in enumerate(alts)}))
    return scanners


_SCANNERS = _scanners()


def scan(text: str) -> list[tuple[str, str]]:
    """(signal, matched text) left to right without overlaps, as one pattern of all the
    alternatives in order, a group per signal, would find them (tests/brands/test_signals.py
    holds it to that pattern): each first character's pattern is searched on its own, and the
    earliest match taken."""
    found: list[tuple[str, str]] = []
    pending: list[tuple[int, int, re.Match[str], dict[int, str], re.Pattern[str]]] = []
    for k, (pattern, signals) in enumerate(_SCANNERS):
        m = pattern.search(text)
        if m:
            pending.append((m.start(), k, m, signals, pattern))
    pos = 0
    while pending:
        start, k, m, signals, pattern = min(pending)
        pending.remove((start, k, m, signals, pattern))
        if start < pos:  # overlapped by a match taken before it: look again from there
            m = pattern.search(text, pos)
            if m:
                pending.append((m.start(), k, m, signals, pattern))
            continue
        found.append((signals[m.lastindex or 0], m.group()))
        pos = m.end()
        m = pattern.search(text, pos)
        if m:
            pending.append((m.start(), k, m, signals, pattern))
    return found


VOICES = ("legal", "byline", "manual", "warning")


@dataclass
class PageSignals:
    """Evidence for and against a doorway page, each with the text that shows it."""

    own_site: str = ""  # the host that is the brand's own domain
    borrowed_host: str = ""  # a host that carries the brand's name but is not its domain
    free_host: str = ""
    repeated: tuple[str, int] = ("", 0)  # the most repeated number and how often it stands
    pitch: list[str] = field(default_factory=list)
    disclaimer: str = ""
    emoji: bool = False
    voice: list[str] = field(default_factory=list)  # legal, byline, manual, warning


def page_signals(title: str, text: str, url: str, brands: Sequence[str],
                 raws: Sequence[str]) -> PageSignals:
    """The signals of one page (`brands`: its claimed brands, best first; `raws`: the numbers'
    E.164 forms as found, one per occurrence)."""
    whole = f"{title}\n{text}"
    s = PageSignals()
    host = _host(url)
    if host:
        s.free_host = next((h for h in FREE_HOSTS if h in host), "")
        for brand in brands[:1]:
            if _own_domain(brand, host) and not s.free_host:
                s.own_site = host
            elif _borrows(brand, host):
                s.borrowed_host = host
    if raws:
        number, count = Counter(raws).most_common(1)[0]
        s.repeated = (number, count)
    found: dict[str, list[str]] = {}
    for signal, matched in scan(whole[:SAMPLE_CHARS].lower()):
        found.setdefault(signal, []).append(matched.strip())
    s.pitch = sorted({p.casefold() for p in found.get("pitch", [])})[:4]
    s.disclaimer = found.get("disclaimer", [""])[0]
    s.emoji = "emoji" in found
    s.voice = [f"{name} ({found[name][0][:30]})" for name in VOICES if name in found]
    return s


def _host(url: str) -> str:
    host = re.sub(r"^[a-z][a-z0-9+.-]*://", "", (url or "").casefold()).split("/", 1)[0]
    return host.split(":", 1)[0].removeprefix("www.")


def _registrable_label(host: str) -> str:
    """"delta" for www.delta.com, "sbicard" for sbicard.co.in, "panasonic" for panasonic.jp."""
    labels = host.split(".")
    if len(labels) >= 3 and labels[-2] in _SECOND_LEVEL:
        return labels[-3]
    return labels[-2] if len(labels) >= 2 else labels[0]


def _own_domain(brand: str, host: str) -> bool:
    """The host's registered name is the brand's: its name, first word or initials."""
    label = _registrable_label(host)
    words = [re.sub(r"[^a-z0-9]", "", w) for w in brand.casefold().split()]
    words = [w for w in words if w]
    if not words or not label:
        return False
    initials = "".join(w[0] for w in words)
    return label in {"".join(words), words[0], initials} and len(label) >= 2


def _borrows(brand: str, host: str) -> bool:
    """The brand's Latin name (or its first word of four letters or more) stands inside the
    host name."""
    key = re.sub(r"[^a-z0-9]", "", name_key(brand))
    first = re.sub(r"[^a-z0-9]", "", brand.split()[0].casefold()) if brand.split() else ""
    host = host_key(host)
    return (len(key) >= 2 and key.isascii() and key in host) or (
        len(first) >= 4 and first.isascii() and first in host)

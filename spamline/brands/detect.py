"""The brand a page claims to serve, and the product, read from title, headings and text.

Registered brands (and their aliases) are recognised wherever they appear; other
brand names are read from service phrases such as "金盾保险柜售后服务电话" (brand
"金盾", product "保险柜") or "Acme Printer Support Number" (brand "Acme", product
"printer"). Where a phrase stands counts: title 3, each heading 2, each repetition in
the text 1 (at most 5), so a page that lists many brands in passing still names the
one it is built around.
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import lxml.html
from lxml.html import HtmlElement

from spamline.brands.registry import BrandIndex, name_key
from spamline.brands.vocab import (
    FILLER_PREFIXES,
    FILLER_SUFFIXES,
    NOT_BRANDS,
    PLACES,
    PRODUCTS_CJK,
    PRODUCTS_LATIN,
    SERVICE_CJK,
    SERVICE_LATIN,
)

TITLE_WEIGHT, HEADING_WEIGHT, TEXT_WEIGHT, TEXT_CAP = 3.0, 2.0, 1.0, 5.0
REGISTERED_BONUS = 0.5

_SEPARATORS = re.compile(r"[|｜\-—–_,，。.、:：;；!！?？()（）<>\"“”‘’/\\·•…~～\n\r\t]+")
_BRACKETS = re.compile(r"[【】\[\]《》「」]")  # "【雪岭】空调维修" reads as "雪岭空调维修"
_CJK_SPACE = re.compile(r"(?<=[\u3400-\u9fff])\s+|\s+(?=[\u3400-\u9fff])")
_CJK_WORDS = sorted({*PRODUCTS_CJK, *SERVICE_CJK}, key=len, reverse=True)
_ANCHOR_CJK = re.compile("|".join(map(re.escape, _CJK_WORDS)))
_PRODUCT_CJK = re.compile("|".join(map(re.escape, PRODUCTS_CJK)))
_ANCHOR_LATIN = re.compile(
    r"(?<![a-z])(" + "|".join(map(re.escape, sorted({*PRODUCTS_LATIN, *SERVICE_LATIN},
                                                     key=len, reverse=True))) + r")(?![a-z])",
    re.IGNORECASE)
_PRODUCT_LATIN = re.compile(
    r"(?<![a-z])(" + "|".join(map(re.escape, PRODUCTS_LATIN)) + r")(?![a-z])", re.IGNORECASE)
_STRIP_FRONT = re.compile("^(?:" + "|".join(map(re.escape, sorted(
    {*FILLER_PREFIXES, *PLACES, *SERVICE_CJK}, key=len, reverse=True))) + r"|\d+|[a-z]?\d+[a-z]*)")
_STRIP_BACK = re.compile("(?:" + "|".join(map(re.escape, FILLER_SUFFIXES)) + ")$")
_LATIN_STOP = {"call", "contact", "official", "best", "the", "for", "your", "a", "an", "get",
               "number", "phone", "us", "usa", "toll", "free", "of", "and", "our", "dial", "now",
               "24/7", "24x7", "online", "help", "at", "to", "in", "home", "welcome", "page",
               "independent", "third", "party", "authorized", "certified", "local", "expert"}
_NOT_NAMES = NOT_BRANDS | set(PRODUCTS_CJK) | set(SERVICE_CJK)
_LATIN = re.compile(r"[A-Za-z]{2}")
_CJK_RUN = re.compile(r"[\u3400-\u9fffA-Za-z0-9&]+$")
_CJK_NAME = re.compile(r"^[\u3400-\u9fff][\u3400-\u9fffA-Za-z0-9&]{1,7}$|^[A-Za-z][A-Za-z0-9&]{1,19}$")


@dataclass(frozen=True)
class BrandClaim:
    """A brand a page claims to serve, with the phrase that says so."""

    brand: str
    product: str
    registered: bool
    score: float
    evidence: str  # "title: 金盾保险柜售后服务电话"


def parse_html(html: str | bytes | None) -> HtmlElement | None:
    """The parsed HTML document (None when there is nothing to parse)."""
    if not html or not html.strip():
        return None
    try:
        return lxml.html.fromstring(html)
    except ValueError:  # a str with an XML encoding declaration: let lxml decode the bytes
        return lxml.html.fromstring(html.encode("utf-8")) if isinstance(html, str) else None
    except lxml.etree.ParserError:
        return None


def headings_of(html: str | bytes | HtmlElement | None) -> list[str]:
    """The text of every h1-h3 heading of an HTML document (or its parsed root), in order."""
    root = html if isinstance(html, HtmlElement) else parse_html(html)
    if root is None:
        return []
    return [" ".join(h.text_content().split()) for h in root.iter("h1", "h2", "h3")]


def detect_brands(title: str, text: str, headings: Sequence[str] = (),
                  index: BrandIndex | None = None) -> list[BrandClaim]:
    """Brands the page claims to serve, best first (empty when it names none)."""
    index = BrandIndex() if index is None else index
    scores: dict[tuple[str, bool], float] = defaultdict(float)
    products: dict[tuple[str, bool], Counter[str]] = defaultdict(Counter)
    evidence: dict[tuple[str, bool], tuple[float, str]] = {}
    text_counts: Counter[tuple[str, bool]] = Counter()

    def credit(name: str, product: str, weight: float, where: str, phrase: str) -> None:
        canonical = index.canonical(name)
        key = (canonical, True) if canonical else (name, False)
        if where == "text":
            if text_counts[key] >= TEXT_CAP:
                return
            text_counts[key] += 1
        scores[key] += weight
        if product:
            products[key][product] += 1
        if key not in evidence or evidence[key][0] < weight:
            evidence[key] = (weight, f"{where}: {phrase.strip()[:80]}")

    product_counts: Counter[str] = Counter()
    for where, weight, segment in _segments(title, headings, text):
        found, phrases = _reading(segment)
        for product in found:
            product_counts[product] += weight
        hits = index.find(segment)
        if not hits:
            for name, product in phrases:
                credit(name, product, weight, where, segment)
            continue
        named = set()
        for name, product in phrases:
            # "金盾" read from "金盾保险柜售后" is the registered "金盾保险柜" found there too
            overlap = [h.brand for h in hits if name_key(name) in name_key(h.alias)]
            name = overlap[0] if overlap else name
            credit(name, product, weight, where, segment)
            named.add(index.canonical(name) or name)
        if where != "text" or _anchored(segment):
            for brand in dict.fromkeys(hit.brand for hit in hits):
                if brand not in named:
                    credit(brand, _product_in(segment), weight, where, segment)

    page_product = product_counts.most_common(1)[0][0] if product_counts else ""
    claims = []
    for key, score in scores.items():
        name, registered = key
        product = products[key].most_common(1)[0][0] if products[key] else page_product
        claims.append(BrandClaim(name, product, registered,
                                 score + (REGISTERED_BONUS if registered else 0.0),
                                 evidence[key][1]))
    claims.sort(key=lambda c: (-c.score, not c.registered, c.brand))
    return claims


def detect_product(title: str, text: str, headings: Sequence[str] = ()) -> str:
    """The product category the page is about ("" when none is named)."""
    counts: Counter[str] = Counter()
    for where, weight, segment in _segments(title, headings, text):
        for product in _products_in(segment):
            counts[product] += weight
    return counts.most_common(1)[0][0] if counts else ""


def _segments(title: str, headings: Iterable[str], text: str) -> Iterable[tuple[str, float, str]]:
    """(where, weight, phrase) for the title, each heading and each phrase of the text."""
    for where, weight, block in (("title", TITLE_WEIGHT, title),
                                 *(("heading", HEADING_WEIGHT, h) for h in headings)):
        for piece in _pieces(block):
            yield where, weight, piece
    for piece in _pieces(text):
        yield "text", TEXT_WEIGHT, piece


def _pieces(block: str) -> list[str]:
    """A block cut at punctuation, with spaces next to CJK characters removed."""
    block = _BRACKETS.sub("", block or "")
    return [p for p in map(_clean, _SEPARATORS.split(block)) if p]


@lru_cache(maxsize=1 << 16)  # pages of one template repeat most of their phrases
def _clean(piece: str) -> str:
    """A piece with spaces next to CJK characters removed, stripped."""
    return _CJK_SPACE.sub("", piece).strip()


@lru_cache(maxsize=1 << 16)
def _anchored(piece: str) -> bool:
    """Whether the piece has a product or service word (so brands named in it count)."""
    return bool(_ANCHOR_CJK.search(piece) or _ANCHOR_LATIN.search(piece))


@lru_cache(maxsize=1 << 16)  # pages of one template repeat most of their phrases
def _reading(piece: str) -> tuple[tuple[str, ...], tuple[tuple[str, str], ...]]:
    """The products named in one piece of text, and the (brand, product) its phrases claim."""
    return _products_in(piece), _phrase_brands(piece)


def _phrase_brands(piece: str) -> tuple[tuple[str, str], ...]:
    """(brand, product) pairs read from service phrases in one piece of text."""
    found: list[tuple[str, str]] = []
    for anchor in _ANCHOR_CJK.finditer(piece):
        name = _cjk_name(piece[:anchor.start()])
        if name:
            found.append((name, _product_in(piece[anchor.start():])))
            break
    if not found and _LATIN.search(piece):
        for anchor in _ANCHOR_LATIN.finditer(piece):
            name = _latin_name(piece[:anchor.start()])
            if name:
                found.append((name, _product_in(piece[anchor.start():])))
                break
    return tuple(found)


def _cjk_name(prefix: str) -> str:
    """The brand name ending a CJK prefix, with places, filler and service words trimmed."""
    run = _CJK_RUN.search(prefix)
    if not run:
        return ""
    name = run.group()
    while True:
        trimmed = _STRIP_BACK.sub("", _STRIP_FRONT.sub("", name, count=1))
        if trimmed == name:
            break
        name = trimmed
    if not _CJK_NAME.match(name) or name.casefold() in _LATIN_STOP or name in _NOT_NAMES:
        return ""
    return name


def _latin_name(prefix: str) -> str:
    """Up to three capitalised words ending a Latin prefix ("Call Acme Pro" -> "Acme Pro")."""
    words = prefix.split()
    name: list[str] = []
    for word in reversed(words):
        if word.casefold() in _LATIN_STOP or not word[:1].isupper() and not word[:1].isdigit():
            break
        name.insert(0, word)
        if len(name) == 3:
            break
    return " ".join(name) if name and any(ch.isalpha() for ch in name[0]) else ""


@lru_cache(maxsize=1 << 16)
def _products_in(piece: str) -> tuple[str, ...]:
    found = [m.group() for m in _PRODUCT_CJK.finditer(piece)]
    if _LATIN.search(piece):
        found += [m.group().lower() for m in _PRODUCT_LATIN.finditer(piece)]
    return tuple(found)


def _product_in(piece: str) -> str:
    products = _products_in(piece)
    return products[0] if products else ""

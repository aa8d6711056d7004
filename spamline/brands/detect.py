"""The brand a page claims to serve, and the product, read from title, headings and text.

Registered brands (and their aliases) are recognised wherever they appear; other
brand names are read from service phrases such as "金盾保险柜售后服务电话" (brand
"金盾", product "保险柜") or "Acme Printer Support Number" (brand "Acme", product
"printer"), in Chinese, Japanese, English, Spanish ("servicio técnico Bosch"), German
("Siemens Kundendienst") and Hindi-English ("Flipkart customer care number"); a contact
page's title names its site ("Contact | Miele"). Generic words ("All", "Chat", "Support
Availability", "XXXX") and product words are never names. Where a phrase stands counts: title 3, each heading 2, each repetition in
the text 1 (at most 5), so a page that lists many brands in passing still names the
one it is built around. A sentence that calls a number fake ("fraudsters posted a fake number
as a Flipkart helpline") reports an impostor: the brands in it are not claimed, so a news or
warning page carries none (a doorway that adds "beware of fake numbers" keeps the brand of
its other sentences).
"""
from __future__ import annotations

import re
import threading
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import lxml.html
from lxml.html import HtmlElement

from spamline.brands.registry import BrandIndex, name_key
from spamline.brands.vocab import (
    AFTER_ANCHOR_LINKS,
    CONTACT_TITLES,
    FILLER_PREFIXES,
    FILLER_SUFFIXES,
    GENERIC_WORDS,
    IMPOSTOR_WORDS,
    NOT_BRANDS,
    PART_WORDS,
    PLACES,
    PRODUCTS_CJK,
    PRODUCTS_JA,
    PRODUCTS_LATIN,
    PRODUCTS_OTHER,
    SERVICE_CJK,
    SERVICE_JA,
    SERVICE_LATIN,
    SERVICE_OTHER,
    TRADE_WORDS,
)

TITLE_WEIGHT, HEADING_WEIGHT, ANCHOR_WEIGHT, TEXT_WEIGHT, TEXT_CAP = 3.0, 2.0, 1.5, 1.0, 5.0
REGISTERED_BONUS = 0.5
URL_WEIGHT = 1.5  # the brand's name stands in the page's host name

_CJK_CLASS = "\u3040-\u30ff\u3400-\u9fff"  # kana and ideographs (Chinese and Japanese)
_SEPARATORS = re.compile(r"[|｜\-—–_,，。.、:：;；!！?？()（）<>\"“”‘’/\\·•…~～\n\r\t]+")
_TITLE_SEPARATORS = re.compile(r"\s[|｜\-—–·:]\s|[|｜]")
_BRACKETS = re.compile(r"[【】\[\]《》「」]")  # "【雪岭】空调维修" reads as "雪岭空调维修"
_CJK_SPACE = re.compile(rf"(?<=[{_CJK_CLASS}])\s+|\s+(?=[{_CJK_CLASS}])")
_PRODUCTS_CJK = sorted({*PRODUCTS_CJK, *PRODUCTS_JA}, key=len, reverse=True)
_CJK_WORDS = sorted({*_PRODUCTS_CJK, *SERVICE_CJK, *SERVICE_JA}, key=len, reverse=True)
_ANCHOR_CJK = re.compile("|".join(map(re.escape, _CJK_WORDS)))
_PRODUCT_CJK = re.compile("|".join(map(re.escape, _PRODUCTS_CJK)))
_PRODUCT_WORDS = sorted({*PRODUCTS_LATIN, *PRODUCTS_OTHER}, key=len, reverse=True)
_ANCHOR_LATIN = re.compile(
    r"(?<!\w)(" + "|".join(map(re.escape, sorted({*_PRODUCT_WORDS, *SERVICE_LATIN, *SERVICE_OTHER},
                                                 key=len, reverse=True))) + r")(?!\w)",
    re.IGNORECASE)
_PRODUCT_LATIN = re.compile(
    r"(?<!\w)(" + "|".join(map(re.escape, _PRODUCT_WORDS)) + r")(?!\w)", re.IGNORECASE)
_SERVICE_LATIN = re.compile(r"(?<!\w)(" + "|".join(map(re.escape, sorted(
    {*SERVICE_LATIN, *SERVICE_OTHER}, key=len, reverse=True))) + r")(?!\w)", re.IGNORECASE)
_SERVICE_OTHER = {w.casefold() for w in SERVICE_OTHER}
_SERVICE_WORDS = {w.casefold() for w in (*SERVICE_LATIN, *SERVICE_OTHER)}
_STRIP_FRONT = re.compile("^(?:" + "|".join(map(re.escape, sorted(
    {*FILLER_PREFIXES, *PLACES, *SERVICE_CJK}, key=len, reverse=True))) + r"|\d+|[a-z]?\d+[a-z]*)")
_STRIP_BACK = re.compile("(?:" + "|".join(map(re.escape, FILLER_SUFFIXES)) + ")$")
_NOT_NAMES = NOT_BRANDS | set(_PRODUCTS_CJK) | set(SERVICE_CJK) | set(SERVICE_JA)
_LATIN = re.compile(r"[A-Za-z]{2}")
_CJK_RUN = re.compile(rf"[{_CJK_CLASS}A-Za-z0-9&.]+$")
_CJK_NAME = re.compile(rf"^[{_CJK_CLASS}][{_CJK_CLASS}A-Za-z0-9&.]{{1,7}}$|^[A-Za-z][A-Za-z0-9&.]{{1,19}}$")
_HIRAGANA_ONLY = re.compile(r"^[\u3040-\u309f]+$")
_WORD_EDGES = ".,;:!?¿¡()[]{}\"'“”‘’«»☎📞✈️🔥*#"
_CONTACT = tuple(t.casefold() for t in CONTACT_TITLES)
_NOT_ALNUM = re.compile(r"[^a-z0-9]")
_WORD = re.compile(r"\w+")
# IMPOSTOR_WORDS in Latin script are matched as whole lower-cased words (phrases as runs of
# words); those in other scripts (CJK, kana, Devanagari) wherever they stand
_IMPOSTOR_LATIN = [w for w in IMPOSTOR_WORDS if all(ord(ch) < 0x250 for ch in w)]
_IMPOSTOR_WORDS = frozenset(w for w in _IMPOSTOR_LATIN if " " not in w)
_IMPOSTOR_PHRASES = tuple(f" {w} " for w in _IMPOSTOR_LATIN if " " in w)
_IMPOSTOR_RUNS = tuple(w for w in IMPOSTOR_WORDS if w not in _IMPOSTOR_LATIN)
# Sentence ends (each also cuts pieces, so splitting at them first leaves the pieces as they were)
_SENTENCE = re.compile(r"[.!?。！？|｜\n]+|\s[-—–]\s")


@dataclass(frozen=True)
class BrandClaim:
    """A brand a page claims to serve, with the phrase that says so."""

    brand: str
    product: str
    registered: bool
    score: float
    evidence: str  # "title: 金盾保险柜售后服务电话"


_PARSERS = threading.local()  # an lxml parser must not be shared between threads


def _parser() -> lxml.html.HTMLParser:
    """This thread's lxml.html parser with every element an HtmlElement, chosen in C (lxml.html's
    own lookup, a Python call per element, picks form and input classes the features never use)."""
    parser = getattr(_PARSERS, "parser", None)
    if parser is None:
        parser = _PARSERS.parser = lxml.html.HTMLParser()
        parser.set_element_class_lookup(lxml.etree.ElementDefaultClassLookup(
            element=HtmlElement, comment=lxml.html.HtmlComment,
            pi=lxml.html.HtmlProcessingInstruction, entity=lxml.html.HtmlEntity))
    return parser


def parse_html(html: str | bytes | None) -> HtmlElement | None:
    """The parsed HTML document (None when there is nothing to parse)."""
    if not html or not html.strip():
        return None
    try:
        return lxml.html.fromstring(html, parser=_parser())
    except ValueError:  # a str with an XML encoding declaration: let lxml decode the bytes
        return lxml.html.fromstring(html.encode("utf-8"), parser=_parser()) if isinstance(html, str) else None
    except lxml.etree.ParserError:
        return None


def anchors_of(root: HtmlElement | None) -> list[str]:
    """The text of every link of a parsed document, in order."""
    if root is None:
        return []
    return [t for t in (" ".join(a.text_content().split()) for a in root.iter("a")) if t]


def headings_of(html: str | bytes | HtmlElement | None) -> list[str]:
    """The text of every h1-h3 heading of an HTML document (or its parsed root), in order."""
    root = html if isinstance(html, HtmlElement) else parse_html(html)
    if root is None:
        return []
    return [" ".join(h.text_content().split()) for h in root.iter("h1", "h2", "h3")]


def detect_brands(title: str, text: str, headings: Sequence[str] = (),
                  index: BrandIndex | None = None, url: str = "",
                  anchors: Sequence[str] = ()) -> list[BrandClaim]:
    """Brands the page claims to serve, best first (empty when it names none); a Latin name
    that also stands in the host name of `url` gains URL_WEIGHT; link texts (`anchors`) weigh
    ANCHOR_WEIGHT each, at most TEXT_CAP of them."""
    return brands_and_products(title, text, headings, index, url, anchors)[0]


def brands_and_products(title: str, text: str, headings: Sequence[str] = (),
                        index: BrandIndex | None = None, url: str = "",
                        anchors: Sequence[str] = (), most: int = 3) -> tuple[list[BrandClaim], list[str]]:
    """`detect_brands(...)` and `products_of(title, text, headings, most)` read in one pass."""
    index = BrandIndex() if index is None else index
    scores: dict[tuple[str, bool], float] = defaultdict(float)
    products: dict[tuple[str, bool], Counter[str]] = defaultdict(Counter)
    evidence: dict[tuple[str, bool], tuple[float, str]] = {}
    text_counts: Counter[tuple[str, str, bool]] = Counter()

    def credit(name: str, product: str, weight: float, where: str, phrase: str) -> None:
        canonical = index.canonical(name)
        key = (canonical, True) if canonical else (name, False)
        if where in ("text", "anchor"):
            if text_counts[(where, *key)] >= TEXT_CAP:
                return
            text_counts[(where, *key)] += 1
        scores[key] += weight
        if product:
            products[key][product] += 1
        if key not in evidence or evidence[key][0] < weight:
            evidence[key] = (weight, f"{where}: {phrase.strip()[:80]}")

    find = index.find if len(index) else None
    product_counts: Counter[str] = Counter()  # products of every phrase, links included
    named_products: Counter[str] = Counter()  # products of the title, headings and text
    for where, weight, block in (("title", TITLE_WEIGHT, title),
                                 *(("heading", HEADING_WEIGHT, h) for h in headings),
                                 *(("anchor", ANCHOR_WEIGHT, a) for a in anchors),
                                 ("text", TEXT_WEIGHT, text)):
        for segment, sentence, found, phrases in _phrases_of(block or ""):
            for product in found:
                product_counts[product] += weight
            if where != "anchor":
                for product in found:
                    named_products[product] += weight
            hits = find(segment) if find else ()
            if not (phrases or hits):
                continue
            if _impostor(sentence):
                continue  # a sentence about an impostor's number names the brand, claims nothing
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

    for name in _contact_title_names(title):
        credit(name, "", TITLE_WEIGHT, "title", f"contact page of {name}")
    host = host_key(url)
    if host:
        for key in scores:
            if _LATIN.search(key[0]) and _NOT_ALNUM.sub("", key[0].casefold()) in host:
                scores[key] += URL_WEIGHT

    page_product = product_counts.most_common(1)[0][0] if product_counts else ""
    claims = []
    for key, score in scores.items():
        name, registered = key
        if (not registered and not _LATIN.search(name) and evidence[key][0] <= TEXT_WEIGHT
                and score < 2 * TEXT_WEIGHT):
            continue  # a CJK phrase read once in passing in the text: too weak to be a name
        product = products[key].most_common(1)[0][0] if products[key] else page_product
        claims.append(BrandClaim(name, product, registered,
                                 score + (REGISTERED_BONUS if registered else 0.0),
                                 evidence[key][1]))
    claims.sort(key=lambda c: (-c.score, not c.registered, c.brand))
    return claims, [p for p, _ in named_products.most_common(most)]


def detect_product(title: str, text: str, headings: Sequence[str] = ()) -> str:
    """The product category the page is about ("" when none is named)."""
    found = products_of(title, text, headings, 1)
    return found[0] if found else ""


def products_of(title: str, text: str, headings: Sequence[str] = (), most: int = 3) -> list[str]:
    """The product words a page names, most weight first (at most `most`)."""
    return brands_and_products(title, text, headings, most=most)[1]


Phrase = tuple[str, str, tuple[str, ...], tuple[tuple[str, str], ...]]
CACHED_CHARS = 1000  # blocks and sentences up to this long are remembered (titles, headings, links)


def _phrases_of(block: str) -> tuple[Phrase, ...]:
    """(phrase, its sentence, products named, (brand, product) claimed) for each phrase of a
    block (a title, a heading, a link text or the text), cut at punctuation."""
    return _cached_phrases(block) if len(block) <= CACHED_CHARS else _read_phrases(block)


def _read_phrases(block: str) -> tuple[Phrase, ...]:
    return tuple((piece, sentence, *_reading(piece))
                 for sentence in _SENTENCE.split(_BRACKETS.sub("", block))
                 for piece in map(_clean, _SEPARATORS.split(sentence)) if piece)


_cached_phrases = lru_cache(maxsize=1 << 12)(_read_phrases)


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
            product = _product_in(piece[anchor.start():])
            after = _name_after(piece[anchor.end():], anchor.group().casefold() in _SERVICE_OTHER)
            for name in (_latin_name(piece[:anchor.start()]), after):
                if name and (name, product) not in found:
                    found.append((name, product))
            if found:
                break
    return tuple(found)


def _impostor(sentence: str) -> bool:
    """Whether the sentence calls a number fake or its owner an impostor (IMPOSTOR_WORDS)."""
    return _cached_impostor(sentence) if len(sentence) <= CACHED_CHARS else _reads_impostor(sentence)


def _reads_impostor(sentence: str) -> bool:
    low = sentence.lower()
    if any(w in low for w in _IMPOSTOR_RUNS):
        return True
    words = _WORD.findall(low)
    if not _IMPOSTOR_WORDS.isdisjoint(words):
        return True
    joined = f" {' '.join(words)} "
    return any(p in joined for p in _IMPOSTOR_PHRASES)


_cached_impostor = lru_cache(maxsize=1 << 12)(_reads_impostor)


def _contact_title_names(title: str) -> list[str]:
    """The site named by a contact page's title: "Contact Us | Delta Air Lines" -> Delta Air Lines."""
    parts = [p.strip() for p in _TITLE_SEPARATORS.split(_BRACKETS.sub("", title or "")) if p.strip()]
    if len(parts) < 2 or not any(p.casefold().startswith(_CONTACT) for p in parts):
        return []
    names = []
    for part in parts:
        if part.casefold().startswith(_CONTACT):
            continue
        name = _title_name(part) if _LATIN.search(part) else _cjk_name(_clean(part))
        if name:
            names.append(name)
    return names


def _title_name(part: str) -> str:
    """A title segment as a name: Title Case words, generic words trimmed from both ends."""
    words = [w for w in (w.strip(_WORD_EDGES) for w in part.split()) if w]
    if not words or len(words) > 5 or any(not _name_like(w) and w.casefold() not in ("de", "&")
                                          for w in words):
        return ""
    while words and _generic(words[0]):
        words.pop(0)
    return _trimmed(words[:3])


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
    if (not _CJK_NAME.match(name) or _generic(name) or name in _NOT_NAMES
            or _HIRAGANA_ONLY.match(name)):
        return ""
    return name


def _latin_name(prefix: str) -> str:
    """Up to three capitalised words ending a Latin prefix ("Call Acme Pro" -> "Acme Pro"),
    past up to two product or trade words next to the service word ("QuickBooks Desktop
    Payroll helpline", "BSH Hausgeräte Kundendienst")."""
    name: list[str] = []
    words = [w.strip(_WORD_EDGES) for w in prefix.split()]
    for _ in range(2):  # "BSH Hausgeräte Kundendienst", "Canon Printer Support"
        if words and (words[-1].casefold() in TRADE_WORDS or _PRODUCT_LATIN.fullmatch(words[-1])):
            words.pop()
    for word in reversed(words):
        if not word or _generic(word) or not _name_like(word):
            break
        name.insert(0, word)
        if len(name) == 3:
            break
    return _trimmed(name)


def _name_after(rest: str, bare: bool) -> str:
    """Capitalised words after a service word, past one link word ("teléfono de Iberia", "live
    person at United Airlines"), or right after it when `bare` (Spanish and German service
    words: "servicio técnico Bosch")."""
    words = [w.strip(_WORD_EDGES) for w in rest.split()][:5]
    if words and words[0].casefold() in AFTER_ANCHOR_LINKS:
        words = words[1:]
    elif not bare:
        return ""
    name: list[str] = []
    for word in words:
        if not word or not _name_like(word) or (not name and _generic(word)):
            break
        name.append(word)
        if len(name) == 3:
            break
    return _trimmed(name)


def _name_like(word: str) -> bool:
    """Capitalised, or mixed case such as "eBay": what a brand name looks like in Latin text."""
    return any(ch.isupper() for ch in word) and any(ch.isalpha() for ch in word)


def _generic(word: str) -> bool:
    """A word that is never part of a name: page furniture, service and product words,
    and places."""
    w = word.casefold()
    return w in GENERIC_WORDS or w in _SERVICE_WORDS or bool(_PRODUCT_LATIN.fullmatch(w)) \
        or set(w) <= {"x"}


def _trimmed(name: list[str]) -> str:
    """The name with generic words dropped from its end ("Samsung España" -> "Samsung"); ""
    when only words that cannot stand alone are left ("Airline")."""
    while name and _generic(name[-1]):
        name.pop()
    if not name or not any(ch.isalpha() for ch in name[0]) or all(
            w.casefold() in PART_WORDS for w in name):
        return ""
    return " ".join(name)


def host_key(url: str) -> str:
    """The host name of a URL in lower-case letters and digits only ("" without one)."""
    host = re.sub(r"^[a-z][a-z0-9+.-]*://", "", (url or "").casefold()).split("/", 1)[0]
    return _NOT_ALNUM.sub("", host.split(":", 1)[0])


@lru_cache(maxsize=1 << 16)
def _products_in(piece: str) -> tuple[str, ...]:
    """Product words in the piece, not counting those inside a service phrase ("phone number")."""
    found = [m.group() for m in _PRODUCT_CJK.finditer(piece)]
    if _LATIN.search(piece):
        service = [m.span() for m in _SERVICE_LATIN.finditer(piece)]
        found += [m.group().lower() for m in _PRODUCT_LATIN.finditer(piece)
                  if not any(a <= m.start() and m.end() <= b and (a, b) != m.span()
                             for a, b in service)]
    return tuple(found)


def _product_in(piece: str) -> str:
    products = _products_in(piece)
    return products[0] if products else ""

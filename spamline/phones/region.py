"""The regions a document plausibly serves, most likely first: a prior for its national numbers.

Evidence is weighed, never obeyed: the TLD, the `lang=` of the page, its script, the money and
time-zone words it uses, and the `+CC` numbers it shows each add weight to regions. A `+CC`
token counts only when a valid number is attached to it (`+40-1` says nothing), and one in
hidden text counts less than one in sight. Every region with weight is kept, so a national
number is read in each region the page plausibly serves; the order only decides between two
valid readings, and `explain` revises it once the page's national numbers are known: the region
under which more of them are valid together gains weight.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache, lru_cache
from urllib.parse import urlsplit

import phonenumbers

from spamline.phones.classify import classify
from spamline.phones.compiled import twin

DEFAULT_REGION = "CN"
# a "+" and the digit groups of the number after it (a country code, then more digits)
_PLUS_NUMBER = re.compile(r"[+＋]\s?(?=[1-9]\d{0,2}[\s\-.(]*\d)((?:[\s\-.()]{0,3}\d+){1,8})")
_LATIN = re.compile(r"\b[A-Za-z]{3,}\b")
# characters that exist only in Traditional (resp. Simplified) writing, common on hotline pages
_TRADITIONAL = "".join(sorted(set("電話號碼與這們個來時會為對說國發務專線聯絡請撥門問題維修務總購買賣點標準開關體應該學機車書東陸後氣區買實經營業單價覽處網頁臺灣傳")))
_SIMPLIFIED = "".join(sorted(set("电话号码与这们个来时会为对说国发务专线联络请拨门问题维修务总购买卖点标准开关体应该学机车书东陆后气区买实经营业单价览处网页湾传")))
_RUNSCAN = twin("_runscan")  # counts every script class of a page in one compiled pass
SAMPLE_CHARS = 50_000  # enough text to tell the +CC habits of a page
SCRIPT_CHARS = 10_000  # and its scripts
MAX_PLUS_TOKENS = 200  # +CC tokens weighed per page: enough to tell its habits, bounded work
_TLD_REGION = {"uk": "GB"}
_ENGLISH_REGIONS = {"US": 1.0, "GB": 0.9, "AU": 0.8, "IN": 0.7}
_CHINESE_TLDS = frozenset({"TW", "HK", "MO", "SG", "MY"})
# the region a language is mostly written in, for `lang=` without a region subtag
_LANGUAGE_REGION = {"de": "DE", "fr": "FR", "es": "ES", "it": "IT", "ja": "JP", "ko": "KR", "ru": "RU",
                    "pt": "BR", "hi": "IN", "nl": "NL", "pl": "PL", "tr": "TR", "vi": "VN", "th": "TH",
                    "id": "ID", "ms": "MY", "zh": "CN"}
# Hindi written in Latin letters (Hinglish: "number par call kare", "kaise kare", "ke liye"), as
# Indian helpline pages are: words that are not English, two distinct ones make the page Indian
_HINGLISH = ("kare karein karke kijiye kaise aur liye baat hai hain paise paisa ghante turant nahi kya mein "
             "sakte apna apne").split()
# Where an English page's money and clocks are: currency codes, the rupee's words, the lakh
# grouping of Indian amounts ("2,00,000"), the time zones of opening hours (written in capitals)
_CUE_CODES = {"IST": "IN", "INR": "IN", "Rs": "IN", "AEST": "AU", "AEDT": "AU", "ACST": "AU", "ACDT": "AU",
              "AWST": "AU", "AUD": "AU", "GBP": "GB", "BST": "GB", "EST": "US", "EDT": "US", "PST": "US",
              "PDT": "US", "USD": "US"}
_INDIAN_AMOUNTS = ("lakh", "lakhs", "crore", "crores")
# the words as written in running text, in titles and in capitals: each spelling to the word
_HINGLISH_SPELT = {f(w): w for w in _HINGLISH for f in (str, str.capitalize, str.upper)}
_AMOUNTS_SPELT = {f(w): w.rstrip("s") for w in _INDIAN_AMOUNTS for f in (str, str.capitalize, str.upper)}
_WORD = re.compile(r"[A-Za-z]+")
_LAKH = re.compile(r"[0-9],[0-9][0-9],[0-9]{3}(?![0-9])")
# script classes, counted in one pass over the first SCRIPT_CHARS characters
_CLASSES = ("", "cjk", "traditional", "simplified", "both", "kana", "hangul", "devanagari", "cyrillic",
            "latin", "rupee", "pound")
_CLASS_CHARS = {
    "cjk": [(0x4E00, 0x9FFF)], "kana": [(0x3040, 0x30FF)], "hangul": [(0xAC00, 0xD7AF)],
    "devanagari": [(0x0900, 0x097F)], "cyrillic": [(0x0400, 0x04FF)], "latin": [(0x41, 0x5A), (0x61, 0x7A)],
    "rupee": [(0x20B9, 0x20B9)], "pound": [(0xA3, 0xA3)],
    "traditional": [(ord(c), ord(c)) for c in _TRADITIONAL if c not in _SIMPLIFIED],
    "simplified": [(ord(c), ord(c)) for c in _SIMPLIFIED if c not in _TRADITIONAL],
    "both": [(ord(c), ord(c)) for c in _TRADITIONAL if c in _SIMPLIFIED]}  # later classes win
_SCRIPT_REGIONS = ("JP", "KR", "IN", "RU")  # kana, hangul, devanagari, cyrillic: as in _CLASSES
# weights: what the page says of itself outweighs a few numbers; seen numbers outweigh hidden ones
TLD, LANG, SCRIPT = 3.0, 2.0, 3.0
CUE, CUE_CAP = 1.0, 2.0
PLUS_VISIBLE, PLUS_HIDDEN, PLUS_CAP = 1.5, 0.25, 2.5
JOINT = 1.0  # per national number of the page valid in the region
MAX_NATIONAL = 64  # national numbers weighed per page
MAX_REGIONS = 8
_HTML_LANG = re.compile(r"<html\b[^<>]*?\slang\s*=\s*[\"']?([A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*)", re.IGNORECASE)
LANG_CHARS = 8192  # the <html> tag stands near the start
_PLAIN_HOST = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://([A-Za-z0-9.-]+)(?::[0-9]+)?(?=[/?#]|$)")  # no user or IPv6


def _class_table() -> bytes:
    table = bytearray(0x10000)
    for k, name in enumerate(_CLASSES):
        for lo, hi in _CLASS_CHARS.get(name, ()):
            table[lo:hi + 1] = bytes([k]) * (hi + 1 - lo)
    return bytes(table)


_TABLE = _class_table()


@cache
def _class_patterns() -> tuple[re.Pattern[str] | None, ...]:
    """A character class per script class, from the table's runs (for the Python reference)."""
    ranges: list[list[str]] = [[] for _ in _CLASSES]
    start = 0
    for c in range(1, 0x10001):
        if c == 0x10000 or _TABLE[c] != _TABLE[start]:
            ranges[_TABLE[start]].append(f"{re.escape(chr(start))}-{re.escape(chr(c - 1))}")
            start = c
    return tuple(re.compile(f"[{''.join(r)}]") if k else None for k, r in enumerate(ranges))


@dataclass
class Evidence:
    """What a page says of the regions it serves: weights from its own words, and its +CC numbers."""

    weights: dict[str, float] = field(default_factory=dict)  # from TLD, lang= and script
    plus: list[tuple[str, int]] = field(default_factory=list)  # (region, position): valid +CC numbers
    words: str = ""  # the sample of a page in Latin letters, whose words are read when they decide
    signs: tuple[str, ...] = ()  # the regions of its currency signs

    def add(self, region: str | None, weight: float) -> None:
        if region:
            self.weights[region] = self.weights.get(region, 0.0) + weight


def infer_regions(text: str, url: str | None = None, encoding: str = "", lang: str = "",
                  hidden: Callable[[int], bool] | None = None) -> tuple[str, ...]:
    """The regions to read national-format numbers in `text` with, most likely first.

    `lang` is the page's `lang=` attribute; `hidden(pos)` says whether the text at `pos` is
    hidden (display:none, `hidden`, noscript). CN, the default, always comes last if absent.
    """
    return rank(evidence(text, url, encoding, lang), hidden)


def evidence(text: str, url: str | None = None, encoding: str = "", lang: str = "") -> Evidence:
    """The region evidence of a page's text, URL, encoding and `lang=`."""
    found = Evidence()
    tld = _tld_region(url)
    _script_regions(found, text[:SCRIPT_CHARS], tld, encoding)
    found.add(tld, TLD)
    for region, weight in _lang_regions(lang):
        found.add(region, weight)
    found.plus = _plus_numbers(text)
    return found


def rank(found: Evidence, hidden: Callable[[int], bool] | None = None,
         extra: dict[str, float] | None = None) -> tuple[str, ...]:
    """The regions by weight (with `extra` weights added), CN last if absent.

    Hidden text is asked about only when the +CC numbers could order the regions either way
    (most pages need no answer, and finding hidden parts reads the whole source)."""
    base = _total(found.weights, extra) if extra else found.weights
    # in evidence order, which breaks ties
    keys = list(dict.fromkeys([*base, *(r for r, _ in found.plus)])) if found.plus else list(base)
    if len(keys) == 1:
        return (keys[0], DEFAULT_REGION) if keys[0] != DEFAULT_REGION else (DEFAULT_REGION,)
    if not found.plus:
        weights = base
    else:
        weights = _total(base, _plus_weights(found.plus, lambda pos: False))
        if hidden is not None and not _decided(keys, _total(base, _plus_weights(found.plus, None)), weights):
            weights = _total(base, _plus_weights(found.plus, hidden))
    ranked = sorted(keys, key=lambda r: -weights.get(r, 0.0))[:MAX_REGIONS]
    return (*ranked, DEFAULT_REGION) if DEFAULT_REGION not in ranked else tuple(ranked)


def explain(found: Evidence, regions: tuple[str, ...], national: Iterable[str],
            hidden: Callable[[int], bool] | None = None) -> tuple[str, ...]:
    """`regions` revised by the page's national-format numbers (digit strings), when one of them
    is valid in two of the regions: each region gains JOINT for each number valid there (the
    region that explains them together leads), and the page's words are read (Hinglish, money
    and time zones), which would decide nothing for numbers that have one reading."""
    digits = list(dict.fromkeys(national))[:MAX_NATIONAL]
    if len(regions) < 2 or not digits:
        return regions
    valid = {d: [r for r in regions if (n := classify(d, r)) is not None and n.valid]
             for d in digits}
    if all(len(rs) < 2 for rs in valid.values()):
        return regions
    extra = _word_regions(found)
    for rs in valid.values():
        for region in rs:
            extra[region] = extra.get(region, 0.0) + JOINT
    return rank(found, hidden, extra)


def _total(base: dict[str, float], plus: dict[str, float]) -> dict[str, float]:
    total = dict(base)
    for region, weight in plus.items():
        total[region] = total.get(region, 0.0) + weight
    return total


def _decided(keys: list[str], low: dict[str, float], high: dict[str, float]) -> bool:
    """Whether every weight between `low` and `high` gives the same order of `keys`."""
    order = sorted(keys, key=lambda r: -high.get(r, 0.0))
    index = {r: k for k, r in enumerate(keys)}
    return all(low.get(a, 0.0) > high.get(b, 0.0) or (low.get(a, 0.0) >= high.get(b, 0.0) and index[a] < index[b])
               for a, b in zip(order, order[1:]))


def _plus_weights(plus: list[tuple[str, int]], hidden: Callable[[int], bool] | None) -> dict[str, float]:
    """The weight of the +CC numbers per region, capped; `hidden` None: all of them hidden."""
    weights: dict[str, float] = {}
    for region, pos in plus:
        weight = PLUS_HIDDEN if hidden is None or hidden(pos) else PLUS_VISIBLE
        weights[region] = min(PLUS_CAP, weights.get(region, 0.0) + weight)
    return weights


def _script_regions(evidence: Evidence, sample: str, tld: str | None, encoding: str) -> None:
    """Regions for the scripts the text is written in (English: the toll-free habits of spam pages)."""
    _, other_cjk, trad_only, simp_only, both, kana, *scripts, latin, rupee, pound = count_classes(sample)
    trad, simp = trad_only + both, simp_only + both
    cjk = other_cjk + trad + simp_only
    if cjk + kana >= 3 and kana * 4 < cjk:
        evidence.add(tld if tld in _CHINESE_TLDS else _chinese_region(sample, encoding, trad, simp), SCRIPT)
    for count, region in zip((kana, *scripts), _SCRIPT_REGIONS):
        if count >= 3:
            evidence.add(region, SCRIPT)
    if latin > 2 * cjk and _LATIN.search(sample):  # a Chinese character: 2 letters
        for region, weight in _ENGLISH_REGIONS.items():
            evidence.add(region, weight)
        evidence.words = sample
        evidence.signs = tuple(region for count, region in ((rupee, "IN"), (pound, "GB")) if count)


def _word_regions(found: Evidence) -> dict[str, float]:
    """Weights from the words of a page in Latin letters: SCRIPT for Hinglish, and CUE for each
    distinct money or time-zone word or currency sign (at most CUE_CAP a region)."""
    weights: dict[str, float] = {}
    if not found.words:
        return weights
    words = set(_WORD.findall(found.words))
    if len({_HINGLISH_SPELT[w] for w in words & _HINGLISH_SPELT.keys()}) + ("IN" in found.signs) >= 2:
        weights["IN"] = SCRIPT  # ₹ counts as a word of it
    cues: dict[str, set[str]] = {region: {"sign"} for region in found.signs}
    for word in words & _CUE_CODES.keys():
        cues.setdefault(_CUE_CODES[word], set()).add(word)
    for word in words & _AMOUNTS_SPELT.keys():
        cues.setdefault("IN", set()).add(_AMOUNTS_SPELT[word])
    if _LAKH.search(found.words):
        cues.setdefault("IN", set()).add("lakh")
    for region, names in cues.items():
        weights[region] = weights.get(region, 0.0) + min(CUE_CAP, CUE * len(names))
    return weights


def count_classes(sample: str) -> tuple[int, ...]:
    """How many characters of `sample[:SCRIPT_CHARS]` fall in each of _CLASSES (one compiled pass)."""
    if _RUNSCAN is not None:
        return _RUNSCAN.count_classes(sample, _TABLE, len(_CLASSES), SCRIPT_CHARS)
    return python_count_classes(sample)


def python_count_classes(sample: str) -> tuple[int, ...]:
    """count_classes in Python: the reference of the compiled pass."""
    sample = sample[:SCRIPT_CHARS]
    return tuple(p.subn("", sample)[1] if p is not None and p.search(sample) else 0 for p in _class_patterns())


def page_lang(source: str) -> str:
    """The `lang=` of the page's <html> element (or "")."""
    m = _HTML_LANG.search(source, 0, LANG_CHARS)
    return m.group(1) if m else ""


def _lang_regions(lang: str) -> list[tuple[str, float]]:
    """The region of a `lang=` value: its region subtag, else where its language is mostly written."""
    if not lang:
        return []
    parts = lang.strip().replace("_", "-").split("-")
    language = parts[0].lower()
    for sub in parts[1:]:
        if len(sub) == 2 and sub.upper() in phonenumbers.SUPPORTED_REGIONS:
            return [(sub.upper(), LANG)]
    if language == "en":
        return [(r, w * LANG / 2) for r, w in _ENGLISH_REGIONS.items()]
    region = _LANGUAGE_REGION.get(language)
    return [(region, LANG)] if region else []


def _plus_numbers(text: str) -> list[tuple[str, int]]:
    """(region, position of the "+") of the valid numbers written with "+CC" in the sample."""
    found = []
    for k, m in enumerate(_plus_numbers_written(text)):
        if k >= MAX_PLUS_TOKENS:
            break
        region = _groups_region(m.group(1))
        if region:
            found.append((region, m.start()))
    return found


@lru_cache(maxsize=4096)
def _groups_region(written: str) -> str | None:
    """The region of the longest valid number in the digit groups `written` after a "+"
    (cached: pages repeat their numbers)."""
    groups = re.findall(r"\d+", written)
    ends = [sum(map(len, groups[:k + 1])) for k in range(len(groups))]
    digits = "".join(groups)
    for end in reversed(ends):
        if 7 <= end <= 17:
            number = classify("+" + digits[:end], DEFAULT_REGION)
            if number is not None and number.valid:
                return number.region
    return None


def _plus_numbers_written(text: str) -> Iterator[re.Match[str]]:
    """What `_PLUS_NUMBER.finditer(text, 0, SAMPLE_CHARS)` finds, tried only at plus signs: a
    match starts at one and holds no other, and str.find skips to them far faster than a regex scan."""
    signs = []
    for sign in "+＋":
        at = text.find(sign, 0, SAMPLE_CHARS)
        while at >= 0:
            signs.append(at)
            at = text.find(sign, at + 1, SAMPLE_CHARS)
    for at in sorted(signs):
        m = _PLUS_NUMBER.match(text, at, SAMPLE_CHARS)
        if m:
            yield m


def _chinese_region(sample: str, encoding: str, trad: int, simp: int) -> str:
    if trad > simp or encoding.lower().startswith("big5"):
        return "HK" if sample.count("香港") > sample.count("台") + sample.count("臺") else "TW"
    return DEFAULT_REGION


def _tld_region(url: str | None) -> str | None:
    if not url:
        return None
    m = _PLAIN_HOST.match(url)
    return _host_region(m.group(1).lower() if m else urlsplit(url if "//" in url else "//" + url).hostname or "")


@lru_cache(maxsize=4096)
def _host_region(host: str) -> str | None:
    """The region of a host's country-code TLD (pages of a site share it: cached)."""
    tld = host.rstrip(".").rsplit(".", 1)[-1].lower()
    region = _TLD_REGION.get(tld, tld.upper())
    return region if len(tld) == 2 and region in phonenumbers.SUPPORTED_REGIONS else None

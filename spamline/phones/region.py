"""The regions a document plausibly serves, most likely first: a prior for its national numbers.

Evidence is weighed, never obeyed: the TLD, the `lang=` of the page, its script, and the
`+CC` numbers it shows each add weight to regions. A `+CC` token counts only when a valid
number is attached to it (`+40-1` says nothing), and one in hidden text counts less than one
in sight. Every region with weight is kept, so a national number is read in each region the
page plausibly serves; the order only decides between two valid readings.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from urllib.parse import urlsplit

import phonenumbers

from spamline.phones.classify import classify
from spamline.phones.compiled import twin

DEFAULT_REGION = "CN"
_PLUS_CC = re.compile(r"(?:\+|＋)\s?([1-9]\d{0,2})(?=[\s\-.(]*\d)")
_ATTACHED = re.compile(r"(?:[\s\-.()]{0,3}\d+){1,8}")  # the groups of a number after its "+"
_CJK = re.compile(r"[\u4e00-\u9fff]")
_KANA = re.compile(r"[\u3040-\u30ff]")
_HANGUL = re.compile(r"[\uac00-\ud7af]")
_DEVANAGARI = re.compile(r"[\u0900-\u097f]")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_LATIN = re.compile(r"\b[A-Za-z]{3,}\b")
_ASCII_LETTER = re.compile(r"[A-Za-z]")
# characters that exist only in Traditional (resp. Simplified) writing, common on hotline pages
_TRADITIONAL = "".join(sorted(set("電話號碼與這們個來時會為對說國發務專線聯絡請撥門問題維修務總購買賣點標準開關體應該學機車書東陸後氣區買實經營業單價覽處網頁臺灣傳")))
_SIMPLIFIED = "".join(sorted(set("电话号码与这们个来时会为对说国发务专线联络请拨门问题维修务总购买卖点标准开关体应该学机车书东陆后气区买实经营业单价览处网页湾传")))
_TRADITIONAL_RE = re.compile(f"[{_TRADITIONAL}]")
_SIMPLIFIED_RE = re.compile(f"[{_SIMPLIFIED}]")
_RUNSCAN = twin("_runscan")  # counts characters of a set in one compiled pass
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
_SCRIPTS = ((_KANA, "JP"), (_HANGUL, "KR"), (_DEVANAGARI, "IN"), (_CYRILLIC, "RU"))
# Hindi written in Latin letters (Hinglish: "number par call kare", "kaise kare", "ke liye"), as
# Indian helpline pages are: words that are not English, two distinct ones make the page Indian
_HINGLISH = re.compile(r"\b(?:kare|karein|karke|kijiye|kaise|aur|liye|baat|hai|hain|paise|paisa"
                       r"|ghante|turant|nahi|kya|mein|sakte|apna|apne)\b|₹")  # on lower-cased text
HINGLISH_CHARS = 4000  # the title and first paragraphs tell; the whole sample costs ~0.6 ms a page
_CHARS_OF = {pattern: "".join(chr(c) for lo, hi in ranges for c in range(lo, hi + 1))  # for count_chars
             for pattern, ranges in ((_CJK, [(0x4E00, 0x9FFF)]), (_KANA, [(0x3040, 0x30FF)]),
                                     (_HANGUL, [(0xAC00, 0xD7AF)]), (_DEVANAGARI, [(0x0900, 0x097F)]),
                                     (_CYRILLIC, [(0x0400, 0x04FF)]), (_ASCII_LETTER, [(0x41, 0x5A), (0x61, 0x7A)]))}
# weights: what the page says of itself outweighs a few numbers; seen numbers outweigh hidden ones
TLD, LANG, SCRIPT = 3.0, 2.0, 3.0
PLUS_VISIBLE, PLUS_HIDDEN, PLUS_CAP = 1.5, 0.25, 2.5
MAX_REGIONS = 8
_HTML_LANG = re.compile(r"<html\b[^<>]*?\slang\s*=\s*[\"']?([A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*)", re.IGNORECASE)
LANG_CHARS = 8192  # the <html> tag stands near the start


def infer_regions(text: str, url: str | None = None, encoding: str = "", lang: str = "",
                  hidden: Callable[[int], bool] | None = None) -> tuple[str, ...]:
    """The regions to read national-format numbers in `text` with, most likely first.

    `lang` is the page's `lang=` attribute; `hidden(pos)` says whether the text at `pos` is
    hidden (display:none, `hidden`, noscript). CN, the default, always comes last if absent.
    """
    sample = text[:SAMPLE_CHARS]
    weights: dict[str, float] = {}

    def add(region: str | None, weight: float) -> None:
        if region:
            weights[region] = weights.get(region, 0.0) + weight

    tld = _tld_region(url)
    for region, weight in _script_regions(sample[:SCRIPT_CHARS], tld, encoding):
        add(region, weight)
    add(tld, TLD)
    for region, weight in _lang_regions(lang):
        add(region, weight)
    for region, weight in _plus_regions(sample, hidden).items():
        add(region, weight)
    ranked = sorted(weights, key=lambda r: -weights[r])[:MAX_REGIONS]  # stable: ties keep evidence order
    return (*ranked, DEFAULT_REGION) if DEFAULT_REGION not in ranked else tuple(ranked)


def _script_regions(sample: str, tld: str | None, encoding: str) -> list[tuple[str, float]]:
    """Regions for the scripts the text is written in (English: the toll-free habits of spam pages)."""
    found: list[tuple[str, float]] = []
    cjk, kana = _count(_CJK, sample), _count(_KANA, sample)
    if cjk + kana >= 3 and kana * 4 < cjk:
        found.append((tld if tld in _CHINESE_TLDS else _chinese_region(sample, encoding), SCRIPT))
    for pattern, region in _SCRIPTS:
        if _count(pattern, sample) >= 3:
            found.append((region, SCRIPT))
    if _LATIN.search(sample) and _count(_ASCII_LETTER, sample) > 2 * cjk:  # a Chinese character: 2 letters
        found.extend(_ENGLISH_REGIONS.items())
        if len(set(_HINGLISH.findall(sample[:HINGLISH_CHARS].lower()))) >= 2:
            found.append(("IN", SCRIPT))
    return found


def page_lang(source: str) -> str:
    """The `lang=` of the page's <html> element (or "")."""
    m = _HTML_LANG.search(source, 0, LANG_CHARS)
    return m.group(1) if m else ""


def _count(pattern: re.Pattern[str], text: str) -> int:
    """How many characters of `text` the one-character class `pattern` matches."""
    if _RUNSCAN is not None:
        return _RUNSCAN.count_chars(text, _CHARS_OF[pattern])
    return pattern.subn("", text)[1] if pattern.search(text) else 0


def _lang_regions(lang: str) -> list[tuple[str, float]]:
    """The region of a `lang=` value: its region subtag, else where its language is mostly written."""
    parts = lang.strip().replace("_", "-").split("-")
    language = parts[0].lower()
    for sub in parts[1:]:
        if len(sub) == 2 and sub.upper() in phonenumbers.SUPPORTED_REGIONS:
            return [(sub.upper(), LANG)]
    if language == "en":
        return [(r, w * LANG / 2) for r, w in _ENGLISH_REGIONS.items()]
    region = _LANGUAGE_REGION.get(language)
    return [(region, LANG)] if region else []


def _plus_regions(sample: str, hidden: Callable[[int], bool] | None) -> dict[str, float]:
    """The regions of the valid numbers written with "+CC", weighted by visibility and capped."""
    weights: dict[str, float] = {}
    for k, m in enumerate(_plus_cc(sample)):
        if k >= MAX_PLUS_TOKENS:
            break
        region = _attached_region(sample, m.start(1))
        if region:
            weight = PLUS_HIDDEN if hidden is not None and hidden(m.start()) else PLUS_VISIBLE
            weights[region] = min(PLUS_CAP, weights.get(region, 0.0) + weight)
    return weights


def _attached_region(sample: str, at: int) -> str | None:
    """The region of the valid number written right after a "+" (ending at a group's end), if any."""
    m = _ATTACHED.match(sample, at)
    if m is None:
        return None
    groups = re.findall(r"\d+", m.group())
    ends = [sum(map(len, groups[:k + 1])) for k in range(len(groups))]
    digits = "".join(groups)
    for end in reversed(ends):
        if 7 <= end <= 17:
            number = classify("+" + digits[:end], DEFAULT_REGION)
            if number is not None and number.valid:
                return number.region
    return None


def _plus_cc(text: str) -> Iterator[re.Match[str]]:
    """What `_PLUS_CC.finditer(text, 0, SAMPLE_CHARS)` finds, tried only at plus signs: a match
    starts at one and holds no other, and str.find skips to them far faster than a regex scan."""
    signs = []
    for sign in "+＋":
        at = text.find(sign, 0, SAMPLE_CHARS)
        while at >= 0:
            signs.append(at)
            at = text.find(sign, at + 1, SAMPLE_CHARS)
    for at in sorted(signs):
        m = _PLUS_CC.match(text, at, SAMPLE_CHARS)
        if m:
            yield m


def _chinese_region(sample: str, encoding: str) -> str:
    if _RUNSCAN is not None:
        trad, simp = _RUNSCAN.count_chars(sample, _TRADITIONAL), _RUNSCAN.count_chars(sample, _SIMPLIFIED)
    else:
        trad, simp = len(_TRADITIONAL_RE.findall(sample)), len(_SIMPLIFIED_RE.findall(sample))
    if trad > simp or encoding.lower().startswith("big5"):
        return "HK" if sample.count("香港") > sample.count("台") + sample.count("臺") else "TW"
    return DEFAULT_REGION


def _tld_region(url: str | None) -> str | None:
    if not url:
        return None
    host = (urlsplit(url if "//" in url else "//" + url).hostname or "").rstrip(".")
    tld = host.rsplit(".", 1)[-1].lower()
    region = _TLD_REGION.get(tld, tld.upper())
    return region if len(tld) == 2 and region in phonenumbers.SUPPORTED_REGIONS else None

"""Guess the default region of a document: explicit +CC, script, TLD, else CN."""
from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from urllib.parse import urlsplit

import phonenumbers

from spamline.phones.compiled import twin

DEFAULT_REGION = "CN"
_PLUS_CC = re.compile(r"(?:\+|＋)\s?([1-9]\d{0,2})(?=[\s\-.(]*\d)")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_THREE_CJK = re.compile(r"[\u4e00-\u9fff][^\u4e00-\u9fff]*[\u4e00-\u9fff][^\u4e00-\u9fff]*[\u4e00-\u9fff]")
_LATIN = re.compile(r"\b[A-Za-z]{3,}\b")
# characters that exist only in Traditional (resp. Simplified) writing, common on hotline pages
_TRADITIONAL = "".join(sorted(set("電話號碼與這們個來時會為對說國發務專線聯絡請撥門問題維修務總購買賣點標準開關體應該學機車書東陸後氣區買實經營業單價覽處網頁臺灣傳")))
_SIMPLIFIED = "".join(sorted(set("电话号码与这们个来时会为对说国发务专线联络请拨门问题维修务总购买卖点标准开关体应该学机车书东陆后气区买实经营业单价览处网页湾传")))
_TRADITIONAL_RE = re.compile(f"[{_TRADITIONAL}]")
_SIMPLIFIED_RE = re.compile(f"[{_SIMPLIFIED}]")
_RUNSCAN = twin("_runscan")  # counts characters of a set in one compiled pass
SAMPLE_CHARS = 50_000  # enough text to tell the script and the +CC habits of a page
_TLD_REGION = {"uk": "GB"}
_ENGLISH_REGIONS = ("US", "GB", "AU", "IN", "CN")
_CHINESE_TLDS = frozenset({"TW", "HK", "MO", "SG", "MY"})


def infer_regions(text: str, url: str | None = None, encoding: str = "") -> tuple[str, ...]:
    """The regions to read national-format numbers in `text` with, in order of preference.

    One region when the page says it (+CC, Chinese script, TLD); for English text with no
    other hint, the English-speaking regions whose toll-free formats spam pages use, then CN.
    """
    explicit = _explicit_region(text)
    if explicit:
        return (explicit,)
    sample = text[:SAMPLE_CHARS]
    chinese = bool(_THREE_CJK.search(sample))
    tld = _tld_region(url)
    if chinese:
        return (tld if tld in _CHINESE_TLDS else _chinese_region(sample, encoding),)
    if tld:
        return (tld,)
    if _LATIN.search(sample) and not _CJK.search(sample):
        return _ENGLISH_REGIONS
    return (DEFAULT_REGION,)


def _explicit_region(text: str) -> str | None:
    """The region of the most frequent "+CC" (the first of equals), if any."""
    counts: dict[str, int] = {}
    for m in _plus_cc(text):
        region = _region_of_code(m.group(1))
        if region:
            counts[region] = counts.get(region, 0) + 1
    return max(counts, key=counts.__getitem__) if counts else None


@cache
def _region_of_code(digits: str) -> str | None:
    """The region of the country code that `digits` (after a "+") start with."""
    for size in (1, 2, 3):
        region = phonenumbers.region_code_for_country_code(int(digits[:size]))
        if region != "ZZ":
            return region
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

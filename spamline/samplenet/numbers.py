"""Invented phone numbers and the many ways doorway pages write them.

Every number here is INVENTED by a seeded generator: CN 400 service numbers,
CN mobile numbers and US toll-free numbers (US ones use the fictional
555-01xx line block where the format allows). Each is checked with
`phonenumbers.is_valid_number`, because extractors keep valid numbers only.
They are test data and must never be dialled or published as real numbers.
"""
from __future__ import annotations

import random

import phonenumbers

_US_AREAS = ("800", "888", "877", "866")
_VANITY_AREAS = ("855", "844", "833")
_VANITY_WORDS = ("INKHELP", "PRINTER", "FIXJETS", "INKJETS")
_MOBILE_PREFIXES = ("139", "188", "157", "177", "199", "186")
_LETTERS = {c: d for d, cs in {"2": "ABC", "3": "DEF", "4": "GHI", "5": "JKL", "6": "MNO",
                                 "7": "PQRS", "8": "TUV", "9": "WXYZ"}.items() for c in cs}
_FULLWIDTH = str.maketrans("0123456789+-", "０１２３４５６７８９＋－")
_CJK = str.maketrans("0123456789", "零一二三四五六七八九")

# Formats a page may use for a Chinese number; "zero_width" only where the encoding allows it.
CN_FORMATS = ("plain", "dashed", "spaced", "dotted", "fullwidth", "intl", "split", "cjk", "zero_width")
US_FORMATS = ("us_dashed", "us_paren", "us_dotted", "us_intl", "us_spaced", "homoglyph", "split")


def _valid_e164(digits: str, region: str) -> str | None:
    num = phonenumbers.parse(digits, region)
    if not phonenumbers.is_valid_number(num):
        return None
    return phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.E164)


def invent_number(rng: random.Random, kind: str, taken: set[str]) -> str:
    """A new valid E.164 number of `kind` (cn400, cnmobile, cnfixed, us800), not in `taken`."""
    for _ in range(1000):
        if kind == "cn400":
            digits, region = "400" + str(rng.randrange(1, 10)) + f"{rng.randrange(10**6):06d}", "CN"
        elif kind == "cnmobile":
            digits, region = rng.choice(_MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}", "CN"
        elif kind == "cnfixed":
            digits, region = "010" + str(rng.randrange(5, 9)) + f"{rng.randrange(10**7):07d}", "CN"
        elif kind == "us800":
            digits, region = rng.choice(_US_AREAS) + f"55501{rng.randrange(100):02d}", "US"
        else:
            raise ValueError(f"unknown number kind {kind!r}; use cn400, cnmobile, cnfixed or us800")
        e164 = _valid_e164(digits, region)
        if e164 and e164 not in taken:
            taken.add(e164)
            return e164
    raise RuntimeError(f"could not invent a new {kind} number; too many already taken")


def invent_vanity(rng: random.Random, taken: set[str]) -> tuple[str, str]:
    """A US toll-free vanity number: (E.164, display like "1-855-INK-HELP")."""
    for _ in range(100):
        area, word = rng.choice(_VANITY_AREAS), rng.choice(_VANITY_WORDS)
        e164 = _valid_e164(area + "".join(_LETTERS[c] for c in word), "US")
        if e164 and e164 not in taken:
            taken.add(e164)
            return e164, f"1-{area}-{word[:3]}-{word[3:]}"
    raise RuntimeError("could not invent a new vanity number")


def _groups(e164: str) -> tuple[str, list[str], list[str]]:
    """(country code, national groups with trunk prefix, international groups)."""
    num = phonenumbers.parse(e164)
    nsn = phonenumbers.national_significant_number(num)
    cc = str(num.country_code)
    if cc == "1":
        g = [nsn[:3], nsn[3:6], nsn[6:]]
        return cc, g, g
    if nsn.startswith("1") and len(nsn) == 11:  # CN mobile
        g = [nsn[:3], nsn[3:7], nsn[7:]]
        return cc, g, g
    if nsn.startswith("400"):
        g = [nsn[:3], nsn[3:6], nsn[6:]]
        return cc, g, g
    area = 2 if nsn[0] in "12" else 3  # CN fixed line: 010 / 021 / 0755 ...
    return cc, ["0" + nsn[:area], nsn[area:area + 4], nsn[area + 4:]], [nsn[:area], nsn[area:area + 4], nsn[area + 4:]]


def format_number(e164: str, fmt: str) -> str:
    """The number as a page writes it in format `fmt` (HTML source; "split" contains markup)."""
    cc, nat, intl = _groups(e164)
    plain = "".join(nat)
    if fmt == "plain":
        return plain
    if fmt == "dashed":
        return "-".join(nat)
    if fmt == "spaced":
        return " ".join(nat)
    if fmt == "dotted":
        return ".".join(nat)
    if fmt == "fullwidth":
        return plain.translate(_FULLWIDTH)
    if fmt == "intl":
        return f"+{cc} " + " ".join(intl)
    if fmt == "split":
        return f"{nat[0]}<span>{nat[1]}</span>{nat[2]}" if cc != "1" else f"1-{nat[0]}-<b>{nat[1]}</b>-{nat[2]}"
    if fmt == "cjk":
        return plain.translate(_CJK)
    if fmt == "zero_width":
        return "\u200b".join(nat)
    if fmt == "us_dashed":
        return "1-" + "-".join(nat)
    if fmt == "us_paren":
        return f"({nat[0]}) {nat[1]}-{nat[2]}"
    if fmt == "us_dotted":
        return ".".join(nat)
    if fmt == "us_intl":
        return "+1 " + " ".join(nat)
    if fmt == "us_spaced":
        return "1 " + " ".join(nat)
    if fmt == "homoglyph":
        return ("1-" + "-".join(nat)).replace("0", "O")
    if fmt == "tel":
        return e164
    if fmt == "jsonld":
        return f"+{cc}-" + "-".join(intl)
    raise ValueError(f"unknown number format {fmt!r}")

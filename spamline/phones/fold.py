"""Character folding that keeps offsets: one character in, one character out.

The scanner runs on the folded text; because folding never changes the length,
an offset in the folded text is the same offset in the original.
"""
from __future__ import annotations

import re
import unicodedata
from types import ModuleType

from spamline.phones.compiled import twin

CJK_NUMERALS = "零〇一二三四五六七八九幺洞"
BREAK = "#"  # stands for enumeration markers (①, ⑴, ⒈): they never join a number
IGNORABLE = "\u200b"  # zero-width and soft-hyphen characters all fold to this one


def _build_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for cp in range(0x80, 0x20000):
        ch = chr(cp)
        digit = unicodedata.decimal(ch, None)
        if digit is not None:
            table[cp] = str(digit)
        elif unicodedata.numeric(ch, None) is not None and unicodedata.category(ch) == "No":
            # circled, parenthesized and full-stop digits (①, ⑴, ⒈, ❶) are enumeration
            # markers; other numeric characters (Ⅻ, CJK numerals) are handled below.
            table[cp] = BREAK
    for value, ch in enumerate("零一二三四五六七八九"):
        table[ord(ch)] = str(value)
    table[ord("〇")] = "0"
    table[ord("幺")] = "1"
    table[ord("洞")] = "0"
    for ch in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d\u30fc\u2043":
        table[ord(ch)] = "-"
    for ch in "\uff0e\u3002\u00b7\u30fb\u2024\uff65":
        table[ord(ch)] = "."
    for ch in "\u00a0\u3000\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f":
        table[ord(ch)] = " "
    for ch in "\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e":
        table[ord(ch)] = IGNORABLE
    table[ord("\t")] = " "
    for src, dst in {"\uff08": "(", "\uff09": ")", "\uff0f": "/", "\uff0b": "+", "\u2795": "+",
                     "\u041e": "O", "\u043e": "o", "\u039f": "O", "\u03bf": "o", "\uff2f": "O",
                     "\uff4f": "o", "\uff4c": "l", "\uff29": "I", "\u0406": "I", "\u0399": "I",
                     "\u04c0": "l", "\u01c0": "l", "\uff5c": "|"}.items():
        table[ord(src)] = dst
    return table


TABLE = _build_table()


def _class(chars: set[str]) -> str:
    return "[" + "".join(re.escape(c) for c in sorted(chars)) + "]"


_DIGIT_LIKE = frozenset("0123456789OoIl|") | {chr(k) for k, v in TABLE.items() if v in "0123456789OoIl|" and k < 0x10000}
_SEPARATORS = frozenset(" -./()+\t") | {chr(k) for k, v in TABLE.items() if v in " -./()+" + IGNORABLE}
# Stretches holding two or more digit-like characters: the only places folding matters.
# Basic-plane characters only, and starting with a digit-like one, which keeps the regex on its
# fast path; separators before the first digit are added by `fold`.
ZONE = re.compile(f"{_class(_DIGIT_LIKE)}(?:{_class(_SEPARATORS)}{{0,6}}+{_class(_DIGIT_LIKE)})++")


def _configure_twin() -> ModuleType | None:
    """The compiled `fold`, given this module's tables: each basic-plane character's folding,
    and its zone class (1 digit-like, 2 separator, 0 other)."""
    runscan = twin("_runscan")
    if runscan is not None:
        fold_map = list(map(chr, range(0x10000)))
        for cp, folded in TABLE.items():
            if cp < 0x10000:
                fold_map[cp] = folded
        classes = bytearray(0x10000)
        for chars, zone_class in ((_DIGIT_LIKE, 1), (_SEPARATORS, 2)):
            for c in chars:
                classes[ord(c)] = zone_class
        runscan.configure_fold("".join(fold_map), bytes(classes), lambda text: text.translate(TABLE))
    return runscan


_RUNSCAN = _configure_twin()


def fold(text: str) -> str:
    """Fold digits, numerals, separators and look-alike letters; same length as `text`."""
    if _RUNSCAN is not None:
        return _RUNSCAN.fold(text)
    return python_fold(text)


def python_fold(text: str) -> str:
    """`fold` in Python: the reference of the compiled one.

    Only stretches with two or more digit-like characters are folded: elsewhere
    nothing can become part of a number, and skipping them keeps this fast.
    """
    if text.isascii():
        return text.replace("\t", " ")
    if len(text.encode("utf-16-le", "surrogatepass")) > 2 * len(text):
        return text.translate(TABLE)  # astral digits (𝟒𝟎𝟎): rare, fold everything
    parts = []
    pos = 0
    for m in ZONE.finditer(text):
        zone = m.group()
        before = text[m.start() - 1] if m.start() else ""
        if zone.isascii() and "\t" not in zone and (before.isascii() or before not in _SEPARATORS):
            continue  # nothing to fold here, nor right before it
        start = m.start()
        while start > pos and m.start() - start < 3 and text[start - 1] in _SEPARATORS:
            start -= 1
        parts.append(text[pos:start])
        parts.append(text[start:m.end()].translate(TABLE))
        pos = m.end()
    if not parts:
        return text
    parts.append(text[pos:])
    return "".join(parts)

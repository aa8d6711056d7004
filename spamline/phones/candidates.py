"""Find digit runs in folded text and split them into digit groups.

A run is a stretch of digits (and look-alike letters inside digit groups) joined by
at most four separator characters at a time. Which groups form a number is decided
later, in `extract.py`; this module only finds and cuts, with one compiled regex.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import NamedTuple

from spamline.phones.fold import IGNORABLE

_DIG = "[0-9OoIl|]"
_ZW = IGNORABLE + "*+"
_SEP = _ZW + r"(?:[ \-./()\[\]]" + _ZW + r"){0,4}+"  # up to four visible separators, any zero-widths
# tight inner loops (DIG*+) keep the scan in C even over megabytes of digits
# starts with a plain character set, which keeps the regex on its fast path; at least four
# digit-likes (a short code has five). What may stand before a run is checked in find_runs.
RUN = re.compile(r"[+(0-9](?:" + _SEP + _DIG + "){3,}+" + _DIG + "*+(?:" + _SEP + _DIG + _DIG + "*+)*+")
_GROUP = re.compile(_DIG + "++(?:" + IGNORABLE + "++" + _DIG + "++)*+")  # zero-widths do not split a group
_GLUED = re.compile(r"[0-9A-Za-z+]")  # a run right after one of these is part of a code,
_WORD_PAREN = re.compile(r"[a-z]{2}\(")  # unless a word ends right before "(": "products(1-800-...)"
_LETTERS = str.maketrans("OoIl|", "00111", IGNORABLE)
_ENUM_PUNCT = frozenset(".)")
MAX_GROUPS = 48  # a longer run is cut into pieces (at a space when possible)
MIN_RUN_CHARS = 5  # the shortest numbers kept are five-digit short codes
SHORT_RUN_CHARS = 7  # a shorter run can only be a short code
LONG_GROUP = 64  # longer digit groups are never part of a number: their digits are not converted


class Group(NamedTuple):
    """Consecutive digit-like characters: `digits` as ASCII, [start, end) in the text."""

    digits: str
    start: int
    end: int
    sep_after: str  # the separator characters up to the next group ("" for the last)
    plus: bool  # the run starts with "+" right before this group


class Run(NamedTuple):
    """One run of digit groups; a run never crosses a letter, newline or comma."""

    start: int
    groups: tuple[Group, ...]


def _real_group(folded: str, s: int, e: int) -> bool:
    """A digit group: at least one real digit, and not glued to a word."""
    raw = folded[s:e].replace(IGNORABLE, "")
    if raw.isdigit():
        return True
    if not any(c.isdigit() for c in raw):
        return False
    before = folded[s - 1] if s else ""
    after = folded[e] if e < len(folded) else ""
    return not (before.isascii() and before.isalpha()) and not (after.isascii() and after.isalpha())


def find_runs(folded: str, keep_short: Callable[[int], bool] | None = None) -> Iterator[Run]:
    """The runs of digit groups in `folded` (see fold.py), split where a group is not real.

    Lazily, and in pieces of at most MAX_GROUPS groups, so that megabytes of digits
    cost only what the caller consumes. Runs too short for anything but a short code
    are kept only where `keep_short(start)` says so (when given).
    """
    for m in RUN.finditer(folded):
        yield from runs_in(folded, m, keep_short)


def runs_in(folded: str, m: re.Match[str], keep_short: Callable[[int], bool] | None = None) -> Iterator[Run]:
    """The runs of one RUN match `m` in `folded` (see find_runs)."""
    start = m.start()
    if start and folded[start - 1] in "OoIl|" and folded[start] not in "+(":
        start -= 1  # "l38l2345678": a look-alike letter may open a run (not "Call(888)...")
    if m.end() - start < MIN_RUN_CHARS or (
            start and _GLUED.match(folded, start - 1) and not (start >= 2 and _WORD_PAREN.match(folded, start - 2))):
        return
    if keep_short is not None and m.end() - start < SHORT_RUN_CHARS and not keep_short(start):
        return
    plus = m.group().startswith("+")
    groups: list[Group] = []
    prev: re.Match[str] | None = None
    for g in _GROUP.finditer(folded, start, m.end()):
        if prev is not None:
            groups.append(_group(folded, prev, g.start(), plus and not groups))
            if len(groups) >= MAX_GROUPS and (len(groups) >= 2 * MAX_GROUPS or " " in groups[-1].sep_after):
                yield Run(groups[0].start, tuple(groups))
                groups, plus = [], False
        if not _real_group(folded, *g.span()):
            if groups:
                yield Run(groups[0].start, tuple(groups))
            groups, plus, prev = [], False, None
            continue
        prev = g
    if prev is not None:
        groups.append(_group(folded, prev, prev.end(), plus and not groups))
    if groups:
        yield Run(groups[0].start, tuple(groups))


def _group(folded: str, g: re.Match[str], next_start: int, plus: bool) -> Group:
    s, e = g.span()
    digits = g.group() if e - s > LONG_GROUP else g.group().translate(_LETTERS)
    return Group(digits, s, e, folded[e:next_start], plus)


def is_enumeration(run: Run, i: int, folded: str) -> bool:
    """Group i looks like a list marker: "1." "2)" "(3)" before the number."""
    g = run.groups[i]
    if i + 1 >= len(run.groups) or len(g.digits) > 2 or g.digits.startswith("0"):
        return False
    if _ENUM_PUNCT & set(g.sep_after):
        return True
    return opening_paren(folded, g.start) is not None


def opening_paren(folded: str, pos: int) -> int | None:
    """The index of a "(" right before `pos` (zero-width characters between allowed)."""
    k = pos - 1
    while k >= 0 and folded[k] == IGNORABLE:
        k -= 1
    return k if k >= 0 and folded[k] == "(" else None

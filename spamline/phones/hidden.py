"""Where an HTML page hides text: elements styled or marked hidden, and noscript/template.

Used to weigh evidence (a "+CC" token in hidden text counts less), never to drop text: the
visible-text reader keeps hidden text, since spam pages hide real numbers too. One pass over
the tags, each character read a bounded number of times; nesting is not followed (a hidden
element ends at the first closing tag of its name), which is enough to weigh evidence.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from functools import lru_cache

# a start tag that hides its element (the lookahead stops at the tag's end: linear in all)
_HIDING_TAG = re.compile(
    r"<(?P<name>noscript|template)\b[^<>]*>"
    r"|<(?P<tag>[a-zA-Z][\w:-]*+)(?=[^<>]*?(?:\shidden\b|display\s*:\s*none|visibility\s*:\s*hidden"
    r"|aria-hidden\s*=\s*[\"']?true))(?P<attrs>[^<>]*)>",
    re.IGNORECASE)
_WORDS = ("hidden", "none", "noscript", "template")
TAG_REACH = 2048  # the longest start tag searched back from a hiding word
_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
                   "source", "track", "wbr"})


@lru_cache(maxsize=256)
def _closing(name: str) -> re.Pattern[str]:
    return re.compile(rf"</{re.escape(name)}\s*>", re.IGNORECASE)


def hidden_ranges(source: str) -> list[tuple[int, int]]:
    """The [start, end) source spans of hidden elements, in order, not overlapping.

    Found from the words that hide ("hidden", "none", "noscript", "template"): each is tried
    in the tag around it, if that tag starts at most TAG_REACH characters before it."""
    lower = source.lower()
    starts = sorted({lt for word in _WORDS for lt in _tags_around(lower, word)})
    ranges: list[tuple[int, int]] = []
    pos = 0
    for lt in starts:
        if lt < pos or (m := _HIDING_TAG.match(source, lt)) is None:
            continue
        name = (m.group("name") or m.group("tag")).lower()
        if name in _VOID or (m.group("attrs") or "").endswith("/"):
            continue
        close = _closing(name).search(source, m.end())
        pos = close.end() if close else len(source)
        ranges.append((lt, pos))
    return ranges


def _tags_around(lower: str, word: str) -> set[int]:
    """The "<" of the tag each occurrence of `word` stands in (none if it stands in text)."""
    found = set()
    at = lower.find(word)
    while at >= 0:
        lt = lower.rfind("<", max(0, at - TAG_REACH), at)
        if lt >= 0 and lower.find(">", lt, at) < 0:
            found.add(lt)
        at = lower.find(word, at + len(word))
    return found


class Hidden:
    """`Hidden(ranges)(pos)`: whether source offset `pos` lies in one of the ranges."""

    def __init__(self, ranges: list[tuple[int, int]]) -> None:
        self._starts = [s for s, _ in ranges]
        self._ends = [e for _, e in ranges]

    def __call__(self, pos: int) -> bool:
        k = bisect_right(self._starts, pos) - 1
        return k >= 0 and pos < self._ends[k]

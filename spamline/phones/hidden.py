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

_TAG = re.compile(r"<([a-zA-Z][\w:-]*)([^<>]*)>")
_HIDING = re.compile(r"\shidden\b|display\s*:\s*none|visibility\s*:\s*hidden|aria-hidden\s*=\s*[\"']?true",
                     re.IGNORECASE)
_HINT = re.compile(r"hidden|none|noscript|template", re.IGNORECASE)
_HIDING_TAGS = frozenset({"noscript", "template"})
_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
                   "source", "track", "wbr"})


@lru_cache(maxsize=256)
def _closing(name: str) -> re.Pattern[str]:
    return re.compile(rf"</{re.escape(name)}\s*>", re.IGNORECASE)


def hidden_ranges(source: str) -> list[tuple[int, int]]:
    """The [start, end) source spans of hidden elements, in order, not overlapping."""
    if not _HINT.search(source):
        return []
    ranges: list[tuple[int, int]] = []
    pos = 0
    while (m := _TAG.search(source, pos)) is not None:
        pos = m.end()
        name = m.group(1).lower()
        attrs = m.group(2)
        if name in _VOID or attrs.endswith("/"):
            continue
        if name not in _HIDING_TAGS and not _HIDING.search(attrs):
            continue
        close = _closing(name).search(source, pos)
        end = close.end() if close else len(source)
        ranges.append((m.start(), end))
        pos = end
    return ranges


class Hidden:
    """`Hidden(ranges)(pos)`: whether source offset `pos` lies in one of the ranges."""

    def __init__(self, ranges: list[tuple[int, int]]) -> None:
        self._starts = [s for s, _ in ranges]
        self._ends = [e for _, e in ranges]

    def __call__(self, pos: int) -> bool:
        k = bisect_right(self._starts, pos) - 1
        return k >= 0 and pos < self._ends[k]

"""The tokens of an HTML source, found at its "<"s in linear time (the reference of _htmlscan.c).

At each "<", tried in this order: a comment; a hidden inline element holding a character or
three (digits planted to poison a number); a raw element (script, style, title, ...); a tag; a
declaration or processing instruction. A "<" that starts none of them is text.

A tag's attributes are read as browsers do except that a quoted value never holds "<": a quote
opens a value only right after "name=", and a stray or unclosed quote cannot swallow the
text and tags after it. The list is read a step at a time and
possessively, so where it stops depends on where it starts: it ends at a ">" or runs to the
end, and the positions a failed run went through are remembered and end any later run at once.
The other searches that many "<"s share (the next ">", a hiding style before it) are cached.
So no character is read more than a few times, whatever the input (tests/phones/test_linear.py).
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

_ATTR_STEP = re.compile(r"""\s++|/|(?P<name>[^\s/>][^\s/>=]*+)(?:\s*+=\s*+(?:"[^"<]*+"|'[^'<]*+'|[^\s>]*+))?""")
_POISON_NAME = re.compile(r"(?:span|i|em|b|font|s|u|small|strong|sup|sub)\b", re.IGNORECASE)
_HIDING_PHRASE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_RAW_NAME = re.compile(r"(?:script|style|template|xmp|iframe|noembed|noframes|textarea|title)\b", re.IGNORECASE)
_TAG_NAME = re.compile(r"[a-zA-Z][\w:-]*+", re.IGNORECASE)
# a closing tag names its element as a regex backreference does under IGNORECASE (simple lower cases)
_SAME_NAME = re.compile(r"(.+)\x00\1", re.IGNORECASE | re.DOTALL)
_SPACES = re.compile(r"\s*")
_MAY_START = re.compile(r"<[!?/a-zA-Z]", re.IGNORECASE)  # every token starts so: a quick test
POISON_TEXT = 3  # the most characters a poisoning element holds


class Token(NamedTuple):
    """One token: kind ("comment", "poison", "raw", "tag", "declaration"), its [start, end), the
    element's name, whether it is a closing tag, its attribute list and (raw elements) its body."""

    kind: str
    start: int
    end: int
    name: str = ""
    close: bool = False
    attrs_start: int = 0
    attrs_end: int = 0
    body_start: int = 0
    body_end: int = 0


@lru_cache(maxsize=64)
def _closing_candidates(name: str) -> re.Pattern[str]:
    """`</name` under IGNORECASE: every closing tag of the element, and a few look-alikes."""
    return re.compile("</" + re.escape(name), re.IGNORECASE)


class Tokens:
    """The tokenizer of one source; `next(pos)` gives the first token at or after `pos`."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.n = len(source)
        self.last_gt = source.rfind(">")
        self._gt_from = self._gt_at = -1  # the first ">" at or after _gt_from is _gt_at
        self._phrase_gt, self._phrase_last = -1, -1  # the last hiding phrase before that ">"
        self._dead: bytearray | None = None  # an attribute list resumed here runs to the end

    def next(self, pos: int) -> Token | None:
        lt = self.source.find("<", pos)
        while lt >= 0:
            token = self.at(lt)
            if token is not None:
                return token
            lt = self.source.find("<", lt + 1)
        return None

    def at(self, p: int) -> Token | None:
        """The token at the "<" at `p`, or None."""
        src = self.source
        if not _MAY_START.match(src, p):
            return None
        if src.startswith("<!--", p):
            e = src.find("-->", p + 4)
            return Token("comment", p, e + 3 if e >= 0 else self.n)
        token = self._poison(p) or self._raw(p) or self._tag(p)
        if token is None and src.startswith(("<!", "<?"), p):
            g = self._next_gt(p + 2)
            if g >= 0:
                token = Token("declaration", p, g + 1)
        return token

    def _next_gt(self, p: int) -> int:
        if p > self.last_gt:
            return -1
        if self._gt_from <= p <= self._gt_at:
            return self._gt_at
        self._gt_from, self._gt_at = p, self.source.find(">", p)
        return self._gt_at

    def _poison(self, p: int) -> Token | None:
        m = _POISON_NAME.match(self.source, p + 1)
        if m is None:
            return None
        ne = m.end()
        g = self._next_gt(ne)
        if g < 0:
            return None
        if g != self._phrase_gt:  # every "<" before g shares g: one search serves them all
            self._phrase_gt = g
            self._phrase_last = max((h.start() for h in _HIDING_PHRASE.finditer(self.source, ne, g)), default=-1)
        if self._phrase_last < ne:
            return None
        for q in range(g + 1, min(g + 2 + POISON_TEXT, self.n)):
            if self.source[q] == "<":
                end = self._closing(q, m.group())
                return Token("poison", p, end, m.group()) if end >= 0 else None
        return None

    def _closing(self, q: int, name: str) -> int:
        """The end of `</name\\s*>` at `q` (name compared as a backreference), or -1."""
        src = self.source
        at = q + 2 + len(name)
        if not src.startswith("</", q) or at > self.n or not _SAME_NAME.fullmatch(name + "\0" + src[q + 2:at]):
            return -1
        e = _SPACES.match(src, at).end()
        return e + 1 if e < self.n and src[e] == ">" else -1

    def _raw(self, p: int) -> Token | None:
        m = _RAW_NAME.match(self.source, p + 1)
        if m is None:
            return None
        g = self._attrs_end(m.end())
        if g < 0:
            return None
        name = m.group()
        candidates = _closing_candidates(name)
        at = g + 1
        while (c := candidates.search(self.source, at)) is not None:
            end = self._closing(c.start(), name)
            if end >= 0:
                return Token("raw", p, end, name, False, m.end(), g, g + 1, c.start())
            at = c.start() + 1
        return Token("raw", p, self.n, name, False, m.end(), g, g + 1, self.n)

    def _tag(self, p: int) -> Token | None:
        close = self.source.startswith("</", p)
        ns = p + 1 + close
        m = _TAG_NAME.match(self.source, ns)
        if m is None:
            return None
        # If the attributes find no ">" after the whole name, the name gives back characters;
        # given back, they start an attribute that runs past the name's end, the same from each
        # of them but the first: one character given back tells what any number would.
        q = m.end()
        for end in (q, q - 1) if q - 1 > ns else (q,):
            g = self._attrs_end(end)
            if g >= 0:
                return Token("tag", p, g + 1, self.source[ns:end], close, end, g)
        return None

    def _attrs_end(self, q: int) -> int:
        """The ">" that ends the attribute list read from `q`, or -1 if it runs to the end."""
        src, dead = self.source, self._dead
        steps = []
        while q < self.n and q <= self.last_gt and not (dead is not None and dead[q]):
            if src[q] == ">":
                return q
            step = _ATTR_STEP.match(src, q)
            steps.append(step)
            q = step.end()
        if steps:
            self._remember_failure(steps)
        return -1

    def _remember_failure(self, steps: list[re.Match[str]]) -> None:
        """Mark where a failed run went: each step's start, and every character of a name or
        of white space in it (a run resumed inside one goes on as the failed run did)."""
        if self._dead is None:
            self._dead = bytearray(self.n + 1)
        for step in steps:
            a = step.start()
            b = step.end("name") if step.group("name") is not None else a + 1 if self.source[a] == "/" else step.end()
            self._dead[a:b] = b"\1" * (b - a)

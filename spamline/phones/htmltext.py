"""HTML to text maps: the visible text, plus attribute, meta, script and JSON-LD strings.

A small tokenizer (htmltokens.py, linear time on any input) rather than a tree builder,
because every character of the result must know its offset in the HTML source (lxml and
html5lib do not keep them).
`html_text` runs its compiled twin (_htmlscan.c) when that is built; `python_html_text` is
the reference the twin reproduces exactly (tests/phones/test_htmlscan.py), and the fallback.
"""
from __future__ import annotations

import functools
import html
import re
from bisect import bisect_right
from dataclasses import dataclass, field
from itertools import accumulate, repeat
from operator import add

from spamline.phones.compiled import twin
from spamline.phones.htmltokens import Token, Tokens
from spamline.phones.textmap import TextMap

_htmlscan = twin("_htmlscan")  # None where not built (or SPAMLINE_PURE_PYTHON=1): python_html_text runs

_ATTR = re.compile(r"""([^\s=/>"']+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+)))?""")
_ENTITY = re.compile(r"&(?:#[0-9]{1,7};?|#[xX][0-9a-fA-F]{1,6};?|[A-Za-z][A-Za-z0-9]{1,31};?)")
_JS_ESCAPE = re.compile(r"\\(?:u\{[0-9a-fA-F]{1,6}\}|u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|.)", re.DOTALL)
_PERCENT = re.compile(r"%[0-9a-fA-F]{2}")
_TAG_OR_ENTITY = re.compile(r"<[^<>]*>|" + _ENTITY.pattern)
_QUOTE = re.compile(r"[\"'`]")
# a string's body after its opening quote, possessive: it ends at its closing quote if it has one
_STRING_BODY = {q: re.compile(body, re.DOTALL) for q, body in (
    ('"', r'(?:[^"\\\n]|\\.)*+'), ("'", r"(?:[^'\\\n]|\\.)*+"), ("`", r"(?:[^`\\]|\\.)*+"))}
_HAS_DIGIT = re.compile(r"[\d零〇一二三四五六七八九幺]|\\[ux]|&#")
_PHONE_SCHEME = re.compile(r"\s*(?:tel|sms|callto|wtai://wp/mc;|facetime-audio):(?://)?", re.IGNORECASE)
_MARKUP_IN_STRING = re.compile(_JS_ESCAPE.pattern + "|" + _TAG_OR_ENTITY.pattern, re.DOTALL)
_JS_SIMPLE = {"n": " ", "t": " ", "r": " ", "b": "", "f": " ", "v": " ", "0": ""}

# tags that do not break a line: digits on both sides of them join into one number
INLINE = frozenset(["a", "abbr", "b", "bdi", "bdo", "big", "cite", "code", "data", "del", "dfn", "em", "font", "i", "ins", "kbd", "label", "mark", "nobr", "q", "rp", "rt", "ruby", "s", "samp", "small", "span", "strike", "strong", "sub", "sup", "time", "tt", "u", "var", "wbr"])
_TEXT_ATTRS = frozenset({"alt", "title", "aria-label", "placeholder", "value", "label"})

# A plain stretch: text without "<" or "&", and tags that the tokenizer reads as plain tags
# giving no attribute text (no raw element, no hidden-element trick, no tel: link, no digit,
# numeral or escape in an attribute value unless the attribute is one that is never read).
# Most of a page is plain: it is read in bulk and mapped back only where a number is found.
_QUIET_ATTR = (r"(?:class|id|src|rel|target|lang|name|type|style|width|height|align|valign|border|dir|"
               r"role|charset|http-equiv|for|method|action|colspan|rowspan|cellpadding|cellspacing|"
               r"bgcolor|color|size|face|loading|srcset|sizes|media|itemprop|itemtype|tabindex)")
_QUIET_VALUE = r"""\s*=\s*(?:"[^"<>]*"|'[^'<>]*'|[^\s"'<>=`]+)"""
_NO_DIGIT = "\\d零〇一二三四五六七八九幺\\\\&"  # inside a character class: what _HAS_DIGIT looks for
# (each case-insensitive name test after "<" is guarded by a case-sensitive test of its first
# letter: a tag name must start with an ASCII letter anyway, so the guard changes nothing but
# the speed; "href" is tried before the quiet names, which can never match where it does)
_PLAIN_TAG = (
    r"<(?!(?=[iInNsStTxX])(?i:(?:script|style|template|xmp|iframe|noembed|noframes|textarea|title)\b))"
    r"(?!(?=[sSiIeEbBfFuU])(?i:(?:span|i|em|b|font|s|u|small|strong|sup|sub)\b[^>]*:))/?[a-zA-Z][\w:-]*+"
    r"(?i:(?:\s++(?:"
    r"href(?=[\s=/>])(?:\s*=\s*(?!\s*+[\"']?\s*+(?:tel|sms|callto|wtai://wp/mc;|facetime-audio):)"
    r"""(?:"[^"<>]*"|'[^'<>]*'|[^\s"'<>=`]+))?"""
    rf"|{_QUIET_ATTR}(?=[\s=/>])(?:{_QUIET_VALUE})?"
    rf"""|[^\s"'<>/=]++(?:\s*=\s*(?:"[^"<>{_NO_DIGIT}]*"|'[^'<>{_NO_DIGIT}]*'|[^\s"'<>=`{_NO_DIGIT}]+))?"""
    r"))*+)\s*/?>")
_PLAIN = re.compile(r"(?:[^<&]++|" + _PLAIN_TAG + ")++")  # case-sensitive outside tags: a faster scan
PLAIN_CHUNK = 4096  # plain text is read in chunks of this size: only those holding a number are mapped
_TAG_SPLIT = re.compile(r"(</?([a-zA-Z][\w:-]*)[^>]*>)")
_TAG_MARK = dict.fromkeys(INLINE, "")  # the text a tag stands for, by lower-cased name; "\n" if absent


@dataclass
class HtmlText:
    """Everything readable in an HTML document, as text maps into its source."""

    visible: TextMap
    title: str = ""
    others: TextMap = field(default_factory=TextMap)  # tel, attr, meta, script and jsonld strings

    def other(self, kind: str) -> TextMap:
        """The map of non-visible strings, ready to take text of `kind`."""
        self.others.begin(kind)
        return self.others


def html_text(source: str) -> HtmlText:
    """Split `source` into visible text and the other places numbers hide."""
    if _htmlscan is None:
        return python_html_text(source)
    visible, visible_pieces, others, others_pieces, titles = _htmlscan.scan(source, _cached_unescape)
    title = ""
    for start, end in titles:  # the first title that has text, as python_html_text keeps it
        title = " ".join(html.unescape(source[start:end]).split())
        if title:
            break
    return HtmlText(TextMap.from_pieces("text", visible, visible_pieces), title,
                    TextMap.from_pieces("text", others, others_pieces))


def python_html_text(source: str) -> HtmlText:
    """html_text in Python: the reference for _htmlscan.scan."""
    doc = HtmlText(TextMap("text"))
    tokens = Tokens(source)
    pos, end = 0, len(source)
    while pos < end:
        plain = _PLAIN.match(source, pos, pos + PLAIN_CHUNK)
        if plain:
            _add_plain(doc.visible, source, pos, plain.end())
            pos = plain.end()
            continue
        t = tokens.next(pos)
        if t is None:
            _add_decoded(doc.visible, source, pos, end, _ENTITY, html_text=True)
            break
        if t.start > pos:
            _add_decoded(doc.visible, source, pos, t.start, _ENTITY, html_text=True)
        pos = t.end
        if t.kind == "raw":
            _raw_element(doc, source, t)
        elif t.kind == "tag":
            tag = t.name.lower()
            if tag not in INLINE:
                doc.visible.add_replaced("\n", t.start, t.end)
            if not t.close:
                _attributes(doc, source, tag, t.attrs_start, t.attrs_end)
        elif t.kind == "declaration":
            doc.visible.add_replaced("\n", t.start, t.end)
    return doc


def _add_plain(tm: TextMap, source: str, start: int, end: int) -> None:
    """Append a plain stretch (see _PLAIN) in bulk: block tags become line breaks, inline ones nothing.

    Every "<" in a plain stretch opens a whole tag with no "<" or ">" inside, so one split finds
    them all; the pieces are kept for the exact map, built only if a number is found here."""
    pieces = _TAG_SPLIT.split(_spaced(source[start:end]))  # text, tag, tag name, text, ..., text
    texts, tags = pieces[0::3], pieces[1::3]
    marks = list(map(_TAG_MARK.get, map(str.lower, pieces[2::3]), repeat("\n")))  # "" or "\n" per tag
    pieces[1::3] = marks
    del pieces[2::3]
    tm.add_lazy("".join(pieces), start, end, lambda: _PlainSpans(texts, tags, marks, start))


class _PlainSpans:
    """The exact map of a plain stretch's text (see _add_plain): each stretch of text between
    tags stands at its source offset character for character, each block tag's "\n" stands
    for the whole tag, inline tags give nothing. Built with a few C-level passes: it is on the
    hot path of dense pages."""

    def __init__(self, texts: list[str], tags: list[str], marks: list[str], start: int) -> None:
        self._texts = list(map(len, texts))
        self._tags = list(map(len, tags))
        self._tstart = list(accumulate(map(add, self._texts, map(len, marks)), initial=0))  # of each text
        self._sstart = list(accumulate(map(add, self._texts, self._tags), initial=start))

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        return self._source(start, False), self._source(end - 1, True)

    def _source(self, pos: int, after: bool) -> int:
        """The source offset where the character at `pos` starts (or ends, if `after`)."""
        k = bisect_right(self._tstart, pos) - 1
        inside = pos - self._tstart[k]
        if inside < self._texts[k]:
            return self._sstart[k] + inside + after
        return self._sstart[k] + self._texts[k] + (self._tags[k] if after else 0)  # a block tag's "\n"


def _raw_element(doc: HtmlText, source: str, t: Token) -> None:
    name = t.name.lower()
    start, end = t.body_start, t.body_end
    doc.visible.add_replaced("\n", t.start, start)
    _attributes(doc, source, name, t.attrs_start, t.attrs_end)
    if name in ("title", "textarea"):
        _add_decoded(doc.visible, source, start, end, _ENTITY, html_text=True)
        if name == "title" and not doc.title:
            doc.title = " ".join(html.unescape(source[start:end]).split())
    elif name == "script":
        kind = "jsonld" if "ld+json" in source[t.attrs_start:t.attrs_end].lower() else "script"
        _strings(doc.other(kind), source, start, end)
    doc.visible.add_replaced("\n", end, t.end)


def _strings(tm: TextMap, source: str, start: int, end: int) -> None:
    """Every string literal of a script or JSON block that has a digit in it.

    A quote that never closes is skipped, and so is every quote of its kind up to where its
    body ran out: inside that body each of them is escaped, so its own body runs out there too
    (this keeps `'\\'\\'\\...` linear)."""
    failed = {'"': start, "'": start, "`": start}  # quotes before these never close
    pos = start
    while (q := _QUOTE.search(source, pos, end)) is not None:
        at, quote = q.start(), q.group()
        pos = at + 1
        if at < failed[quote]:
            continue
        close = _STRING_BODY[quote].match(source, at + 1, end).end()
        if close >= end or source[close] != quote:
            failed[quote] = close
            continue
        if _HAS_DIGIT.search(source, at, close + 1):
            _add_decoded(tm, source, at + 1, close, _JS_ESCAPE, markup=True)
            tm.add_replaced("\n", close, close + 1)
        pos = close + 1


def _attributes(doc: HtmlText, source: str, tag: str, start: int, end: int) -> None:
    if not _HAS_DIGIT.search(source, start, end):
        return  # no digit, numeral or escape: nothing here can hold a number
    for a in _ATTR.finditer(source, start, end):
        name = a.group(1).lower()
        group = a.lastindex  # 2, 3 or 4: the value ("...", '...' or bare); 1: a name alone
        if group == 1:
            continue
        vs, ve = a.span(group)
        if name == "href":
            scheme = _PHONE_SCHEME.match(source, vs, ve)
            if scheme:
                _add_decoded(doc.other("tel"), source, scheme.end(), ve, _PERCENT)
                doc.other("tel").add_replaced("\n", ve, ve)
            continue
        if tag == "meta" and name == "content":
            kind = "meta"
        elif name in _TEXT_ATTRS or name.startswith("data-"):
            kind = "attr"
        elif name.startswith("on"):
            kind = "script"
        else:
            continue
        if _HAS_DIGIT.search(source, vs, ve):
            _add_decoded(doc.other(kind), source, vs, ve, _ENTITY)
            doc.other(kind).add_replaced("\n", ve, ve)


def _add_decoded(tm: TextMap, source: str, start: int, end: int, escape: re.Pattern[str],
                 html_text: bool = False, markup: bool = False) -> None:
    """Append source[start:end] to `tm`, decoding escapes (and dropping tags if `markup`)."""
    pattern = _MARKUP_IN_STRING if markup else escape
    pos = start
    for m in pattern.finditer(source, start, end):
        if m.start() > pos:
            _literal(tm, source, pos, m.start(), html_text)
        tm.add_replaced(_unescape(m.group()), m.start(), m.end())
        pos = m.end()
    if pos < end:
        _literal(tm, source, pos, end, html_text)


def _literal(tm: TextMap, source: str, start: int, end: int, html_text: bool) -> None:
    text = source[start:end]
    if html_text:
        text = _spaced(text)
    tm.add_literal(text, start)


def _spaced(text: str) -> str:
    """In HTML a line break, tab or form feed inside text is a space (str.replace is fastest)."""
    return text.replace("\n", " ").replace("\r", " ").replace("\t", " ").replace("\f", " ")


def _unescape(token: str) -> str:
    """The text an entity, a JS escape, a %XX or a tag stands for."""
    if token.startswith("&"):
        return html.unescape(token)
    if token.startswith("%"):
        return chr(int(token[1:], 16))
    if token.startswith("<"):
        return ""
    body = token[1:]
    try:
        if body.startswith("u{"):
            return chr(int(body[2:-1], 16))
        if body[:1] in "ux" and len(body) > 1:
            return chr(int(body[1:], 16))
    except ValueError:
        return "\ufffd"
    return _JS_SIMPLE.get(body, body)


_cached_unescape = functools.lru_cache(maxsize=4096)(_unescape)

"""HTML to text maps: the visible text, plus attribute, meta, script and JSON-LD strings.

A small regex tokenizer rather than a tree builder, because every character of the
result must know its offset in the HTML source (lxml and html5lib do not keep them).
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

from spamline.phones.textmap import TextMap

# a tag's attributes as browsers read them: a quote opens a value only right after "=",
# so a stray quote (`<p href=""">`) cannot swallow the text after the tag
_ATTRS = r"""(?:[^>"'=]++|=\s*+(?:"[^"]*+"|'[^']*+')?|["'])*+"""
_TOKEN = re.compile(
    r"<!--.*?(?:-->|\Z)"
    # a hidden inline element holding a character or three: digits planted to poison a number
    r"|<(?P<poison>span|i|em|b|font|s|u|small|strong|sup|sub)\b[^>]*?"
    r"(?:display\s*:\s*none|visibility\s*:\s*hidden)[^>]*>[^<]{0,3}</(?P=poison)\s*>"
    r"|<(?P<raw>script|style|template|xmp|iframe|noembed|noframes|textarea|title)\b"
    r"(?P<rawattrs>" + _ATTRS + ")>(?P<body>.*?)(?:</(?P=raw)\s*>|\Z)"
    r"|<(?P<close>/)?(?P<tag>[a-zA-Z][\w:-]*)(?P<attrs>" + _ATTRS + ")>"
    r"|<[!?][^>]*>",
    re.DOTALL | re.IGNORECASE)
_ATTR = re.compile(r"""([^\s=/>"']+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+)))?""")
_ENTITY = re.compile(r"&(?:#[0-9]{1,7};?|#[xX][0-9a-fA-F]{1,6};?|[A-Za-z][A-Za-z0-9]{1,31};?)")
_JS_ESCAPE = re.compile(r"\\(?:u\{[0-9a-fA-F]{1,6}\}|u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|.)", re.DOTALL)
_PERCENT = re.compile(r"%[0-9a-fA-F]{2}")
_TAG_OR_ENTITY = re.compile(r"<[^<>]*>|" + _ENTITY.pattern)
_STRING = re.compile(r"\"(?:[^\"\\\n]|\\.)*\"|'(?:[^'\\\n]|\\.)*'|`(?:[^`\\]|\\.)*`", re.DOTALL)
_HAS_DIGIT = re.compile(r"[\d零〇一二三四五六七八九幺]|\\[ux]|&#")
_PHONE_SCHEME = re.compile(r"\s*(?:tel|sms|callto|wtai://wp/mc;|facetime-audio):(?://)?", re.IGNORECASE)
_MARKUP_IN_STRING = re.compile(_JS_ESCAPE.pattern + "|" + _TAG_OR_ENTITY.pattern, re.DOTALL)
_WS_CONTROL = str.maketrans("\n\r\t\f", "    ")
_CONTROL_WS = re.compile("[\n\r\t\f]")
_JS_SIMPLE = {"n": " ", "t": " ", "r": " ", "b": "", "f": " ", "v": " ", "0": ""}

# tags that do not break a line: digits on both sides of them join into one number
INLINE = frozenset(["a", "abbr", "b", "bdi", "bdo", "big", "cite", "code", "data", "del", "dfn", "em", "font", "i", "ins", "kbd", "label", "mark", "nobr", "q", "rp", "rt", "ruby", "s", "samp", "small", "span", "strike", "strong", "sub", "sup", "time", "tt", "u", "var", "wbr"])
_TEXT_ATTRS = frozenset({"alt", "title", "aria-label", "placeholder", "value", "label"})


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
    doc = HtmlText(TextMap("text"))
    pos = 0
    for m in _TOKEN.finditer(source):
        if m.start() > pos:
            _add_decoded(doc.visible, source, pos, m.start(), _ENTITY, html_text=True)
        pos = m.end()
        if m.group("poison"):
            continue
        if m.group("raw"):
            _raw_element(doc, source, m)
        elif m.group("tag"):
            tag = m.group("tag").lower()
            if tag not in INLINE:
                doc.visible.add_replaced("\n", m.start(), m.end())
            if not m.group("close"):
                _attributes(doc, source, tag, m.start("attrs"), m.end("attrs"))
        elif not m.group().startswith("<!--"):
            doc.visible.add_replaced("\n", m.start(), m.end())
    if pos < len(source):
        _add_decoded(doc.visible, source, pos, len(source), _ENTITY, html_text=True)
    return doc


def _raw_element(doc: HtmlText, source: str, m: re.Match[str]) -> None:
    name = m.group("raw").lower()
    start, end = m.span("body")
    doc.visible.add_replaced("\n", m.start(), start)
    _attributes(doc, source, name, m.start("rawattrs"), m.end("rawattrs"))
    if name in ("title", "textarea"):
        _add_decoded(doc.visible, source, start, end, _ENTITY, html_text=True)
        if name == "title" and not doc.title:
            doc.title = " ".join(html.unescape(m.group("body")).split())
    elif name == "script":
        kind = "jsonld" if "ld+json" in m.group("rawattrs").lower() else "script"
        _strings(doc.other(kind), source, start, end)
    doc.visible.add_replaced("\n", end, m.end())


def _strings(tm: TextMap, source: str, start: int, end: int) -> None:
    """Every string literal of a script or JSON block that has a digit in it."""
    for s in _STRING.finditer(source, start, end):
        if _HAS_DIGIT.search(s.group()):
            _add_decoded(tm, source, s.start() + 1, s.end() - 1, _JS_ESCAPE, markup=True)
            tm.add_replaced("\n", s.end() - 1, s.end())


def _attributes(doc: HtmlText, source: str, tag: str, start: int, end: int) -> None:
    if not _HAS_DIGIT.search(source, start, end):
        return  # no digit, numeral or escape: nothing here can hold a number
    for a in _ATTR.finditer(source, start, end):
        name = a.group(1).lower()
        group = next((g for g in (2, 3, 4) if a.group(g) is not None), None)
        if group is None:
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
    if html_text and _CONTROL_WS.search(text):
        text = text.translate(_WS_CONTROL)  # in HTML a line break inside text is a space
    tm.add_literal(text, start)


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

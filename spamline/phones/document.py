"""A fetched document: decode it, read its text, find its numbers."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from operator import attrgetter

from spamline.model import PhoneHit
from spamline.phones.compiled import twin
from spamline.phones.decode import decode_body
from spamline.phones.extract import Budget, find_hits
from spamline.phones.htmltext import html_text
from spamline.phones.hidden import Hidden, hidden_ranges
from spamline.phones.region import DEFAULT_REGION, infer_regions, page_lang
from spamline.phones.textmap import TextMap

_HTML_SNIFF = re.compile(r"\s*(?:<!doctype html|<html|<head|<body|<meta|<title|<div|<p\b|<table|<!--)", re.IGNORECASE)


_BY_POSITION = attrgetter("start", "end")
_RUNSCAN = twin("_runscan")  # counts the odd characters of a page in one compiled pass
_CONTROL = "".join(map(chr, [*range(0x09), 0x0b, *range(0x0e, 0x20)]))
_ODD_CHARS = _CONTROL + "\ufffd"  # control characters and undecodable bytes


@dataclass
class Document:
    """A decoded document, its readable text and the numbers in it."""

    source: str  # the decoded document (HTML source for HTML); hits index into it
    encoding: str  # "" when the body was given as text
    title: str = ""
    visible: str = field(default="", repr=False)  # visible text as read, whitespace kept
    hits: list[PhoneHit] = field(default_factory=list)
    region: str = DEFAULT_REGION  # the default region numbers were read with

    @cached_property
    def text(self) -> str:
        """The visible text with whitespace collapsed and blank lines dropped, for full-text
        search (built on first use: finding numbers does not need it)."""
        return _readable(self.visible)


def looks_binary(source: str) -> bool:
    """Mostly undecodable bytes or control characters: an image, an archive, noise."""
    sample = source[:65536]
    if _RUNSCAN is not None:
        odd = _RUNSCAN.count_chars(sample, _ODD_CHARS)
    else:  # in UTF-8 each control character is that one byte and no other character gives a
        # byte below 0x80 but itself: counting bytes is exact, and faster than a regex
        utf8 = sample.encode("utf-8", "surrogatepass")
        odd = len(utf8) - len(utf8.translate(None, _CONTROL.encode())) + sample.count("\ufffd")
    return odd > len(sample) * 0.3


def is_html(source: str, content_type: str | None) -> bool:
    """HTML by content type, or by its first bytes when there is none."""
    if content_type:
        ct = content_type.lower()
        if "html" in ct or "xml" in ct:
            return True
        if ct.startswith("text/"):
            return False
    return bool(_HTML_SNIFF.match(source[:1024]))


def extract_text(text: str, region: str | None = None, include_possible: bool = False) -> list[PhoneHit]:
    """Numbers in a plain text; offsets index into `text`."""
    return find_hits(TextMap.identity(text), text, _regions(region, text), include_possible)


def extract_document(body: bytes | str, content_type: str | None = None, url: str | None = None,
                     region: str | None = None, include_possible: bool = False) -> Document:
    """Decode `body`, take its visible text and attributes, and find every number in it."""
    if isinstance(body, bytes):
        source, encoding = decode_body(body, content_type)
    else:
        source, encoding = body, ""
    if looks_binary(source):
        return Document(source, encoding, "", "", [], (region or DEFAULT_REGION).upper())
    if not is_html(source, content_type):
        regions = _regions(region, source, url, encoding)
        hits = find_hits(TextMap.identity(source), source, regions, include_possible)
        return Document(source, encoding, "", source, hits, regions[0])
    parts = html_text(source)
    text = parts.visible.text
    regions = (region.upper(),) if region else _html_regions(source, parts.visible, url, encoding)
    budget = Budget(len(source))
    hits = find_hits(parts.visible, source, regions, include_possible, budget)  # in source order
    others = find_hits(parts.others, source, regions, include_possible, budget)
    if others:
        hits = sorted(hits + others, key=_BY_POSITION)
    return Document(source, encoding, parts.title, text, hits, regions[0])


def _regions(region: str | None, text: str, url: str | None = None, encoding: str = "") -> tuple[str, ...]:
    """The caller's region, or the ones guessed from the document."""
    return (region.upper(),) if region else infer_regions(text, url, encoding)


def _html_regions(source: str, visible: TextMap, url: str | None, encoding: str) -> tuple[str, ...]:
    """The regions an HTML page plausibly serves, from its text, URL, `lang=` and hidden parts."""
    found: list[Hidden] = []  # the hidden parts, found on the first question (most pages ask none)

    def hidden(pos: int) -> bool:
        if not found:
            found.append(Hidden(hidden_ranges(source)))
        return found[0](visible.source_span(pos, pos + 1)[0])
    return infer_regions(visible.text, url, encoding, page_lang(source), hidden)


def _readable(text: str) -> str:
    """Whitespace collapsed, blank lines dropped."""
    return "\n".join(filter(None, map(" ".join, map(str.split, text.split("\n")))))

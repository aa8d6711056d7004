"""A fetched document: decode it, read its text, find its numbers."""
from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from operator import attrgetter


from spamline.model import PhoneHit
from spamline.phones.compiled import twin
from spamline.phones.decode import decode_body
from spamline.phones.classify import classify
from spamline.phones.extract import Budget, find_hits
from spamline.phones.htmltext import html_text
from spamline.phones.hidden import Hidden, hidden_ranges
from spamline.phones.region import DEFAULT_REGION, Evidence, evidence, explain, page_lang, rank
from spamline.phones.textmap import TextMap

_HTML_SNIFF = re.compile(r"\s*(?:<!doctype html|<html|<head|<body|<meta|<title|<div|<p\b|<table|<!--)", re.IGNORECASE)


_BY_POSITION = attrgetter("start", "end")
_TAG = re.compile(r"<[^<>]*>")
_NON_DIGIT = re.compile(r"\D")
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
    return _plain(text, region, None, "", include_possible)[1]


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
        regions, hits = _plain(source, region, url, encoding, include_possible)
        return Document(source, encoding, "", source, hits, regions[0])
    parts = html_text(source)

    def read(regions: tuple[str, ...]) -> list[PhoneHit]:
        budget = Budget(len(source))
        hits = find_hits(parts.visible, source, regions, include_possible, budget)  # in source order
        others = find_hits(parts.others, source, regions, include_possible, budget)
        return sorted(hits + others, key=_BY_POSITION) if others else hits
    if region:
        regions = (region.upper(),)
        return Document(source, encoding, parts.title, parts.visible.text, read(regions), regions[0])
    found = evidence(parts.visible.text, url, encoding, page_lang(source))
    regions, hits = _read_jointly(found, read, _hidden(source, parts.visible))
    return Document(source, encoding, parts.title, parts.visible.text, hits, regions[0])


def _plain(text: str, region: str | None, url: str | None, encoding: str,
           include_possible: bool) -> tuple[tuple[str, ...], list[PhoneHit]]:
    """The regions and numbers of a plain text."""
    def read(regions: tuple[str, ...]) -> list[PhoneHit]:
        return find_hits(TextMap.identity(text), text, regions, include_possible)
    if region:
        return (region.upper(),), read((region.upper(),))
    return _read_jointly(evidence(text, url, encoding), read, None)


def _read_jointly(found: Evidence, read: Callable[[tuple[str, ...]], list[PhoneHit]],
                  hidden: Callable[[int], bool] | None) -> tuple[tuple[str, ...], list[PhoneHit]]:
    """Read with the page's prior, then again if its national numbers, weighed together, change
    the reading of one of them (or the leading region, which short codes are read in)."""
    regions = rank(found, hidden)
    hits = read(regions)
    if len(regions) < 2:
        return regions, hits
    national = _national_digits(hits)
    revised = explain(found, regions, national, hidden)
    if revised[0] != regions[0] or any(_reading(d, revised) != _reading(d, regions) for d in national):
        return revised, read(revised)
    return regions, hits


def _national_digits(hits: list[PhoneHit]) -> list[str]:
    """The distinct digit strings of the numbers written in national format, as read (not +CC
    numbers, short codes, or numbers whose digits are not plainly written)."""
    found: dict[str, str | None] = {}
    for hit in hits:
        if hit.raw in found or hit.type == "short_code" or "+" in hit.raw or "＋" in hit.raw:
            continue
        text = _TAG.sub("", hit.raw) if "<" in hit.raw else hit.raw
        digits = _NON_DIGIT.sub("", html.unescape(text) if "&" in text else text)
        number = classify(digits, hit.region)
        found[hit.raw] = digits if number is not None and number.e164 == hit.e164 else None
    return list(dict.fromkeys(d for d in found.values() if d))


def _reading(digits: str, regions: tuple[str, ...]) -> str | None:
    """The E.164 that national `digits` are read as with `regions` (the first valid one)."""
    for region in regions:
        number = classify(digits, region)
        if number is not None and number.valid:
            return number.e164
    return None


def _hidden(source: str, visible: TextMap) -> Callable[[int], bool]:
    """Whether visible-text position `pos` stands in hidden source (found on the first question:
    most pages ask none)."""
    found: list[Hidden] = []

    def hidden(pos: int) -> bool:
        if not found:
            found.append(Hidden(hidden_ranges(source)))
        return found[0](visible.source_span(pos, pos + 1)[0])
    return hidden


def _readable(text: str) -> str:
    """Whitespace collapsed, blank lines dropped."""
    return "\n".join(filter(None, map(" ".join, map(str.split, text.split("\n")))))

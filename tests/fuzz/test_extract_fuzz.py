"""Fuzz the decode + extract path with hypothesis: random bytes, random HTML, random encodings.

Properties: nothing raises, decoding is reproducible from the returned encoding, every
hit slices back to its raw text, and a number in a correctly labelled page is found.
Each test is bounded (max_examples) so the suite stays fast.
"""
from __future__ import annotations

import os
import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from spamline.phones import decode_body, extract_document

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "100"))  # raise locally for a longer run
BOUNDED = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
ENCODINGS = ["utf-8", "gb18030", "gbk", "big5", "utf-16", "shift_jis", "cp1252", "euc-kr"]
CONTENT_TYPES = st.sampled_from([None, "", "text/html", "text/plain", "application/xhtml+xml",
                                 "text/html; charset=utf-8", "text/html; charset=gbk",
                                 "text/html; charset=bogus-charset", "text/html; charset=",
                                 "application/json", "text/html; charset=utf-16"])
TAGS = st.sampled_from(["p", "div", "span", "a", "b", "script", "style", "title", "td", "li",
                        "noscript", "template", "svg", "iframe", "textarea", "!--", "meta"])
TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)
NUMBERISH = st.sampled_from(["400-812-3456", "４００８１２３４５６", "+86 138 0013 8000", "①4008123456",
                             "(1)400 812 3456", "tel:+864008123456", "1-8OO-FLOWERS", "95588",
                             "四零零八一二三四五六", "400\u200b812\u200b3456", "0755-8888-1234"])


def check_hits(doc) -> None:
    for h in doc.hits:
        assert 0 <= h.start < h.end <= len(doc.source), h
        assert doc.source[h.start:h.end] == h.raw, h
        assert h.e164.startswith("+") and h.e164[1:].isdigit(), h


@BOUNDED
@given(st.binary(max_size=4096), CONTENT_TYPES)
def test_random_bytes_never_crash(body: bytes, content_type: str | None) -> None:
    text, encoding = decode_body(body, content_type)
    assert body.decode(encoding, "replace") == text, "the encoding reproduces the text"
    check_hits(extract_document(body, content_type=content_type))


@st.composite
def html_pages(draw: st.DrawFn) -> str:
    parts = []
    for _ in range(draw(st.integers(0, 25))):
        kind = draw(st.integers(0, 4))
        tag = draw(TAGS)
        if kind == 0:
            parts.append(f"<{tag}>")
        elif kind == 1:
            parts.append(f"</{tag}>")
        elif kind == 2:
            parts.append(draw(NUMBERISH))
        elif kind == 3:
            attr = draw(st.sampled_from(["href", "title", "alt", "content", "onclick", "data-x"]))
            parts.append(f'<{tag} {attr}="{draw(TEXT)}">')
        else:
            parts.append(draw(TEXT))
    return "".join(parts)


@BOUNDED
@given(html_pages(), st.sampled_from(ENCODINGS), st.booleans())
def test_random_html_in_random_encodings(page: str, encoding: str, labelled: bool) -> None:
    body = page.encode(encoding, "replace")
    content_type = f"text/html; charset={encoding}" if labelled else "text/html"
    doc = extract_document(body, content_type=content_type)
    check_hits(doc)
    assert body.decode(doc.encoding, "replace") == doc.source


@BOUNDED
@given(html_pages(), html_pages(), st.sampled_from(["utf-8", "gb18030", "gbk", "utf-16"]))
def test_a_number_in_a_labelled_page_is_found(before: str, after: str, encoding: str) -> None:
    # the number sits in its own paragraph, after whatever hostile markup came before it
    page = (f"<html><head><meta charset='{encoding}'></head><body>{before}"
            "</script></style></textarea></title>--></noscript></template></iframe></svg>"
            f"<p>客服热线：400-812-3456</p>{after}</body></html>")
    body = page.encode(encoding, "replace")
    doc = extract_document(body, content_type=f"text/html; charset={encoding}")
    check_hits(doc)
    assert "+864008123456" in {h.e164 for h in doc.hits}, (page[:300], doc.text[:300])


def test_garbage_returns_quickly() -> None:
    rng = __import__("random").Random(5)
    for body in (rng.randbytes(1 << 20), b"4" * (2 << 20), b"<div>" * 100_000,
                 ("四零零" * 100_000).encode()):
        started = time.monotonic()
        check_hits(extract_document(body, content_type="text/html"))
        assert time.monotonic() - started < 20, f"{body[:10]!r}: too slow"


# Found by test_a_number_in_a_labelled_page_is_found: a stray quote after an attribute value
# in two tags made everything between them vanish (browsers show it as text), so a
# spam page could hide its hotline from the extractor.
STRAY_QUOTES = [('<p href=""">', '<p href=""">'), ('<b title=""">', '<i title=""">'),
                ("<span class='a''>", "<span class='b''>")]


def test_stray_quotes_cannot_hide_a_number() -> None:
    for before, after in STRAY_QUOTES:
        page = f"<html><body>{before}<p>客服热线：400-812-3456</p>{after}</body></html>"
        doc = extract_document(page.encode(), content_type="text/html; charset=utf-8")
        assert "+864008123456" in {h.e164 for h in doc.hits}, (page, doc.text)

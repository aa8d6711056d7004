"""The compiled HTML reader (_htmlscan.c) gives exactly what its Python reference gives."""
from __future__ import annotations

import random
import sys
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from spamline.phones import htmltext
from spamline.phones.compiled import PURE_PYTHON
from spamline.phones.htmltext import html_text, python_html_text
from spamline.phones.textmap import TextMap
from tests.phones.samples import corpus_pages, decoded, network_pages

# only SPAMLINE_PURE_PYTHON=1 skips these: a build that silently fell back to Python fails them
pytestmark = pytest.mark.skipif(PURE_PYTHON, reason="the compiled twins are turned off (SPAMLINE_PURE_PYTHON)")

# pieces of HTML, scripts and escapes whose every mix the two readers must agree on
FRAGMENTS = [
    "<", ">", "</", "/>", "<!--", "-->", "<!", "<?", "<!DOCTYPE html>", "<p>", "</p>", "<br/>", "<b>",
    "</b>", "<i>", "<İ>", "<Kbd>", "<a ", "<div class=x>", "<script>", "</script>", "</SCRIPT >",
    "<ſcript>", "<scrİpt>", "<script type='application/ld+json'>", "<textarea>", "</textarea>",
    "<style>", "</style>", "<span style='display:none'>", "<ſpan style=\"visibility : hidden\">",
    "</span>", "</ſpan>", "<title>", "</title>", "</TİTLE>", "<meta ", "<img ", "&amp;", "&#52;",
    "&#x34", "&#x34;", "&nbsp", "&nbsp;", "&#", "&", "\\u0034", "\\u{34}", "\\x34", "\\n", "\\",
    "%2B", "%", "'", '"', "`", "=", "href=", "HREF='", "tel:", "ſms:", "callto://", " tel:+86",
    "alt=", "title=", "data-x=", "onclick=", "content=", "name=", "ld+json", "4008123456", "400",
    "-", "一二三", "八", "\n", "\r", "\t", "\f", " ", "K", "k", "İ", "ı", "ſ", "\ud800", "中", "a",
    "/", ":", "_", "١٢٣", "\U0001F600", "\xa0", "\u3000", "\x0b", "\x1c", "\u2028", "<META ",
    "<textarea x=1>", "<xmp>", "</xmp>", "<iframe ", "</iframe>", "<!-->", "<a/b>", "%41",
    "<b\tstyle=visibility:hidden>", "</b >", "<sup style=display:none>1</sup>", "<script src=x.js>",
]
html_soup = st.lists(st.sampled_from(FRAGMENTS), max_size=30).map("".join)


def assert_same(source: str) -> None:
    """Both readers: the same texts, title, and source span and kind for every character."""
    ours = html_text(source)
    ref = python_html_text(source)
    assert ours.title == ref.title
    for mine, theirs in ((ours.visible, ref.visible), (ours.others, ref.others)):
        text = theirs.text
        assert mine.text == text
        positions = range(len(text))
        assert [mine.source_span(p, p + 1) for p in positions] == [theirs.source_span(p, p + 1) for p in positions]
        assert [mine.kind_at(p) for p in positions] == [theirs.kind_at(p) for p in positions]
        rng = random.Random(len(text))
        for _ in range(min(20, len(text))):
            start = rng.randrange(len(text))
            end = rng.randrange(start, len(text)) + 1
            assert mine.source_span(start, end) == theirs.source_span(start, end)


def test_html_text_runs_the_compiled_scanner() -> None:
    assert htmltext._htmlscan is not None, "spamline.phones._htmlscan is not built: pip install -e ."
    source = "<title>客服</title><p>热线 400&#45;812&#45;3456</p><a href='tel:4008123456'>x</a>"
    visible, visible_pieces, others, _, titles = htmltext._htmlscan.scan(source, htmltext._unescape)
    doc = html_text(source)
    assert (doc.visible.text, doc.others.text) == (visible, others) == ("\n客服\n\n热线 400-812-3456\nx", "4008123456\n")
    assert list(doc.visible._tstart) == list(TextMap.from_pieces("text", visible, visible_pieces)._tstart)
    assert isinstance(doc.visible._tstart, memoryview)  # made from_pieces, not by the Python reader
    assert titles == [(7, 9)] and doc.title == "客服"
    assert_same(source)


def test_corpus_pages_read_the_same() -> None:
    pages = decoded(corpus_pages())
    assert pages
    for source in pages:
        assert_same(source)


@pytest.mark.parametrize("seed", [1, 2, 7])
def test_sample_network_pages_read_the_same(seed: int) -> None:
    pages = decoded(network_pages(seed))
    assert len(pages) > 50
    for source in pages:
        assert_same(source)


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(html_soup)
def test_any_mix_of_tricky_fragments_reads_the_same(source: str) -> None:
    assert_same(source)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_any_text_reads_the_same(source: str) -> None:
    assert_same(source)


@pytest.mark.parametrize("source", [
    "", "<", ">", "<ab==\"x>\"", "<a <a <a", "<title>a</title><title>b</title>", "<title> </title><title>b",
    "<script>'4\\", "<script>\"4\\\n\"</script>", "<b style=display:none>12</B >", "<s style=display:none>1</ſ>",
    "<i style='display:none'>1</İ>", "<ı style='display:none'>1</I>", "<a href=' ſms://%2B86'>",
    "<meta content=4008123456>", "<meta\tCONTENT='&#52;00'>", "<Kbd>1</kbd>", "\ud800<p>\udfff",
    "<script>`1\n2`</script>", "<script type=LD+JSON>'1'</script>", "<abc==\"x>\"", "<a-b/=\"x>\"",
], ids=repr)
def test_edge_cases_read_the_same(source: str) -> None:
    assert_same(source)


GARBAGE = {  # unclosed tags and quotes: a tokenizer that retried from every "<" went quadratic
    "tags without >": "<a ",
    "an unclosed quote per tag": "<a b='c\" ",
    "declarations without >": "<!x ",
    "quotes swallowing >": '<ab=="x>"',
    "hidden spans": "<span style=display:none>",
    "numeric entities": "&#1",
}


@pytest.mark.parametrize("unit", GARBAGE.values(), ids=GARBAGE.keys())
def test_garbage_reads_the_same_and_in_linear_time(unit: str) -> None:
    assert_same(unit * 300)
    start = time.perf_counter()
    html_text(unit * 1_000_000)  # the Python reference too is linear (test_linear.py), but slower
    assert time.perf_counter() - start < 3


def test_refcounts_are_kept() -> None:
    source = "<title>t</title><p>&amp;4008123456<a href='tel:1'>" * 3
    before = sys.getrefcount(source), sys.getrefcount(htmltext._unescape)
    for _ in range(1000):
        htmltext._htmlscan.scan(source, htmltext._unescape)
    assert (sys.getrefcount(source), sys.getrefcount(htmltext._unescape)) == before


def test_a_bad_unescape_raises() -> None:
    with pytest.raises(TypeError):
        htmltext._htmlscan.scan("&amp;", lambda token: 1)
    with pytest.raises(ZeroDivisionError):
        htmltext._htmlscan.scan("&amp;", lambda token: 1 / 0)


def test_a_map_from_pieces_can_still_grow() -> None:
    source = "<p>400&#56;<a href='tel:1'>"
    visible, visible_pieces, others, others_pieces, _ = htmltext._htmlscan.scan(source, htmltext._unescape)
    for text, pieces, ref in ((visible, visible_pieces, python_html_text(source).visible),
                              (others, others_pieces, python_html_text(source).others)):
        tm = TextMap.from_pieces("text", text, pieces)
        for m in (tm, ref):
            m.begin("attr")
            m.add_literal("12", 40)
            m.add_replaced("3", 50, 55)
        assert tm.text == ref.text
        assert [tm.source_span(p, p + 1) for p in range(len(tm.text))] == [ref.source_span(p, p + 1) for p in range(len(ref.text))]
        assert [tm.kind_at(p) for p in range(len(tm.text))] == [ref.kind_at(p) for p in range(len(ref.text))]

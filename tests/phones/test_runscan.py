"""The compiled number finder (_runscan.c) gives exactly what the Python code it mirrors gives.

fold vs fold.python_fold, number_spans vs extract.python_number_spans (the same spans, the same
Number objects and the same budget left), hits vs extract.python_hits and count_chars vs the
regexes it replaces, on the labelled corpus, the sample networks' pages and generated texts
full of digits, look-alikes, numerals, separators and labels.
"""
from __future__ import annotations

import json
import struct

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from spamline.model import PhoneHit
from spamline.phones import extract, region
from spamline.phones.compiled import PURE_PYTHON
from spamline.phones.extract import (
    CONTEXT_CHARS,
    Budget,
    python_hits,
    python_number_spans,
)
from spamline.phones.fold import fold, python_fold
from spamline.phones.htmltext import html_text
from spamline.phones.region import infer_regions
from spamline.phones.textmap import KINDS, TextMap
from tests.phones.samples import CORPUS, corpus_pages, decoded, network_pages

RUNSCAN = extract._RUNSCAN
REGIONS = [("CN",), ("US", "GB", "AU", "IN", "CN"), ("TW",), ("GB",)]
PIECES = list("0123456789OoIl|一二三四五六七八九零〇幺洞①⑴⒈ -./()+\t\u200b\u00ad\u3000（）－—．。·") + [
    "０１２３", "400", "800", "1-", "+86", "+1 ", "(1)", "1.", "QQ", "订单号", "元", "热线", "电话", "客服",
    "hotline", "call ", "95588", "10086", "1 2 3 4 5 6 7 8 9 10", "abc", "K", "中文", "\n", ",", "#",
    "4008123456", "138 0013 8000", "  -  ", " - ", "--", "\U0001d7ce\U0001d7ce", "\ud800"]
texts = st.lists(st.sampled_from(PIECES), max_size=40).map("".join)
BOUNDED = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

pytestmark = pytest.mark.skipif(PURE_PYTHON, reason="the compiled twins are turned off (SPAMLINE_PURE_PYTHON)")


def test_the_compiled_twin_is_built() -> None:
    """The speed target depends on it: a build that silently fell back to Python fails here."""
    assert RUNSCAN is not None, "spamline.phones._runscan is not built: pip install -e . (needs a C compiler)"


def same_spans(text: str, regions: tuple[str, ...], include_possible: bool, tries: int | None = None) -> None:
    folded = fold(text)
    assert folded == python_fold(text)
    ours, reference = Budget(len(text)), Budget(len(text))
    if tries is not None:
        ours.tries_left = reference.tries_left = tries
    got = RUNSCAN.number_spans(folded, text, regions, include_possible, ours)
    want = python_number_spans(folded, text, regions, include_possible, reference)
    assert got == want, text
    assert (ours.tries_left, ours.exhausted) == (reference.tries_left, reference.exhausted), text


def sample_sources() -> list[str]:
    """The decoded HTML of every page of the sample networks 1, 2 and 7."""
    return decoded([page for seed in (1, 2, 7) for page in network_pages(seed, pages_per_site=3)])


def sample_texts() -> list[str]:
    out = [json.loads(line)["text"] for line in (CORPUS / "snippets.jsonl").read_text(encoding="utf-8").splitlines()]
    for source in sample_sources():
        parts = html_text(source)
        out += [parts.visible.text, parts.others.text]
    return out


def test_corpus_and_sample_pages_read_the_same() -> None:
    for text in sample_texts():
        for include_possible in (False, True):
            same_spans(text, infer_regions(text), include_possible)
            same_spans(text, ("US", "GB", "AU", "IN", "CN"), include_possible)


@BOUNDED
@given(texts, st.sampled_from(REGIONS), st.booleans())
def test_generated_texts_read_the_same(text: str, regions: tuple[str, ...], include_possible: bool) -> None:
    same_spans(text, regions, include_possible)


@BOUNDED
@given(st.lists(st.sampled_from(PIECES[-4:] + ["1 2 3", "40O-8l2-3456", " "]), max_size=60).map("".join),
       st.sampled_from([0, 1, 3, 10, 64, 65, 130]))
def test_a_budget_running_out_stops_both_alike(text: str, tries: int) -> None:
    same_spans(text, ("CN",), False, tries)


def test_long_runs_are_cut_into_pieces_alike() -> None:
    for text in (" ".join(str(k % 10) for k in range(300)), "4008123456 " * 120, "1" * 5000,
                 "(1)4008123456 ①13812345678 " * 60, "+86 400 812 3456/" * 100):
        same_spans(text, ("CN",), False)


def test_bad_arguments_say_what_is_wrong() -> None:
    with pytest.raises(ValueError, match="region"):
        RUNSCAN.number_spans("4008123456", "4008123456", (), False, Budget(10))
    with pytest.raises(ValueError, match="length"):
        RUNSCAN.number_spans("4008123456", "400812345", ("CN",), False, Budget(10))
    with pytest.raises(ValueError, match="65536"):
        RUNSCAN.configure_fold("x", b"", str)


def same_hits(tm: TextMap, source: str, regions: tuple[str, ...]) -> int:
    spans = RUNSCAN.number_spans(fold(tm.text), tm.text, regions, True, Budget(len(source)))
    got = RUNSCAN.hits(spans, tm.text, source, tm.pieces, (tm.kind, *KINDS[1:]), PhoneHit, CONTEXT_CHARS)
    assert got == python_hits(spans, tm, source), source
    return len(got)


def test_hits_are_built_alike_on_every_kind_of_map() -> None:
    found = 0
    for source in sample_sources() + decoded(corpus_pages()):
        parts = html_text(source)
        regions = infer_regions(parts.visible.text)
        for tm in (parts.visible, parts.others, TextMap.identity(source)):
            assert tm.pieces is not None
            found += same_hits(tm, source, regions)
    assert found > 1000  # every kind of source: text, tel, attr, meta, script, jsonld


def test_hit_context_collapses_every_kind_of_whitespace_alike() -> None:
    spaces = "".join(chr(c) for c in range(0x3001) if chr(c).isspace())
    number = extract.classify("4008123456", "CN")
    for text in (f"a{spaces}4008123456 b", f"{spaces}x{spaces}4008123456{spaces}", "热线 \u3000 4008123456\n\n服务"):
        tm = TextMap.identity(text)
        start = text.index("4008123456")
        spans = [(start, start + 10, number), (0, len(text), number)]
        got = RUNSCAN.hits(spans, text, text, tm.pieces, (tm.kind, *KINDS[1:]), PhoneHit, CONTEXT_CHARS)
        assert got == python_hits(spans, tm, text)


def test_hits_refuses_pieces_it_cannot_index_with() -> None:
    """Packed pieces come from an argument: a bad kind, source span or size is an error, never a read."""
    text = "call 4008123456 now"
    number = extract.classify("4008123456", "CN")
    spans = [(5, 15, number)]
    kinds = (KINDS[0],)

    def packed(*fields: int) -> bytes:
        return struct.pack("4q", *fields)

    bad = {"negative kind": packed(0, 0, len(text), -2), "unknown kind": packed(0, 0, len(text), 8),
           "source past its end": packed(0, 0, len(text) + 99, 1),
           "negative source start": packed(0, -5, len(text), 1),
           "torn piece": packed(0, 0, len(text), 1)[:-3]}
    for why, pieces in bad.items():
        with pytest.raises(ValueError):
            RUNSCAN.hits(spans, text, text, pieces, kinds, PhoneHit, CONTEXT_CHARS)
            pytest.fail(why)
    with pytest.raises(ValueError):  # a span past the text's end
        RUNSCAN.hits([(5, 99, number)], text, text, packed(0, 0, len(text), 1), kinds, PhoneHit, 10)
    good = RUNSCAN.hits(spans, text, text, packed(0, 0, len(text), 1), kinds, PhoneHit, CONTEXT_CHARS)
    assert [h.raw for h in good] == ["4008123456"]


@BOUNDED
@given(st.text(st.sampled_from(list("電話號碼电话号码臺灣湾香港 a1\n\U0001d7ce\ud800")), max_size=80))
def test_script_characters_are_counted_alike(text: str) -> None:
    assert RUNSCAN.count_chars(text, region._TRADITIONAL) == sum(text.count(c) for c in region._TRADITIONAL)
    assert region.count_classes(text) == region.python_count_classes(text)


@BOUNDED
@given(st.text(st.sampled_from(list("電話号码修₹£aZ кириллица हि カ 한 \U0001d7ce\ud800")), max_size=200),
       st.integers(0, 250))
def test_script_classes_are_counted_alike_in_one_pass(text: str, limit: int) -> None:
    counts = RUNSCAN.count_classes(text, region._TABLE, len(region._CLASSES), limit)
    assert counts == region.python_count_classes(text[:limit])
    with pytest.raises(ValueError):
        RUNSCAN.count_classes(text, b"short", 4, limit)

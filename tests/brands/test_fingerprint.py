"""Fingerprint fast paths give exactly what datasketch and the plain formulas give."""
from __future__ import annotations

import zlib

import numpy as np
from datasketch import MinHash
from hypothesis import given, settings
from hypothesis import strategies as st

from spamline.brands.detect import headings_of, parse_html
from spamline.brands.fingerprint import (
    MARKUP_SHINGLE,
    NUM_PERM,
    TEXT_SHINGLE,
    band_keys,
    boilerplate_tokens,
    filler_hashvalues,
    hashvalues,
    markup_tokens,
    minhash,
    shingles,
)
from spamline.brands.registry import BrandIndex
from spamline.model import Brand

# Latin, CJK, digits, punctuation, the \x1f that joins shingles, and characters whose
# casefolding changes length or category (ß, İ, ﬃ, combining ypogegrammeni).
TOKEN = st.text(alphabet="aZé中文1２\x1f.ßİﬃ\u0345Σ😀 ", max_size=6)
TEXT = st.text(alphabet="aZé中文区市1２3四五六\x1f.,、ßİﬃ\u0345Σ😀 \n", max_size=80)


def datasketch_values(tokens: list[str], size: int) -> np.ndarray:
    """The reference: datasketch's own update_batch over each shingle joined and encoded."""
    reference = MinHash(num_perm=NUM_PERM, seed=1, scheme="affine32")
    m = MinHash(num_perm=NUM_PERM, seed=1, hashfunc=zlib.crc32, scheme="affine32",
                permutations=reference.permutations)
    n = max(1, len(tokens) - size + 1)
    m.update_batch(["\x1f".join(tokens[i:i + size]).encode("utf-8") for i in range(n)])
    return m.hashvalues


@settings(max_examples=300, deadline=None)
@given(st.lists(TOKEN, max_size=30), st.sampled_from([1, MARKUP_SHINGLE, TEXT_SHINGLE]))
def test_shingles_and_hashvalues_match_datasketch(tokens: list[str], size: int) -> None:
    n = max(1, len(tokens) - size + 1)
    assert shingles(tokens, size) == ["\x1f".join(tokens[i:i + size]).encode("utf-8")
                                      for i in range(n)]
    expected = datasketch_values(tokens, size)
    values = hashvalues(tokens, size)
    assert values.dtype == expected.dtype and values.tolist() == expected.tolist()
    assert minhash(tokens, size).hashvalues.tolist() == expected.tolist()
    assert band_keys(values) == band_keys(minhash(tokens, size))


@settings(max_examples=300, deadline=None)
@given(TEXT, st.lists(st.text(alphabet="中文aZ区 ", max_size=3), max_size=4))
def test_filler_hashvalues_are_those_of_the_boilerplate_tokens(text: str, variable: list[str]) -> None:
    expected = datasketch_values(boilerplate_tokens(text, variable), TEXT_SHINGLE)
    assert filler_hashvalues(text, variable).tolist() == expected.tolist()


def test_markup_tokens_skip_comments_and_sort_classes() -> None:
    root = parse_html("<html><!-- c --><?pi x?><body class=' b  a '><h1>金盾<b>保险柜</b></h1>"
                      "<p class='a'>x</p><p class='a'>y</p></body></html>")
    assert markup_tokens(root) == ["html.", "body.a.b", "h1.", "b.", "p.a", "p.a"]
    assert headings_of(root) == ["金盾保险柜"]


def test_brand_index_find_is_the_same_when_asked_again() -> None:
    index = BrandIndex([Brand("Haier", ["海尔"], []), Brand("LG", [], [])])
    first = index.find("海尔空调维修 LG Haier LGBT")
    assert [(h.brand, h.alias, h.start) for h in first] == [
        ("Haier", "海尔", 0), ("LG", "LG", 7), ("Haier", "Haier", 10)]
    assert index.find("海尔空调维修 LG Haier LGBT") == first
    assert BrandIndex().find("海尔") == ()

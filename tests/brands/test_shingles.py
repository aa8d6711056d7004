"""The compiled shingle hashing (_shingles.c) gives exactly what its Python reference gives."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from spamline.brands import fingerprint

_shingles = pytest.importorskip("spamline.brands._shingles", reason="not built: pip install -e . (needs a C compiler)")

_TOKENS = st.lists(st.text(alphabet=st.sampled_from(list("ab金盾#\x00\x1f é")), max_size=4), max_size=40)


def compiled(data: bytes, count: int, size: int) -> list[int] | None:
    found = _shingles.window_crcs(data, count, size)
    return None if found is None else np.frombuffer(found, dtype=np.uint32).tolist()


def reference(data: bytes, count: int, size: int) -> list[int] | None:
    found = fingerprint.window_crcs(data, count, size)
    return None if found is None else found.tolist()


@settings(max_examples=500, deadline=None)
@given(tokens=_TOKENS, size=st.integers(1, 7), extra=st.integers(-2, 2))
def test_window_crcs_match_the_reference(tokens: list[str], size: int, extra: int) -> None:
    data = "\x1f".join(tokens).encode("utf-8")  # a token may hold \x1f itself: then None
    count = max(0, len(tokens) + extra)  # a count that disagrees with the separators: None
    assert compiled(data, count, size) == reference(data, count, size)


def test_bad_arguments_are_refused() -> None:
    with pytest.raises(ValueError):
        _shingles.window_crcs(b"a\x1fb", 2, 0)
    with pytest.raises(TypeError):
        _shingles.window_crcs("a\x1fb", 2, 1)


def test_page_hashes_are_the_same_with_and_without_the_twin(monkeypatch) -> None:
    text = "金盾保险柜售后服务电话 400-812-3456 朝阳区 海淀区 " * 20
    fast = fingerprint.filler_hashvalues(text, ["金盾"])
    monkeypatch.setattr(fingerprint, "_window_crcs", fingerprint.window_crcs)
    assert (fingerprint.filler_hashvalues(text, ["金盾"]) == fast).all()

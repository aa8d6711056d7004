"""normalize_number: what an analyst types, in any common format, to E.164."""
from __future__ import annotations

import pytest

from spamline.phones import normalize_number


@pytest.mark.parametrize("typed,region,e164", [
    ("400-812-3456", None, "+864008123456"),
    ("+86 400 812 3456", None, "+864008123456"),
    ("００８６４００８１２３４５６", None, "+864008123456"),
    ("四零零八一二三四五六", None, "+864008123456"),
    ("4OO-8l2-3456", None, "+864008123456"),
    ("(010) 6552-1234", None, "+861065521234"),
    ("138 1234 5678", "CN", "+8613812345678"),
    ("1-800-FLOWERS", None, "+18003569377"),
    ("1-800-555-0199", "US", "+18005550199"),
    ("+1 (888) 555-0123", None, "+18885550123"),
    ("0808 157 0000", "GB", "+448081570000"),
    ("+44 20 7946 0000", "us", "+442079460000"),
    ("95588", None, "+8695588"),
    (" +86-13812345678 ", None, "+8613812345678"),
])
def test_common_formats(typed: str, region: str | None, e164: str) -> None:
    assert normalize_number(typed, region) == e164


@pytest.mark.parametrize("typed", ["", "hello", "12", "400-812", "2026-11-28", "1234567890123456789",
                                   "400-812-3456 400-666-7788", "QQ 12345678"])
def test_not_a_number(typed: str) -> None:
    assert normalize_number(typed) is None

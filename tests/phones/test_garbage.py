"""Garbage in: binary, megabytes of digits, broken encodings. Quick, and no crash."""
from __future__ import annotations

import os
import random
import time

import pytest

from spamline.phones import extract_document, extract_text


def timed(body: bytes | str, content_type: str | None = None) -> tuple[float, list]:
    start = time.perf_counter()
    doc = extract_document(body, content_type)
    for h in doc.hits:
        assert doc.source[h.start:h.end] == h.raw
    return time.perf_counter() - start, doc.hits


def test_fifty_megabytes_of_digits_returns_quickly() -> None:
    seconds, hits = timed(b"1234567890" * 5_000_000)
    assert hits == []
    assert seconds < 8


def test_a_megabyte_of_spaced_digits_is_bounded() -> None:
    seconds, _ = timed(("1 2 3 4 5 6 7 8 9 0 " * 50_000).encode())
    assert seconds < 5


def test_random_binary_is_treated_as_binary() -> None:
    seconds, hits = timed(os.urandom(2_000_000))
    assert hits == [] and seconds < 3


def test_binary_with_a_number_inside_does_not_crash() -> None:
    body = os.urandom(100_000) + "客服热线400-812-3456".encode() + os.urandom(100_000)
    timed(body)
    timed(body, "text/html; charset=gbk")


def test_invalid_utf8_declared_as_utf8_still_finds_numbers() -> None:
    body = "<p>客服热线：400-812-3456</p>".encode() + b"\xff\xfe\xc3\x28" * 3
    _, hits = timed(body, "text/html; charset=utf-8")
    assert [h.e164 for h in hits] == ["+864008123456"]


@pytest.mark.parametrize("body", [
    b"", b"\x00" * 1000, b"<", b"<html", b"<script>", b"<!--", b"&#", b"&#99999999999;",
    b"<a href='tel:", b"<p>400<span>812", b"\xef\xbb\xbf", b"\xff\xfe", "<p>\ud800</p>".encode("utf-8", "surrogatepass"),
    b'<script>"\\u{110000}\\x4"</script>', b"<p>" + b"<b>" * 100_000 + b"4008123456",
], ids=lambda body: repr(body[:20]))
def test_malformed_input_never_raises(body: bytes) -> None:
    timed(body)
    timed(body, "text/html")
    timed(body, "text/plain; charset=does-not-exist")


def test_many_numbers_on_one_line_stay_fast() -> None:
    text = " ".join(f"400-812-{n:04d}" for n in range(5000))
    start = time.perf_counter()
    hits = extract_text(text, "CN")
    assert time.perf_counter() - start < 5
    assert len(hits) == 5000


def test_random_unicode_soup_keeps_offsets() -> None:
    rng = random.Random(7)
    alphabet = "0123456789０１２一二三零 -.()+<>&#;\u200b\n电话热线①OolI"
    text = "".join(rng.choice(alphabet) for _ in range(200_000))
    seconds, _ = timed(text, "text/html")
    assert seconds < 10

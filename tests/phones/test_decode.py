"""decode_body: declared charsets first, GBK read as GB18030, detection, never raises."""
from __future__ import annotations

import codecs

import pytest

from spamline.phones import decode_body
from spamline.phones.decode import declared

TEXT = "客服热线：400-812-3456，欢迎来电咨询维修服务"


@pytest.mark.parametrize("content_type,encoding", [
    ("text/html; charset=GBK", "gb18030"), ("text/html; charset=gb2312", "gb18030"),
    ("text/html; charset=\"utf-8\"", "utf-8"), ("text/html;charset=GB18030", "gb18030"),
])
def test_http_charset_is_used(content_type: str, encoding: str) -> None:
    body = TEXT.encode("gb18030" if "gb" in encoding else encoding)
    assert decode_body(body, content_type) == (TEXT, encoding)


def test_gbk_declared_page_with_gb18030_only_characters_decodes() -> None:
    text = "客服€热线䶮" + TEXT  # € and 䶮 exist in GB18030, not in GBK
    assert decode_body(text.encode("gb18030"), "text/html; charset=gbk") == (text, "gb18030")


def test_meta_charset_is_used_without_http_charset() -> None:
    body = f'<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312"></head>{TEXT}'
    assert decode_body(body.encode("gbk"), "text/html") == (body, "gb18030")


def test_bom_wins() -> None:
    assert decode_body(codecs.BOM_UTF8 + TEXT.encode(), "text/html; charset=gbk") == (TEXT, "utf-8-sig")
    text, encoding = decode_body(TEXT.encode("utf-16"), None)
    assert (text.lstrip("\ufeff"), encoding) == (TEXT, "utf-16")


@pytest.mark.parametrize("encoding,expected", [("gbk", "gb18030"), ("big5", "big5hkscs"), ("utf-8", "utf-8")])
def test_undeclared_chinese_is_detected(encoding: str, expected: str) -> None:
    text = "客服電話，請撥打專線號碼聯絡我們，維修服務中心" if encoding == "big5" else TEXT
    assert decode_body(text.encode(encoding), None) == (text, expected)


def test_wrong_declaration_falls_back_to_what_decodes() -> None:
    assert decode_body(TEXT.encode("gbk"), "text/html; charset=utf-8")[0] == TEXT


def test_unknown_charset_label_is_ignored() -> None:
    assert decode_body(TEXT.encode(), "text/html; charset=x-no-such-charset") == (TEXT, "utf-8")


@pytest.mark.parametrize("body", [b"\xff" * 100, b"\x00\x81\xfe" * 50, bytes(range(256)), b""])
def test_garbage_decodes_reproducibly(body: bytes) -> None:
    text, encoding = decode_body(body, None)
    assert body.decode(encoding, "replace") == text


def test_meta_charset_is_found_in_any_case_and_only_when_needed() -> None:
    body = f'<HTML><HEAD><META HTTP-EQUIV="Content-Type" CONTENT="text/html; CharSet=GB2312"></HEAD>{TEXT}'
    assert decode_body(body.encode("gbk"), None) == (body, "gb18030")
    assert list(declared(body.encode("gbk"), "text/html; charset=utf-8")) == ["utf-8", "gb18030"]

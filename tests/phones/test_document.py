"""Document: the readable text is the visible text, whitespace collapsed, built on first access."""
from __future__ import annotations

from spamline.phones import extract_document


def test_html_text_is_visible_text_collapsed() -> None:
    body = "<html><head><title>T</title></head><body><p>客服  热线\n 400<span>812</span>3456</p>\n\n<div> a\tb </div>\n</body></html>"
    doc = extract_document(body.encode(), "text/html")
    assert doc.text == "T\n客服 热线 4008123456\na b"
    assert doc.text is doc.text  # built once
    assert [(h.e164, h.raw) for h in doc.hits] == [("+864008123456", "400<span>812</span>3456")]


def test_plain_text_document_text() -> None:
    doc = extract_document(b"call  400-812-3456\n\n  now \n", "text/plain")
    assert doc.text == "call 400-812-3456\nnow"
    assert doc.visible == "call  400-812-3456\n\n  now \n"


def test_binary_document_has_no_text() -> None:
    doc = extract_document(bytes(range(32)) * 100, "application/octet-stream")
    assert (doc.text, doc.hits) == ("", [])

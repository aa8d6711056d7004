"""extract_document on HTML: every place a number hides, with offsets into the source."""
from __future__ import annotations

from spamline.phones import extract_document

PAGE = """<html><head><title>客服 400-812-3456</title>
<meta name="description" content="售后热线400&#45;666&#45;7788">
<script type="application/ld+json">{"telephone": "+86-400-600-1234"}</script>
<style>.x{color:#400812}</style></head><body>
<!-- 400-111-2222 -->
<a href="tel:+8613812345678">拨打</a> <a href="sms:%2B8618612345678">短信</a>
<img src="a.png" alt="电话 150 1234 5678" title="热线 400-700-2345">
<p>热线：400<span>900</span>4567</p>
<script>document.write("热线：" + "<b>400-800-3456</b>"); var t = '\\u0034\\u0030\\u0030-812-3457';</script>
<button onclick="location.href='tel:4006667789'">call</button>
</body></html>"""


def hits_by_source(doc) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for h in doc.hits:
        out.setdefault(h.source, []).append(h.e164)
    return out


def test_every_source_is_read_and_labelled() -> None:
    doc = extract_document(PAGE, "text/html")
    assert hits_by_source(doc) == {
        "text": ["+864008123456", "+864009004567"],
        "meta": ["+864006667788"],
        "jsonld": ["+864006001234"],
        "tel": ["+8613812345678", "+8618612345678"],
        "attr": ["+8615012345678", "+864007002345"],
        "script": ["+864008003456", "+864008123457", "+864006667789"],
    }
    assert doc.title == "客服 400-812-3456"


def test_offsets_slice_the_source_and_markup_is_covered() -> None:
    doc = extract_document(PAGE.encode("gbk"), "text/html; charset=gbk")
    for h in doc.hits:
        assert doc.source[h.start:h.end] == h.raw
    raws = {h.raw for h in doc.hits}
    assert "400<span>900</span>4567" in raws
    assert "400&#45;666&#45;7788" in raws
    assert "\\u0034\\u0030\\u0030-812-3457" in raws
    assert "%2B8618612345678" in raws


def test_comments_css_and_hidden_markup_are_not_text() -> None:
    doc = extract_document(PAGE, "text/html")
    assert "+864001112222" not in {h.e164 for h in doc.hits}
    assert "400-111-2222" not in doc.text and "color" not in doc.text
    assert "热线：4009004567" in doc.text


def test_block_tags_separate_numbers_inline_tags_join_them() -> None:
    doc = extract_document("<table><tr><td>4008123456</td><td>4006667788</td></tr></table>"
                           "<div>138</div><div>12345678</div><p>138<b>1234</b>5678</p>", "text/html")
    assert [h.e164 for h in doc.hits] == ["+864008123456", "+864006667788", "+8613812345678"]


def test_context_is_readable_text_around_the_number() -> None:
    doc = extract_document("<p>全国统一<b>客服</b>热线：<em>400-812-3456</em>，24小时</p>", "text/html")
    assert doc.hits[0].context == "全国统一客服热线：400-812-3456，24小时"


def test_plain_text_document_is_not_parsed_as_html() -> None:
    doc = extract_document("热线<400-812-3456>".encode(), "text/plain")
    assert [(h.raw, h.start) for h in doc.hits] == [("400-812-3456", 3)]
    assert doc.text == "热线<400-812-3456>"


def test_hidden_poison_digits_are_not_part_of_the_number() -> None:
    source = ('<p>预约：400<span style="display:none">7</span>-800-<i style="visibility: hidden">1</i>3456</p>'
              '<p>热线<span style="display:none">隐藏的说明文字</span>4008123456</p>')
    doc = extract_document(source, "text/html")
    assert [(h.e164, h.raw) for h in doc.hits] == [
        ("+864008003456", '400<span style="display:none">7</span>-800-<i style="visibility: hidden">1</i>3456'),
        ("+864008123456", "4008123456"),
    ]

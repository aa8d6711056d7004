"""The default region of a document: +CC, script, TLD, else CN."""
from __future__ import annotations

import pytest

from spamline.phones import extract_document
from spamline.phones.region import infer_regions


@pytest.mark.parametrize("text,url,encoding,first", [
    ("Call +44 20 7946 0000 or 020 7946 0001", None, "", "GB"),
    ("客服热线，欢迎来电", None, "", "CN"),
    ("客服專線，歡迎來電諮詢，台北服務", None, "", "TW"),
    ("香港維修熱線，香港各區服務", None, "", "HK"),
    ("服务热线 欢迎", None, "big5hkscs", "TW"),
    ("Boiler repair helpline", "https://x.example.co.uk/a", "", "GB"),
    ("Support", "http://help.example.com.au/", "", "AU"),
    ("Call our helpline", None, "", "US"),
    ("1234 5678", None, "", "CN"),
    ("客服热线，欢迎来电", "http://x.example.hk/", "", "HK"),
])
def test_infer(text: str, url: str | None, encoding: str, first: str) -> None:
    assert infer_regions(text, url, encoding)[0] == first


def test_region_argument_overrides_inference() -> None:
    page = "<p>客服热线 0800-123-456</p>"
    assert extract_document(page, "text/html").hits == []
    doc = extract_document(page, "text/html", region="tw")
    assert [(h.e164, h.region) for h in doc.hits] == [("+886800123456", "TW")]


def test_tld_decides_for_english_pages() -> None:
    doc = extract_document("<p>Call free 1800 123 456</p>", "text/html", url="https://a.example.com.au/")
    assert [h.e164 for h in doc.hits] == ["+611800123456"]

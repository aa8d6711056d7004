"""Brand and product detection: sample-network pages, registered aliases, hand-made phrases."""
from __future__ import annotations

import re
from functools import cache

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from spamline.brands.detect import detect_brands, detect_product, headings_of
from spamline.brands.registry import BrandIndex
from spamline.model import Brand
from spamline.phones import extract_document
from spamline.phones.document import Document
from spamline.samplenet.pages import PageTruth, render_page
from spamline.samplenet.site import SampleNetwork
from tests.networks.conftest import PORT, official_brands


def claimed(claims) -> set[str]:
    """Every spelling a page could be said to claim: brand, brand+product, brand product."""
    if not claims:
        return set()
    c = claims[0]
    return {x.casefold() for x in (c.brand, c.brand + c.product, f"{c.brand} {c.product}")}


@cache
def extracted(seed: int) -> list[tuple[PageTruth, Document]]:
    net = SampleNetwork(seed)
    out = []
    for host in net.hosts:
        for path in net.paths(host):
            page = render_page(net, host, path, PORT)
            out.append((page.truth, extract_document(page.body, page.content_type, page.url)))
    return out


@pytest.mark.parametrize("seed", [1, 2])
@pytest.mark.parametrize("registered", [False, True])
def test_every_sample_page_names_its_brand(seed: int, registered: bool) -> None:
    net = SampleNetwork(seed)
    index = BrandIndex(official_brands(net) if registered else [])
    spam = 0
    for truth, doc in extracted(seed):
        claims = detect_brands(doc.title, doc.text, headings_of(doc.source), index)
        assert truth.brand.casefold() in claimed(claims), (truth.url, claims[:2])
        if registered and truth.brand in net.official:
            assert claims[0].registered and claims[0].brand == truth.brand
        spam += truth.is_spam
    assert spam > 100


def test_title_phrase_gives_brand_and_product() -> None:
    [c, *_] = detect_brands("金盾保险柜售后服务电话", "")
    assert (c.brand, c.product, c.registered) == ("金盾", "保险柜", False)
    assert c.evidence.startswith("title:")


@pytest.mark.parametrize("title, brand, product", [
    ("北京金盾保险柜维修中心-24小时服务热线", "金盾", "保险柜"),
    ("24小时金盾保险柜售后", "金盾", "保险柜"),
    ("【雪岭】空调维修电话", "雪岭", "空调"),
    ("LG 空调 维修", "LG", "空调"),
    ("Acme Printer Customer Service Number | Call Now", "Acme", "printer"),
    ("Call Nimbus Router Support Number 1-800-555-0100", "Nimbus", "router"),
    ("Welcome to Norton Antivirus Helpline", "Norton", "antivirus"),
])
def test_phrases(title: str, brand: str, product: str) -> None:
    [c, *_] = detect_brands(title, "")
    assert (c.brand, c.product) == (brand, product)


def test_registered_alias_returns_canonical_name() -> None:
    index = BrandIndex([Brand("Haier", ["海尔"], ["+864006999999"])])
    [c, *_] = detect_brands("海尔空调售后服务电话 全国统一", "", index=index)
    assert (c.brand, c.registered, c.product) == ("Haier", True, "空调")
    [c, *_] = detect_brands("HAIER washing machine support number", "", index=index)
    assert c.brand == "Haier"


def test_brands_listed_in_passing_do_not_win() -> None:
    index = BrandIndex([Brand("海尔"), Brand("美的"), Brand("格力")])
    text = "我们还维修：海尔、美的、格力。" + "金盾保险柜售后服务电话 " * 3
    [c, *rest] = detect_brands("金盾保险柜售后服务中心", text, ["金盾保险柜维修"], index)
    assert c.brand == "金盾"
    assert all(r.score < c.score for r in rest)


def test_page_without_service_phrase_claims_nothing() -> None:
    assert detect_brands("今日新闻", "今天天气晴朗，适合出游。") == []
    assert detect_product("Weather today", "Sunny all day.") == ""


def test_headings_come_from_h1_to_h3_only() -> None:
    html = "<html><h1>金盾 保险柜</h1><h2>b</h2><h3>c</h3><h4>d</h4><p>e</p></html>"
    assert headings_of(html) == ["金盾 保险柜", "b", "c"]
    assert headings_of("") == []


_TEXT = st.text(alphabet=st.sampled_from(list("金盾雪岭保险柜空调售后服务电话维修客服 -_|Acme Printer support400")),
                max_size=60)


@settings(max_examples=200, deadline=None)
@given(title=_TEXT, text=_TEXT)
def test_claimed_brand_is_read_from_the_page(title: str, text: str) -> None:
    squash = lambda s: re.sub(r"\s+", "", s).casefold()
    for c in detect_brands(title, text):
        assert c.brand and squash(c.brand) in squash(title + "\n" + text)


@pytest.mark.parametrize("title, text, brand, product", [
    ("Delta Airlines Reservations Number +1-866-287-3109", "", "Delta Airlines", ""),
    ("How do I talk to a live person at United Airlines?", "", "United Airlines", ""),
    ("Canon Printer Support Number 1-844-202-6381", "", "Canon", "printer"),
    ("Cash App Customer Service Number", "", "Cash App", ""),
    ("Servicio Técnico Bosch Madrid", "", "Bosch", ""),
    ("Teléfono de Iberia atención al cliente", "", "Iberia", ""),
    ("Siemens Kundendienst Hotline 030 57700 4128", "", "Siemens", ""),
    ("BSH Hausgeräte Kundendienst", "", "BSH", ""),
    ("Flipkart Customer Care Number 24x7", "", "Flipkart", ""),
    ("Airtel Payments Bank Customer Care Number", "", "Airtel Payments Bank", ""),
    ("パナソニック エアコン修理 24時間受付", "", "パナソニック", "エアコン"),
    ("Apple サポート 電話番号", "", "Apple", ""),
    ("Contact Us | Delta Air Lines", "", "Delta Air Lines", ""),
    ("お問い合わせ | パナソニック", "", "パナソニック", ""),
    ("联系我们 - 海尔集团", "", "海尔", ""),
])
def test_phrases_in_other_languages(title: str, text: str, brand: str, product: str) -> None:
    [c, *_] = detect_brands(title, text)
    assert (c.brand, c.product) == (brand, product)


@pytest.mark.parametrize("title, text", [
    ("Support - Full Support Availability Chat",
     "All Chat Full Support Availability: Monday to Friday. Postal address: PO Box 1234. "
     "Phone support: (503) 226-1848. Reference XXXX-XXXX on your invoice."),
    ("Airfare FAQ: Airline Reservation Phone Numbers", "Airline customer service lines."),
    ("How To Spot, Avoid, and Report Tech Support Scams", "Scammers buy ads for printer support."),
    ("Kundendienst darf nicht teuer sein", "Bevor Sie den Kundendienst rufen, lesen Sie hier."),
    ("年末年始のサポート体制について", "電話受付 9:00〜21:00"),
    ("关于电梯维保的通知", "如需维修请联系物业服务中心，订餐电话另见。"),
])
def test_pages_that_name_no_brand_get_none(title: str, text: str) -> None:
    assert detect_brands(title, text) == []


_GENERIC = st.lists(st.sampled_from(["All", "Chat", "Full", "Support", "Availability", "XXXX",
                                     "Postal", "Customer", "Service", "Phone", "Number", "Call",
                                     "Contact", "Us", "Help", "Desk", "24/7", "Toll", "Free",
                                     "Hotline", "|", "-", "(800) 226-1848", "Office", "Hours"]),
                    max_size=25).map(" ".join)


@settings(max_examples=200, deadline=None)
@given(title=_GENERIC, text=_GENERIC)
def test_generic_words_never_make_a_brand(title: str, text: str) -> None:
    assert detect_brands(title, text) == []


def test_link_texts_and_host_name_count() -> None:
    [c, *_] = detect_brands("首页", "欢迎光临", anchors=["雪岭空调维修", "雪岭空调售后"])
    assert c.brand == "雪岭" and c.evidence.startswith("anchor:")
    plain = detect_brands("Nimbus Router Support", "", url="https://help.example.com/")
    hosted = detect_brands("Nimbus Router Support", "", url="https://nimbus-router-help.test/")
    assert hosted[0].brand == plain[0].brand == "Nimbus" and hosted[0].score > plain[0].score


# News and warning pages (shapes read on thehindu.com, livemint.com, indianexpress.com and
# Flipkart's own fraud-awareness page) report a fake number "in the name of" a brand: the
# sentence that calls it fake names the brand without claiming its service line.
@pytest.mark.parametrize("title, text", [
    ("Fake customer care numbers: Delhi Police warns",
     "Police said fraudsters posted a fake number, 7439481207, as a Flipkart helpline."),
    ("Railway employee loses Rs 1.99 lakh after calling fake Flipkart customer care number",
     "He found a number on Google. It was a fake customer care number added by cyber thugs in "
     "the name of Flipkart customer care number."),
    ("Courier fraud: how it works", "A man posing as FedEx customer service sent her a link."),
    ("警方提醒", "骗子冒充京东客服电话4008-123-456，请勿拨打。"),
    ("Estafas telefónicas", "Los estafadores se hacen pasar por el servicio técnico de Bosch."),
])
def test_a_report_of_a_fake_number_claims_no_brand(title: str, text: str) -> None:
    assert detect_brands(title, text) == []


@pytest.mark.parametrize("title, text, brand", [
    # doorways carry the same warnings; the brand stands in sentences of their own too
    ("Flipkart Customer Care Number 7439481207 (24x7)",
     "Beware of fake numbers. Call Flipkart customer care 7439481207 for refund.", "Flipkart"),
    ("Refund help", "Flipkart helpline 7439481207. Beware of fake Flipkart numbers.", "Flipkart"),
    ("京东客服电话 | 谨防假冒", "京东客服电话4008-123-456，谨防假冒。", "京东"),
])
def test_a_doorway_with_a_fraud_warning_keeps_its_brand(title: str, text: str, brand: str) -> None:
    [c, *_] = detect_brands(title, text)
    assert c.brand == brand


def test_pages_parsed_in_threads_read_as_in_one() -> None:
    from concurrent.futures import ThreadPoolExecutor
    pages = [f"<html><h1>金盾 保险柜 {i}</h1><form><input></form><h2>b{i}</h2></html>" for i in range(200)]
    alone = [headings_of(p) for p in pages]
    with ThreadPoolExecutor(4) as pool:
        assert list(pool.map(headings_of, pages)) == alone

"""The regions a document plausibly serves: a prior weighed per number, never a switch."""
from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from spamline.phones import extract_document, region
from spamline.phones.hidden import hidden_ranges
from spamline.phones.region import infer_regions
from tests.phones.scoring import pages


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


def test_hindi_in_latin_letters_makes_a_page_indian() -> None:
    """Indian helpline pages are written in Hinglish on .com and blog hosts, with no +91."""
    hinglish = ("<p>Flipkart customer care number 7439481207 par call karke refund aur return "
                "ki complaint kare. Baat kaise kare? 7439481207 dial kare.</p>")
    assert {h.e164 for h in extract_document(hinglish, "text/html", url="https://x.blogspot.com/").hits} \
        == {"+917439481207"}
    english = "<p>Flipkart customer care: call 7439481207 for refunds and returns.</p>"
    assert {h.e164 for h in extract_document(english, "text/html").hits} == {"+17439481207"}
    one_word = "<p>Support hai: call 7439481207 for refunds.</p>"  # one word is not a language
    assert {h.e164 for h in extract_document(one_word, "text/html").hits} == {"+17439481207"}


def test_region_argument_overrides_inference() -> None:
    page = "<p>客服热线 0800-123-456</p>"
    assert extract_document(page, "text/html").hits == []
    doc = extract_document(page, "text/html", region="tw")
    assert [(h.e164, h.region) for h in doc.hits] == [("+886800123456", "TW")]


def test_tld_decides_for_english_pages() -> None:
    doc = extract_document("<p>Call free 1800 123 456</p>", "text/html", url="https://a.example.com.au/")
    assert [h.e164 for h in doc.hits] == ["+611800123456"]


CHINESE = "<p>金盾保险柜售后服务电话：400-812-3456，24小时热线 138-0013-8000</p>"
BOTH = {"+864008123456", "+8613800138000"}
EVASIONS = ["<p>+40-1</p>", "<div hidden>+40 1</div>", '<span style="display:none">+44 1</span>',
            "<noscript>+7 1</noscript>", "<title>+49 1</title>", "<p>+86</p><p>+1 2</p><p>+7-9</p>",
            '<div style="visibility: hidden">+44 20</div>', '<template>+49 1</template>']


def numbers_of(page: str, url: str | None = None) -> set[str]:
    return {h.e164 for h in extract_document(page.encode(), "text/html", url=url).hits}


@pytest.mark.parametrize("token", EVASIONS)
@pytest.mark.parametrize("where", ["head", "before", "after"])
def test_a_stray_plus_token_hides_no_number_and_adds_none(token: str, where: str) -> None:
    head, before, after = (token, "", "") if where == "head" else ("", token, "") if where == "before" else ("", "", token)
    page = f"<html><head>{head}</head><body>{before}{CHINESE}{after}</body></html>"
    assert numbers_of(page) == BOTH


def test_a_plus_token_governs_only_its_own_number() -> None:
    page = f"<html><body>{CHINESE}<p>Fax: +49 30 12345678</p></body></html>"
    assert numbers_of(page) == BOTH | {"+493012345678"}


@pytest.mark.parametrize("footer", [
    "<footer>US office: +1 212 555 0123 · London +44 20 7946 0000 · Moscow +7 495 123 4567</footer>",
    "<footer>" + " ".join(["UK: +44 20 7946 0000"] * 6) + "</footer>",
    "<div style=display:none>" + "+1 212 555 0123 " * 20 + "</div>",
])
def test_foreign_numbers_in_a_footer_keep_the_page_numbers(footer: str) -> None:
    found = numbers_of(f"<html><body>{CHINESE}{footer}</body></html>")
    assert BOTH <= found
    assert all(n.startswith(("+86", "+1", "+44", "+7")) for n in found)


def test_national_numbers_of_a_plus_region_are_read_there() -> None:
    # an HK page written in Simplified Chinese: its +852 numbers make HK plausible for "2345 6789"
    page = "<p>香港客服热线 +852 2345 6789，维修热线：3123 4567</p>"
    assert {h.e164 for h in extract_document(page, "text/html").hits} == {"+85223456789", "+85231234567"}


def test_hidden_plus_numbers_weigh_less_than_visible_ones() -> None:
    text = "Call our helpline " + " ".join(["+49 30 12345678"] * 3)
    assert infer_regions(text)[0] == "DE"
    hidden = infer_regions(text, hidden=lambda pos: True)
    assert hidden[0] == "US" and "DE" in hidden


def test_hidden_ranges_are_elements_marked_hidden() -> None:
    page = ('<p>a</p><div hidden>b</div><img hidden><span style="display: none">c</span>'
            '<noscript>d</noscript><p class=x>e</p>')
    assert [page[s:e] for s, e in hidden_ranges(page)] == [
        "<div hidden>b</div>", '<span style="display: none">c</span>', "<noscript>d</noscript>"]


@pytest.mark.parametrize("lang,first", [("de", "DE"), ("en-GB", "GB"), ("zh-TW", "TW"), ("ja", "JP")])
def test_lang_attribute_is_evidence(lang: str, first: str) -> None:
    page = f'<html lang="{lang}"><body><p>1234</p></body></html>'
    assert extract_document(page, "text/html").region == first


PAGES = [row for row in pages() if row["file"].endswith(".html")]
WRAPPERS = ["<p>{}</p>", "<div hidden>{}</div>", '<span style="display:none">{}</span>',
            "<noscript>{}</noscript>", "<title>{}</title>", "<footer>{}</footer>", "{}"]
SHORT_TOKENS = st.text(st.sampled_from("+＋0123456789 -()中文客服ABCxyz"), min_size=1, max_size=6)
_BLOCK = ("<p", "<div", "<li", "<tr", "<h", "<table", "<ul", "</body", "<footer", "<section")


@settings(max_examples=int(__import__("os").environ.get("PHONES_EXAMPLES", "150")), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(PAGES), st.sampled_from(WRAPPERS), SHORT_TOKENS, st.integers(0, 10_000))
def test_adding_a_short_token_never_removes_a_number(row: dict, wrapper: str, token: str, k: int) -> None:
    source = row["body"].decode(row["encoding"] or "utf-8", "replace")
    spots = [i for i in range(len(source)) if source.startswith(_BLOCK, i)] + [len(source)]
    at = spots[k % len(spots)]
    added = source[:at] + wrapper.format(token) + source[at:]
    before = {h.e164 for h in extract_document(source, "text/html", url=row["url"]).hits}
    after = {h.e164 for h in extract_document(added, "text/html", url=row["url"]).hits}
    assert before <= after, (row["file"], at, wrapper.format(token), before - after)


# English pages of the countries whose national numbers overlap (every UK number below is also
# valid in India, 1800 numbers in Australia and India, NANP numbers in India): numbers and
# their settings as on the real page named, text written here. The page's own words decide.
ENGLISH_PAGES = [
    ("https://www.bolton.gov.uk/bolton-scene",  # Bolton Scene, councillors' surgeries
     "<h1>Meet your councillors</h1><p>Astley Bridge surgeries: Hilary Fairclough 01204 592024; John Walsh "
     "01204 332216 or 07836 363635. Bolton will benefit from £2.8m of government funding.</p>",
     {"+441204592024", "+441204332216", "+447836363635"}),
    (None, "<p>Surgeries: Hilary Fairclough 01204 592024; John Walsh 01204 332216 or 07836 363635. "
     "Council tax help line open until 5pm. Bolton will benefit from £2.8m of funding.</p>",
     {"+441204592024", "+441204332216", "+447836363635"}),
    ("https://smashpartner.services/?p=1317",  # complaints policy of an Australian telco
     "<h2>How to make a complaint?</h2><p>Please call our customer service on 1800 762 741 between "
     "09:00 - 17:00 (AEST) Monday to Friday, or the Telecommunications Industry Ombudsman.</p>",
     {"+611800762741"}),
    ("https://www.unp.me/threads/calling-customer-care-is-not-free.69161/",  # Punjab mobile operators
     "<p>Idea now bills Rs 0.50 per three minutes for calls to its customer care number, 98140-12345. "
     "Idea has 30.81 lakh subscribers in the Punjab circle.</p>",
     {"+919814012345"}),
    ("https://www.dumpstersource.com/Help5",  # a US call centre's hours
     "<p>The call center, 1-800-995-8212, is open Monday through Friday from 7:00 am EST until 8:00 pm EST.</p>",
     {"+18009958212"}),
    ("https://kb.prysmvoice.com/articles/hours/",  # a Tennessee VoIP provider's after-hours line
     "<p>After hours and emergency support is available by calling (615) 696-6060 and pressing 9 to "
     "leave a detailed message. Billing support is open 8:30 a.m. to 5:30 p.m. Central Time.</p>",
     {"+16156966060"}),
    ("https://kb.clearviewtech.net/?p=650", "<ul><li>Phone: 212-804-8173</li><li>Hours of Operation: Monday "
     "- Friday, 8:00 AM to 5:00 PM, excluding US Bank holidays</li></ul>", {"+12128048173"}),
]


@pytest.mark.parametrize("url,page,numbers", ENGLISH_PAGES)
def test_english_pages_read_their_numbers_where_they_are(url: str | None, page: str, numbers: set[str]) -> None:
    assert {h.e164 for h in extract_document(page, "text/html", url=url).hits} == numbers


@pytest.mark.parametrize("words,number", [
    ("between 09:00 - 17:00 (AEST)", "+611800762741"), ("between 09:00 - 17:00 IST", "+911800762741"),
    ("fees from Rs. 500", "+911800762741"), ("plans from 2,00,000 a year", "+911800762741"),
    ("plans from 200,000 a year", "+611800762741"), ("(AUD 20 a month)", "+611800762741")])
def test_money_and_time_zone_words_decide_a_number_of_two_regions(words: str, number: str) -> None:
    page = f"<p>Call our customer service on 1800 762 741 {words}.</p>"
    assert [h.e164 for h in extract_document(page, "text/html").hits] == [number]


def test_the_region_that_explains_all_national_numbers_together_is_preferred() -> None:
    """7439481207 reads in US, GB and India, 1800-11-4000 in Australia and India: only India
    makes both valid. Either number alone keeps the English prior's reading."""
    both = "<p>Fraudsters posted 7439481207 as a helpline. Call 1800-11-4000 for consumer complaints.</p>"
    assert {h.e164 for h in extract_document(both, "text/html").hits} == {"+917439481207", "+911800114000"}
    alone = "<p>Fraudsters posted 7439481207 as a helpline.</p>"
    assert [h.e164 for h in extract_document(alone, "text/html").hits] == ["+17439481207"]
    assert [h.e164 for h in extract_document("<p>Call 1800-11-4000 today.</p>", "text/html").hits] == ["+611800114000"]


@pytest.mark.parametrize("url", ["http://a.example.co.uk:8000/x", "https://USER@b.example.de/", "http://[::1]:80/",
                                 "HTTP://x.example.JP./", "x.example.com.au/path", "https://a.b.cn?q=1",
                                 "http://a.in#f", "http://a.tw:99999/", "https://a.hk"])
def test_the_fast_host_reading_agrees_with_urlsplit(url: str) -> None:
    host = urlsplit(url if "//" in url else "//" + url).hostname or ""
    assert region._tld_region(url) == region._host_region(host)


def test_hidden_text_is_asked_about_only_when_it_could_change_the_order() -> None:
    asked: list[int] = []

    def hidden(pos: int) -> bool:
        asked.append(pos)
        return True
    chinese = "金盾保险柜售后服务电话：+86 400-812-3456，24小时热线 +86 138-0013-8000"
    assert infer_regions(chinese, hidden=hidden)[0] == "CN" and asked == []
    mixed = "Call +1 212 555 0123 or +44 20 7946 0000"  # US leads when both are seen or both hidden
    assert infer_regions(mixed, hidden=lambda pos: False)[0] == "US"
    assert infer_regions(mixed, hidden=lambda pos: asked.append(pos) or pos < 10)[0] == "GB"  # the +1 hidden
    assert asked

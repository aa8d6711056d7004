"""Property tests: any valid number, rendered through any supported obfuscation, comes back."""
from __future__ import annotations

import html

import phonenumbers
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from phonenumbers import PhoneNumberFormat as PNF
from phonenumbers import PhoneNumberType as PNT

from spamline.phones import extract_document, extract_text

SETTINGS = settings(max_examples=int(__import__("os").environ.get("PHONES_EXAMPLES", "150")), deadline=None, suppress_health_check=[HealthCheck.too_slow])
REGIONS = ["CN", "US", "GB", "AU", "IN", "HK", "TW"]
TYPES = [PNT.TOLL_FREE, PNT.MOBILE, PNT.FIXED_LINE, PNT.SHARED_COST, PNT.FIXED_LINE_OR_MOBILE]
FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
CJK = "零一二三四五六七八九"
SEPARATORS = [" ", "-", ".", "\u00a0", "\u3000", "–", "·", "", "－", " - "]
PREFIXES = ["", "客服热线：", "Call ", "电话", "①", "(1)", "1. ", "热线【", "2、", "Tel:", "售后"]
TOKENS = list("0123456789０４８ -.()+#一二三四零OolI\u200b\n电话热线：Call") + ["<b>", "</b>", "&#52;", "<br>", "400", "138"]
SUFFIXES = ["", "。", "欢迎来电", " now", "】", "（24小时）", ", open daily"]


@st.composite
def numbers(draw) -> tuple[phonenumbers.PhoneNumber, str]:
    """A valid number near phonenumbers' example for a region and type."""
    region = draw(st.sampled_from(REGIONS))
    kind = draw(st.sampled_from(TYPES))
    example = phonenumbers.example_number_for_type(region, kind)
    assume(example is not None)
    nsn = phonenumbers.national_significant_number(example)
    tail = draw(st.text("0123456789", min_size=3, max_size=3))
    candidate = phonenumbers.parse(f"+{example.country_code}{nsn[:-3]}{tail}")
    assume(phonenumbers.is_valid_number(candidate))
    return candidate, region


@st.composite
def renderings(draw) -> tuple[str, str, str]:
    """(rendered number, its E.164, region) with separators, widths, numerals, look-alikes, zero-widths."""
    number, region = draw(numbers())
    fmt = draw(st.sampled_from([PNF.E164, PNF.INTERNATIONAL, PNF.NATIONAL]))
    text = phonenumbers.format_number(number, fmt)
    text = "".join(draw(st.sampled_from(SEPARATORS)) if c in " -" else c for c in text)
    out = []
    for k, c in enumerate(text):
        if c.isdigit():
            style = draw(st.sampled_from(["ascii", "ascii", "fullwidth", "cjk", "lookalike"]))
            if style == "fullwidth":
                c = c.translate(FULLWIDTH)
            elif style == "cjk" and region == "CN":
                c = CJK[int(c)]
            elif style == "lookalike" and c in "01" and 0 < k < len(text) - 1 \
                    and text[k - 1].isdigit() and text[k + 1].isdigit() and not (out and out[-1] in "Ol"):
                c = "O" if c == "0" else "l"
        out.append(c)
        if k < len(text) - 1 and draw(st.integers(0, 9)) == 0:
            out.append(draw(st.sampled_from(["\u200b", "\u00ad", "\u200d", "\ufeff"])))
    e164 = phonenumbers.format_number(number, PNF.E164)
    return "".join(out), e164, region


@SETTINGS
@given(renderings(), st.sampled_from(PREFIXES), st.sampled_from(SUFFIXES))
def test_any_rendering_is_recovered(rendering, prefix, suffix) -> None:
    shown, e164, region = rendering
    text = prefix + shown + suffix
    hits = extract_text(text, region)
    assert [h.e164 for h in hits] == [e164], (text, hits)
    assert hits[0].raw == text[hits[0].start:hits[0].end]
    assert shown.endswith(hits[0].raw) or hits[0].raw.endswith(shown.lstrip("(").rstrip())


@SETTINGS
@given(renderings(), st.lists(st.sampled_from(["<span>", "</span>", "<b></b>", "<!-- x -->", "&#x{:x};"]),
                              min_size=1, max_size=4), st.randoms(use_true_random=False))
def test_numbers_split_by_markup_are_recovered(rendering, pieces, rnd) -> None:
    shown, e164, region = rendering
    chars = [html.escape(c) for c in shown]
    for piece in pieces:
        k = rnd.randrange(1, len(chars))
        if piece.startswith("&#x"):
            if chars[k].isdigit():
                chars[k] = piece.format(ord(chars[k]))
        else:
            chars.insert(k, piece)
    source = f"<html><body><p>客服热线：{''.join(chars)}</p></body></html>"
    doc = extract_document(source, "text/html", region=region)
    assert [h.e164 for h in doc.hits] == [e164], (source, doc.hits)
    hit = doc.hits[0]
    assert doc.source[hit.start:hit.end] == hit.raw
    assert not hit.raw.startswith("<") and not hit.raw.endswith(">")


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(TOKENS), max_size=80).map("".join), st.sampled_from([None, "CN", "US", "GB"]))
def test_offsets_always_slice_back_to_raw(text, region) -> None:
    for hits, source in ((extract_text(text, region), text),
                         (extract_document(text, "text/html", region=region).hits, text)):
        for h in hits:
            assert source[h.start:h.end] == h.raw
            assert 0 <= h.start < h.end <= len(source)
            assert phonenumbers.is_valid_number(phonenumbers.parse(h.e164)) or h.type == "short_code"

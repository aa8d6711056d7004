"""Number formats of real English customer-service pages (help-desk articles, blogs, manuals).

The numbers and layouts are the ones seen on public pages (see each case); the text around
them is ours.
"""
from __future__ import annotations

import pytest

from spamline.phones import extract_document

CASES = [
    # a number in parentheses glued to the word before it (doorway pages on blog hosts)
    ("Ask about our products(1-844-320-0333) today.", "+18443200333"),
    ("For more information(1-888-373-7888).", "+18883737888"),
    ("Call(888)373-7888 now", "+18883737888"),
    # airline "reservation number" articles on help-desk hosts: emoji, brackets around the number
    ("Booking a ticket is ☎️+1 (888) 508-8373 the first step", "+18885088373"),
    ("check the fare or contact [☎️+1 (888) 727-0453] for details", "+18887270453"),
    ("calling customer service at ☎️+1 [888] 489-5949 is recommended", "+18884895949"),
    # accounting-software support and sales lines
    ("Tel No. 1-877-227-2303", "+18772272303"),
    ("please call Sales at (888) 250-7279 for more information", "+18882507279"),
    ("Call 1-800-290-0629 to update billing", "+18002900629"),
    # printer service lines in a university how-to, and a vanity number
    ("If an HP Printer call Toshiba service number: (800) 724-0864", "+18007240864"),
    ("call the SMS/800 Help Desk at 1-888-SMS-3300.", "+18887673300"),
    ("Dial 1.800.247.4264 for service", "+18002474264"),
]


@pytest.mark.parametrize("text,e164", CASES, ids=[c[0][:40] for c in CASES])
def test_a_customer_service_format_is_found(text: str, e164: str) -> None:
    doc = extract_document(f"<html><body><p>{text}</p></body></html>", "text/html")
    assert [h.e164 for h in doc.hits] == [e164]


def test_a_code_glued_to_a_word_is_still_not_a_number() -> None:
    assert extract_document("<p>Order ref AB12345678 and model X(4008123456)</p>", "text/html").hits == []


def test_a_glued_number_keeps_its_leading_1() -> None:
    doc = extract_document("<p>Ask about our products(1-844-320-0333) today.</p>", "text/html")
    assert [(h.e164, h.raw) for h in doc.hits] == [("+18443200333", "1-844-320-0333")]

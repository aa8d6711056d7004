"""The page signals' scanner (one pattern per first character) finds what the single pattern of
all signals, as first written, finds: the same matches, in order, of the same signals."""
from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from spamline.brands.signals import page_signals, scan

# The signals as one pattern, a group per signal, as it stood before the scanner (the reference)
_PATTERNS = {
    "pitch": r"24\s*/\s*7|24\s*x\s*7|24\s*(?:hours|horas|ghante|stunden)|24小时|24時間|"
             r"rund um die uhr|call now|llame ya|turant|最短|即日|上门|live (?:person|agent)|"
             r"real person|una persona|talk to|sofort|schnell und günstig",
    "disclaimer": r"third[- ]party|independent|not affiliated|no oficial|independiente|"
                  r"freier kundendienst|nicht .{0,30}(?:kg|gmbh|ag)\b|非官方|第三方|"
                  r"registered trademark",
    "emoji": "[☎📞✈🔥📱☏]",
    "legal": r"©|copyright|版权所有|icp备|impressum|aviso legal|registergericht|"
             r"\b(?:inc|llc|ltd|gmbh|kg|s\.a\.u?|pvt)\b\.?|有限公司|株式会社",
    "byline": r"(?m:^\s*(?:by|von|por)\s+\S+)|记者|\((?:pti|ians|ap|dpa|efe)\)|"
              r"\b(?:staff reporter|redacción)\b",
    "manual": r"manual|user'?s guide|说明书|取扱説明書|bedienungsanleitung|chapter \d+|"
              r"page \d+|seite \d+|página \d+|第\d+页|付録",
    "warning": r"beware|scam|fraud|never (?:ask|share)|谨防|假冒|警惕|ご注意|不審|詐欺|偽|"
               r"warnt|estafa|protect yourself|otp",
}
REFERENCE = re.compile("|".join(f"(?P<{k}>{v})" for k, v in _PATTERNS.items()))

# Pieces of every alternative, cut where they could overlap or almost match, with word and line
# edges, digits and white space around them
_PIECES = ["24", " ", "/", "7", "x", "hours", "小时", "call", " now", "live ", "person", "agent",
           "third", "-", "party", "independ", "ent", "iente", "nicht", "gmbh", "kg", "ag", "a",
           "ag.", "非官方", "第", "三方", "☎", "📞", "✈", "©", "copy", "right", "icp备", "inc",
           "llc", "s.a.", "s.a.u", "u", "pvt", ".", "有限公司", "\n", "\t", "  ", "by", "von",
           "por", " smith", "记者", "(", ")", "pti", "ap", "staff reporter", "redacción", "_",
           "manual", "user", "'s guide", "chapter ", "page ", "seite", "página", "3", "12", "页",
           "付録", "beware", "scam", "fraud", "never ", "ask", "share", "谨防", "假冒", "偽",
           "otp", "warnt", "e", "z", "é", "1"]


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=30).map("".join))
def test_scan_finds_what_the_single_pattern_finds(text: str) -> None:
    assert scan(text) == [(m.lastgroup, m.group()) for m in REFERENCE.finditer(text)]


def test_signals_of_a_doorway_and_of_a_newsroom() -> None:
    doorway = page_signals("Acme Printer Support 24/7", "Call now ☎ 1-800-555-0100. We are an "
                           "independent provider.", "https://acme-help.blogspot.com/", ["Acme"], [])
    assert doorway.pitch == ["24/7", "call now"] and doorway.emoji
    assert doorway.disclaimer == "independent" and doorway.free_host == "blogspot."
    news = page_signals("Fake helplines", "By Staff Reporter\nNew Delhi (PTI) Police warn of a scam.",
                        "https://news.example/", [], [])
    assert news.voice == ["byline (by staff)", "warning (scam)"]

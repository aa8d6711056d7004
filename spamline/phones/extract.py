"""Find phone numbers in a text: runs of digit groups -> the longest valid numbers."""
from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from itertools import accumulate, pairwise
from types import ModuleType

import phonenumbers

from spamline.model import PhoneHit
from spamline.phones.candidates import (
    RUN,
    Group,
    Run,
    is_enumeration,
    opening_paren,
    runs_in,
)
from spamline.phones.classify import (
    Number,
    classify,
    classify_short,
    length_limit,
    plausible_length,
)
from spamline.phones.compiled import twin
from spamline.phones.fold import IGNORABLE, fold
from spamline.phones.textmap import KINDS, TextMap

MIN_DIGITS, MAX_DIGITS = 7, 17
MAX_NUMBER_GROUPS = 13  # "+ 8 6 4 0 0 8 1 2 3 4 5 6": digits spaced one by one
MAX_PARSES = 30_000  # new (uncached) phonenumbers parses per document: a second or two at worst
CONTEXT_CHARS = 40

_SERVICE = re.compile(
    r"(?:热线|电话|客服|服务|拨打|致电|咨询|联系|专线|号码|熱線|電話|專線|撥打|諮詢|聯繫|聯絡|號碼|"
    r"hotline|call|tel|phone|dial|helpline)[^0-9\n]{0,6}$", re.IGNORECASE)
_NEGATIVE = re.compile(
    r"(?:QQ|Q号|扣扣|订单|單號|单号|编号|編號|运单|快递|ISBN|型号|型號|货号|貨號|SKU|order|身份证|邮编|郵編|"
    r"邮政编码|价|價|¥|￥|\$|€|£|发票|账号|帐号|帳號|卡号|序列号|批号|备案|备|ICP|工号|item|model|"
    r"part|invoice|tracking|ref|serial|zip|postcode|isbn-1[03]|case|ticket|account|acct|ABN|ACN|VAT|GST)"
    r"(?:\s*(?:no|nr|number|id|#)\b)?[\s:：#号.]*$", re.IGNORECASE)
# a number followed by a unit is a quantity: "13800元", "4008123456 次"
_UNIT_AFTER = re.compile(r"\s*(?:元|块|圆|円|件|次|人|个|萬|万|亿|億|RMB|CNY|kg|mm|cm|px)", re.IGNORECASE)
# glued to a code: "HP-4008123456", "A/13812345678"
_CODE_BEFORE = re.compile(r"[A-Za-z][\-_/]$")
_VANITY = re.compile(
    r"(?<![0-9A-Za-z])(?P<prefix>(?:\+?1[ .\-]?)?\(?8(?:[0O]{2}|33|44|55|66|77|88)\)?)"
    r"(?P<word>(?:[ .\-]?[A-Z0-9]){7})(?![A-Za-z0-9])")
_VANITY_CORE = re.compile(r"8(?=[0O]{2}|33|44|55|66|77|88)")  # every _VANITY match holds one
_VANITY_HINT = re.compile(r"8(?:[0O]{2}|33|44|55|66|77|88)\)?[ .\-]?[A-Z0-9 .\-]{0,6}[A-Z]")
_NANP_TOLL_FREE = frozenset({"800", "833", "844", "855", "866", "877", "888"})


class Budget:
    """Bounds the work spent on one document, so garbage input returns quickly.

    Candidate tries scale with the document's size; phonenumbers parses that the
    cache does not already hold are capped outright (checked every 64 tries, which
    keeps the check cheap). A real page stays far below both.
    """

    def __init__(self, text_length: int) -> None:
        self.tries_left = 20_000 + text_length // 50
        self._misses_at_start = classify.cache_info().misses
        self.exhausted = False

    def spend(self) -> bool:
        self.tries_left -= 1
        if self.tries_left < 0 or (self.tries_left % 64 == 0 and self._parses() >= MAX_PARSES):
            self.exhausted = True
        return not self.exhausted

    def _parses(self) -> int:
        return classify.cache_info().misses - self._misses_at_start


def clear_caches() -> None:
    """Forget remembered parses and labels: a cold start, for benchmarks."""
    for cached in (classify, classify_short, _labelled):
        cached.cache_clear()


def find_hits(tm: TextMap, source: str, regions: tuple[str, ...], include_possible: bool = False,
              budget: Budget | None = None) -> list[PhoneHit]:
    """Every number in `tm.text`, with offsets into `source` through `tm`.

    National-format numbers are read in `regions[0]`, then the others in order.
    """
    text = tm.text
    if not text:
        return []
    folded = fold(text)
    budget = budget or Budget(len(text))
    vanity = _vanity(folded)
    if _RUNSCAN is not None:
        spans = _RUNSCAN.number_spans(folded, text, regions, include_possible, budget)
    else:
        spans = python_number_spans(folded, text, regions, include_possible, budget)
    if vanity:
        spans = [s for s in spans if not any(s[0] < v[1] and v[0] < s[1] for v in vanity)] + vanity
        spans.sort(key=lambda s: s[0])
    if _RUNSCAN is not None and tm.pieces is not None:
        return _RUNSCAN.hits(spans, text, source, tm.pieces, (tm.kind, *KINDS[1:]), PhoneHit, CONTEXT_CHARS)
    return python_hits(spans, tm, source)


def python_hits(spans: list[tuple[int, int, Number]], tm: TextMap, source: str) -> list[PhoneHit]:
    """A hit for each (start, end, Number) span of `tm.text`, with offsets into `source`
    (the reference of the compiled `hits`, which reads maps made of pieces)."""
    hits = []
    for s, e, number in spans:
        ss, se = tm.source_span(s, e)
        hits.append(PhoneHit(e164=number.e164, raw=source[ss:se], start=ss, end=se, type=number.type,
                             context=python_context(tm.text, s, e, CONTEXT_CHARS), source=tm.kind_at(s),
                             region=number.region))
    return hits


def python_number_spans(folded: str, text: str, regions: tuple[str, ...], include_possible: bool,
                        budget: Budget) -> list[tuple[int, int, Number]]:
    """The numbers of the digit runs in `folded` as (start, end, Number), leaving out runs labelled
    as something else and numbers followed by a unit; the reference of the compiled twin."""
    spans: list[tuple[int, int, Number]] = []
    for m in RUN.finditer(folded):
        for run in runs_in(folded, m, lambda pos: _service_before(folded, pos)):
            if budget.exhausted:
                return spans
            if len(run.groups) == 1 and len(run.groups[0].digits) < 5:
                continue
            found = _numbers_in_run(run, folded, text, regions, include_possible, budget)
            if found and not _excluded(folded, run.start):
                spans.extend(span for span in found if not _UNIT_AFTER.match(folded, span[1]))
    return spans


def _excluded(folded: str, run_start: int) -> bool:
    """The run is labelled as something else (an order id, a QQ number, a price) or glued to a code."""
    before = _prefix_start(folded, run_start)
    return _labelled(folded[max(0, before - 20):before])


@lru_cache(maxsize=8192)
def _labelled(before: str) -> bool:
    """The text right before a run labels it as something else or glues it to a code (cached:
    pages repeat their labels)."""
    return bool(_NEGATIVE.search(before) or _CODE_BEFORE.search(before, max(0, len(before) - 2)))


def _prefix_start(folded: str, run_start: int) -> int:
    """Where the run really starts: its "+" or "(" before the first group."""
    s = run_start
    while s > 0 and folded[s - 1] in "+( " + IGNORABLE and run_start - s < 4:
        s -= 1
    while s < run_start and folded[s] not in "+(":
        s += 1
    return s


def _number_start(folded: str, run: Run, i: int, j: int) -> int:
    """The number's first character: its "+", an opening parenthesis that it closes, or a digit."""
    g = run.groups[i]
    if g.plus:
        return _prefix_start(folded, run.start)
    closes = any(")" in h.sep_after for h in run.groups[i:j])
    paren = opening_paren(folded, g.start)
    if closes and paren is not None:
        return paren
    return g.start


def _numbers_in_run(run: Run, folded: str, text: str, regions: tuple[str, ...], include_possible: bool,
                    budget: Budget) -> list[tuple[int, int, Number]]:
    """Cut a run into numbers: from each group, the longest valid number that starts there."""
    groups = run.groups
    ends = [0, *accumulate(len(g.digits) for g in groups)]  # digits in groups[i:j+1]: ends[j+1] - ends[i]
    parens = any("(" in g.sep_after or ")" in g.sep_after for g in groups) or opening_paren(folded, run.start) is not None

    def longest(i: int) -> tuple[int, Number] | None:
        possible = None
        last = min(len(groups) - 1, i + MAX_NUMBER_GROUPS - 1)
        while last >= i and ends[last + 1] - ends[i] > MAX_DIGITS:
            last -= 1
        for j in range(last, i - 1, -1):
            if ends[j + 1] - ends[i] < MIN_DIGITS or not budget.spend():
                break
            if (parens and not _balanced(groups, i, j, folded)) or (j - i >= 3 and _counting(groups, i, j)):
                continue
            digits = "".join(g.digits for g in groups[i:j + 1])
            if groups[i].plus:
                number = classify("+" + digits, regions[0])
            else:
                number = _classify_national(digits, _nanp_first(groups[i:j + 1], folded, regions))
            if number is None:
                continue
            if number.valid:
                return j, number
            if include_possible and possible is None:
                possible = (j, number)
        return possible

    found: list[tuple[int, int, Number]] = []
    i = 0
    while i < len(groups):
        best = longest(i)
        if len(groups[i].digits) <= 2 and is_enumeration(run, i, folded):
            skipped = longest(i + 1)
            same = best is not None and skipped is not None and best[1].e164 == skipped[1].e164
            if skipped and skipped[1].valid and not (same and groups[i].sep_after in (".", "-")):
                best, i = skipped, i + 1
        if best is None and i == 0 and len(groups) <= 2:
            best = _short_code(run, folded, text, regions[0])
        if best is None:
            i += 1
            continue
        j, number = best
        start = _number_start(folded, run, i, j)
        found.append((start, groups[j].end, number))
        i = j + 1
    return found


def _balanced(groups: tuple[Group, ...], i: int, j: int, folded: str) -> bool:
    """Parentheses inside groups i..j close what they open: "(010) 6552" yes, "5865 (24" no."""
    seps = "".join(g.sep_after for g in groups[i:j])
    unmatched = seps.count(")") - seps.count("(")
    leading = opening_paren(folded, groups[i].start) is not None
    return unmatched in ((0, 1) if leading else (0,))


def _counting(groups: tuple[Group, ...], i: int, j: int) -> bool:
    """Groups that count up ("1 2 3 4 5 6 7 8 9 10"): page numbers, not a phone number."""
    if any(len(g.digits) > 3 for g in groups[i:j + 1]):
        return False
    values = [int(g.digits) for g in groups[i:j + 1]]
    return all(b == a + 1 for a, b in pairwise(values))


def _classify_national(digits: str, regions: tuple[str, ...]) -> Number | None:
    """The first valid reading of national digits among `regions`, else the first possible one."""
    possible = None
    for region in regions:
        if not plausible_length(digits, region):
            continue
        number = classify(digits, region)
        if number is not None and number.valid:
            return number
        possible = possible or number
    return possible


def _nanp_first(groups: tuple[Group, ...], folded: str, regions: tuple[str, ...]) -> tuple[str, ...]:
    """Put US first for North American layouts: 1-800-555-1234 and (888) 555-1234."""
    if regions[0] == "US" or len(groups) not in (3, 4):
        return regions
    sizes = [len(g.digits) for g in groups]
    nanp = (sizes == [1, 3, 3, 4] and groups[0].digits == "1") or (
        sizes == [3, 3, 4] and groups[0].digits in _NANP_TOLL_FREE and opening_paren(folded, groups[0].start) is not None)
    return ("US", *regions) if nanp else regions


def _service_before(folded: str, pos: int) -> bool:
    """A service word ("热线", "hotline") just before `pos`."""
    return bool(_SERVICE.search(folded, max(0, pos - 16), pos))


def _short_code(run: Run, folded: str, text: str, region: str) -> tuple[int, Number] | None:
    digits = "".join(g.digits for g in run.groups)
    if not 5 <= len(digits) <= 6 or not _service_before(folded, run.start):
        return None
    if not any(c.isdigit() for c in text[run.start:run.groups[-1].end]):
        return None  # short codes spelled in Chinese numerals are too ambiguous
    number = classify_short(digits, region)
    return (len(run.groups) - 1, number) if number else None


def _vanity(folded: str) -> list[tuple[int, int, Number]]:
    found: list[tuple[int, int, Number]] = []
    if not _VANITY_HINT.search(folded):  # a literal-prefixed regex: a fast check on megabytes
        return found
    for m in _vanity_matches(folded):
        prefix, word = m.group("prefix"), m.group("word")
        if sum(c.isalpha() and c not in "OIL" for c in word) < 2:
            continue  # "555-O17O" is a look-alike digit run, not a word
        dialable = phonenumbers.convert_alpha_characters_in_number(prefix.replace("O", "0") + word)
        number = classify(dialable, "US")
        if number and number.valid:
            found.append((m.start(), m.end(), number))
    return found


def _vanity_matches(folded: str) -> Iterator[re.Match[str]]:
    """The matches of _VANITY.finditer(folded), found only around its "8xx" cores.

    A match starts at most 4 characters before its core and is at most 22 characters long,
    so a search from there to 24 characters past the core sees all that the full scan sees.
    """
    done = 0
    for core in _VANITY_CORE.finditer(folded):
        q = core.start()
        m = _VANITY.search(folded, max(q - 4, done), q + 24)
        if m is not None and m.start() <= q:
            done = m.end()
            yield m


def _configure_twin() -> ModuleType | None:
    """The compiled twin of `python_number_spans` and `python_hits`, given the functions it calls back."""
    runscan = twin("_runscan")
    if runscan is not None:
        runscan.configure(classify, classify_short, length_limit, _service_before, _labelled, _UNIT_AFTER.match,
                          MAX_PARSES)
    return runscan


_RUNSCAN = _configure_twin()


def python_context(text: str, start: int, end: int, chars: int) -> str:
    """text[start:end] with up to `chars` characters on each side, whitespace collapsed and
    trimmed (the compiled `hits` builds the same context)."""
    return " ".join(text[max(0, start - chars):end + chars].split())

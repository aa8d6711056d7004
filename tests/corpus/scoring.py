"""Score spamline on the real-world-shaped corpus (tests/corpus/realworld): numbers, brands,
spam verdict, per language, with PhoneNumberMatcher beside our extraction."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import phonenumbers
import yaml

from spamline.brands.inspect import PageReport, inspect_page
from spamline.brands.registry import name_key
from spamline.phones import extract_document
from tests.phones.scoring import Score as Counts

CORPUS = Path(__file__).parent / "realworld"
LANGUAGES = ("zh", "en", "es", "in", "ja", "de")
# PhoneNumberMatcher needs one region; it is given the page's language (which it cannot guess)
MATCHER_REGION = {"zh": "CN", "en": "US", "es": "ES", "in": "IN", "ja": "JP", "de": "DE"}


@dataclass(frozen=True)
class Page:
    file: str
    lang: str
    url: str
    spam: bool
    brands: tuple[str, ...]  # each "A|B": either spelling
    also: tuple[str, ...]  # brands that may be named without counting against precision
    numbers: frozenset[str]

    @property
    def body(self) -> bytes:
        return (CORPUS / self.file).read_bytes()


@cache
def pages() -> tuple[Page, ...]:
    labels = yaml.safe_load((CORPUS / "labels.yaml").read_text(encoding="utf-8"))
    return tuple(Page(f, v["lang"], v["url"], bool(v["spam"]), tuple(v["brands"]),
                      tuple(v.get("also", [])), frozenset(v["numbers"])) for f, v in labels.items())


@cache
def report(page: Page) -> PageReport:
    return inspect_page(page.body, "text/html", page.url, name=page.file)


def matcher_numbers(page: Page) -> set[str]:
    """What phonenumbers' PhoneNumberMatcher finds in the page's visible text."""
    doc = extract_document(page.body, "text/html", url=page.url)
    matcher = phonenumbers.PhoneNumberMatcher(f"{doc.title}\n{doc.text}", MATCHER_REGION[page.lang])
    return {phonenumbers.format_number(m.number, phonenumbers.PhoneNumberFormat.E164) for m in matcher}


def brand_counts(page: Page, found: Iterable[str], counts: Counts) -> None:
    """Labelled brands matched by the brands found (any spelling), case and spaces aside."""
    wanted = [{name_key(s) for s in label.split("|")} for label in page.brands]
    allowed = {name_key(s) for label in page.also for s in label.split("|")}
    got = [name_key(b) for b in found]
    hit = {i for i, spellings in enumerate(wanted) if spellings & set(got)}
    extra = [b for b in got if not any(b in s for s in wanted) and b not in allowed]
    counts.tp += len(hit)
    counts.fn += len(wanted) - len(hit)
    counts.fp += len(set(extra))
    if extra or len(hit) < len(wanted):
        counts.errors.append(f"{page.file}: labelled {page.brands} found {list(found)}")


def roc_auc(scored: list[tuple[float, bool]]) -> float:
    """Probability that a spam page scores above a legitimate one (ties count half)."""
    pos = [s for s, y in scored if y]
    neg = [s for s, y in scored if not y]
    if not pos or not neg:
        return 1.0
    wins = sum((p > n) + 0.5 * (p == n) for p in pos for n in neg)
    return wins / (len(pos) * len(neg))


@dataclass
class LanguageScore:
    pages: int = 0
    ours: Counts = field(default_factory=Counts)
    matcher: Counts = field(default_factory=Counts)
    brands: Counts = field(default_factory=Counts)
    spam: Counts = field(default_factory=Counts)
    scored: list[tuple[float, bool]] = field(default_factory=list)

    @property
    def auc(self) -> float:
        return roc_auc(self.scored)


def score() -> dict[str, LanguageScore]:
    """Scores per language, and over all pages as "all"."""
    by_lang: dict[str, LanguageScore] = defaultdict(LanguageScore)
    for page in pages():
        r = report(page)
        for s in (by_lang[page.lang], by_lang["all"]):
            s.pages += 1
            s.ours.add(page.file, {n["e164"] for n in r.numbers}, page.numbers)
            s.matcher.add(page.file, matcher_numbers(page), page.numbers)
            brand_counts(page, r.brands, s.brands)
            s.spam.add(page.file, {"spam"} if r.spam else set(), {"spam"} if page.spam else set())
            s.scored.append((r.spam_score, page.spam))
    return dict(by_lang)


def table(scores: dict[str, LanguageScore]) -> str:
    head = (f"{'lang':5} {'pages':>5} | {'num R':>6} {'num P':>6} | {'PNM R':>6} {'PNM P':>6} | "
            f"{'brand P':>7} {'brand R':>7} | {'spam P':>6} {'spam R':>6} {'AUC':>6}")
    rows = [head, "-" * len(head)]
    for lang in (*LANGUAGES, "all"):
        s = scores.get(lang)
        if s is None:
            continue
        rows.append(f"{lang:5} {s.pages:>5} | {s.ours.recall:6.3f} {s.ours.precision:6.3f} | "
                    f"{s.matcher.recall:6.3f} {s.matcher.precision:6.3f} | "
                    f"{s.brands.precision:7.3f} {s.brands.recall:7.3f} | "
                    f"{s.spam.precision:6.3f} {s.spam.recall:6.3f} {s.auc:6.3f}")
    return "\n".join(rows)

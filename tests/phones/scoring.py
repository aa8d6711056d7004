"""Score an extractor on the labelled corpus (tests/phones/corpus), ours or the baseline."""
from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import phonenumbers

from spamline.phones import extract_document, extract_text

CORPUS = Path(__file__).parent / "corpus"


@dataclass
class Score:
    """Occurrence-level counts, with the misses and false alarms kept for the report."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    errors: list[str] = field(default_factory=list)

    def add(self, name: str, found: Iterable, expected: Iterable) -> None:
        got, want = Counter(found), Counter(expected)
        extra, missing = got - want, want - got
        self.tp += sum((got & want).values())
        self.fp += sum(extra.values())
        self.fn += sum(missing.values())
        if extra or missing:
            self.errors.append(f"{name}: missed {sorted(missing.elements())} extra {sorted(extra.elements())}")

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


def snippets() -> list[dict]:
    with open(CORPUS / "snippets.jsonl", encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def pages() -> list[dict]:
    with open(CORPUS / "pages.jsonl", encoding="utf-8") as f:
        rows = [json.loads(line) for line in f]
    for row in rows:
        row["body"] = (CORPUS / "pages" / row["file"]).read_bytes()
    return rows


def matcher_hits(text: str, region: str | None) -> list[tuple[str, str]]:
    """The baseline: phonenumbers' own matcher, at its default leniency."""
    fmt = phonenumbers.PhoneNumberFormat.E164
    return [(phonenumbers.format_number(m.number, fmt), m.raw_string)
            for m in phonenumbers.PhoneNumberMatcher(text, region or "CN")]


def score_snippets(find: Callable[[str, str | None], list[tuple[str, str]]]) -> Score:
    """(e164, raw) per occurrence: the number and its exact boundaries must both be right."""
    score = Score()
    for row in snippets():
        score.add(f"{row['id']} {row['text']!r}", find(row["text"], row["region"]), map(tuple, row["expect"]))
    return score


def ours_snippet(text: str, region: str | None) -> list[tuple[str, str]]:
    return [(h.e164, h.raw) for h in extract_text(text, region)]


def score_pages(with_source: bool) -> tuple[Score, Score]:
    """Ours and the matcher's page scores; the matcher reads our visible text of each page."""
    ours, base = Score(), Score()
    for row in pages():
        doc = extract_document(row["body"], row["content_type"], row["url"], row["region"])
        expected = [tuple(e) if with_source else e[0] for e in row["expect"]]
        ours.add(row["file"], [(h.e164, h.source) if with_source else h.e164 for h in doc.hits], expected)
        base.add(row["file"], [e for e, _ in matcher_hits(doc.text, row["region"] or doc.region)],
                 [e[0] for e in row["expect"]])
    return ours, base


def table(rows: list[tuple[str, Score, Score]]) -> str:
    lines = [f"{'corpus':<24}{'ours P':>9}{'ours R':>9}{'matcher P':>11}{'matcher R':>11}"]
    for name, ours, base in rows:
        lines.append(f"{name:<24}{ours.precision:>9.3f}{ours.recall:>9.3f}{base.precision:>11.3f}{base.recall:>11.3f}")
    return "\n".join(lines)

"""The labelled corpus: recall and precision >= 0.99, printed beside PhoneNumberMatcher's."""
from __future__ import annotations

from tests.phones.scoring import (
    matcher_hits,
    ours_snippet,
    pages,
    score_pages,
    score_snippets,
    snippets,
    table,
)


def test_corpus_is_big_enough() -> None:
    rows = snippets()
    assert len(rows) >= 300
    assert len(pages()) >= 30
    assert sum(1 for r in rows if not r["expect"]) >= 80  # negatives
    assert sum(1 for r in rows if any("\u4e00" <= c <= "\u9fff" for c in r["text"])) >= 150


def test_scores_beat_targets_and_matcher(capsys) -> None:
    ours_s = score_snippets(ours_snippet)
    base_s = score_snippets(matcher_hits)
    ours_p, base_p = score_pages(with_source=False)
    with capsys.disabled():
        print("\n" + table([("snippets (e164+raw)", ours_s, base_s), ("pages (e164)", ours_p, base_p)]))
        for err in (ours_s.errors + ours_p.errors)[:30]:
            print("  ours:", err)
    for score in (ours_s, ours_p):
        assert score.recall >= 0.99, score.errors
        assert score.precision >= 0.99, score.errors


def test_pages_report_where_each_number_was_found() -> None:
    ours, _ = score_pages(with_source=True)
    assert ours.recall >= 0.99 and ours.precision >= 0.99, ours.errors

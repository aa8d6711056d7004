"""The real-world-shaped corpus: per-language extraction (beside PhoneNumberMatcher), brand
attribution and spam verdict, printed; the targets reached are asserted."""
from __future__ import annotations

from collections import Counter

import phonenumbers
import pytest
from phonenumbers import shortnumberinfo

from tests.corpus.scoring import LANGUAGES, pages, score, table


@pytest.fixture(scope="module")
def scores():
    return score()


def test_corpus_shape() -> None:
    ps = pages()
    by_lang = Counter(p.lang for p in ps)
    assert len(ps) >= 120
    assert by_lang["zh"] >= 30 and by_lang["en"] >= 30
    assert sum(1 for lang in LANGUAGES[2:] if by_lang[lang] >= 15) >= 4
    legit_with_numbers = [p for p in ps if not p.spam and p.numbers]
    assert len(legit_with_numbers) >= len(ps) / 3
    for p in ps:
        assert p.body.strip(), p.file
        for n in p.numbers:  # labels are valid numbers (or short codes) written in E.164
            number = phonenumbers.parse(n)
            assert phonenumbers.is_valid_number(number) or shortnumberinfo.is_valid_short_number(number), (p.file, n)


def test_scores_per_language(scores, capsys) -> None:
    with capsys.disabled():
        print("\n" + table(scores))
        for kind in ("ours", "brands", "spam"):
            for err in getattr(scores["all"], kind).errors:
                print(f"  {kind}: {err}")
    for lang in LANGUAGES:
        ours = scores[lang].ours
        assert ours.recall >= 0.99 and ours.precision >= 0.99, (lang, ours.errors)
    for lang in LANGUAGES:
        s = scores[lang]
        assert s.brands.precision >= 0.95, (lang, s.brands.errors)
        assert s.brands.recall >= 0.90, (lang, s.brands.errors)
        assert s.spam.precision >= 0.95, (lang, s.spam.errors)
        assert s.auc >= 0.95, (lang, s.scored)
    total = scores["all"]
    assert total.brands.precision >= 0.95 and total.brands.recall >= 0.90, total.brands.errors
    assert total.auc >= 0.95


def test_spam_recall_where_numbers_are_read(scores) -> None:
    """Every spam page whose numbers the extractor reads is called spam."""
    for lang in ("zh", "en", "es", "ja", "de"):
        assert scores[lang].spam.recall == 1.0, scores[lang].spam.errors

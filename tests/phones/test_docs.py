"""The examples in docs/extraction.md and the package docstring run as written."""
from __future__ import annotations

import doctest
from pathlib import Path

import spamline.phones

ROOT = Path(__file__).resolve().parents[2]


def test_docs_examples_run() -> None:
    result = doctest.testfile(str(ROOT / "docs" / "extraction.md"), module_relative=False)
    assert result.attempted >= 5 and result.failed == 0


def test_package_docstring_example_runs() -> None:
    result = doctest.testmod(spamline.phones)
    assert result.attempted >= 1 and result.failed == 0

"""Whole documents read the same with the compiled twins as with SPAMLINE_PURE_PYTHON=1.

The twin tests (test_htmlscan.py, test_runscan.py) compare each compiled function with its
Python reference; this one runs the public API end to end both ways, glue included, with the
pure-Python side in a child process (the switch is read once, at import).
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import asdict
from pathlib import Path

from spamline.phones import extract_document, extract_text
from tests.phones.samples import CORPUS, corpus_pages, network_pages

ROOT = Path(__file__).resolve().parents[2]
READ_ALL = """
import json, sys
from spamline.phones.compiled import twin
from tests.phones.test_compiled import read_all
assert twin("_runscan") is None and twin("_htmlscan") is None, "the switch did not turn them off"
json.dump(read_all(), sys.stdout)
"""


def read_all() -> dict[str, list]:
    """Everything extract_document and extract_text give on the corpus and the sample network 1."""
    documents = [extract_document(body, content_type, url)
                 for body, content_type, url in corpus_pages() + network_pages(1, pages_per_site=4)]
    snippets = [json.loads(line)["text"] for line in (CORPUS / "snippets.jsonl").read_text(encoding="utf-8").splitlines()]
    return {"documents": [[doc.encoding, doc.title, doc.text, doc.region, [asdict(h) for h in doc.hits]]
                          for doc in documents],
            "snippets": [[asdict(h) for h in extract_text(text, include_possible=True)] for text in snippets]}


def test_pure_python_reads_every_document_as_the_compiled_twins_do() -> None:
    env = {**os.environ, "SPAMLINE_PURE_PYTHON": "1"}
    child = subprocess.run([sys.executable, "-c", READ_ALL], cwd=ROOT, env=env, capture_output=True, text=True,
                           timeout=120, check=False)
    assert child.returncode == 0, child.stderr
    pure = json.loads(child.stdout)
    ours = json.loads(json.dumps(read_all()))
    assert len(ours["documents"]) > 60 and len(ours["snippets"]) > 300
    assert sum(len(doc[-1]) for doc in ours["documents"]) > 500
    for kind in ("documents", "snippets"):
        for got, want in zip(ours[kind], pure[kind], strict=True):
            assert got == want
    for doc in ours["documents"]:
        positions = [(hit["start"], hit["end"]) for hit in doc[-1]]
        assert positions == sorted(positions)  # hits come in document order

"""Every PageFeatures field of a few pages, as stored: a change to page_features that alters any
of them (a brand, a product, a template hash, a band key, a signal) fails here and must be meant.

The pages: two sample-network doorways (Chinese and English), a legitimate maker's page of the
sample network, and three corpus pages (a Chinese doorway, an English help-desk doorway, a
Hindi-English news report of a fake number). Rewrite the golden file after a deliberate change
with SPAMLINE_WRITE_GOLDEN=1 python -m pytest tests/brands/test_features_golden.py, and say why
in the commit.
"""
from __future__ import annotations

import dataclasses
import json
import os
from pathlib import Path

import pytest
import yaml

from spamline.brands.features import html_of, page_features
from spamline.brands.registry import BrandIndex
from spamline.phones import extract_document
from spamline.samplenet.pages import render_page
from spamline.samplenet.site import SampleNetwork

GOLDEN = Path(__file__).parent / "golden" / "page_features.json"
CORPUS = Path(__file__).parents[1] / "corpus" / "realworld"
CORPUS_PAGES = ("zh/01.html", "en/01.html", "in/13.html")


def pages() -> list[tuple[str, bytes, str, str]]:
    net = SampleNetwork(1)
    chosen = []
    for want in ("zh", "en", "legit"):
        host = next(h for h, s in net.sites.items()
                    if (s.language == want and s.is_spam) or (want == "legit" and not s.is_spam))
        page = render_page(net, host, next(iter(net.paths(host))), 8000)
        chosen.append((page.url, page.body, page.content_type, page.url))
    labels = yaml.safe_load((CORPUS / "labels.yaml").read_text(encoding="utf-8"))
    chosen += [(f, (CORPUS / f).read_bytes(), "text/html", labels[f]["url"]) for f in CORPUS_PAGES]
    return chosen


def features() -> dict[str, dict]:
    index = BrandIndex([])
    out = {}
    for name, body, content_type, url in pages():
        doc = extract_document(body, content_type=content_type, url=url)
        f = page_features(doc.title, doc.text, doc.hits, html_of(body, content_type, doc.encoding),
                          index, url)
        out[name] = {**dataclasses.asdict(f), "template_hashvalues": f.template_hashvalues.hex()}
    return json.loads(json.dumps(out, ensure_ascii=False))  # tuples as lists, as stored


def test_page_features_are_as_stored() -> None:
    got = features()
    if os.environ.get("SPAMLINE_WRITE_GOLDEN"):
        GOLDEN.write_text(json.dumps(got, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        pytest.skip("golden file written")
    want = json.loads(GOLDEN.read_text(encoding="utf-8"))
    assert list(got) == list(want)
    for name in want:
        for key in want[name]:
            assert got[name][key] == want[name][key], (name, key)

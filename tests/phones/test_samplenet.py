"""Cross-check against the sample spam network's own ground truth (written by its generator)."""
from __future__ import annotations

from spamline.phones import extract_document
from spamline.samplenet import SampleNetwork, render_page


def test_every_sample_page_gives_exactly_its_numbers() -> None:
    net = SampleNetwork(seed=3, pages_per_site=6)
    checked = 0
    for host in net.hosts:
        for path in net.paths(host):
            page = render_page(net, host, path, 8000)
            doc = extract_document(page.body, page.content_type, page.url)
            assert {h.e164 for h in doc.hits} == set(page.truth.numbers), page.url
            for h in doc.hits:
                assert doc.source[h.start:h.end] == h.raw
            checked += 1
    assert checked > 50

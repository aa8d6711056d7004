"""Pages for the tests that compare the compiled twins with their Python references."""
from __future__ import annotations

import json
from pathlib import Path

from spamline.phones import decode_body
from spamline.samplenet import SampleNetwork, render_all

CORPUS = Path(__file__).parent / "corpus"
Page = tuple[bytes, str | None, str | None]  # body, content type, url


def corpus_pages() -> list[Page]:
    """The whole pages of the labelled corpus."""
    rows = [json.loads(line) for line in (CORPUS / "pages.jsonl").read_text(encoding="utf-8").splitlines()]
    return [((CORPUS / "pages" / row["file"]).read_bytes(), row["content_type"], row["url"]) for row in rows]


def network_pages(seed: int, pages_per_site: int | None = None) -> list[Page]:
    """Every page of the sample spam network `seed`."""
    net = SampleNetwork(seed=seed) if pages_per_site is None else SampleNetwork(seed=seed, pages_per_site=pages_per_site)
    return [(page.body, page.content_type, page.url) for page in render_all(net, 8000)]


def decoded(pages: list[Page]) -> list[str]:
    """The decoded source of each page."""
    return [decode_body(body, content_type)[0] for body, content_type, _ in pages]

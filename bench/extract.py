"""Throughput of spamline.phones against phonenumbers.PhoneNumberMatcher on the same pages.

    python bench/extract.py [--quick]

Pages: every page of the bundled sample spam network (seed 1) plus the whole pages of
the labelled corpus (tests/phones/corpus/pages). Two comparisons, each timed in this run:

- documents: ours runs the full pipeline on the raw bytes (decode, HTML, attributes,
  scripts, extraction); the matcher reads the decoded HTML source.
- text: ours (`extract_text`) and the matcher read the same visible text of each page,
  prepared outside the timing.

MB/s is always page bytes (the raw HTML) per second, so the rows compare directly.
"""
from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from pathlib import Path

import phonenumbers

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from spamline.phones import decode_body, extract_document, extract_text
from spamline.samplenet import SampleNetwork, render_page

CORPUS = ROOT / "tests" / "phones" / "corpus"


def load_pages(quick: bool) -> list[tuple[bytes, str | None, str | None]]:
    """(body, content type, url) for every bench page."""
    net = SampleNetwork(seed=1, pages_per_site=4 if quick else 12)
    pages = []
    for host in net.hosts:
        for path in net.paths(host):
            page = render_page(net, host, path, 8000)
            if page is not None:
                pages.append((page.body, page.content_type, page.url))
    with open(CORPUS / "pages.jsonl", encoding="utf-8") as f:
        for line in f:
            row = json.loads(line)
            pages.append(((CORPUS / "pages" / row["file"]).read_bytes(), row["content_type"], row["url"]))
    return pages


def best_of(repeat: int, runs: list) -> list[float]:
    """The fastest of `repeat` timed rounds for each run, in seconds.

    Rounds interleave the runs, so a busy machine slows them all alike.
    """
    best = [float("inf")] * len(runs)
    for _ in range(repeat):
        for k, run in enumerate(runs):
            start = time.perf_counter()
            run()
            best[k] = min(best[k], time.perf_counter() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer pages and repeats")
    args = parser.parse_args()
    repeat = 2 if args.quick else 5
    pages = load_pages(args.quick)
    total = sum(len(body) for body, _, _ in pages)
    docs = [extract_document(body, ct, url) for body, ct, url in pages]  # also warms the caches
    sources = [(decode_body(body, ct)[0], doc.region) for (body, ct, _), doc in zip(pages, docs)]
    texts = [(doc.text, doc.region) for doc in docs]

    def ours() -> None:
        for body, ct, url in pages:
            extract_document(body, ct, url)

    def ours_text() -> None:
        for text, region in texts:
            extract_text(text, region)

    def matcher(items: list[tuple[str, str]]) -> None:
        for text, region in items:
            for _ in phonenumbers.PhoneNumberMatcher(text, region):
                pass

    t_ours, t_source, t_ours_text, t_text = best_of(
        repeat, [ours, lambda: matcher(sources), ours_text, lambda: matcher(texts)])
    mb = total / 1e6
    hits = sum(len(d.hits) for d in docs)
    print(f"pages: {len(pages)}  bytes: {total:,}  numbers found by ours: {hits:,}")
    print(f"machine: {platform.processor() or platform.machine()}, Python {platform.python_version()}, "
          f"phonenumbers {phonenumbers.__version__}")
    rows = [("documents: spamline extract_document(bytes)", t_ours),
            ("documents: PhoneNumberMatcher(decoded HTML)", t_source),
            ("text: spamline extract_text(visible text)", t_ours_text),
            ("text: PhoneNumberMatcher(visible text)", t_text)]
    print(f"{'run':<48}{'seconds':>9}{'MB/s':>9}")
    for name, seconds in rows:
        print(f"{name:<48}{seconds:>9.3f}{mb / seconds:>9.2f}")
    print(f"ratio, documents (ours / matcher):                 {t_source / t_ours:.1f}x")
    print(f"ratio, same visible text (ours / matcher):         {t_text / t_ours_text:.1f}x")
    print(f"ratio, our whole pipeline / matcher on text alone: {t_text / t_ours:.1f}x  (target >= 10x)")


if __name__ == "__main__":
    main()

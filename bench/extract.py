"""Throughput of spamline.phones against phonenumbers.PhoneNumberMatcher on the same pages.

    python bench/extract.py [--quick] [--repeat N] [--clock cpu]
    SPAMLINE_PURE_PYTHON=1 python bench/extract.py    # the pure-Python fallback, without the C twins

Two page sets, each timed in this run:

- small: every page of the bundled sample spam network (seed 1) plus the whole pages of the
  labelled corpus (tests/phones/corpus/pages): 2-3 KB, one number per ~250 bytes.
- large: the item pages of the network with seed 2, grown to 20-100 KB the way real doorway pages are (filler
  articles, long district lists and related links repeated, the hotline block repeated every
  few screens), so numbers are sparse and repeated.

Two comparisons per set:

- documents: ours runs the full pipeline on the raw bytes (decode, HTML, attributes,
  scripts, extraction); the matcher reads the decoded HTML source.
- text: ours (`extract_text`) and the matcher read the same visible text of each page,
  prepared outside the timing.

MB/s is always page bytes (the raw HTML) per second, so the rows compare directly. Ours is
timed warm (a pass before the timing fills phonenumbers' parse cache and the memo of cut
digit runs, as in a crawl where a network's numbers recur) and cold (those caches cleared
at the start of each timed pass, so only repeats within the set help).
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import phonenumbers

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from spamline.phones import decode_body, extract_document, extract_text
from spamline.phones.compiled import twin
from spamline.phones.extract import clear_caches
from spamline.samplenet import SampleNetwork, render_all

CORPUS = ROOT / "tests" / "phones" / "corpus"


def load_pages(quick: bool) -> list[tuple[bytes, str | None, str | None]]:
    """(body, content type, url) for every bench page."""
    net = SampleNetwork(seed=1, pages_per_site=4 if quick else 12)
    pages = [(page.body, page.content_type, page.url) for page in render_all(net, 8000)]
    with open(CORPUS / "pages.jsonl", encoding="utf-8") as f:
        for line in f:
            row = json.loads(line)
            pages.append(((CORPUS / "pages" / row["file"]).read_bytes(), row["content_type"], row["url"]))
    return pages


_SECTION = re.compile(r'^<div class="[\w-]+-(\w+)">.*$', re.MULTILINE)


def grow(body: bytes, content_type: str | None, size: int) -> bytes:
    """A sample page grown to about `size` bytes as doorway pages grow: filler, districts,
    related links, and the hotline block again every few screens."""
    text, encoding = decode_body(body, content_type)
    sections = {m.group(1): m.group() for m in _SECTION.finditer(text)}
    padding = [sections[k] for k in ("art", "area", "rel") if k in sections]
    if not padding:
        return body
    extra: list[str] = []
    grown = len(body)
    while grown < size:
        block = padding + ([sections["main"]] if "main" in sections and len(extra) % 12 == 9 else [])
        extra.extend(block)
        grown += len("\n".join(block).encode(encoding, "replace"))
    head, tail = text.rsplit("</body>", 1)
    return (head + "\n".join(extra) + "\n</body>" + tail).encode(encoding, "replace")


def large_pages(quick: bool) -> list[tuple[bytes, str | None, str | None]]:
    """Item pages of the sample network (seed 2) grown to 20-100 KB."""
    rng = random.Random(7)
    net = SampleNetwork(seed=2, pages_per_site=3 if quick else 6)
    pages = []
    for page in render_all(net, 8000):
        path = urlsplit(page.url).path
        if path != "/" and "/list/" not in path:
            size = rng.randrange(20_000, 100_000)
            pages.append((grow(page.body, page.content_type, size), page.content_type, page.url))
    return pages


CLOCKS = {"wall": time.perf_counter, "cpu": time.process_time}


def best_of(repeat: int, runs: list, clock=time.perf_counter) -> list[float]:
    """The fastest of `repeat` timed rounds for each run, in seconds of `clock`.

    Rounds interleave the runs, so a busy machine slows them all alike; the process's CPU time
    (`--clock cpu`) leaves out the time other jobs hold the cores, which wall time cannot.
    """
    best = [float("inf")] * len(runs)
    for _ in range(repeat):
        for k, run in enumerate(runs):
            start = clock()
            run()
            best[k] = min(best[k], clock() - start)
    return best


def compare(name: str, pages: list[tuple[bytes, str | None, str | None]], repeat: int, clock=time.perf_counter) -> None:
    """Time ours and the matcher on `pages` (documents and visible text) and print MB/s and ratios."""
    total = sum(len(body) for body, _, _ in pages)
    docs = [extract_document(body, ct, url) for body, ct, url in pages]  # also warms the caches
    sources = [(decode_body(body, ct)[0], doc.region) for (body, ct, _), doc in zip(pages, docs)]
    texts = [(doc.text, doc.region) for doc in docs]

    def ours() -> None:
        for body, ct, url in pages:
            extract_document(body, ct, url)

    def ours_cold() -> None:
        clear_caches()
        ours()

    def ours_text() -> None:
        for text, region in texts:
            extract_text(text, region)

    def matcher(items: list[tuple[str, str]]) -> None:
        for text, region in items:
            for _ in phonenumbers.PhoneNumberMatcher(text, region):
                pass

    t_ours, t_cold, t_source, t_ours_text, t_text = best_of(
        repeat, [ours, ours_cold, lambda: matcher(sources), ours_text, lambda: matcher(texts)], clock)
    mb = total / 1e6
    hits = sum(len(d.hits) for d in docs)
    print(f"\n{name}: {len(pages)} pages, {total:,} bytes ({total / len(pages) / 1000:.1f} KB/page), "
          f"numbers found by ours: {hits:,}")
    rows = [("documents: spamline extract_document(bytes)", t_ours),
            ("documents: same, caches cleared each pass", t_cold),
            ("documents: PhoneNumberMatcher(decoded HTML)", t_source),
            ("text: spamline extract_text(visible text)", t_ours_text),
            ("text: PhoneNumberMatcher(visible text)", t_text)]
    print(f"{'run':<48}{'seconds':>9}{'MB/s':>9}")
    for row, seconds in rows:
        print(f"{row:<48}{seconds:>9.3f}{mb / seconds:>9.2f}")
    print(f"ratio, documents (ours / matcher):                 {t_source / t_ours:.1f}x")
    print(f"ratio, documents, cold caches (ours / matcher):    {t_source / t_cold:.1f}x")
    print(f"ratio, same visible text (ours / matcher):         {t_text / t_ours_text:.1f}x")
    print(f"ratio, our whole pipeline / matcher on text alone: {t_text / t_ours:.1f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer pages and repeats")
    parser.add_argument("--repeat", type=int, default=0, help="timed rounds (default 5, 2 with --quick); "
                        "more rounds steady the best on a busy machine")
    parser.add_argument("--clock", choices=sorted(CLOCKS), default="wall",
                        help="wall time (default) or the process's CPU time (steadier on a shared machine)")
    args = parser.parse_args()
    repeat = args.repeat if args.repeat > 0 else 2 if args.quick else 5
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"load average {os.getloadavg()[0]:.2f}, Python {platform.python_version()}, "
          f"phonenumbers {phonenumbers.__version__}; best of {repeat} interleaved rounds, {args.clock} time; target >= 10x; "
          f"compiled twins {'on' if twin('_runscan') and twin('_htmlscan') else 'OFF (pure Python)'}")
    compare("small pages", load_pages(args.quick), repeat, CLOCKS[args.clock])
    compare("large pages", large_pages(args.quick), repeat, CLOCKS[args.clock])


if __name__ == "__main__":
    main()

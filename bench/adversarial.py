"""Seconds per MB of hostile HTML shapes from 64 KB to 10 MB: flat means linear time.

    python bench/adversarial.py [--quick] [--python-max MB]

Each shape (tests/phones/adversarial.py: inputs that once made the HTML readers quadratic) is
built at each size and read three ways: the compiled HTML reader (`html_text`), the Python
reference (`python_html_text`, up to --python-max MB, default 1: it is some fifty times
slower), and the whole page path (`extract_document` on the bytes: decode, read, extract).
The baseline, measured in the same run, is an ordinary page of the same size: the sample
network's pages concatenated. Each figure is the best of three runs. Printed per shape: s/MB
at each size, then `flat` = s/MB at the largest size over s/MB at the smallest (1 is linear;
a quadratic path gives about the size ratio, 160 from 64 KB to 10 MB), and `x base` = the whole
page path's s/MB at the largest size over the baseline's.
"""
from __future__ import annotations

import argparse
import platform
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from spamline.phones import decode_body, extract_document  # noqa: E402
from spamline.phones.htmltext import html_text, python_html_text  # noqa: E402
from spamline.samplenet import SampleNetwork, render_all  # noqa: E402
from tests.phones.adversarial import SHAPES  # noqa: E402

MB = 1 << 20
SIZES = [64 << 10, 256 << 10, MB, 4 * MB, 10 * MB]


def baseline_shape() -> Callable[[int], str]:
    """Ordinary pages (the sample network's, concatenated) cut to a size."""
    net = SampleNetwork(seed=1, pages_per_site=4)
    pages = "".join(decode_body(p.body, p.content_type)[0] for p in render_all(net, 8000))

    def make(size: int) -> str:
        return (pages * (size // len(pages) + 1))[:size]
    return make


def seconds_per_mb(read: Callable[[str], object], source: str) -> float:
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        read(source)
        best = min(best, time.perf_counter() - start)
    return best / (len(source.encode("utf-8")) / MB)


def page(source: str) -> object:
    return extract_document(source.encode("utf-8"), "text/html")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="64 KB and 1 MB only")
    parser.add_argument("--python-max", type=float, default=1.0, help="largest size (MB) for the Python reader")
    args = parser.parse_args()
    sizes = [64 << 10, MB] if args.quick else SIZES
    print(f"# {platform.machine()}, {platform.python_version()}, sizes {', '.join(f'{s >> 10} KB' for s in sizes)}")
    readers = [("C reader", html_text, sizes[-1]), ("Python reader", python_html_text, args.python_max * MB),
               ("whole page", page, sizes[-1])]
    header = " | ".join(f"{s >> 10} KB" for s in sizes)
    print(f"| shape | path | {header} | flat | x base |")
    print("|" + " --- |" * (len(sizes) + 4))
    shapes = {"baseline: ordinary pages": baseline_shape(), **SHAPES}
    base_page = None
    for name, shape in shapes.items():
        for label, read, largest in readers:
            row = [seconds_per_mb(read, shape(s)) if s <= largest else None for s in sizes]
            done = [x for x in row if x is not None]
            flat = done[-1] / done[0]
            if label == "whole page" and base_page is None:
                base_page = done[-1]
            versus = f"{done[-1] / base_page:.2f}" if label == "whole page" and base_page else ""
            cells = " | ".join(f"{x:.4f}" if x is not None else "" for x in row)
            print(f"| {name} | {label} | {cells} | {flat:.2f} | {versus} |", flush=True)


if __name__ == "__main__":
    main()

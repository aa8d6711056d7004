"""Takedown package build time and size, with and without screenshots.

    python bench/evidence.py [--pages N] [--rounds R]

Crawls the bundled sample network (`spamline demo`, enough doorway pages for N
pages with numbers) into a temporary data dir, takes N captures from the store,
then exports them with `export_package`: without screenshots (the baseline) and
with `--screenshots`, alternating for R rounds. Prints wall time and package size
of each run, the medians and the ratios with / without.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from click.testing import CliRunner

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from spamline.cli import main  # noqa: E402
from spamline.datadir import DataDir  # noqa: E402
from spamline.evidence.package import export_package  # noqa: E402
from spamline.evidence.scope import Scope  # noqa: E402
from spamline.evidence.summary import ExportContext  # noqa: E402
from spamline.store import open_store  # noqa: E402


def crawl(root: Path, pages: int) -> list:
    per_site = max(4, pages // 10)
    result = CliRunner().invoke(main, ["demo", "--data-dir", str(root), "--pages-per-site",
                                       str(per_site), "--no-progress"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    with open_store(None, DataDir.open(root)) as store:
        captures = sorted((c for c in store.iter_captures() if c.hits), key=lambda c: c.url)
    assert len(captures) >= pages, f"only {len(captures)} pages with numbers"
    return captures[:pages]


def export(captures: list, root: Path, out: Path, shots: bool) -> tuple[float, int, int]:
    context = ExportContext(Scope("bench", ""), made_by="bench")
    start = time.perf_counter()
    result = export_package(captures, root / "warcs", out, selection="bench", screenshots=shots,
                            context=context)
    took = time.perf_counter() - start
    size = out.stat().st_size
    out.unlink()
    return took, size, result.screenshots


def main_() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="spamline-bench-") as tmp:
        root = Path(tmp) / "data"
        captures = crawl(root, args.pages)
        runs: dict[bool, list[tuple[float, int]]] = {False: [], True: []}
        for n in range(1, args.rounds + 1):
            for shots in (False, True):
                took, size, drawn = export(captures, root, Path(tmp) / "p.wacz", shots)
                runs[shots].append((took, size))
                label = f"with screenshots ({drawn})" if shots else "without screenshots"
                print(f"round {n}: {label:26} {took:7.2f} s  {size / 1e6:7.2f} MB "
                      f"({len(captures)} pages)", flush=True)
        med = {k: (statistics.median(t for t, _ in v), statistics.median(s for _, s in v))
               for k, v in runs.items()}
        for shots, (took, size) in med.items():
            label = "with screenshots" if shots else "without screenshots"
            print(f"median {label:22} {took:7.2f} s  {size / 1e6:7.2f} MB")
        print(f"ratio with/without: time {med[True][0] / med[False][0]:.1f}x, "
              f"size {med[True][1] / med[False][1]:.1f}x")


if __name__ == "__main__":
    main_()

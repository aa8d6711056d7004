"""Memory of a long crawl: 100 000 local pages through the full pipeline, RSS sampled over time.

    python bench/memory.py [--quick] [--pages N] [--every SECONDS]

The sample network in large mode (pages rendered lazily) is served on 127.0.0.1 by
this process; a crawler process (spamline.crawl.run_crawl: WARC, extraction, features,
SQLite store, JOBDIR) crawls all of it with AutoThrottle off and no depth limit. Its
resident memory (psutil) is sampled every few seconds against pages fetched; the
bench prints the table, an ASCII plot, and the slope of RSS over the second half of
the crawl (flat memory: a slope near 0 MB per 10 000 pages).
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from spamline.samplenet import SampleNetworkServer  # noqa: E402
from spamline.samplenet.site import SampleNetwork  # noqa: E402

RUNNER = r"""
import json, sys
from spamline.crawl import CrawlOptions, run_crawl
from spamline.datadir import DataDir
spec = json.loads(sys.argv[1])
s = run_crawl(CrawlOptions(urls=spec["urls"], data_dir=DataDir.open(spec["data_dir"]),
                           host_map=spec["hosts"], allow_private=True, progress=False,
                           obey_robots=False, job="memory", depth=0, settings={
                               "AUTOTHROTTLE_ENABLED": False, "SPAMLINE_MAX_PAGES_PER_HOST": 0,
                               "TELNETCONSOLE_ENABLED": False}))
print(json.dumps({"pages": s.pages, "seconds": s.seconds, "reason": s.finish_reason}))
"""


def fetched(srv: SampleNetworkServer) -> int:
    return sum(srv.fetch_counts.values())


def ascii_plot(samples: list[tuple[float, int, float]], width: int = 60, height: int = 12) -> str:
    """RSS (MB, y) against pages fetched (x)."""
    xs, ys = [s[1] for s in samples], [s[2] for s in samples]
    lo, hi = 0.0, max(ys) * 1.1
    xmax = max(xs) or 1
    grid = [[" "] * width for _ in range(height)]
    for x, y in zip(xs, ys):
        col = min(width - 1, int(x / xmax * (width - 1)))
        row = min(height - 1, int((y - lo) / (hi - lo) * (height - 1)))
        grid[height - 1 - row][col] = "*"
    lines = [f"{hi - (hi - lo) * i / (height - 1):7.0f} MB |" + "".join(r) for i, r in enumerate(grid)]
    lines.append(" " * 11 + "+" + "-" * width)
    lines.append(" " * 12 + f"0{'pages fetched':^{width - 12}}{xmax:>11,}")
    return "\n".join(lines)


def slope(samples: list[tuple[float, int, float]]) -> float:
    """Least-squares MB per 10 000 pages from 50% to 95% of the pages (start-up and the
    final flush left out)."""
    last = samples[-1][1]
    half = [s for s in samples if last / 2 <= s[1] <= last * 0.95]
    if len(half) < 2:
        return 0.0
    n = len(half)
    mx = sum(s[1] for s in half) / n
    my = sum(s[2] for s in half) / n
    var = sum((s[1] - mx) ** 2 for s in half) or 1
    return sum((s[1] - mx) * (s[2] - my) for s in half) / var * 10_000


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="3 000 pages")
    ap.add_argument("--pages", type=int, default=None)
    ap.add_argument("--every", type=float, default=None, help="seconds between samples")
    args = ap.parse_args()
    total = args.pages or (3_000 if args.quick else 100_000)
    every = args.every or (1.0 if args.quick else 10.0)
    network = SampleNetwork.large(seed=1, total_pages=total)
    samples: list[tuple[float, int, float]] = []
    with SampleNetworkServer(network=network) as srv, tempfile.TemporaryDirectory(prefix="bench-mem-") as tmp:
        print(f"sample network: {len(srv.seed_urls)} hosts, {network.page_count:,} pages; "
              f"sampling RSS every {every:g}s")
        spec = {"urls": srv.seed_urls, "hosts": srv.host_map, "data_dir": tmp}
        proc = subprocess.Popen([sys.executable, "-c", RUNNER, json.dumps(spec)], cwd=ROOT,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                env={**os.environ, "PYTHONPATH": str(ROOT)})
        ps = psutil.Process(proc.pid)
        started = time.monotonic()
        print(f"{'seconds':>8} {'pages':>9} {'RSS MB':>8}")
        while proc.poll() is None:
            try:
                rss = ps.memory_info().rss / 2**20
            except psutil.NoSuchProcess:
                break
            samples.append((time.monotonic() - started, fetched(srv), rss))
            t, n, m = samples[-1]
            print(f"{t:8.0f} {n:9,} {m:8.1f}", flush=True)
            try:
                proc.wait(every)
            except subprocess.TimeoutExpired:
                pass
        out, err = proc.communicate()
        if proc.returncode != 0:
            raise SystemExit(f"crawl failed:\n{err[-3000:]}")
        result = json.loads(out.strip().splitlines()[-1])
        disk = sum(f.stat().st_size for f in Path(tmp).rglob("*") if f.is_file()) / 2**20
    last = max(s[1] for s in samples)
    done_at = next(i for i, s in enumerate(samples) if s[1] == last)
    crawled = [s for s in samples[:done_at + 1] if s[1] > 0]  # leave out start-up and closing
    print()
    print(ascii_plot(crawled or samples))
    peak = max(s[2] for s in samples)
    print(f"\ncrawled {result['pages']:,} pages in {result['seconds']:.0f}s "
          f"({result['pages'] / result['seconds']:.1f} pages/s, {result['reason']}); data dir {disk:.0f} MB")
    at = {q: next(s[2] for s in crawled if s[1] >= crawled[-1][1] * q / 100) for q in (10, 25, 50, 75, 95)}
    print("RSS at " + ", ".join(f"{q}% of pages {m:.0f} MB" for q, m in at.items())
          + f"; peak {peak:.0f} MB")
    print(f"slope from 50% to 95% of pages: {slope(crawled):+.1f} MB per 10 000 pages")


if __name__ == "__main__":
    main()

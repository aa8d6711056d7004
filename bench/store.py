"""Load synthetic sightings into the SQLite store; time the load and the lookups analysts make.

    python bench/store.py            # 10 M sightings (minutes; a few GB in a temp dir)
    python bench/store.py --quick    # 200 k sightings, for CI and development

Prints the load rate and p50/p99 latency of `search` by number, brand and domain
(limit 100, as the CLI), and of `number_profile`, against the target p99 < 50 ms.
"""
from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from spamline.model import Capture, PhoneHit, WarcLocation
from spamline.store.sqlite import SQLiteStore

TARGET_P99_MS = 50.0
START = 1767225600  # 2026-01-01T00:00:00Z
HITS_PER_CAPTURE = 5
BATCH = 1000  # captures per add_captures call (one transaction)
WORDS = "京东 客服 退款 热线 官方 售后 全国 统一 customer service refund hotline official".split()


def synthetic(sightings: int, seed: int = 7) -> Iterator[list[Capture]]:
    """Batches of captures in crawl order over a year: skewed number reuse, 50 brands,
    20 k domains."""
    rng = random.Random(seed)
    captures = sightings // HITS_PER_CAPTURE
    numbers = max(1000, sightings // 50)
    pages = max(1000, captures // 4)
    batch: list[Capture] = []
    for i in range(captures):
        page = rng.randrange(pages)
        second = int(i * 365 * 86400 / captures) + rng.randrange(3600)  # crawls go on in time
        when = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(START + second))
        hits = []
        for k in range(HITS_PER_CAPTURE):
            n = int(numbers * rng.random() ** 2)  # a few numbers appear on many pages
            raw = f"400-{n // 10000:03d}-{n % 10000:04d}"
            hits.append(PhoneHit(f"+86400{n:07d}", raw, 20 + 30 * k, 32 + 30 * k, "toll_free",
                                 f"... {raw} ...", "text", "CN"))
        text = " ".join(rng.choice(WORDS) for _ in range(12))
        batch.append(Capture(
            url=f"http://spam{page % 20000}.test/p/{page}", status=200, captured_at=when,
            content_type="text/html", encoding="utf-8", title=f"brand{page % 50} 客服",
            text=text, job="bench", hits=hits, brands=[f"brand{page % 50}"],
            warc=WarcLocation(f"bench-{i // 100000:05d}.warc.gz", i * 900, 900,
                              f"<urn:uuid:{i:032x}>"),
        ))
        if len(batch) >= BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def timed(fn: Callable[[str], object], queries: list[str]) -> tuple[float, float]:
    """p50 and p99 latency in milliseconds of fn over the queries."""
    times = []
    for q in queries:
        t = time.perf_counter()
        fn(q)
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, int(len(times) * 0.99))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="200 k sightings instead of 10 M")
    parser.add_argument("--sightings", type=int, help="how many sightings to load")
    parser.add_argument("--dir", type=Path, help="folder for the database (default: a temp dir)")
    parser.add_argument("--lookups", type=int, default=1000, help="queries per lookup kind")
    parser.add_argument("--lookups-only", action="store_true",
                        help="time lookups on the database a previous run left in --dir")
    args = parser.parse_args()
    total = args.sightings or (200_000 if args.quick else 10_000_000)
    folder = args.dir or Path(tempfile.mkdtemp(prefix="spamline-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    db = folder / "bench.db"
    if not args.lookups_only:
        db.unlink(missing_ok=True)
    store = SQLiteStore(db)
    if not args.lookups_only:
        load(store, total)
    lookups(store, args.lookups)
    store.close()
    print(f"database at {db}")
    return 0


def load(store: SQLiteStore, total: int) -> None:
    """Load `total` synthetic sightings and print the rate."""
    load_s = cpu_s = 0.0  # time spent in add_captures only, not in making the data
    loaded = 0
    for batch in synthetic(total):
        wall, cpu = time.perf_counter(), time.process_time()
        store.add_captures(batch)
        load_s += time.perf_counter() - wall
        cpu_s += time.process_time() - cpu
        loaded += sum(len(c.hits) for c in batch)
        if loaded % 1_000_000 < HITS_PER_CAPTURE * BATCH:
            print(f"  loaded {loaded:,} sightings, {loaded / load_s:,.0f}/s", file=sys.stderr,
                  flush=True)
    counts = store.counts()
    size = sum(p.stat().st_size for p in store.path.parent.glob(store.path.name + "*"))
    print(f"loaded {counts['sightings']:,} sightings ({counts['captures']:,} captures, "
          f"{counts['numbers']:,} numbers, {counts['domains']:,} domains) in {load_s:.1f} s "
          f"of add_captures: {counts['sightings'] / load_s:,.0f} sightings/s "
          f"({counts['sightings'] / cpu_s:,.0f} per CPU second); "
          f"database {size / 2**30:.2f} GiB")


def lookups(store: SQLiteStore, count: int) -> None:
    """Print p50/p99 latency of each lookup kind over `count` random queries."""
    rng = random.Random(11)
    numbers = [r[0] for r in store.conn.execute(
        "SELECT e164 FROM numbers ORDER BY random() LIMIT ?", [count])]
    hot = [r[0] for r in store.conn.execute(  # the most-seen numbers: the worst case
        "SELECT e164 FROM sightings GROUP BY e164 ORDER BY count(*) DESC LIMIT 10")]
    domains = [r[0] for r in store.conn.execute(
        "SELECT domain FROM domains ORDER BY random() LIMIT ?", [count])]
    brands = [f"BRAND{rng.randrange(50)}" for _ in range(count)]  # case-insensitive
    rows = [
        ("search by number", store.search, numbers),
        ("search by number (10 most-seen)", store.search, hot * (count // 10)),
        ("search by brand", store.search, brands),
        ("search by domain", store.search, domains),
        ("number profile", store.number_profile, numbers),
        ("number profile (10 most-seen)", store.number_profile, hot * (count // 100)),
    ]
    print(f"{'lookup (limit 100)':<34}{'p50 ms':>9}{'p99 ms':>9}{'p99/target':>12}")
    worst = 0.0
    for name, fn, queries in rows:
        p50, p99 = timed(fn, queries)
        worst = max(worst, p99) if name.startswith("search") else worst
        print(f"{name:<34}{p50:>9.2f}{p99:>9.2f}{p99 / TARGET_P99_MS:>12.2f}")
    p50, p99 = timed(store.search, ["退款热线"] * 20)
    print(f"{'full-text search (info)':<34}{p50:>9.2f}{p99:>9.2f}")
    print(f"worst search p99 {worst:.2f} ms vs target {TARGET_P99_MS:.0f} ms: "
          f"{'OK' if worst < TARGET_P99_MS else 'MISSED'}")


if __name__ == "__main__":
    sys.exit(main())

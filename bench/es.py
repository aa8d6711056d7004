"""Bulk-load synthetic sightings into an Elasticsearch store (any ES-API server); time the
load and the lookups analysts make, next to the SQLite store on the same data in the same run.

    python bench/es.py --url http://127.0.0.1:9200                 # 1 M sightings
    python bench/es.py --url http://127.0.0.1:9200 --quick         # 100 k
    python bench/es.py --url http://127.0.0.1:9200 --no-baseline   # Elasticsearch only

The data is bench/store.py's (crawl order over a year, skewed number reuse, 50 brands,
20 000 domains), written through the real `add_captures` path in batches of 1 000 captures.
Prints sightings/s and p50/p99 of `search` by number, brand and domain (limit 100) and of
`number_profile`, with the ratio ES/SQLite; the indices (prefix bench-…) are dropped after.
"""
from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
import uuid
from pathlib import Path

from store import HITS_PER_CAPTURE, TARGET_P99_MS, synthetic, timed

from spamline.store.base import Store
from spamline.store.elastic import ElasticStore
from spamline.store.sqlite import SQLiteStore


def load(store: Store, total: int, name: str) -> tuple[float, set[str], set[str]]:
    """Load `total` sightings; (sightings/s of add_captures, numbers seen, domains seen)."""
    seconds, loaded = 0.0, 0
    numbers: set[str] = set()
    domains: set[str] = set()
    for batch in synthetic(total):
        numbers.update(h.e164 for c in batch for h in c.hits)
        domains.update(c.domain for c in batch)
        t = time.perf_counter()
        store.add_captures(batch)
        seconds += time.perf_counter() - t
        loaded += sum(len(c.hits) for c in batch)
        if loaded % 200_000 < HITS_PER_CAPTURE * 1000:
            print(f"  {name}: {loaded:,} sightings, {loaded / seconds:,.0f}/s", file=sys.stderr,
                  flush=True)
    return loaded / seconds, numbers, domains


def lookups(store: Store, numbers: list[str], domains: list[str], brands: list[str]
            ) -> dict[str, tuple[float, float]]:
    return {
        "search by number": timed(store.search, numbers),
        "search by brand": timed(store.search, brands),
        "search by domain": timed(store.search, domains),
        "number profile": timed(store.number_profile, numbers),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True, help="the server, e.g. http://127.0.0.1:9200")
    parser.add_argument("--sightings", type=int, help="how many (default 1 M; --quick 100 k)")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--lookups", type=int, default=500, help="queries per lookup kind")
    parser.add_argument("--no-baseline", action="store_true", help="skip the SQLite run")
    args = parser.parse_args()
    total = args.sightings or (100_000 if args.quick else 1_000_000)

    stores: dict[str, Store] = {
        "elasticsearch": ElasticStore.from_url(f"{args.url.rstrip('/')}/bench-{uuid.uuid4().hex[:8]}")}
    if not args.no_baseline:
        stores["sqlite"] = SQLiteStore(Path(tempfile.mkdtemp(prefix="spamline-bench-")) / "b.db")
    rates, latencies = {}, {}
    try:
        for name, store in stores.items():
            rates[name], numbers, domains = load(store, total, name)
            rng = random.Random(11)
            queries = (rng.sample(sorted(numbers), min(args.lookups, len(numbers))),
                       rng.sample(sorted(domains), min(args.lookups, len(domains))),
                       [f"BRAND{rng.randrange(50)}" for _ in range(args.lookups)])
            latencies[name] = lookups(store, *queries)
    finally:
        es = stores["elasticsearch"]
        es.drop()  # type: ignore[attr-defined]
        for store in stores.values():
            store.close()
    report(total, rates, latencies)
    return 0


def report(total: int, rates: dict[str, float], latencies: dict[str, dict]) -> None:
    base = "sqlite" in rates
    print(f"{total:,} sightings; load: elasticsearch {rates['elasticsearch']:,.0f} sightings/s"
          + (f", sqlite {rates['sqlite']:,.0f}/s, es/sqlite "
             f"{rates['elasticsearch'] / rates['sqlite']:.2f}" if base else ""))
    print(f"{'lookup (limit 100)':<20}{'es p50':>9}{'es p99':>9}"
          + (f"{'sqlite p50':>12}{'sqlite p99':>12}{'p99 es/sqlite':>15}" if base else "")
          + f"{'es p99/target':>15}")
    for kind, (p50, p99) in latencies["elasticsearch"].items():
        line = f"{kind:<20}{p50:>9.2f}{p99:>9.2f}"
        if base:
            s50, s99 = latencies["sqlite"][kind]
            line += f"{s50:>12.2f}{s99:>12.2f}{p99 / s99:>15.2f}"
        print(line + f"{p99 / TARGET_P99_MS:>15.2f}")


if __name__ == "__main__":
    sys.exit(main())

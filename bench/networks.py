"""Build networks from millions of synthetic sightings; print time, peak memory and accuracy.

    python bench/networks.py           # 10 M sightings
    python bench/networks.py --quick   # 500 k sightings

Synthetic spam networks (1-8 domains, 1-5 numbers, 20 pages per domain, 1-3 numbers
per page) plus hub numbers printed on pages of many networks. The run checks that
every network comes back whole and that every hub is refused.
"""
from __future__ import annotations

import argparse
import os
import platform
import random
import resource
import time
from collections.abc import Iterator
from dataclasses import dataclass

from spamline.networks.build import networks_from
from spamline.networks.graph_input import GraphInput

PAGES_PER_DOMAIN = 20
HUBS = 5
HUB_SHARE = 0.01  # share of pages that also print a hub


@dataclass(slots=True)
class Row:
    """The fields of a Sighting the network builder reads (kept small: ten million in memory)."""

    e164: str
    number_type: str
    url: str
    domain: str
    brand: str
    captured_at: str


def synthetic(target: int, seed: int = 1) -> tuple[Iterator[Row], dict[str, frozenset[str]]]:
    """About `target` sightings, and the truth: smallest number -> the network's numbers."""
    rng = random.Random(seed)
    shapes = []
    total = 0
    while total < target:
        d, m = rng.randint(1, 8), rng.randint(1, 5)
        shapes.append((d, m))
        total += d * PAGES_PER_DOMAIN * (1 + min(m, 3)) // 2 + d * PAGES_PER_DOMAIN * HUB_SHARE
    truth = {}
    for k, (d, m) in enumerate(shapes):
        nums = [f"+86400{k:07d}{j}" for j in range(m)]
        truth[nums[0]] = frozenset(nums)
    hubs = [f"+86100{h:08d}" for h in range(HUBS)]

    def rows() -> Iterator[Row]:
        r = random.Random(seed + 1)
        for k, (d, m) in enumerate(shapes):
            nums = [f"+86400{k:07d}{j}" for j in range(m)]
            brand = f"brand{k % 997}"
            for j in range(d):
                domain = f"n{k}-{j}.test"
                for p in range(PAGES_PER_DOMAIN):
                    url = f"http://{domain}/p{p}.html"
                    when = f"2026-{1 + p % 12:02d}-01T00:00:00Z"
                    # numbers rotate over pages so every number spans the network
                    for i in range(1 + (p + j) % min(m, 3)):
                        yield Row(nums[(p + j + i) % m], "shared_cost", url, domain, brand, when)
                    if r.random() < HUB_SHARE:
                        yield Row(hubs[r.randrange(HUBS)], "shared_cost", url, domain, "", when)

    return rows(), truth


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="500 k sightings instead of 10 M")
    ap.add_argument("--sightings", type=int, help="any other size")
    args = ap.parse_args()
    target = args.sightings or (500_000 if args.quick else 10_000_000)

    t0 = time.perf_counter()
    rows, truth = synthetic(target)
    rows = list(rows)
    gen = time.perf_counter() - t0
    before = peak_mib()

    t0, c0 = time.perf_counter(), time.process_time()
    data = GraphInput()
    data.add(rows)
    t1, c1 = time.perf_counter(), time.process_time()
    result = networks_from(data)
    took, cpu = time.perf_counter() - t0, time.process_time() - c0
    n_rows = len(rows)
    built = {frozenset(n.numbers) for n in result.networks}
    whole = sum(1 for nums in truth.values() if nums in built)
    print(f"machine: {platform.machine()}, {platform.python_implementation()} {platform.python_version()}")
    print(f"sightings: {n_rows:,}  networks expected: {len(truth):,}  built: {len(result.networks):,}")
    print(f"recovered whole: {whole:,}/{len(truth):,}  hubs refused: {len(result.hubs)}/{HUBS}")
    print(f"generating the sightings (not timed below): {gen:.1f} s, peak {before:,.0f} MiB with them in memory")
    print(f"build: {took:.1f} s wall, {cpu:.1f} s CPU -> {n_rows / took / 1e6:.2f} M sightings/s "
          f"(folding sightings into arrays {t1 - t0:.1f} s / {c1 - c0:.1f} s CPU, "
          f"clustering and describing {took - (t1 - t0):.1f} s / {cpu - (c1 - c0):.1f} s CPU)")
    print(f"load average during the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"peak memory: {peak_mib():,.0f} MiB, of which the build added {peak_mib() - before:,.0f} MiB")
    if whole != len(truth) or len(result.hubs) != HUBS:
        raise SystemExit("networks not recovered exactly")


if __name__ == "__main__":
    main()

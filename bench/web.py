"""Response times of the web API and pages on a large store, next to the store call alone.

    python bench/web.py              # 1 M sightings (a few minutes to load)
    python bench/web.py --quick      # 100 k sightings
    python bench/web.py --db DIR/bench.db   # reuse a store made by bench/store.py --dir DIR

Requests go over HTTP (keep-alive) to the real app under uvicorn on 127.0.0.1:
routing, token check, rate limiter, scope, JSON or HTML rendering. The store's own
time for the same query is measured in the same run: the ratio is the web layer's cost.
"""
from __future__ import annotations

import argparse
import socket
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

import httpx
import uvicorn

sys.path.insert(0, str(Path(__file__).parent))  # bench/store.py: the shared synthetic crawl
from store import synthetic

from spamline.datadir import DataDir
from spamline.store.sqlite import SQLiteStore
from spamline.web import create_app
from spamline.web.auth import Users


def timed(fn: Callable[[str], object], queries: list[str]) -> tuple[float, float, float]:
    """p50 and p99 wall milliseconds of fn over the queries, and CPU milliseconds per call
    (this process: client and server together)."""
    times = []
    cpu = time.process_time()
    for q in queries:
        t = time.perf_counter()
        fn(q)
        times.append((time.perf_counter() - t) * 1000)
    cpu_ms = (time.process_time() - cpu) * 1000 / len(queries)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, int(len(times) * 0.99))], cpu_ms


def load(db: Path, sightings: int) -> None:
    store = SQLiteStore(db)
    t = time.perf_counter()
    for batch in synthetic(sightings):
        store.add_captures(batch)
    print(f"loaded {store.counts()['sightings']:,} sightings in {time.perf_counter() - t:.0f} s",
          file=sys.stderr)
    store.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="100 k sightings instead of 1 M")
    parser.add_argument("--sightings", type=int, help="how many sightings to load")
    parser.add_argument("--db", type=Path, help="an existing store from bench/store.py")
    parser.add_argument("--lookups", type=int, default=300, help="requests per kind")
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="spamline-bench-web-"))
    data_dir = DataDir.open(root)
    db = args.db or data_dir.db
    if args.db is None:
        load(db, args.sightings or (100_000 if args.quick else 1_000_000))
    users = Users.of(data_dir)
    analyst, owner = users.add("ana", "analyst"), users.add("own", "brand-owner", ["brand7"])
    app = create_app(data_dir, f"sqlite:{db}", rate=1e9, burst=10**9)
    store = app.state.store
    counts = store.counts()
    numbers = [r[0] for r in store.conn.execute(
        "SELECT e164 FROM numbers ORDER BY random() LIMIT ?", [args.lookups])]
    owned = [r[0] for r in store.conn.execute(
        "SELECT DISTINCT s.e164 FROM sighting_brands b JOIN sightings s ON s.id = b.sighting "
        "WHERE b.brand = 'brand7' LIMIT ?", [args.lookups])]
    domains = [r[0] for r in store.conn.execute(
        "SELECT domain FROM domains ORDER BY random() LIMIT ?", [args.lookups])]
    brands = [f"brand{i % 50}" for i in range(args.lookups)]

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    with httpx.Client(base_url=f"http://127.0.0.1:{port}") as client:
        client.post("/login", data={"token": analyst})

        def api(token: str, path: str) -> Callable[[str], object]:
            def call(q: str) -> object:
                r = client.get(path.format(quote(q, safe="")),
                               headers={"Authorization": f"Bearer {token}"})
                assert r.status_code == 200, (r.status_code, r.text[:200])
                return r
            return call

        def page(path: str) -> Callable[[str], object]:
            def call(q: str) -> object:
                r = client.get(path.format(quote(q, safe="")))
                assert r.status_code == 200, r.status_code
                return r
            return call

        rows = [
            ("search number", api(analyst, "/api/search?q={}"), lambda q: store.search(q, limit=51),
             numbers),
            ("search domain", api(analyst, "/api/search?q={}"), lambda q: store.search(q, limit=51),
             domains),
            ("search brand", api(analyst, "/api/search?q={}"), lambda q: store.search(q, limit=51),
             brands),
            ("number profile+timeline", api(analyst, "/api/numbers/{}"),
             lambda q: (store.number_profile(q), store.search(q, limit=51)), numbers),
            ("brand owner: search number", api(owner, "/api/search?q={}"), None, owned),
            ("brand owner: number profile", api(owner, "/api/numbers/{}"), None, owned),
            ("page: search (HTML)", page("/?q={}"), None, numbers),
            ("page: number (HTML)", page("/numbers/{}"), None, numbers),
        ]
        print(f"store: {counts['sightings']:,} sightings, {counts['numbers']:,} numbers, "
              f"{counts['domains']:,} domains, {counts['captures']:,} captures")
        print(f"{'request':<30}{'p50 ms':>9}{'p99 ms':>9}{'cpu ms':>9}{'store p50':>11}"
              f"{'web/store':>11}")
        for name, fn, direct, queries in rows:
            fn(queries[0])  # warm
            p50, p99, cpu = timed(fn, queries)
            line = f"{name:<30}{p50:>9.2f}{p99:>9.2f}{cpu:>9.2f}"
            if direct:
                s50 = timed(direct, queries)[0]
                line += f"{s50:>11.2f}{p50 / s50:>11.1f}"
            print(line)
    server.should_exit = True
    thread.join(10)
    return 0


if __name__ == "__main__":
    sys.exit(main())

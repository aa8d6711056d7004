"""Spark `local[2]` against `spamline ingest --workers 2` on the same WARC files.

    python bench/spark_ingest.py [--mb 100] [--files 4] [--rounds 1]

Writes --files gzip WARCs holding --mb MB of uncompressed sample-network records (the
generator of bench/ingest.py), then, --rounds times in turn, times
  ingest -w 2     run_ingest into a fresh data dir with 2 worker processes (store written)
  spark local[2]  the spark-ingest job, JVM start included (captures/ and sightings/ written)
and prints MB/s of uncompressed WARC for each and Spark's rate as a ratio of ingest's,
from each one's median round (target: >= 0.7x). The load average is printed with each round:
the ratio is only meaningful for rounds run under the same load.
"""
from __future__ import annotations

import argparse
import importlib.util
import os
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from spamline.datadir import DataDir  # noqa: E402
from spamline.ingest import IngestOptions, run_ingest  # noqa: E402


def _bench_ingest():
    spec = importlib.util.spec_from_file_location("bench_ingest", ROOT / "bench" / "ingest.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mb", type=int, default=100, help="uncompressed MB of WARC to generate")
    ap.add_argument("--files", type=int, default=4)
    ap.add_argument("--rounds", type=int, default=1)
    args = ap.parse_args()
    from spamline.ingest.spark import run_job

    with tempfile.TemporaryDirectory(prefix="spamline-bench-") as tmp_dir:
        tmp = Path(tmp_dir)
        (tmp / "warcs").mkdir()
        bench = _bench_ingest()
        size, timed = bench.write_warcs(tmp / "warcs", args.mb, args.files), bench.timed
        files = sorted(str(f) for f in (tmp / "warcs").glob("*.warc.gz"))
        mb = size / 2**20
        print(f"{len(files)} WARC files, {mb:.0f} MB uncompressed", flush=True)
        times: dict[str, list[float]] = {"ingest -w 2": [], "spark local[2]": []}
        for n in range(args.rounds):
            data = DataDir.open(tmp / f"data-{n}")
            times["ingest -w 2"].append(timed(lambda: run_ingest(IngestOptions(
                [str(tmp / "warcs")], data, workers=2))))
            times["spark local[2]"].append(timed(lambda: run_job(
                files, tmp / f"parquet-{n}", "local[2]")))
            print(f"round {n + 1}: " + ", ".join(f"{k} {v[-1]:.1f} s" for k, v in times.items())
                  + " (load average %.1f %.1f %.1f)" % os.getloadavg(), flush=True)
        rates = {k: mb / statistics.median(v) for k, v in times.items()}
        for name, rate in rates.items():
            print(f"{name:>15}: {mb / rate:7.1f} s  {rate:6.2f} MB/s")
        print(f"spark local[2] / ingest -w 2: {rates['spark local[2]'] / rates['ingest -w 2']:.2f}x")


if __name__ == "__main__":
    main()

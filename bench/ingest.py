"""Ingest throughput: `spamline ingest` against a raw read of the same WARCs.

    python bench/ingest.py [--mb 500] [--files 5] [--sets small,large] [--no-spark]

For each page set, writes --files gzip WARCs (per-record gzip, warcio's writer) holding --mb
MB of uncompressed records, every page of the set repeated under new URLs:
  small  every page of the sample network (seed 1): 168 pages of about 2.7 KB
  large  the item pages of the sample network (seed 2) grown to 20-100 KB the way doorway
         pages grow (bench/extract.py's "large" set)
then times, in MB/s of uncompressed WARC:
  raw FastWARC   iterate every record and read its payload (decompression alone: the limit)
  raw warcio     the same with warcio (the reference reader)
  lxml parse     raw FastWARC plus lxml.html parsing every payload once: the floor of any
                 reader that parses the HTML (the page reader does this and much more)
  ingest -w 1/2  run_ingest into a fresh data dir with 1 and 2 worker processes
  spark local[2] the spark-ingest job on the same files (Parquet written, not loaded)
and prints each one's ratio to raw FastWARC (targets: ingest -w 1 >= 0.5x raw; -w 2 near 2x
-w 1; Spark >= 0.7x ingest -w 2). For the ingest rows it also prints the CPU time per page
of the main process (analysis and store writes) and of the workers (reading the records
and the page reader): with N workers on C cores, ingest cannot beat
C / (main + workers) pages per second, nor 1 / main.
"""
from __future__ import annotations

import argparse
import io
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import lxml.html  # noqa: E402
from fastwarc.warc import ArchiveIterator as FastIterator  # noqa: E402
from warcio.archiveiterator import ArchiveIterator  # noqa: E402
from warcio.statusandheaders import StatusAndHeaders  # noqa: E402
from warcio.warcwriter import WARCWriter  # noqa: E402

from extract import large_pages  # noqa: E402  (bench/extract.py, beside this file)
from spamline.datadir import DataDir  # noqa: E402
from spamline.ingest import IngestOptions, run_ingest  # noqa: E402
from spamline.samplenet import SampleNetwork, render_all  # noqa: E402

PageSet = list[tuple[str, bytes, str]]  # (url, body, content type)


def small_pages() -> PageSet:
    """Every page of the sample network (seed 1), as served on port 8080."""
    return [(p.url, p.body, p.content_type) for p in render_all(SampleNetwork(seed=1), 8080)]


def doorway_pages() -> PageSet:
    return [(url, body, ct or "text/html") for body, ct, url in large_pages(quick=False)]


SETS: dict[str, Callable[[], PageSet]] = {"small": small_pages, "large": doorway_pages}


def write_warcs(folder: Path, pages: PageSet, total_mb: int, files: int) -> int:
    """Gzip WARCs of `pages`, repeated under new URLs; returns the uncompressed bytes written."""
    per_file, written, n = total_mb * 2**20 // files, 0, 0
    for i in range(files):
        with open(folder / f"bench-{i:03d}.warc.gz", "wb") as fh:
            writer = WARCWriter(fh, gzip=True)
            size = 0
            while size < per_file:
                url, body, content_type = pages[n % len(pages)]
                url = f"{url}{'&' if '?' in url else '?'}copy={n}"
                head = StatusAndHeaders("200 OK", [("Content-Type", content_type)],
                                        protocol="HTTP/1.1")
                buf = io.BytesIO()
                WARCWriter(buf, gzip=False).write_record(writer.create_warc_record(
                    url, "response", payload=io.BytesIO(body), http_headers=head))
                size += len(buf.getvalue())
                writer.write_record(writer.create_warc_record(
                    url, "response", payload=io.BytesIO(body), http_headers=head))
                n += 1
            written += size
    return written


def raw_fastwarc(files: list[Path]) -> None:
    for path in files:
        with open(path, "rb") as fh:
            for rec in FastIterator(fh, parse_http=True):
                rec.reader.read()


def parse_floor(files: list[Path]) -> None:
    for path in files:
        with open(path, "rb") as fh:
            for rec in FastIterator(fh, parse_http=True):
                lxml.html.fromstring(rec.reader.read())


def raw_warcio(files: list[Path]) -> None:
    for path in files:
        with open(path, "rb") as fh:
            for rec in ArchiveIterator(fh):
                rec.content_stream().read()


def timed(fn: Callable[[], object]) -> float:
    began = time.perf_counter()
    fn()
    return time.perf_counter() - began


def cpu(who: int) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def bench_set(name: str, tmp: Path, args: argparse.Namespace) -> None:
    pages = SETS[name]()
    warcs = tmp / name / "warcs"
    warcs.mkdir(parents=True)
    size = write_warcs(warcs, pages, args.mb, args.files)
    files = sorted(warcs.glob("*.warc.gz"))
    gz = sum(f.stat().st_size for f in files)
    per_page = sum(len(body) for _, body, _ in pages) / len(pages)
    print(f"\n{name}: {len(pages)} distinct pages of {per_page / 1000:.1f} KB on average; "
          f"{len(files)} WARC files, {size / 2**20:.0f} MB uncompressed ({gz / 2**20:.1f} MB gzip)")
    mb = size / 2**20
    base = mb / timed(lambda: raw_fastwarc(files))

    def report(row: str, seconds: float, extra: str = "") -> None:
        rate = mb / seconds
        print(f"{row:>18}: {seconds:8.1f} s  {rate:8.2f} MB/s  {rate / base:6.3f}x raw FastWARC"
              f"{extra}", flush=True)

    report("raw FastWARC", mb / base)
    report("raw warcio", timed(lambda: raw_warcio(files)))
    report("lxml parse", timed(lambda: parse_floor(files)))
    for workers in (1, 2):
        data = DataDir.open(tmp / name / f"data-{workers}")
        main, children = cpu(resource.RUSAGE_SELF), cpu(resource.RUSAGE_CHILDREN)
        began = time.perf_counter()
        summary = run_ingest(IngestOptions([str(warcs)], data, workers=workers))
        seconds = time.perf_counter() - began
        main = (cpu(resource.RUSAGE_SELF) - main) / summary.captures * 1e3
        children = (cpu(resource.RUSAGE_CHILDREN) - children) / summary.captures * 1e3
        report(f"ingest --workers {workers}", seconds,
               f"  CPU per page: main {main:.2f} ms, workers {children:.2f} ms "
               f"({summary.captures} pages)")
    if not args.no_spark:
        from spamline.ingest.spark import run_job
        report("spark local[2]", timed(lambda: run_job(
            [str(f) for f in files], tmp / name / "parquet", "local[2]")))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mb", type=int, default=500,
                    help="uncompressed MB of WARC to generate per page set")
    ap.add_argument("--files", type=int, default=5)
    ap.add_argument("--sets", default="small,large",
                    help=f"comma-separated page sets, of: {', '.join(SETS)}")
    ap.add_argument("--no-spark", action="store_true")
    args = ap.parse_args()
    names = [s.strip() for s in args.sets.split(",") if s.strip()]
    if unknown := [s for s in names if s not in SETS]:
        ap.error(f"unknown page set(s) {', '.join(unknown)}: choose from {', '.join(SETS)}")
    with tempfile.TemporaryDirectory(prefix="spamline-bench-") as tmp_dir:
        for name in names:
            bench_set(name, Path(tmp_dir), args)


if __name__ == "__main__":
    main()

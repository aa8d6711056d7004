"""Ingest throughput: `spamline ingest` against a raw read of the same WARCs.

    python bench/ingest.py [--mb 500] [--files 5] [--no-spark]

Writes --files gzip WARCs (per-record gzip, warcio's writer) holding --mb MB of uncompressed
records rendered from the sample network (every page, repeated under new URLs), then times,
in MB/s of uncompressed WARC:
  raw FastWARC   iterate every record and read its payload (decompression alone: the limit)
  raw warcio     the same with warcio (the reference reader)
  ingest -w 1/2  run_ingest into a fresh data dir with 1 and 2 worker processes
  spark local[2] the spark-ingest job on the same files (Parquet written, not loaded)
and prints each one's ratio to raw FastWARC (targets: ingest -w 1 >= 0.5x raw; -w 2 near 2x
-w 1; Spark >= 0.7x ingest -w 2).
"""
from __future__ import annotations

import argparse
import io
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from fastwarc.warc import ArchiveIterator as FastIterator  # noqa: E402
from warcio.archiveiterator import ArchiveIterator  # noqa: E402
from warcio.statusandheaders import StatusAndHeaders  # noqa: E402
from warcio.warcwriter import WARCWriter  # noqa: E402

from spamline.datadir import DataDir  # noqa: E402
from spamline.ingest import IngestOptions, run_ingest  # noqa: E402
from spamline.samplenet.pages import render_page  # noqa: E402
from spamline.samplenet.site import SampleNetwork  # noqa: E402


def write_warcs(folder: Path, total_mb: int, files: int) -> int:
    """Gzip WARCs of sample-network pages; returns the uncompressed bytes written."""
    net = SampleNetwork(seed=1)
    pages = [(host, path, render_page(net, host, path, 8080)) for host in net.hosts
             for path in net.paths(host)]
    per_file, written, n = total_mb * 2**20 // files, 0, 0
    for i in range(files):
        with open(folder / f"bench-{i:03d}.warc.gz", "wb") as fh:
            writer = WARCWriter(fh, gzip=True)
            size = 0
            while size < per_file:
                host, path, page = pages[n % len(pages)]
                url = f"http://{host}:8080{path}?copy={n}"
                head = StatusAndHeaders("200 OK", [("Content-Type", page.content_type)],
                                        protocol="HTTP/1.1")
                record = writer.create_warc_record(url, "response", payload=io.BytesIO(page.body),
                                                   http_headers=head)
                buf = io.BytesIO()
                WARCWriter(buf, gzip=False).write_record(record)
                size += len(buf.getvalue())
                writer.write_record(writer.create_warc_record(
                    url, "response", payload=io.BytesIO(page.body), http_headers=head))
                n += 1
            written += size
    return written


def raw_fastwarc(files: list[Path]) -> None:
    for path in files:
        with open(path, "rb") as fh:
            for rec in FastIterator(fh, parse_http=True):
                rec.reader.read()


def raw_warcio(files: list[Path]) -> None:
    for path in files:
        with open(path, "rb") as fh:
            for rec in ArchiveIterator(fh):
                rec.content_stream().read()


def timed(fn) -> float:
    began = time.perf_counter()
    fn()
    return time.perf_counter() - began


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mb", type=int, default=500, help="uncompressed MB of WARC to generate")
    ap.add_argument("--files", type=int, default=5)
    ap.add_argument("--no-spark", action="store_true")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="spamline-bench-") as tmp_dir:
        tmp = Path(tmp_dir)
        (tmp / "warcs").mkdir()
        size = write_warcs(tmp / "warcs", args.mb, args.files)
        files = sorted((tmp / "warcs").glob("*.warc.gz"))
        gz = sum(f.stat().st_size for f in files)
        print(f"{len(files)} WARC files, {size / 2**20:.0f} MB uncompressed ({gz / 2**20:.0f} MB gzip)")
        mb = size / 2**20
        base = mb / timed(lambda: raw_fastwarc(files))

        def report(name: str, seconds: float) -> None:
            rate = mb / seconds
            print(f"{name:>18}: {seconds:8.1f} s  {rate:8.2f} MB/s  {rate / base:6.3f}x raw FastWARC",
                  flush=True)

        report("raw FastWARC", mb / base)
        report("raw warcio", timed(lambda: raw_warcio(files)))
        for workers in (1, 2):
            data = DataDir.open(tmp / f"data-{workers}")
            report(f"ingest --workers {workers}", timed(lambda: run_ingest(IngestOptions(
                [str(tmp / "warcs")], data, workers=workers))))
        if not args.no_spark:
            from spamline.ingest.spark import run_job
            report("spark local[2]", timed(lambda: run_job(
                [str(f) for f in files], tmp / "parquet", "local[2]")))


if __name__ == "__main__":
    main()

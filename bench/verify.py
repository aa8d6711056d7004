"""`spamline evidence verify` on a large synthetic package: wall time and peak RSS vs a baseline.

Builds a signed WACZ (default ~1 GB) of gzip WARC response records (48 KB HTML
pages with random hex filler, gzip level 1: they inflate only ~1.1x, so the bytes
inflated per packaged GB are fewer than for real pages; the bench prints both),
its CDXJ, pages.jsonl and urls.csv, then times, in separate processes:

- baseline: read the zip, inflate every gzip member of the WARC and SHA-256 the
  zip members once each (the least any full check must do);
- verify: `spamline evidence verify --trust KEY.pem FILE.wacz`.

It prints both, the ratio, and each process's peak RSS (ru_maxrss).

    python bench/verify.py [--quick] [--size-mb N] [--keep DIR]
"""
from __future__ import annotations

import argparse
import csv
import gzip
import hashlib
import io
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
import zipfile
from pathlib import Path

from zlib_ng import zlib_ng

from spamline.evidence import cdxj
from spamline.evidence.package import SOFTWARE
from spamline.evidence.signing import make_signer

BASELINE = """
import hashlib, sys, zipfile, zlib
with zipfile.ZipFile(sys.argv[1]) as zf:
    for info in zf.infolist():
        digest = hashlib.sha256()
        with zf.open(info) as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
    with zf.open("archive/data.warc.gz") as fh:
        pending = b""
        while True:
            pending = pending or fh.read(1 << 16)
            if not pending:
                break
            inflater = zlib.decompressobj(zlib.MAX_WBITS | 16)
            while not inflater.eof:
                inflater.decompress(pending, 1 << 20)
                pending = inflater.unconsumed_tail or (b"" if inflater.eof else fh.read(1 << 16))
            pending = inflater.unused_data
"""


def _record(url: str, date: str, body: bytes) -> bytes:
    http = (b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
            b"Content-Length: %d\r\n\r\n" % len(body)) + body
    payload = "sha256:" + hashlib.sha256(body).hexdigest()
    block = "sha256:" + hashlib.sha256(http).hexdigest()
    head = (f"WARC/1.1\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:{uuid.uuid4()}>\r\n"
            f"WARC-Date: {date}\r\nWARC-Target-URI: {url}\r\nWARC-IP-Address: 127.0.0.1\r\n"
            f"Content-Type: application/http; msgtype=response\r\nWARC-Payload-Digest: {payload}"
            f"\r\nWARC-Block-Digest: {block}\r\nContent-Length: {len(http)}\r\n\r\n").encode()
    return zlib_ng.compress(head + http + b"\r\n\r\n", 1, 31)


def build(folder: Path, size: int) -> tuple[Path, Path, int, int]:
    """A signed package of about `size` bytes: its path, the signer's key file, the record
    count and the records' inflated bytes."""
    warc = folder / "data.warc.gz"
    rows, pages, n, inflated = [], [], 0, 0
    with open(warc, "wb") as fh:
        while fh.tell() < size:
            url = f"http://spam{n % 97}.test/page/{n}"
            date = f"2026-11-{1 + n % 28:02d}T{n % 24:02d}:{n % 60:02d}:00Z"
            body = (f"<html><head><title>Page {n}</title></head><body><p>Call 400-812-"
                    f"{n % 10000:04d}</p><pre>").encode() + os.urandom(24_000).hex().encode() \
                + b"</pre></body></html>"
            record = _record(url, date, body)
            fh.write(record)
            raw = gzip.decompress(record)
            inflated += len(raw)
            head = raw[:600].decode()
            rid = head.split("WARC-Record-ID: ")[1].split("\r\n")[0]
            digest = head.split("WARC-Payload-Digest: ")[1].split("\r\n")[0]
            rows.append([url, rid, digest])
            pages.append({"id": str(n), "url": url, "ts": date, "title": f"Page {n}"})
            n += 1
    cdxj.build_index([warc], folder / "index.cdxj")
    (folder / "pages.jsonl").write_text(
        json.dumps({"format": "json-pages-1.0", "id": "pages", "title": "bench"}) + "\n"
        + "".join(json.dumps(p) + "\n" for p in pages))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["url", "record_id", "payload_digest"])
    writer.writerows(rows)
    (folder / "urls.csv").write_text(out.getvalue())
    members = {"archive/data.warc.gz": warc, "indexes/index.cdxj": folder / "index.cdxj",
               "pages/pages.jsonl": folder / "pages.jsonl", "report/urls.csv": folder / "urls.csv"}
    resources = []
    for name, path in members.items():
        digest = hashlib.sha256()
        with open(path, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
        resources.append({"name": path.name, "path": name, "hash": "sha256:" + digest.hexdigest(),
                          "bytes": path.stat().st_size})
    created = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    package = json.dumps({"profile": "data-package", "resources": resources, "created": created,
                          "wacz_version": "1.1.1", "software": SOFTWARE}, indent=2).encode()
    keys = folder / "keys-dir"
    signer = make_signer(keys, SOFTWARE)
    digest = {"path": "datapackage.json", "hash": "sha256:" + hashlib.sha256(package).hexdigest()}
    digest["signedData"] = signer.sign(digest["hash"], created)
    wacz = folder / "bench.wacz"
    with zipfile.ZipFile(wacz, "w") as zf:
        for name, path in members.items():
            zf.write(path, name, compress_type=zipfile.ZIP_STORED if name.startswith("archive/")
                     else zipfile.ZIP_DEFLATED)
        zf.writestr("datapackage.json", package, compress_type=zipfile.ZIP_DEFLATED)
        zf.writestr("datapackage-digest.json", json.dumps(digest), compress_type=zipfile.ZIP_DEFLATED)
    for path in members.values():
        path.unlink()
    from cryptography.hazmat.primitives import serialization
    key_file = folder / "key.pem"
    key_file.write_bytes(signer.key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))
    return wacz, key_file, n, inflated


def measure(cmd: list[str]) -> tuple[float, int, str]:
    """Wall seconds, peak RSS in bytes and output of one child process."""
    wrapper = ("import resource, subprocess, sys, time\n"
               "t = time.monotonic()\n"
               "p = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
               "print(time.monotonic() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,"
               " p.returncode)\n"
               "sys.stderr.write(p.stdout + p.stderr)\n")
    proc = subprocess.run([sys.executable, "-c", wrapper, *cmd], capture_output=True, text=True)
    wall, rss, code = proc.stdout.split()
    if int(code) != 0:
        raise SystemExit(f"{cmd[:4]} failed:\n{proc.stderr}")
    return float(wall), int(rss) * 1024, proc.stderr.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a 50 MB package")
    parser.add_argument("--size-mb", type=int, default=1000)
    parser.add_argument("--keep", help="build the package in this folder and keep it")
    args = parser.parse_args()
    size = (50 if args.quick else args.size_mb) << 20
    folder = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="bench-verify-"))
    folder.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    wacz, key, records, inflated = build(folder, size)
    print(f"built {wacz} ({wacz.stat().st_size / 1e6:.0f} MB, {records} records, "
          f"{inflated / 1e6:.0f} MB inflated) in {time.monotonic() - started:.0f} s")
    base_wall, base_rss, _ = measure([sys.executable, "-c", BASELINE, str(wacz)])
    wall, rss, out = measure([sys.executable, "-m", "spamline", "evidence", "verify",
                              "--trust", str(key), str(wacz)])
    print(out)
    mb = wacz.stat().st_size / 1e6
    print(f"baseline (inflate + SHA-256 once): {base_wall:6.1f} s, {mb / base_wall:5.0f} MB/s, "
          f"peak RSS {base_rss / 2**20:.0f} MiB")
    print(f"spamline evidence verify:          {wall:6.1f} s, {mb / wall:5.0f} MB/s, "
          f"peak RSS {rss / 2**20:.0f} MiB")
    print(f"verify / baseline: {wall / base_wall:.2f}x time, load average "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    if not args.keep:
        for path in folder.rglob("*"):
            if path.is_file():
                path.unlink()


if __name__ == "__main__":
    main()

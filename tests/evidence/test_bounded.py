"""verify in bounded memory and time: decompression bombs, oversized members, digest algorithms."""
from __future__ import annotations

import gzip
import hashlib
import json
import struct
import subprocess
import sys
import time
import zipfile
import zlib

import pytest
from zlib_ng import zlib_ng

from spamline.evidence.verify import verify_package

GIB = 1 << 30
# runs verify in a child and prints the child's peak RSS (KiB, Linux ru_maxrss) after it
MEASURE = """
import resource, subprocess, sys
proc = subprocess.run([sys.executable, "-m", "spamline", "evidence", "verify", "--allow-unsigned",
                       sys.argv[1]], capture_output=True, text=True)
sys.stderr.write(proc.stdout + proc.stderr)
print(proc.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


def gzip_of_zeros(size: int, prefix: bytes = b"") -> bytes:
    """A valid gzip member of prefix + `size` zero bytes, built without deflating them all.

    A deflate block ended by a full flush refers to nothing before it, so its bytes
    can be repeated: one block of 16 MiB of zeros, repeated, then the gzip trailer.
    """
    step = 16 << 20
    assert size % step == 0
    head = zlib.compressobj(9, zlib.DEFLATED, -15)
    start = head.compress(prefix) + head.flush(zlib.Z_FULL_FLUSH)
    body = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = body.compress(bytes(step)) + body.flush(zlib.Z_FULL_FLUSH)
    crc = zlib_ng.crc32(prefix)
    zeros = bytes(step)
    for _ in range(size // step):
        crc = zlib_ng.crc32(zeros, crc)
    tail = zlib.compressobj(9, zlib.DEFLATED, -15).flush(zlib.Z_FINISH)  # final empty block
    return (b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff" + start + block * (size // step) + tail
            + struct.pack("<II", crc, (len(prefix) + size) & 0xFFFFFFFF))


def package_around(path, warc: bytes, *, warc_compress=zipfile.ZIP_DEFLATED) -> None:
    """A WACZ whose datapackage.json truthfully lists `warc` as its WARC."""
    resources = [{"name": "data.warc.gz", "path": "archive/data.warc.gz",
                  "hash": "sha256:" + hashlib.sha256(warc).hexdigest(), "bytes": len(warc)}]
    package = json.dumps({"profile": "data-package", "resources": resources,
                          "created": "2026-12-02T00:00:00Z", "wacz_version": "1.1.1"}).encode()
    digest = json.dumps({"path": "datapackage.json",
                         "hash": "sha256:" + hashlib.sha256(package).hexdigest()}).encode()
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("archive/data.warc.gz", warc, compress_type=warc_compress)
        zf.writestr("datapackage.json", package)
        zf.writestr("datapackage-digest.json", digest)


def measured_verify(path):
    started = time.monotonic()
    proc = subprocess.run([sys.executable, "-c", MEASURE, str(path)], capture_output=True,
                          text=True, timeout=120)
    elapsed = time.monotonic() - started
    code, rss_kib = map(int, proc.stdout.split())
    return code, rss_kib * 1024, elapsed, proc.stderr


@pytest.mark.parametrize("prefix", [b"", b"WARC/1.1\r\nWARC-Type: resource\r\nWARC-Record-ID: "
                                         b"<urn:uuid:bomb>\r\nContent-Length: 4294967296\r\n\r\n"],
                         ids=["zeros", "record-header-then-zeros"])
def test_a_gzip_bomb_fails_fast_in_bounded_memory(tmp_path, prefix):
    bomb = tmp_path / "bomb.wacz"
    package_around(bomb, gzip_of_zeros(4 * GIB, prefix))
    assert bomb.stat().st_size < 64_000  # the bomb was 26 KB
    with zipfile.ZipFile(bomb) as zf, zf.open("archive/data.warc.gz") as fh:
        assert gzip.GzipFile(fileobj=fh).read(1 << 20).startswith(prefix)  # it is real gzip
    code, rss, elapsed, stderr = measured_verify(bomb)
    assert code == 1, stderr
    assert "decompression bomb" in stderr and "Traceback" not in stderr
    assert rss < 500 << 20, f"peak RSS {rss >> 20} MiB"
    assert elapsed < 30, f"{elapsed:.1f} s"


def test_a_zip_member_that_inflates_too_far_is_refused_unread(tmp_path):
    bomb = tmp_path / "zipbomb.wacz"
    package_around(bomb, gzip.compress(b"x"))
    with zipfile.ZipFile(bomb, "a") as zf:
        zf.writestr("report/report.html", bytes(64 << 20), compress_type=zipfile.ZIP_DEFLATED)
    problems = verify_package(bomb, allow_unsigned=True).problems
    assert len(problems) == 1 and "zip member report/report.html inflates" in problems[0]


def _warc_record(payload: bytes, algorithm: str) -> bytes:
    digest = hashlib.new(algorithm, payload).hexdigest()
    head = (f"WARC/1.1\r\nWARC-Type: resource\r\nWARC-Record-ID: <urn:uuid:{algorithm}>\r\n"
            f"WARC-Target-URI: http://x.test/{algorithm}\r\nContent-Type: text/plain\r\n"
            f"WARC-Block-Digest: {algorithm}:{digest}\r\nWARC-Payload-Digest: {algorithm}:{digest}"
            f"\r\nContent-Length: {len(payload)}\r\n\r\n").encode()
    return gzip.compress(head + payload + b"\r\n\r\n")


def test_verify_says_which_digest_algorithms_it_checked(tmp_path):
    path = tmp_path / "mixed.wacz"
    package_around(path, _warc_record(b"one", "sha256") + _warc_record(b"two", "sha1"))
    verification = verify_package(path, allow_unsigned=True)
    assert verification.ok, verification.problems
    assert verification.digests == {"sha256": 2, "sha1": 2}
    assert "record digests: 2 SHA-256, 2 SHA-1" in verification.summary()

    md5 = tmp_path / "md5.wacz"
    package_around(md5, _warc_record(b"three", "md5"))
    problems = verify_package(md5, allow_unsigned=True).problems
    assert problems and all("unsupported" in p and "md5" in p for p in problems)

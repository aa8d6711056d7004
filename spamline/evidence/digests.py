"""WARC record digests recomputed from a stream (WARC 1.1 sections 5.8 WARC-Block-Digest, 5.9
WARC-Payload-Digest), in bounded memory: the record is read once, chunk by chunk.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field

from spamline.evidence.bounded import Limits

# algorithms a record digest may use; the report names which were checked
DIGEST_ALGORITHMS = {"sha256": "SHA-256", "sha512": "SHA-512", "sha384": "SHA-384",
                     "sha1": "SHA-1"}


def digest_matches(value: str, raw: bytes) -> bool:
    """Compare a labelled digest ("sha256:BASE32" or hex or base64) with computed bytes."""
    encoded = value.split(":", 1)[1] if ":" in value else value
    for decode in (lambda s: base64.b32decode(s.upper()), bytes.fromhex, base64.b64decode):
        try:
            if decode(encoded) == raw:
                return True
        except (binascii.Error, ValueError):
            continue
    return False


def digest_algorithm(value: str) -> str:
    """'sha256' for 'sha256:...', 'SHA-256:...'; '' when unlabelled."""
    return value.split(":", 1)[0].lower().replace("-", "") if ":" in value else ""


@dataclass
class RecordDigests:
    """One record as verify saw it: its headers, its whole-record SHA-256, what was checked."""

    offset: int
    rec_type: str = ""
    record_id: str = ""
    url: str = ""
    payload_digest: str = ""
    concurrent_to: str = ""
    date: str = ""
    sha256: str = ""  # of the whole decompressed record, to compare with an archive's copy
    problems: list[str] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)  # algorithm of each digest that matched
    unchecked: list[str] = field(default_factory=list)  # digests present but not checkable


class _Digest:
    def __init__(self, label: str, value: str) -> None:
        self.label, self.value = label, value
        self.algorithm = digest_algorithm(value) or "sha256"  # unlabelled: WARC tools' default
        self.hasher = hashlib.new(self.algorithm) if self.algorithm in DIGEST_ALGORITHMS else None

    def update(self, data: bytes | memoryview) -> None:
        if self.hasher is not None:
            self.hasher.update(data)

    def check(self, where: str, rec: RecordDigests) -> None:
        if self.hasher is None:
            rec.problems.append(f"{where}: unsupported {self.label} digest algorithm in "
                                f"{self.value!r}")
        elif digest_matches(self.value, self.hasher.digest()):
            rec.checked.append(self.algorithm)
        else:
            rec.problems.append(f"{where}: {self.label} digest mismatch "
                                f"(WARC-{self.label.title()}-Digest {self.value})")


class _Block:
    """Feeds a record's block to its block digest and (after any HTTP headers) payload digest."""

    def __init__(self, rec: RecordDigests, headers: dict[str, str], length: int,
                 limits: Limits) -> None:
        self.rec, self.length, self.limits = rec, length, limits
        self.seen = 0
        self.trailer = bytearray()
        self.extra = 0
        self.block = _Digest("block", headers["warc-block-digest"]) \
            if headers.get("warc-block-digest") else None
        self.payload: _Digest | None = None
        self.http_head: bytearray | None = None
        if rec.payload_digest and rec.rec_type in ("response", "request", "resource"):
            self.payload = _Digest("payload", rec.payload_digest)
            if headers.get("content-type", "").startswith("application/http"):
                self.http_head = bytearray()

    def feed(self, data: bytes) -> None:
        view = memoryview(data)
        take = view[: max(self.length - self.seen, 0)]
        rest = view[len(take):]
        self.seen += len(take)
        if self.block is not None:
            self.block.update(take)
        if self.payload is not None:
            self._feed_payload(take)
        if rest:
            self.trailer += rest[: max(8 - len(self.trailer), 0)]
            self.extra += len(rest)

    def _feed_payload(self, take: memoryview) -> None:
        if self.http_head is None:
            self.payload.update(take)  # type: ignore[union-attr]
            return
        self.http_head += take
        end = self.http_head.find(b"\r\n\r\n")
        if end < 0:
            if len(self.http_head) > self.limits.max_header_bytes:
                self.rec.unchecked.append("payload (HTTP headers too long)")
                self.payload, self.http_head = None, None
            return
        if b"transfer-encoding: chunked" in bytes(self.http_head[:end]).lower():
            # the payload digest covers the de-chunked entity; the block digest covers the bytes
            self.rec.unchecked.append("payload (chunked)")
            self.payload = None
        else:
            self.payload.update(memoryview(self.http_head)[end + 4:])  # type: ignore[union-attr]
        self.http_head = None

    def finish(self, where: str) -> None:
        if self.seen != self.length or bytes(self.trailer) != b"\r\n\r\n" or self.extra != 4:
            self.rec.problems.append(f"{where}: block length does not match Content-Length "
                                     f"{self.length}")
        if self.payload is not None and self.http_head is not None:
            self.rec.unchecked.append("payload (no end of HTTP headers)")
            self.payload = None
        for digest in (self.block, self.payload):
            if digest is not None:
                digest.check(where, self.rec)


def check_record(chunks: Iterable[bytes], offset: int, limits: Limits, *,
                 whole_sha256: bool = False) -> RecordDigests | None:
    """Read one decompressed WARC record from chunks and recompute its digests.

    None when the bytes do not start with a WARC record header. whole_sha256 also
    hashes the whole record (RecordDigests.sha256), for comparing with an archive.
    """
    whole = hashlib.sha256() if whole_sha256 else _NoHash()
    head = bytearray()
    it = iter(chunks)
    end = -1
    for chunk in it:
        whole.update(chunk)
        head += chunk
        end = head.find(b"\r\n\r\n", 0, limits.max_header_bytes + 4)
        if end >= 0 or len(head) > limits.max_header_bytes:
            break
    if not head.startswith(b"WARC/") or end < 0:
        return None
    headers: dict[str, str] = {}
    for line in bytes(head[:end]).decode("utf-8", "replace").split("\r\n")[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    rec = RecordDigests(offset, headers.get("warc-type", ""), headers.get("warc-record-id", ""),
                        headers.get("warc-target-uri", ""), headers.get("warc-payload-digest", ""),
                        headers.get("warc-concurrent-to", ""), headers.get("warc-date", ""))
    where = f"{rec.rec_type or 'record'} {rec.record_id} at offset {offset}"
    try:
        length = int(headers.get("content-length", ""))
    except ValueError:
        rec.problems.append(f"{where}: no valid Content-Length")
        return rec
    block = _Block(rec, headers, length, limits)
    block.feed(bytes(head[end + 4:]))
    for chunk in it:
        whole.update(chunk)
        block.feed(chunk)
    block.finish(where)
    if whole_sha256:
        rec.sha256 = "sha256:" + whole.hexdigest()
    return rec


class _NoHash:
    def update(self, data: bytes) -> None:
        pass

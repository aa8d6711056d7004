"""Reading untrusted packages in bounded memory and time: limits, gzip members, lines.

Every decompressed byte comes out in chunks of at most CHUNK bytes, and a stream
that inflates past `Limits` (absolute size, or a compression ratio no real web
capture reaches) stops with LimitExceeded instead of being read to its end.
"""
from __future__ import annotations

import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

CHUNK = 1 << 20  # bytes inflated (or read from a zip member) at a time
READ = 1 << 16  # compressed bytes read at a time, so a bomb's ratio shows early


class LimitExceeded(ValueError):
    """The package goes past a limit: refused as a possible decompression bomb."""


@dataclass(frozen=True)
class Limits:
    """What verify reads at most; generous for takedown evidence, small against bombs."""

    max_members: int = 10_000  # zip members
    max_json_bytes: int = 64 << 20  # datapackage.json, datapackage-digest.json
    max_line_bytes: int = 16 << 20  # one CDXJ or pages.jsonl line
    max_header_bytes: int = 1 << 20  # WARC headers; HTTP headers of a record
    max_record_bytes: int = 4 << 30  # one decompressed WARC record
    max_records: int = 2_000_000  # WARC records in a package
    max_ratio: int = 200  # inflated / compressed bytes, once past ratio_after
    ratio_after: int = 16 << 20

    def check_inflation(self, where: str, inflated: int, compressed: int) -> None:
        """Raise LimitExceeded when a stream has inflated too far for its compressed size."""
        if inflated > self.max_record_bytes:
            raise LimitExceeded(f"{where} inflates past {self.max_record_bytes} bytes: refused "
                                "as a possible decompression bomb")
        if inflated > self.ratio_after and inflated > self.max_ratio * max(compressed, 1):
            raise LimitExceeded(f"{where} inflates {inflated // max(compressed, 1)}-fold "
                                f"({compressed} bytes to more than {inflated}): refused as a "
                                "decompression bomb")


class GzipMembers:
    """The gzip members of a stream (a WARC's records), each as inflated chunks.

    Iterate to get (offset, chunks); whatever a caller leaves unread of one member
    is drained, within the limits, before the next starts.
    """

    def __init__(self, fh: IO[bytes], limits: Limits) -> None:
        self.fh = fh
        self.limits = limits
        self.pending = b""
        self.offset = 0

    def __iter__(self) -> Iterator[tuple[int, Iterator[bytes]]]:
        while True:
            if not self.pending:
                self.pending = self.fh.read(READ)
                if not self.pending:
                    return
            chunks = self._chunks(self.offset)
            yield self.offset, chunks
            for _ in chunks:
                pass

    def _chunks(self, start: int) -> Iterator[bytes]:
        inflater = zlib.decompressobj(zlib.MAX_WBITS | 16)
        data, self.pending = self.pending, b""
        fed, inflated = len(data), 0
        where = f"the gzip member at offset {start}"
        while True:
            try:
                out = inflater.decompress(data, CHUNK)
            except zlib.error as exc:
                raise ValueError(f"broken gzip data in {where}: {exc}") from exc
            inflated += len(out)
            self.limits.check_inflation(where, inflated, fed)
            if out:
                yield out
            if inflater.eof:
                self.pending = inflater.unused_data
                self.offset = start + fed - len(self.pending)
                return
            data = inflater.unconsumed_tail
            if not data and len(out) < CHUNK:  # it needs more input
                data = self.fh.read(READ)
                if not data:
                    raise ValueError(f"{where} is cut short")
                fed += len(data)


def read_lines(fh: IO[bytes], limits: Limits, where: str) -> Iterator[bytes]:
    """Lines of a stream, refusing one longer than limits.max_line_bytes."""
    while True:
        line = fh.readline(limits.max_line_bytes + 1)
        if not line:
            return
        if len(line) > limits.max_line_bytes:
            raise LimitExceeded(f"{where}: a line longer than {limits.max_line_bytes} bytes")
        yield line

"""Crash recovery: cut a gzip WARC back to the end of its last complete record.

A writer appends one gzip member per record, so after a crash the file is a run
of complete members followed by at most one torn member. `complete_end` finds
where the complete, well-formed records end; `recover_file` truncates there.
"""
from __future__ import annotations

import os
import zlib
from pathlib import Path

CHUNK = 1 << 20
_HEAD_LIMIT = 64 * 1024  # WARC headers are far smaller; more means garbage


class _MemberCheck:
    """Counts one member's decompressed bytes and checks they form one WARC record."""

    def __init__(self) -> None:
        self.head = b""
        self.size = 0

    def feed(self, data: bytes) -> None:
        if len(self.head) < _HEAD_LIMIT:
            self.head += data[: _HEAD_LIMIT - len(self.head)]
        self.size += len(data)

    def is_record(self) -> bool:
        if not self.head.startswith(b"WARC/"):
            return False
        end = self.head.find(b"\r\n\r\n")
        if end < 0:
            return False
        length = None
        for line in self.head[:end].split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                try:
                    length = int(value.strip())
                except ValueError:
                    return False
        return length is not None and self.size == end + 4 + length + 4


def complete_end(path: Path) -> int:
    """Byte offset just past the last complete record of a gzip WARC (0 if none)."""
    good = 0
    pos = 0  # file offset of the start of the unconsumed input
    decomp = zlib.decompressobj(zlib.MAX_WBITS | 16)
    check = _MemberCheck()
    pending = b""
    with open(path, "rb") as fh:
        while True:
            if not pending:
                pending = fh.read(CHUNK)
                if not pending:
                    return good  # EOF: anything after `good` is a torn member
            try:
                check.feed(decomp.decompress(pending))
            except zlib.error:
                return good
            if decomp.eof:
                rest = decomp.unused_data
                pos += len(pending) - len(rest)
                if not check.is_record():
                    return good
                good = pos
                decomp = zlib.decompressobj(zlib.MAX_WBITS | 16)
                check = _MemberCheck()
                pending = rest
            else:
                pos += len(pending)
                pending = b""


def recover_file(path: Path) -> int:
    """Truncate a WARC to its last complete record; return the bytes cut.

    A file with no complete record at all is removed.
    """
    size = path.stat().st_size
    end = complete_end(path)
    if end == 0:
        path.unlink()
        return size
    if end < size:
        with open(path, "r+b") as fh:
            fh.truncate(end)
            fh.flush()
            os.fsync(fh.fileno())
    return size - end

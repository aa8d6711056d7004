"""What `spamline ingest` reads: paths, folders, globs and `-` expanded into WARC members.

A member is a byte range of a file that holds a WARC (gzip per record, or plain): a whole
.warc/.warc.gz file, or an `archive/` member of a WACZ (WACZ 1.1.1 §archive: stored, so
its records can be read, and pointed at, in place in the .wacz file); or a whole ARC file
(.arc/.arc.gz, the Internet Archive's format before WARC).
"""
from __future__ import annotations

import glob
import os
import shutil
import sys
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

GZIP_MAGIC = b"\x1f\x8b"
ZIP_MAGIC = b"PK\x03\x04"
ARC_START = b"filedesc://"  # an ARC file's version block (ARC 1.0)
WARC_SUFFIXES = (".warc", ".warc.gz", ".arc", ".arc.gz", ".wacz")


class NotAnArchive(ValueError):
    """A path given to ingest is not a WARC or WACZ file (the message says why)."""


@dataclass(frozen=True)
class Member:
    """A WARC inside `path`, from byte `start` to `end`; `label` names it for people."""

    path: Path  # absolute
    start: int
    end: int
    label: str
    gzipped: bool
    arc: bool = False  # an ARC file, not a WARC

    @property
    def size(self) -> int:
        return self.end - self.start


def expand(args: Iterable[str], stdin: Iterable[str] | None = None) -> list[Path]:
    """Files named by the arguments: files, folders (their WARC/WACZ files, recursively),
    glob patterns, and `-` for a list of paths on stdin; sorted, each once."""
    found: dict[Path, None] = {}
    for arg in args:
        if arg == "-":
            lines = [line.strip() for line in (stdin if stdin is not None else sys.stdin)]
            for path in expand([line for line in lines if line and not line.startswith("#")]):
                found[path] = None
            continue
        matches = sorted(glob.glob(arg, recursive=True)) if glob.has_magic(arg) else [arg]
        if not matches:
            raise NotAnArchive(f"{arg}: no file matches this pattern")
        for match in matches:
            path = Path(match).expanduser().resolve()
            if path.is_dir():
                for sub in sorted(path.rglob("*")):
                    if sub.is_file() and sub.name.lower().endswith(WARC_SUFFIXES):
                        found[sub] = None
            elif path.is_file():
                found[path] = None
            else:
                raise NotAnArchive(f"{match}: no such file or folder")
    return list(found)


def members(path: Path, unpack_dir: Path) -> list[Member]:
    """The WARCs in one file; refuses a file that is neither WARC nor WACZ.

    A WACZ member that is compressed inside the zip (against the spec) is unpacked into
    `unpack_dir`, and read (and pointed at) there.
    """
    with open(path, "rb") as fh:
        head = fh.read(4)
    if head.startswith(ZIP_MAGIC):
        return _wacz_members(path, unpack_dir)
    gzipped = head.startswith(GZIP_MAGIC)
    start = _head(path, gzipped)
    if not start.startswith((b"WARC/1.", ARC_START)):
        raise NotAnArchive(f"{path} is not a WARC file (it does not start with a WARC/1.x "
                           "record, plain or gzip), an ARC file nor a WACZ; nothing read from it")
    size = path.stat().st_size
    return [Member(path, 0, size, str(path), gzipped, start.startswith(ARC_START))]


def _starts_with_warc(path: Path, gzipped: bool, start: int = 0) -> bool:
    return _head(path, gzipped, start).startswith(b"WARC/1.")


def _head(path: Path, gzipped: bool, start: int = 0) -> bytes:
    """The first bytes of the (first gzip member of the) archive at `start`."""
    with open(path, "rb") as fh:
        fh.seek(start)
        head = fh.read(1 << 16)
    if gzipped:
        try:
            head = zlib.decompressobj(zlib.MAX_WBITS | 16).decompress(head, 16)
        except zlib.error:
            return b""
    return head


def _wacz_members(path: Path, unpack_dir: Path) -> list[Member]:
    try:
        zf = zipfile.ZipFile(path)
    except zipfile.BadZipFile as exc:
        raise NotAnArchive(f"{path} is a zip but not a readable WACZ: {exc}") from exc
    found = []
    with zf:
        for info in zf.infolist():
            if not info.filename.startswith("archive/") or info.is_dir():
                continue
            label = f"{path}#{info.filename}"
            if info.compress_type == zipfile.ZIP_STORED:
                start = _data_offset(path, info)
                gzipped = _peek(path, start) == GZIP_MAGIC
                if not _starts_with_warc(path, gzipped, start):
                    raise NotAnArchive(f"{label} is not a WARC")
                found.append(Member(path, start, start + info.file_size, label, gzipped))
                continue
            target = unpack_dir / f"{info.CRC:08x}-{Path(info.filename).name}"
            if not target.exists():
                target.parent.mkdir(parents=True, exist_ok=True)
                partial = target.with_name(target.name + ".partial")
                with zf.open(info) as src, open(partial, "wb") as dst:
                    shutil.copyfileobj(src, dst, 1 << 20)
                os.replace(partial, target)
            found.extend(Member(m.path, m.start, m.end, label, m.gzipped)
                         for m in members(target, unpack_dir))
    if not found:
        raise NotAnArchive(f"{path} is a zip without archive/ WARC members, not a WACZ")
    return found


def _data_offset(path: Path, info: zipfile.ZipInfo) -> int:
    """Where a stored member's bytes start: after its local file header (APPNOTE 4.3.7)."""
    with open(path, "rb") as fh:
        fh.seek(info.header_offset)
        local = fh.read(30)
    name_len = int.from_bytes(local[26:28], "little")
    extra_len = int.from_bytes(local[28:30], "little")
    return info.header_offset + 30 + name_len + extra_len


def _peek(path: Path, start: int) -> bytes:
    with open(path, "rb") as fh:
        fh.seek(start)
        return fh.read(2)

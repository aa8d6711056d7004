"""An append-only JSON-lines file keeping captures while the store is unavailable.

One line per capture (hits and WARC location included, body never), fsync'd and
written under an exclusive lock so crawler processes can share one spool.
`replay` feeds the lines to a store and then removes only the lines it read, so
captures spooled meanwhile stay; stores are idempotent, so a replay cut short
can simply run again.
"""
from __future__ import annotations

import fcntl
import json
import logging
import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import IO

from spamline.model import Capture, PhoneHit, WarcLocation
from spamline.store.base import Store, StoreUnavailable

log = logging.getLogger(__name__)

SPOOL_FILE = "captures.jsonl"


def capture_to_dict(capture: Capture) -> dict:
    """A capture as plain JSON data, without its body."""
    data = asdict(capture)
    del data["body"]
    return data


def capture_from_dict(data: dict) -> Capture:
    """The inverse of capture_to_dict."""
    data = dict(data)
    data["hits"] = [PhoneHit(**h) for h in data.get("hits", [])]
    data["warc"] = WarcLocation(**data["warc"]) if data.get("warc") else None
    return Capture(**data)


class Spool:
    """The spool file of a data dir (`data_dir.spool / captures.jsonl`)."""

    def __init__(self, folder: Path) -> None:
        self.path = Path(folder) / SPOOL_FILE

    @contextmanager
    def _locked(self, mode: str) -> Iterator[IO[bytes]]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path, mode) as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                yield fh
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    def append(self, captures: Sequence[Capture]) -> None:
        """Write the captures durably (fsync) at the end of the spool."""
        lines = b"".join(
            json.dumps(capture_to_dict(c), ensure_ascii=False, default=str).encode("utf-8") + b"\n"
            for c in captures
        )
        with self._locked("ab") as fh:
            fh.write(lines)
            fh.flush()
            os.fsync(fh.fileno())

    def pending(self) -> int:
        """How many complete lines wait in the spool."""
        if not self.path.exists():
            return 0
        with open(self.path, "rb") as fh:
            return sum(1 for line in fh if line.endswith(b"\n"))

    def replay(self, store: Store, batch_size: int = 500,
               progress: Callable[[int], None] | None = None) -> int:
        """Write every spooled capture to `store`, then drop the lines written.

        Returns the number of captures replayed. Raises StoreUnavailable (leaving the
        spool whole) when the store fails again.
        """
        if not self.path.exists():
            return 0
        with open(self.path.with_suffix(".replay-lock"), "wb") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # one replay at a time
            return self._replay(store, batch_size, progress)

    def _replay(self, store: Store, batch_size: int,
                progress: Callable[[int], None] | None) -> int:
        end = 0  # bytes of complete lines read; lines appended meanwhile wait for next time
        batch: list[Capture] = []
        done = 0
        with open(self.path, "rb") as fh:
            size = os.fstat(fh.fileno()).st_size
            while end < size:
                line = fh.readline()
                if not line.endswith(b"\n"):  # a torn last line (crash while writing) waits
                    break
                end += len(line)
                if line.strip():
                    batch.append(capture_from_dict(json.loads(line)))
                if len(batch) >= batch_size:
                    done += self._write(store, batch, progress)
                    batch = []
        if batch:
            done += self._write(store, batch, progress)
        self._drop_head(end)
        return done

    @staticmethod
    def _write(store: Store, batch: list[Capture],
               progress: Callable[[int], None] | None) -> int:
        store.add_captures(batch)
        if progress:
            progress(len(batch))
        return len(batch)

    def _drop_head(self, size: int) -> None:
        """Remove the first `size` bytes in place, keeping lines appended since."""
        with self._locked("r+b") as fh:
            fh.seek(size)
            rest = fh.read()
            fh.seek(0)
            fh.write(rest)
            fh.truncate(len(rest))
            fh.flush()
            os.fsync(fh.fileno())


def write_or_spool(store: Store | None, spool: Spool, captures: Sequence[Capture]) -> bool:
    """Write captures to the store, or spool them when it is unavailable (or None).

    Returns True when the store took them.
    """
    if store is not None:
        try:
            store.add_captures(captures)
            return True
        except StoreUnavailable as exc:
            log.warning("store unavailable (%s); spooled %d captures to %s; run "
                        "`spamline store replay` once it is back", exc, len(captures), spool.path)
    spool.append(captures)
    return False

"""The data directory: one folder holding the store, the WARCs, crawl state and exports."""
from __future__ import annotations

import errno
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

DEFAULT_DATA_DIR = "./spamline-data"


class DataDirError(RuntimeError):
    """The data directory cannot be used; the message says what to do."""


def no_space_left(path: str | os.PathLike[str]) -> OSError | None:
    """ENOSPC for ``path`` when its file system has (almost) no room left, else None.

    SQLite reports a full disk as a plain "disk I/O error" when it cannot grow its WAL
    index; this tells the two apart so the user hears what to fix."""
    try:
        full = shutil.disk_usage(path).free < 64 * 1024
    except OSError:
        return None
    return OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path)) if full else None


@dataclass(frozen=True)
class DataDir:
    """Paths inside a data directory, created on first use."""

    root: Path

    @classmethod
    def open(cls, path: str | os.PathLike[str]) -> "DataDir":
        """Create the folder layout if needed and check it is writable."""
        root = Path(path).expanduser().resolve()
        try:
            for sub in ("", "warcs", "jobs", "spool", "exports"):
                (root / sub).mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise DataDirError(
                f"cannot create data directory {root}: {exc.strerror}. "
                "Pass --data-dir with a folder you can write to."
            ) from exc
        if not os.access(root, os.W_OK | os.X_OK):
            raise DataDirError(
                f"data directory {root} is not writable. "
                "Fix its permissions or pass --data-dir with a folder you can write to."
            )
        return cls(root)

    @classmethod
    def existing(cls, path: str | os.PathLike[str]) -> "DataDir":
        """A data directory that must already exist: reading commands never create one."""
        root = Path(path).expanduser().resolve()
        if not root.is_dir():
            raise DataDirError(
                f"no spamline data directory at {root}. Check --data-dir "
                "or $SPAMLINE_DATA_DIR, or make one with `spamline demo` or `spamline crawl`."
            )
        return cls(root)

    @property
    def db(self) -> Path:
        return self.root / "spamline.db"

    @property
    def warcs(self) -> Path:
        return self.root / "warcs"

    @property
    def jobs(self) -> Path:
        return self.root / "jobs"

    @property
    def spool(self) -> Path:
        return self.root / "spool"

    @property
    def exports(self) -> Path:
        return self.root / "exports"

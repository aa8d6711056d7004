"""Writing commands on a full disk: a clear message and exit 1, no traceback, nothing lost.

A real full file system (a small tmpfs, filled up), so SQLite meets ENOSPC the way it would
on a full data disk; skips where the runner may not mount (not root)."""
from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.crawler.conftest import run_spamline
from tests.reliability.test_storage_faults import mounted

COMMANDS = [
    ["brand", "add", "Globex" + "x" * 3000, "--official", "+86 400 222 0000"],
    ["user", "add", "bob" + "y" * 3000, "--role", "analyst"],
]


def _fill(folder: Path) -> None:
    with (folder / "filler").open("wb") as f:
        try:
            while True:
                f.write(b"\0" * 65536)
                f.flush()
        except OSError:
            pass


@pytest.mark.parametrize("args", COMMANDS, ids=["brand add", "user add"])
def test_a_full_disk_is_a_clear_error(tmp_path: Path, args: list[str]) -> None:
    data = tmp_path / "data"
    with mounted("-t", "tmpfs", "-o", "size=600k", "tmpfs", target=data):
        for before in (["brand", "add", "Acme", "--official", "+86 400 111 0000"],
                       ["user", "add", "ana", "--role", "analyst"]):
            done = run_spamline(*before, "--data-dir", str(data), check=False)
            assert done.returncode == 0, done.stderr
        _fill(data)
        proc = run_spamline(*args, "--data-dir", str(data), check=False, timeout=60)
        assert proc.returncode == 1, proc.stdout + proc.stderr
        assert "Traceback" not in proc.stderr, proc.stderr[-3000:]
        assert "no space left on the disk" in proc.stderr and "--data-dir" in proc.stderr
        (data / "filler").unlink()
        for db in ("spamline.db", "users.db"):
            with sqlite3.connect(data / db) as conn:
                assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        listed = run_spamline("brand", "list", "--data-dir", str(data))
        assert "Acme" in listed.stdout and "Globex" not in listed.stdout
        listed = run_spamline("user", "list", "--data-dir", str(data))
        assert "ana" in listed.stdout and "bob" not in listed.stdout

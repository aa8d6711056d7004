"""Reading commands work on a read-only archive and never write to it.

The strong check mounts a copy of a data dir read-only (a bind mount in a private mount
namespace: root ignores permission bits, a read-only mount it cannot) and runs the reading
commands there; it needs root and unshare. The portable checks show the store opened for
reading refuses writes and that the commands leave every file of the data dir as it was.
"""
from __future__ import annotations

import os
import shlex
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from spamline.cli import main
from spamline.evidence.signing import load_or_create_key
from spamline.model import Brand
from spamline.store.base import StoreUnavailable
from spamline.store.sqlite import SQLiteStore
from spamline.web.auth import Users
from tests.web.conftest import FAKE_ACME, build_site

READING = [
    ["search", "400-812-3456", "--json"],
    ["number", "+86 400 812 3456"],
    ["brand", "list"],
    ["brand", "report", "Acme"],
]


@pytest.fixture(scope="module")
def archive(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("ro") / "archive"
    build_site(root)
    load_or_create_key(root)  # export signs with it: made once, while the folder is writable
    return root


def _snapshot(root: Path) -> dict[str, tuple[int, int]]:
    """Every file but SQLite's WAL index, which a reader of a writable folder may create
    to coordinate with writers (on a read-only mount it cannot, and is not needed)."""
    return {str(p.relative_to(root)): (p.stat().st_size, p.stat().st_mtime_ns)
            for p in root.rglob("*") if not p.name.endswith(("-wal", "-shm"))}


def test_reading_commands_leave_the_data_dir_untouched(archive, tmp_path):
    before = _snapshot(archive)
    for args in [*READING, ["evidence", "export", "--brand", "Acme", "-o",
                            str(tmp_path / "acme.wacz")]]:
        result = CliRunner().invoke(main, [*args, "--data-dir", str(archive)])
        assert result.exit_code == 0, (args, result.output)
    assert _snapshot(archive) == before
    assert (tmp_path / "acme.wacz").stat().st_size > 0


def test_the_reading_store_refuses_writes(archive):
    store = SQLiteStore(archive / "spamline.db", read_only=True)
    assert store.number_profile(FAKE_ACME) is not None
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        store.add_brand(Brand("Initech"))
    store.close()


def test_a_store_of_another_schema_version_is_a_clear_error(archive, tmp_path):
    copy = tmp_path / "old.db"
    shutil.copy(archive / "spamline.db", copy)
    with sqlite3.connect(copy) as db:
        db.execute("PRAGMA user_version = 1")
    with pytest.raises(StoreUnavailable, match="schema version 1"):
        SQLiteStore(copy, read_only=True)


def test_a_data_dir_without_a_store_is_a_clear_error(tmp_path):
    result = CliRunner().invoke(main, ["search", "acme", "--data-dir", str(tmp_path)])
    assert result.exit_code == 1 and "no SQLite store at" in result.output
    assert list(tmp_path.iterdir()) == []


def _can_mount() -> bool:
    return (os.geteuid() == 0 and shutil.which("unshare") is not None and subprocess.run(
        ["unshare", "-m", "true"], capture_output=True).returncode == 0)


@pytest.mark.skipif(not _can_mount(), reason="needs root and unshare for a read-only bind mount")
def test_reading_commands_work_on_a_read_only_mount(archive, tmp_path):
    ro = tmp_path / "archive"
    shutil.copytree(archive, ro)
    for leftover in ro.glob("spamline.db-*"):  # no WAL index: SQLite cannot make one here
        leftover.unlink()
    out = tmp_path / "out"
    out.mkdir()
    spamline = f"{shlex.quote(sys.executable)} -m spamline"
    commands = [f"{spamline} {shlex.join(args)} --data-dir {shlex.quote(str(ro))}"
                for args in [*READING, ["evidence", "export", "--brand", "Acme", "-o",
                                        str(out / "acme.wacz")]]]
    script = " && ".join([
        f"mount --bind -o ro {shlex.quote(str(ro))} {shlex.quote(str(ro))}",
        f"! touch {shlex.quote(str(ro / 'probe'))} 2>/dev/null",  # the mount is read-only
        *[f"{c} >> {shlex.quote(str(out / 'log'))} 2>&1" for c in commands],
    ])
    done = subprocess.run(["unshare", "-m", "sh", "-c", script], capture_output=True, text=True,
                          timeout=120)
    log = (out / "log").read_text() if (out / "log").exists() else ""
    assert done.returncode == 0, done.stderr + log
    assert FAKE_ACME in log and "acme-support.test" in log and "not writable" not in log
    assert (out / "acme.wacz").stat().st_size > 0


@pytest.mark.skipif(not _can_mount(), reason="needs root and unshare for a read-only bind mount")
def test_serve_works_on_a_read_only_mount(archive, tmp_path):
    """Sign in, search, open the replay; exporting is refused with a clear 409."""
    ro = tmp_path / "archive"
    shutil.copytree(archive, ro)
    for leftover in ro.glob("*.db-*"):
        leftover.unlink()
    token = Users(ro / "users.db").add("reader", "analyst")
    for leftover in ro.glob("*.db-*"):
        leftover.unlink()
    probe = tmp_path / "probe.py"
    probe.write_text(SERVE_PROBE)
    script = (f"mount --bind -o ro {shlex.quote(str(ro))} {shlex.quote(str(ro))} && "
              f"{shlex.quote(sys.executable)} {shlex.quote(str(probe))} {shlex.quote(str(ro))} "
              f"{shlex.quote(token)}")
    done = subprocess.run(["unshare", "-m", "sh", "-c", script], capture_output=True, text=True,
                          timeout=120, cwd=Path(__file__).parents[2])
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.split() == ["303", "200", "True", "409", "True"], done.stdout


SERVE_PROBE = """
import os, sys
from fastapi.testclient import TestClient
from spamline.datadir import DataDir
from spamline.web import create_app
root, token = sys.argv[1], sys.argv[2]
assert not os.access(root, os.W_OK)
with TestClient(create_app(DataDir.existing(root), read_only=True)) as c:
    print(c.post("/login", data={"token": token}, follow_redirects=False).status_code)
    r = c.get("/", params={"q": "400-812-3456"})
    print(r.status_code, "acme-support.test" in r.text)
    r = c.post("/exports", data={"kind": "brand", "value": "Acme"})
    print(r.status_code, "read-only" in r.json()["detail"])
"""

"""What `spamline search` prints: tables fitted to a real terminal's width, one greppable line
per row when piped, and CSV with the --json contract's columns first."""
from __future__ import annotations

import csv
import fcntl
import io
import json
import os
import re
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pytest
from click.testing import CliRunner

from spamline.cli import main
from tests.web.conftest import FAKE_ACME, PAGES, build_site


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("out") / "d"
    build_site(root)
    return root


def _in_terminal(args: list[str], columns: int) -> str:
    """Run spamline with stdout on a pseudo-terminal ``columns`` wide; return what it showed."""
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 50, columns, 0, 0))
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    proc = subprocess.Popen([sys.executable, "-m", "spamline", *args], stdin=slave,
                            stdout=slave, stderr=slave, env={**env, "TERM": "xterm", "NO_COLOR": "1"})
    os.close(slave)
    chunks = []
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(master)
    assert proc.wait(60) == 0
    return re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", b"".join(chunks).decode())


def test_the_table_fits_the_terminal(data_dir):
    args = ["search", "Acme", "--data-dir", str(data_dir)]
    wide = _in_terminal(args, 200).splitlines()
    narrow = _in_terminal(args, 100).splitlines()
    assert max(map(len, wide)) > 100  # the table needs more than 100 columns ...
    assert max(map(len, narrow)) <= 100  # ... and is fitted into 100
    assert any("…" in line for line in narrow) and FAKE_ACME in "\n".join(narrow)
    assert len([line for line in narrow if FAKE_ACME in line]) == \
        len([line for line in wide if FAKE_ACME in line])  # one line per row, not wrapped


def test_piped_output_keeps_each_row_on_one_greppable_line(data_dir):
    out = CliRunner().invoke(main, ["search", "Acme", "--data-dir", str(data_dir)]).stdout
    urls = [p[0] for p in PAGES if "Acme" in p[1]]
    for url in urls:
        lines = [line for line in out.splitlines() if url + " " in line]
        assert lines and all("test-00000.warc.gz@" in line and "…" not in line for line in lines)


def test_csv_has_the_json_contracts_columns_first(data_dir):
    args = ["search", "400-666-0000", "--data-dir", str(data_dir)]
    out = CliRunner().invoke(main, [*args, "--csv"])
    assert out.exit_code == 0, out.output
    rows = list(csv.DictReader(io.StringIO(out.stdout)))
    header = out.stdout.splitlines()[0].split(",")
    assert header[:7] == ["e164", "url", "domain", "brand", "captured_at", "warc_file",
                          "warc_offset"]
    as_json = [json.loads(line) for line in
               CliRunner().invoke(main, [*args, "--json"]).stdout.splitlines()]
    assert len(rows) == len(as_json) == 2
    for row, obj in zip(rows, as_json):
        assert row == {k: "" if obj[k] is None else str(obj[k]) for k in header}


def test_csv_and_json_together_is_a_usage_error(data_dir):
    r = CliRunner().invoke(main, ["search", "x", "--csv", "--json", "--data-dir", str(data_dir)])
    assert r.exit_code == 2 and "not both" in r.output

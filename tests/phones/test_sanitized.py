"""The C twins under AddressSanitizer + UBSan (.ci/sanitize): their tests pass, and a memory error fails.

The second test is the harness's own proof: it removes one bounds check from a copy of
_runscan.c and expects ASan's report, so a sanitizer that silently did not load cannot pass.
"""
from __future__ import annotations

import shutil
import struct
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SANITIZE = ROOT / ".ci" / "sanitize"

if not Path(subprocess.run(["gcc", "-print-file-name=libasan.so"], capture_output=True,
                           text=True).stdout.strip()).is_file():
    pytest.skip("gcc's AddressSanitizer runtime is not installed", allow_module_level=True)


def sanitized(tree: Path, *tests: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(SANITIZE), str(tree), *tests], capture_output=True, text=True, timeout=600)


def test_twin_differential_and_fuzz_tests_pass_under_asan_and_ubsan() -> None:
    run = sanitized(ROOT)
    assert run.returncode == 0, (run.stdout + run.stderr)[-4000:]
    assert " passed" in run.stdout


def test_a_missing_bounds_check_is_reported_by_the_sanitizer(tmp_path: Path) -> None:
    for part in ("spamline", "tests"):
        shutil.copytree(ROOT / part, tmp_path / part, ignore=shutil.ignore_patterns("*.so", "__pycache__"))
    source = tmp_path / "spamline" / "phones" / "_runscan.c"
    check = "return q->flags >= 0 &&"
    assert check in source.read_text(), "piece_ok changed: update this test's mutation"
    source.write_text(source.read_text().replace(check, "return 1 || ("))
    source.write_text(source.read_text().replace("&& q->send <= slen;", "&& q->send <= slen);", 1))
    probe = tmp_path / "tests" / "phones" / "test_probe.py"
    unknown_kind = struct.pack("4q", 0, 0, 19, 8)  # kind 4 of a one-kind tuple
    probe.write_text(
        "from spamline.phones import _runscan, extract\n"
        "from spamline.phones.extract import PhoneHit\n"
        "def test_probe():\n"
        "    number = extract.classify('4008123456', 'CN')\n"
        f"    _runscan.hits([(5, 15, number)], 'call 4008123456 now', 'call 4008123456 now', {unknown_kind!r},"
        " ('tel',), PhoneHit, 10)\n")
    run = sanitized(tmp_path, "tests/phones/test_probe.py")
    assert run.returncode != 0
    assert "ERROR: AddressSanitizer:" in run.stderr, run.stderr[-3000:]

"""A short, bounded atheris run of tests/fuzz/atheris_extract.py (skipped without atheris)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("atheris", reason="atheris is not installed (pip install atheris)")

SCRIPT = Path(__file__).with_name("atheris_extract.py")


def test_atheris_short_run(tmp_path: Path) -> None:
    proc = subprocess.run([sys.executable, str(SCRIPT), "-runs=2000", "-max_total_time=10",
                           "-max_len=4096", "-rss_limit_mb=4096", f"-artifact_prefix={tmp_path}/"],
                          capture_output=True, text=True, timeout=180, cwd=Path(__file__).parents[2])
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "Done" in proc.stderr, proc.stderr[-2000:]

"""A package's report outside the package: report/report.html as it is packaged, or as PDF."""
from __future__ import annotations

import os
import shutil
import tempfile
import zipfile
from pathlib import Path

from spamline.evidence.chromium import print_pdf

REPORT_MEMBER = "report/report.html"
MAX_REPORT_BYTES = 1 << 30  # a report with screenshots of thousands of pages stays far below


class PrintoutError(RuntimeError):
    """The package holds no readable report."""


def _extract(package: Path, dest: Path) -> None:
    try:
        with zipfile.ZipFile(package) as zf:
            try:
                info = zf.getinfo(REPORT_MEMBER)
            except KeyError:
                raise PrintoutError(f"no {REPORT_MEMBER} in the package; is it a spamline "
                                    "export? Export it again with `spamline evidence export`") from None
            if info.file_size > MAX_REPORT_BYTES:
                raise PrintoutError(f"{REPORT_MEMBER} says it is {info.file_size} bytes, over "
                                    f"the {MAX_REPORT_BYTES} limit")
            with zf.open(info) as src, open(dest, "wb") as dst:
                copied = 0
                for block in iter(lambda: src.read(1 << 20), b""):
                    copied += len(block)
                    if copied > MAX_REPORT_BYTES:
                        raise PrintoutError(f"{REPORT_MEMBER} is over the {MAX_REPORT_BYTES} limit")
                    dst.write(block)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError) as exc:
        raise PrintoutError(f"cannot read the package: {exc}") from exc


def write_report(package: Path, out: Path) -> Path:
    """Write the package's report to `out` (.html as packaged, .pdf printed by chromium)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="spamline-report-") as tmp:
        html = Path(tmp) / "report.html"
        _extract(package, html)
        partial = out.with_name(out.name + ".partial")
        if out.suffix.lower() == ".pdf":
            print_pdf(str(html), str(partial))
        else:
            shutil.copyfile(html, partial)
        os.replace(partial, out)
    return out

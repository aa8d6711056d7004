"""`spamline evidence report FILE.wacz -o OUT.html|OUT.pdf`: the report outside the package."""
from __future__ import annotations

import shutil
import subprocess
import zipfile

import pytest
from click.testing import CliRunner

from spamline.cli import main
from spamline.evidence.chromium import find_browser
from spamline.evidence.package import export_package


@pytest.fixture(scope="module")
def package(archive, tmp_path_factory):
    out = tmp_path_factory.mktemp("printout") / "acme.wacz"
    export_package(archive.captures, archive.warcs, out, selection="number +864008123456")
    return out


def report_cmd(*args: str):
    return CliRunner().invoke(main, ["evidence", "report", *args])


def test_html_is_the_packaged_report(package, tmp_path):
    out = tmp_path / "r" / "acme.html"
    result = report_cmd(str(package), "-o", str(out))
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(package) as zf:
        assert out.read_bytes() == zf.read("report/report.html")


@pytest.mark.skipif(find_browser() is None or shutil.which("pdftotext") is None,
                    reason="needs Debian's chromium and poppler-utils")
def test_pdf_opens_and_holds_the_summary(package, tmp_path):
    out = tmp_path / "acme.pdf"
    result = report_cmd(str(package), "-o", str(out))
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"%PDF-")
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "Executive summary" in text and "number +864008123456" in text
    assert "Numbers advertised" in text and "+864008123456" in text


def test_bad_input_is_a_clear_error(package, tmp_path):
    assert report_cmd(str(package), "-o", str(tmp_path / "x.docx")).exit_code == 2
    junk = tmp_path / "junk.wacz"
    junk.write_bytes(b"not a zip")
    result = report_cmd(str(junk), "-o", str(tmp_path / "x.pdf"))
    assert result.exit_code == 1 and "cannot read the package" in result.output
    empty = tmp_path / "empty.wacz"
    with zipfile.ZipFile(empty, "w") as zf:
        zf.writestr("datapackage.json", "{}")
    result = report_cmd(str(empty), "-o", str(tmp_path / "x.html"))
    assert result.exit_code == 1 and "no report/report.html" in result.output
    assert not (tmp_path / "x.html").exists() and not (tmp_path / "x.pdf").exists()

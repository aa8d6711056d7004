"""WACZ export and verification against a real crawl of the local site."""
from __future__ import annotations

import csv
import gzip
import html
import io
import json
import subprocess
import sys
import zipfile
import zlib

import pytest
from warcio.archiveiterator import ArchiveIterator
from warcio.timeutils import iso_date_to_timestamp

from spamline.evidence import cdxj
from spamline.evidence.package import SOFTWARE, ExportError, export_package
from spamline.evidence.signing import Trust, make_signer
from spamline.evidence.verify import verify_package
from spamline.model import Capture, WarcLocation

MEMBERS = ["archive/data.warc.gz", "indexes/index.cdxj", "pages/pages.jsonl",
           "notices/127.0.0.1.txt", "notices/127.0.0.1.eml",
           "report/report.html", "report/urls.csv", "datapackage.json", "datapackage-digest.json"]


@pytest.fixture(scope="module")
def key_dir(tmp_path_factory):
    """The data dir whose anonymous key signs the package."""
    return tmp_path_factory.mktemp("keys")


@pytest.fixture(scope="module")
def package(archive, tmp_path_factory, key_dir):
    number = "+864008123456"
    selected = [c for c in archive.captures if any(h.e164 == number for h in c.hits)]
    out = tmp_path_factory.mktemp("pkg") / "acme.wacz"
    result = export_package(selected, archive.warcs, out, selection=f"number {number}",
                            signer=make_signer(key_dir, SOFTWARE))
    return out, result, selected


def verify(path, key_dir):
    return verify_package(path, trust=Trust.of_data_dir(key_dir))


def test_export_writes_a_valid_wacz_that_verifies(package, key_dir):
    out, result, selected = package
    assert result.pages == len(selected) >= 4 and not result.skipped
    with zipfile.ZipFile(out) as zf:
        assert zf.namelist() == MEMBERS
        assert zf.getinfo("archive/data.warc.gz").compress_type == zipfile.ZIP_STORED
        package_json = json.loads(zf.read("datapackage.json"))
    assert package_json["wacz_version"] == "1.1.1"
    assert {r["path"] for r in package_json["resources"]} == set(MEMBERS[:-2])
    assert all(r["hash"].startswith("sha256:") for r in package_json["resources"])

    verification = verify(out, key_dir)
    assert verification.ok, verification.problems
    assert verification.records == result.records and verification.pages == result.pages

    wacz = subprocess.run([sys.executable, "-m", "wacz", "validate", "-f", str(out)],
                          capture_output=True, text=True)
    assert wacz.returncode == 0, wacz.stdout + wacz.stderr


def test_package_warc_index_and_pages_agree(package, archive):
    out, _, selected = package
    with zipfile.ZipFile(out) as zf:
        warc = zf.read("archive/data.warc.gz")
        index = [cdxj.parse_line(line) for line in zf.read("indexes/index.cdxj").decode().splitlines()]
        pages = [json.loads(line) for line in zf.read("pages/pages.jsonl").decode().splitlines()]

    records = {}
    it = ArchiveIterator(io.BytesIO(warc), check_digests="raise")
    for record in it:
        record.raw_stream.read()
        records[it.get_record_offset()] = record.rec_headers
    by_id = {h.get_header("WARC-Record-ID"): h for h in records.values()}

    assert pages[0]["format"] == "json-pages-1.0"
    indexed = {(e.url, e.timestamp) for e in index}
    for page in pages[1:]:
        assert (page["url"], iso_date_to_timestamp(page["ts"])) in indexed
    assert {p["url"] for p in pages[1:]} == {c.url for c in selected}

    for entry in index:
        headers = records[entry.offset]
        assert entry.filename == "data.warc.gz"
        assert headers.get_header("WARC-Target-URI") == entry.url
        assert headers.get_header("WARC-Payload-Digest") == entry.digest

    # each capture's original record id is in the package, with its request
    for cap in selected:
        headers = by_id[cap.warc.record_id]
        assert by_id[headers.get_header("WARC-Concurrent-To")].get_header("WARC-Type") == "request"
        if headers.get_header("WARC-Type") == "revisit":
            assert headers.get_header("WARC-Refers-To") in by_id  # the original came along


def test_report_and_csv_show_the_evidence(package):
    out, _, selected = package
    with zipfile.ZipFile(out) as zf:
        report = zf.read("report/report.html").decode()
        rows = list(csv.DictReader(io.StringIO(zf.read("report/urls.csv").decode())))
    assert "<mark>400-812-3456</mark>" in report and "<mark>400 812 3456</mark>" in report
    assert "<script" not in report
    for cap in selected:
        assert cap.url in report and cap.warc.payload_digest in report
        assert html.escape(cap.warc.record_id) in report
    assert "Server IP</th><td>127.0.0.1" in report and "Acme" in report
    assert report.count("identical payload first archived as") == 1  # the recrawled /b
    assert len(rows) == len(selected)
    assert {r["url"] for r in rows} == {c.url for c in selected}
    assert all("+864008123456" in r["numbers"].split() and r["ip_address"] == "127.0.0.1" for r in rows)


def rewrite(src, dst, name, change):
    """Copy a zip, replacing one member's bytes (a consistent zip: CRCs recomputed)."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info)
            zout.writestr(info, change(data) if info.filename == name else data)


def flip(data: bytes, at: int | None = None) -> bytes:
    at = len(data) // 2 if at is None else at
    return data[:at] + bytes([data[at] ^ 0x01]) + data[at + 1:]


@pytest.mark.parametrize("name", MEMBERS)
def test_flipping_one_byte_in_any_member_fails_naming_it(package, key_dir, tmp_path, name):
    out, _, _ = package
    tampered = tmp_path / "tampered.wacz"
    rewrite(out, tampered, name, flip)
    verification = verify(tampered, key_dir)
    assert not verification.ok
    assert any(name in p for p in verification.problems), verification.problems


@pytest.mark.parametrize("name", MEMBERS)
def test_flipping_a_raw_byte_of_the_zip_member_fails_naming_it(package, key_dir, tmp_path, name):
    out, _, _ = package
    data = bytearray(out.read_bytes())
    with zipfile.ZipFile(out) as zf:
        info = zf.getinfo(name)
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    data[start + info.compress_size // 2] ^= 0x01
    tampered = tmp_path / "tampered.wacz"
    tampered.write_bytes(bytes(data))
    verification = verify(tampered, key_dir)
    assert not verification.ok and any(name in p for p in verification.problems), verification.problems


def test_a_changed_record_is_named_by_record_id(package, key_dir, tmp_path):
    """Recompress the WARC with one payload byte changed: the record's digests catch it."""
    out, _, selected = package
    ids_of_b = {c.warc.record_id for c in selected if c.url.endswith("/b")}

    def change(warc: bytes) -> bytes:
        members, pos = [], 0
        while pos < len(warc):
            d = zlib.decompressobj(31)
            body = d.decompress(warc[pos:])
            members.append(body)
            pos = len(warc) - len(d.unused_data)
        return b"".join(gzip.compress(m.replace(b"Refund hotline", b"Refund hotlinE"))
                        for m in members)

    tampered = tmp_path / "tampered.wacz"
    rewrite(out, tampered, "archive/data.warc.gz", change)
    problems = verify(tampered, key_dir).problems
    assert any("archive/data.warc.gz" in p and "digest mismatch" in p for p in problems), problems
    changed = [p for p in problems if "digest mismatch" in p]
    assert changed and all(any(rid in p for rid in ids_of_b) for p in changed), changed
    assert any("SHA-256 does not match" in p for p in problems)


def test_member_names_that_escape_are_refused(package, key_dir, tmp_path):
    out, _, _ = package
    evil = tmp_path / "evil.wacz"
    rewrite(out, evil, "", lambda d: d)
    with zipfile.ZipFile(evil, "a") as zf:
        zf.writestr("../../outside.txt", b"x")
    problems = verify(evil, key_dir).problems
    assert problems == ["../../outside.txt: unsafe member name (path traversal) refused"]


def test_locations_outside_the_warc_folder_are_skipped(archive, tmp_path):
    good = archive.captures[0]
    bad = Capture(url="http://x.test/", status=200, captured_at="2026-01-01T00:00:00Z",
                  warc=WarcLocation("../../../etc/passwd", 0, 10, "<urn:uuid:x>"))
    result = export_package([good, bad], archive.warcs, tmp_path / "p.wacz", selection="test")
    assert result.pages == 1
    assert len(result.skipped) == 1 and "outside" in result.skipped[0]


def test_nothing_to_export_is_an_error(archive, tmp_path):
    with pytest.raises(ExportError, match="nothing to export"):
        export_package([], archive.warcs, tmp_path / "p.wacz", selection="number +1")
    assert not (tmp_path / "p.wacz").exists()

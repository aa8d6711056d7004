"""WarcCaptureMiddleware in a real Scrapy crawl of a local site."""
from __future__ import annotations

import gzip
import subprocess
import sys

from warcio.archiveiterator import ArchiveIterator

from spamline.evidence import cdxj
from spamline.evidence.records import read_location
from spamline.evidence.writer import Exchange, WarcWriter
from spamline.model import WarcLocation

from .conftest import PAGE_GZ


def records_of(path):
    with open(path, "rb") as fh:
        return [(r.rec_type, r.rec_headers, r.http_headers, r.raw_stream.read())
                for r in ArchiveIterator(fh, check_digests="raise")]


def test_crawl_writes_valid_warcs_with_request_response_pairs(archive):
    site, warcs = archive.site, sorted(archive.warcs.glob("*.warc.gz"))
    assert len(warcs) == 2  # one per crawl
    check = subprocess.run([sys.executable, "-m", "warcio.cli", "check", *map(str, warcs)],
                           capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr

    records = records_of(warcs[0])
    assert records[0][0] == "warcinfo"
    info = records[0][3].decode()
    assert "spamline/" in info and "Scrapy/" in info and "job: test" in info

    by_id = {h.get_header("WARC-Record-ID"): (t, h) for t, h, _, _ in records}
    responses = [(h, http, body) for t, h, http, body in records if t == "response"]
    assert {h.get_header("WARC-Target-URI") for h, _, _ in responses} == {
        site.url(p) for p in ("/", "/b", "/gz", "/script", "/chunked", "/redirect", "/missing")}
    for headers, _, _ in responses:
        assert headers.get_header("WARC-IP-Address") == "127.0.0.1"
        assert headers.get_header("WARC-Payload-Digest").startswith("sha256:")
        assert headers.get_header("WARC-Block-Digest").startswith("sha256:")
        req_type, req = by_id[headers.get_header("WARC-Concurrent-To")]
        assert req_type == "request"
        assert req.get_header("WARC-Concurrent-To") == headers.get_header("WARC-Record-ID")
        assert req.get_header("WARC-Target-URI") == headers.get_header("WARC-Target-URI")

    statuses = {h.get_header("WARC-Target-URI"): http.get_statuscode() for h, http, _ in responses}
    assert statuses[site.url("/redirect")] == "302"
    assert statuses[site.url("/missing")] == "404"
    custom = [http.get_header("X-Custom-Case") for h, http, _ in responses
              if h.get_header("WARC-Target-URI") == site.url("/")]
    assert custom == ["KeepMe"]

    # every page the spider saw carries the location of its response record
    for row in archive.rows:
        rec = read_location(archive.warcs, WarcLocation(**row["warc"]))
        assert rec.rec_type in ("response", "revisit") and rec.url == row["url"]
        assert rec.record_id == row["warc"]["record_id"]
        assert rec.warc_headers.get_header("WARC-Payload-Digest") == row["warc"]["payload_digest"]


def test_body_is_archived_before_decompression(archive):
    row = next(r for r in archive.rows if r["url"].endswith("/gz"))
    rec = read_location(archive.warcs, WarcLocation(**row["warc"]))
    assert rec.header("Content-Encoding") == "gzip"
    assert gzip.decompress(rec.payload).decode() == PAGE_GZ


def test_recrawl_of_identical_payload_writes_revisit(archive):
    first, second = [r for r in archive.rows if r["url"].endswith("/b")]
    assert first["refers_to"] is None
    assert second["refers_to"]["record_id"] == first["warc"]["record_id"]
    rec = read_location(archive.warcs, WarcLocation(**second["warc"]))
    assert rec.rec_type == "revisit"
    assert rec.warc_headers.get_header("WARC-Refers-To") == first["warc"]["record_id"]
    assert rec.warc_headers.get_header("WARC-Refers-To-Target-URI") == first["url"]
    assert rec.warc_headers.get_header("WARC-Profile") == (
        "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest")
    assert rec.status == 200 and rec.payload == b""


def test_changed_payload_or_other_url_is_a_full_response(tmp_path):
    def page(url, body):
        return Exchange(url=url, status=200, body=body, response_headers=[])

    with WarcWriter(tmp_path) as writer:
        writer.write_exchange(page("http://a.test/", b"one"))
    with WarcWriter(tmp_path) as writer:  # a later crawl, same data dir
        assert writer.write_exchange(page("http://a.test/", b"one")).refers_to is not None
        assert writer.write_exchange(page("http://a.test/", b"two")).refers_to is None
        assert writer.write_exchange(page("http://b.test/", b"one")).refers_to is None


def test_files_rotate_by_size_and_each_has_warcinfo_and_index(tmp_path):
    """(The killed-crawl test in test_recovery.py rotates through SPAMLINE_WARC_MAX_SIZE.)"""
    with WarcWriter(tmp_path, max_size=2500, prefix="job7") as writer:
        written = [writer.write_exchange(Exchange(
            url=f"http://a.test/{i}", status=200, body=b"<p>%d</p>" % i * 80,
            response_headers=[("Content-Type", "text/html")])) for i in range(12)]
    warcs = sorted(tmp_path.glob("*.warc.gz"))
    assert len(warcs) >= 3 and all(w.name.startswith("job7-") for w in warcs)
    assert all(w.stat().st_size < 2500 + 1500 for w in warcs)
    for warc in warcs:
        records = records_of(warc)
        assert [t for t, *_ in records].count("warcinfo") == 1 and records[0][0] == "warcinfo"
        assert not (warc.parent / (warc.name + ".open")).exists()
        entries = list(cdxj.read_index(cdxj.sidecar(warc)))
        keys = [e.urlkey + " " + e.timestamp for e in entries]
        assert keys == sorted(keys)
        mine = {(w.location.offset, w.location.length) for w in written if w.location.file == warc.name}
        assert {(e.offset, e.length) for e in entries} == mine


def test_missing_original_means_a_full_response_again(tmp_path):
    page = Exchange(url="http://a.test/", status=200, body=b"one", response_headers=[])
    with WarcWriter(tmp_path) as writer:
        first = writer.write_exchange(page).location
    (tmp_path / first.file).unlink()
    with WarcWriter(tmp_path) as writer:
        again = writer.write_exchange(page)
    assert again.refers_to is None
    assert read_location(tmp_path, again.location).rec_type == "response"

"""WarcCaptureMiddleware in a real Scrapy crawl of a local site."""
from __future__ import annotations

import gzip
import subprocess
import sys

from warcio.archiveiterator import ArchiveIterator

from spamline.evidence import cdxj
from spamline.evidence.records import read_location

from .conftest import PAGE_GZ, run_crawl


def records_of(path):
    with open(path, "rb") as fh:
        return [(r.rec_type, r.rec_headers, r.http_headers, r.raw_stream.read())
                for r in ArchiveIterator(fh, check_digests=True)]


def test_crawl_writes_valid_warc_with_request_response_pairs(site, tmp_path):
    data = tmp_path / "data"
    seen = run_crawl(data, [site.url("/")], job="job-one")
    warcs = sorted((data / "warcs").glob("*.warc.gz"))
    assert len(warcs) == 1
    check = subprocess.run([sys.executable, "-m", "warcio.cli", "check", str(warcs[0])],
                           capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr

    records = records_of(warcs[0])
    assert records[0][0] == "warcinfo"
    info = records[0][3].decode()
    assert "spamline/" in info and "Scrapy/" in info and "job: job-one" in info

    by_id = {h.get_header("WARC-Record-ID"): (t, h) for t, h, _, _ in records}
    responses = [(h, http, body) for t, h, http, body in records if t == "response"]
    assert {h.get_header("WARC-Target-URI") for h, _, _ in responses} >= {
        site.url("/"), site.url("/b"), site.url("/gz"), site.url("/redirect"), site.url("/missing")}
    for headers, http, body in responses:
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

    # every page the spider saw carries the location of its response record
    for row in seen:
        rec = read_location(data / "warcs", cdxj_location(row["warc"]))
        assert rec.rec_type == "response" and rec.url == row["url"]
        assert rec.record_id == row["warc"]["record_id"]
        assert rec.warc_headers.get_header("WARC-Payload-Digest") == row["warc"]["payload_digest"]


def test_body_is_archived_before_decompression(site, tmp_path):
    data = tmp_path / "data"
    seen = run_crawl(data, [site.url("/gz")])
    rec = read_location(data / "warcs", cdxj_location(seen[0]["warc"]))
    assert rec.header("Content-Encoding") == "gzip"
    assert gzip.decompress(rec.payload).decode() == PAGE_GZ


def test_recrawl_of_identical_payload_writes_revisit(site, tmp_path):
    data = tmp_path / "data"
    first = {row["url"]: row for row in run_crawl(data, [site.url("/b")])}
    site.server.pages["/"] = site.server.pages["/"].replace("any time", "24/7")  # changed
    second = {row["url"]: row for row in run_crawl(data, [site.url("/b"), site.url("/")])}

    revisit = second[site.url("/b")]
    assert revisit["refers_to"]["record_id"] == first[site.url("/b")]["warc"]["record_id"]
    rec = read_location(data / "warcs", cdxj_location(revisit["warc"]))
    assert rec.rec_type == "revisit"
    assert rec.warc_headers.get_header("WARC-Refers-To") == revisit["refers_to"]["record_id"]
    assert rec.warc_headers.get_header("WARC-Profile").endswith("/revisit/identical-payload-digest")
    assert rec.payload == b""
    assert second[site.url("/")]["refers_to"] is None  # changed page: a full response again


def test_files_rotate_by_size_and_each_has_warcinfo_and_index(site, tmp_path):
    data = tmp_path / "data"
    seen = run_crawl(data, [site.url("/")], max_size=2500)
    warcs = sorted((data / "warcs").glob("*.warc.gz"))
    assert len(warcs) >= 3
    for warc in warcs:
        records = records_of(warc)
        assert records[0][0] == "warcinfo"
        assert not (warc.parent / (warc.name + ".open")).exists()
        entries = list(cdxj.read_index(cdxj.sidecar(warc)))
        assert [e.urlkey + e.timestamp for e in entries] == sorted(e.urlkey + e.timestamp for e in entries)
        indexed = {(e.offset, e.url) for e in entries}
        offsets = {(row["warc"]["offset"], row["url"]) for row in seen if row["warc"]["file"] == warc.name}
        assert offsets <= indexed


def cdxj_location(d: dict):
    from spamline.model import WarcLocation
    return WarcLocation(**d)

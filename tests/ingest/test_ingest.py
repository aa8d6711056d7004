"""`spamline ingest` on the crawl's own WARCs: same results as the crawl, pointing at the source."""
from __future__ import annotations

import gzip
import io
import json
import signal
import sqlite3
import subprocess
import sys
import time
import zipfile
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from spamline.datadir import DataDir
from spamline.phones import extract_document
from spamline.store import open_store
from tests.crawler.conftest import run_spamline
from tests.ingest.conftest import HTML_HEAD, Crawled, fresh_data_dir, ingest, responses


def sightings(data: Path) -> set[tuple]:
    with open_store(None, DataDir.existing(data)) as store:
        return {(s.url, s.e164, s.start, s.end, s.raw, s.brand, s.number_type)
                for s in store.iter_sightings()}


def networks(data: Path) -> set[tuple]:
    with open_store(None, DataDir.existing(data)) as store:
        return {(frozenset(n.numbers), frozenset(n.domains), frozenset(n.brands))
                for n in store.networks()}


def test_ingest_gives_the_crawl_results_and_points_at_the_source(crawled: Crawled, tmp_path):
    data = fresh_data_dir(crawled.server, tmp_path / "ingested")
    out = ingest(data, crawled.warcs, extra=("--workers", "2")).stdout
    assert "skipped" not in out
    assert sightings(data) == sightings(crawled.data)
    assert networks(data) == networks(crawled.data) and networks(data)
    with open_store(None, DataDir.existing(data)) as store:
        counts = store.counts()
    with open_store(None, DataDir.existing(crawled.data)) as store:
        assert counts["pages"] >= store.counts()["pages"]  # + robots.txt and sitemaps

    hub = next(iter(next(iter(crawled.server.ground_truth.networks.values())).numbers))
    rows = [json.loads(line) for line in run_spamline(
        "search", hub, "--json", "--data-dir", str(data)).stdout.splitlines()]
    assert rows
    for row in rows:
        path = Path(row["warc_file"])
        assert path.parent == crawled.warcs.resolve()  # the source WARC, not a copy
        with open(path, "rb") as fh:
            fh.seek(row["warc_offset"])
            record = next(iter(ArchiveIterator(fh)))
            assert record.rec_headers.get_header("WARC-Target-URI") == row["url"]
            body = record.content_stream().read()
            ctype = record.http_headers.get_header("Content-Type") or ""
            assert row["e164"] in {h.e164 for h in extract_document(body, ctype, row["url"]).hits}

    again = ingest(data, crawled.warcs, extra=("--json",)).stdout.splitlines()[0]
    assert json.loads(again)["records"] == 0 and json.loads(again)["up_to_date"] == 1
    with open_store(None, DataDir.existing(data)) as store:
        assert store.counts() == counts


def test_a_folder_of_copies_stores_nothing_new(crawled: Crawled, tmp_path):
    """The same records under another name: read again, but the store has every capture."""
    data = fresh_data_dir(crawled.server, tmp_path / "d")
    ingest(data, crawled.warcs, extra=("--workers", "1"))
    with open_store(None, DataDir.existing(data)) as store:
        before = store.counts()
    copy = tmp_path / "copy"
    copy.mkdir()
    for warc in crawled.warcs.glob("*.warc.gz"):
        (copy / warc.name).write_bytes(warc.read_bytes())
    ingest(data, f"{copy}/*.warc.gz")
    with open_store(None, DataDir.existing(data)) as store:
        assert store.counts()["sightings"] == before["sightings"]


def test_not_a_warc_is_refused_with_a_message(tmp_path):
    bad = tmp_path / "notes.warc.gz"
    bad.write_bytes(gzip.compress(b"<html>not a WARC</html>"))
    proc = ingest(tmp_path / "d", bad, check=False)
    assert proc.returncode == 1
    assert "is not a WARC file" in proc.stderr and "Traceback" not in proc.stderr
    missing = ingest(tmp_path / "d", tmp_path / "nope.warc", check=False)
    assert missing.returncode == 1 and "no such file" in missing.stderr


def page_records(count: int, *, gzipped: bool = True) -> bytes:
    """A WARC (warcio's writer) of `count` pages, each with its own number."""
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=gzipped)
    writer.write_record(writer.create_warcinfo_record("pages.warc.gz", {"software": "test"}))
    for i in range(count):
        body = (f"<html><title>Page {i}</title><body>Call 400-812-{i % 10000:04d} now"
                "</body></html>").encode()
        head = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")],
                                protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(
            f"http://pages.test/p/{i}", "response", payload=io.BytesIO(body), http_headers=head))
    return out.getvalue()


def record_offsets(data: bytes) -> list[int]:
    it = ArchiveIterator(io.BytesIO(data))
    offsets = []
    for _ in it:
        offsets.append(it.get_record_offset())
    return offsets


def test_corrupt_and_truncated_records_are_skipped_with_reasons(tmp_path):
    data = bytearray(page_records(20))
    offsets = record_offsets(bytes(data))
    data[offsets[5] + 30:offsets[5] + 60] = b"X" * 30  # page 4's gzip member broken
    warc = tmp_path / "broken.warc.gz"
    warc.write_bytes(bytes(data[:offsets[-1] + 40]))  # and the last page cut short
    out = json.loads(ingest(tmp_path / "d", warc, extra=("--json",)).stdout.splitlines()[0])
    reasons = {s["offset"]: s["reason"] for s in out["skipped"]}
    assert set(reasons) == {offsets[5], offsets[-1]}
    assert "Gzip" in reasons[offsets[5]] and "cut short" in reasons[offsets[-1]]
    assert out["pages_with_numbers"] == 18


def children(pid: int) -> list[int]:
    return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def ends_within(pid: int, seconds: float) -> bool:
    """Whether process `pid` is gone (or a zombie) within `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z":
                return True
        except FileNotFoundError:
            return True
        time.sleep(0.1)
    return False


def test_kill_9_then_resume_stores_every_page_once(tmp_path):
    warc = tmp_path / "many.warc"
    warc.write_bytes(page_records(3000, gzipped=False))
    data = tmp_path / "d"
    cmd = [sys.executable, "-m", "spamline", "ingest", str(warc), "--data-dir", str(data),
           "--no-progress", "--workers", "1"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    reached = 0
    while time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.2)
        try:
            with sqlite3.connect(data / "ingest.db") as conn:
                row = conn.execute("SELECT reached, done FROM members").fetchone()
        except sqlite3.Error:
            continue
        if row and row[0] > 0 and not row[1]:
            reached = row[0]
            break
    workers = children(proc.pid)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert 0 < reached < warc.stat().st_size, "the ingest was not caught half-way"
    assert workers, "no worker process was seen"
    for pid in workers:  # a worker left behind would wait forever to hand over its batches
        assert ends_within(pid, 10), f"worker {pid} outlived the killed ingest"
    with open_store(None, DataDir.existing(data)) as store:
        assert 0 < store.counts()["captures"] < 3000
    ingest(data, warc)
    with open_store(None, DataDir.existing(data)) as store:
        urls = [c.url for c in store.iter_captures()]
        assert store.counts()["sightings"] == 3000
    assert len(urls) == len(set(urls)) == 3000


def test_revisits_resolve_to_their_original_in_another_file(tmp_path):
    first, second = tmp_path / "a.warc.gz", tmp_path / "b.warc.gz"
    first.write_bytes(page_records(1))
    record_id, digest, date = responses(first)[0]
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=True)
    writer.write_record(writer.create_revisit_record(
        "http://pages.test/p/0", digest, "http://pages.test/p/0", date, http_headers=HTML_HEAD))
    second.write_bytes(out.getvalue())
    summary = json.loads(ingest(tmp_path / "d", second, first, extra=("--json",))
                         .stdout.splitlines()[0])
    assert summary["revisits"] == 1 and summary["unresolved_revisits"] == 0
    with open_store(None, DataDir.existing(tmp_path / "d")) as store:
        caps = store.captures(number="+864008120000")
    assert len(caps) == 2
    revisit = next(c for c in caps if c.warc.file == str(second))
    assert revisit.features["source"]["refers_to"]["file"] == str(first)

    package = tmp_path / "p.wacz"  # the package holds the revisit and its original
    run_spamline("evidence", "export", "--number", "+864008120000", "-o", str(package),
                 "--data-dir", str(tmp_path / "d"))
    with zipfile.ZipFile(package) as zf:
        warc = zf.read("archive/data.warc.gz")
    kinds = {r.rec_headers.get_header("WARC-Record-ID"): r.rec_type
             for r in ArchiveIterator(io.BytesIO(warc))}
    assert kinds.get(record_id) == "response"
    assert kinds.get(revisit.warc.record_id) == "revisit"

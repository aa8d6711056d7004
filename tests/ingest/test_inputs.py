"""Archives written by other tools from the sample network, ingested and scored against its truth."""
from __future__ import annotations

import gzip
import json
import subprocess
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.warcwriter import WARCWriter

from spamline.datadir import DataDir
from spamline.samplenet import SampleNetworkServer
from spamline.store import open_store
from tests.crawler.conftest import run_spamline
from tests.ingest.conftest import fresh_data_dir, found_numbers, ingest, write_pages
from tests.samplenet.conftest import fetch


def scored(srv: SampleNetworkServer, data: Path, label: str) -> None:
    """Print the ground-truth score of what the store holds, and require a perfect one."""
    score = srv.ground_truth.score(found_numbers(data))
    print(f"{label}: {score}")
    assert score.recall == 1.0 and score.precision == 1.0, f"{label}: {score}"


def test_wget_warc(samplenet: SampleNetworkServer, tmp_path):
    """Debian's wget --warc-file, through the sample server as its HTTP proxy."""
    subprocess.run(["wget", f"--warc-file={tmp_path / 'site'}", "--no-warc-keep-log", "-r",
                    "-l", "inf", "-q", "-e", "robots=off", "-e", "use_proxy=yes", "-e",
                    f"http_proxy=127.0.0.1:{samplenet.port}", "-P", str(tmp_path / "files"),
                    *samplenet.seed_urls], check=True, timeout=120)
    data = fresh_data_dir(samplenet, tmp_path / "d")
    ingest(data, tmp_path / "site.warc.gz")
    scored(samplenet, data, "wget --warc-file")


def test_warcio_writer(samplenet: SampleNetworkServer, warcio_file: Path, tmp_path):
    data = fresh_data_dir(samplenet, tmp_path / "d")
    ingest(data, warcio_file)
    scored(samplenet, data, "warcio WARCWriter")


def test_wacz_create(samplenet: SampleNetworkServer, warcio_file: Path, tmp_path):
    """py-wacz's `wacz create`: records are read, and pointed at, inside the .wacz."""
    wacz = tmp_path / "pages.wacz"
    subprocess.run(["wacz", "create", "-o", str(wacz), str(warcio_file)], check=True,
                   timeout=120, capture_output=True)
    data = fresh_data_dir(samplenet, tmp_path / "d")
    ingest(data, wacz)
    scored(samplenet, data, "wacz create")
    hub = samplenet.ground_truth.hubs[0]
    rows = [json.loads(line) for line in run_spamline(
        "search", hub, "--json", "--data-dir", str(data)).stdout.splitlines()]
    assert rows and {r["warc_file"] for r in rows} == {str(wacz.resolve())}
    with open(wacz, "rb") as fh:
        fh.seek(rows[0]["warc_offset"])
        record = next(iter(ArchiveIterator(fh)))
        assert record.rec_headers.get_header("WARC-Target-URI") == rows[0]["url"]


def chunked_and_gzipped(url: str, body: bytes, headers: list[tuple[str, str]]):
    """Every other page gzip-encoded, every third chunked, as Common Crawl stores them."""
    n = sum(map(ord, url))
    if n % 2:
        body = gzip.compress(body, mtime=0)
        headers = [*headers, ("Content-Encoding", "gzip")]
    if n % 3:
        parts = [body[i:i + 500] for i in range(0, len(body), 500)]
        body = b"".join(b"%x\r\n%s\r\n" % (len(p), p) for p in parts) + b"0\r\n\r\n"
        headers = [*headers, ("Transfer-Encoding", "chunked")]
    return body, headers


def test_common_crawl_shaped_warc(samplenet: SampleNetworkServer, tmp_path):
    """WARC/1.0, request/response/metadata records, chunked and gzip-encoded bodies."""
    path = tmp_path / "CC-MAIN-test-00000.warc.gz"
    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=True, warc_version="WARC/1.0")
        writer.write_record(writer.create_warcinfo_record(path.name, {
            "software": "Apache Nutch 1.19", "isPartOf": "CC-MAIN-test", "operator":
            "Common Crawl Admin"}))
        write_pages(samplenet, writer, chunked_and_gzipped)
    assert b"WARC/1.0" in gzip.open(path).read(100)
    data = fresh_data_dir(samplenet, tmp_path / "d")
    out = json.loads(ingest(data, path, extra=("--json",)).stdout.splitlines()[0])
    assert out["skipped"] == []
    scored(samplenet, data, "Common-Crawl-shaped WARC/1.0")


def arc_file(srv: SampleNetworkServer, path: Path) -> list[int]:
    """An ARC 1.0 file of every page, written by hand (warcio reads ARC but does not write
    it): the version block, then one `URL IP date type length` record per page, each in a
    gzip member of its own. Returns the records' offsets."""
    rest = b"1 0 spamline-test\nURL IP-address Archive-date Content-type Archive-length\n"
    members = [b"filedesc://%s 0.0.0.0 20240101000000 text/plain %d\n%s\n"
               % (path.name.encode(), len(rest), rest)]
    for n, url in enumerate(srv.ground_truth.urls()):
        resp = fetch(url)
        head = "".join(f"{k}: {v}\r\n" for k, v in resp.headers.items())
        http = f"HTTP/1.0 {resp.status} OK\r\n{head}\r\n".encode() + resp.body
        date = f"20240101{n // 3600:02d}{n // 60 % 60:02d}{n % 60:02d}"
        members.append(b"%s 127.0.0.1 %s %s %d\n%s\n" % (
            url.encode(), date.encode(), resp.headers["Content-Type"].split(";")[0].encode(),
            len(http), http))
    offsets, pos = [], 0
    with open(path, "wb") as fh:
        for member in members:
            offsets.append(pos)
            pos += fh.write(gzip.compress(member, mtime=0))
    return offsets[1:]


def test_arc_file(samplenet: SampleNetworkServer, tmp_path):
    """ARC 1.0 (.arc.gz), read with warcio; ingesting it twice stores nothing new."""
    path = tmp_path / "IA-test-00000.arc.gz"
    offsets = arc_file(samplenet, path)
    data = fresh_data_dir(samplenet, tmp_path / "d")
    out = json.loads(ingest(data, path, extra=("--json",)).stdout.splitlines()[0])
    assert out["skipped"] == [] and out["captures"] == len(offsets)
    scored(samplenet, data, "ARC 1.0 file")
    with open_store(None, DataDir.existing(data)) as store:
        before = store.counts()
        captures = list(store.iter_captures())
    assert sorted(c.warc.offset for c in captures) == offsets
    with open(path, "rb") as fh:  # the offsets open the ARC record of the page in warcio
        fh.seek(captures[0].warc.offset)
        record = next(iter(ArchiveIterator(fh, arc2warc=True)))
        assert record.rec_headers.get_header("WARC-Target-URI") == captures[0].url
    copy = tmp_path / "copy.arc.gz"  # another name: read again, stored once
    copy.write_bytes(path.read_bytes())
    ingest(data, copy)
    with open_store(None, DataDir.existing(data)) as store:
        assert store.counts()["captures"] == before["captures"]

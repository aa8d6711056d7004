"""A record is only read where one starts: bytes from inside a gzip member are never a record."""
from __future__ import annotations

import io
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from spamline.evidence.records import RecordNotFound, read_record, read_record_headers

RECORDS = 400  # warcio read about 1 in 60 of these at offset+1 as an ARC record of garbage


def _write(path: Path, gzip: bool) -> list[int]:
    offsets = []
    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=gzip)
        for i in range(RECORDS):
            offsets.append(fh.tell())
            http = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
            body = f"<p>page {i}: call 400-812-{i:04d}</p>".encode()
            writer.write_record(writer.create_warc_record(
                f"http://example.test/{i}", "response", payload=io.BytesIO(body), http_headers=http,
                warc_headers_dict={"WARC-Record-ID": f"<urn:uuid:00000000-0000-0000-0000-{i:012d}>",
                                   "WARC-Date": "2026-12-03T00:00:00Z"}))
    return offsets


@pytest.mark.parametrize("name", ["a.warc.gz", "a.warc"])
def test_only_record_starts_are_read(tmp_path, name):
    path = tmp_path / name
    offsets = _write(path, gzip=name.endswith(".gz"))
    assert read_record(path, offsets[7]).url == "http://example.test/7"
    served = []
    for start in offsets:
        for inside in (start + 1, start + 2, start + 5):
            for read in (read_record, read_record_headers):
                try:
                    read(path, inside)
                    served.append(inside)
                except RecordNotFound:
                    pass
    assert served == []

"""Fixtures for ingest tests: one crawl of the sample network, and archives written by others."""
from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from spamline.cli.demo import register_official_brands
from spamline.datadir import DataDir
from spamline.samplenet import SampleNetworkServer
from spamline.store import open_store
from tests.samplenet.conftest import fetch
from tests.crawler.conftest import crawl_args, run_spamline


@dataclass
class Crawled:
    """A data dir holding one crawl of the sample network, and the network it crawled."""

    server: SampleNetworkServer
    data: Path

    @property
    def warcs(self) -> Path:
        return self.data / "warcs"


@pytest.fixture(scope="session")
def samplenet() -> Iterator[SampleNetworkServer]:
    with SampleNetworkServer(seed=7, pages_per_site=6) as srv:
        yield srv


@pytest.fixture(scope="session")
def crawled(samplenet: SampleNetworkServer, tmp_path_factory: pytest.TempPathFactory) -> Crawled:
    data = tmp_path_factory.mktemp("crawl") / "data"
    register_official_brands(samplenet.ground_truth, DataDir.open(data))
    run_spamline(*crawl_args(samplenet, data))
    return Crawled(samplenet, data)


def fresh_data_dir(srv: SampleNetworkServer, path: Path) -> Path:
    """A new data dir with the sample network's official brands registered (as the crawl had)."""
    register_official_brands(srv.ground_truth, DataDir.open(path))
    return path


def ingest(data: Path, *paths: object, check: bool = True, extra: tuple[str, ...] = ()):
    """Run `spamline ingest` in a subprocess."""
    return run_spamline("ingest", *map(str, paths), "--data-dir", str(data), "--no-progress",
                        *extra, check=check)


def found_numbers(data: Path) -> dict[str, set[str]]:
    """url -> numbers seen there, from the store."""
    found: dict[str, set[str]] = {}
    with open_store(None, DataDir.existing(data)) as store:
        for s in store.iter_sightings():
            found.setdefault(s.url, set()).add(s.e164)
    return found


def write_pages(srv: SampleNetworkServer, writer: WARCWriter, encode=None) -> None:
    """Every page of the network fetched and written with warcio (request + response)."""
    for url in srv.ground_truth.urls():
        resp = fetch(url)
        body, headers = resp.body, [(k, v) for k, v in resp.headers.items()
                                    if k.lower() != "content-length"]
        if encode:
            body, headers = encode(url, body, headers)
        head = StatusAndHeaders(f"{resp.status} OK", headers, protocol="HTTP/1.1")
        extra = {"WARC-Identified-Payload-Type": "text/html"} if encode else None
        response = writer.create_warc_record(url, "response", payload=io.BytesIO(body),
                                             http_headers=head, warc_headers_dict=extra)
        request = writer.create_warc_record(url, "request", payload=io.BytesIO(b""),
                                            http_headers=StatusAndHeaders(
                                                f"GET {url} HTTP/1.1", [("Host", "x")],
                                                is_http_request=True))
        writer.write_request_response_pair(request, response)
        if encode:
            meta = writer.create_warc_record(url, "metadata", payload=io.BytesIO(
                b"fetchTimeMs: 12\r\n"), warc_content_type="application/warc-fields")
            writer.write_record(meta)


HTML_HEAD = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")],
                             protocol="HTTP/1.1")


def responses(path: Path) -> list[tuple[str, str, str]]:
    """(record id, payload digest, date) of every response record in a WARC (warcio)."""
    with open(path, "rb") as fh:
        return [(r.rec_headers.get_header("WARC-Record-ID"),
                 r.rec_headers.get_header("WARC-Payload-Digest"),
                 r.rec_headers.get_header("WARC-Date"))
                for r in ArchiveIterator(fh) if r.rec_type == "response"]


@pytest.fixture(scope="session")
def warcio_file(samplenet: SampleNetworkServer, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("warcio") / "pages.warc.gz"
    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "warcio"}))
        write_pages(samplenet, writer)
    return path

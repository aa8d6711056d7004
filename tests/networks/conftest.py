"""The sample spam network turned into captures: real pages, real extraction, real detection."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from spamline.brands.features import PageAnalyzer
from spamline.datadir import DataDir
from spamline.model import Brand, Capture, WarcLocation
from spamline.phones import extract_document
from spamline.samplenet.pages import render_page
from spamline.samplenet.site import SampleNetwork
from spamline.samplenet.truth import GroundTruth
from spamline.store import open_store

PORT = 8123


def sample_captures(net: SampleNetwork, brands: list[Brand] = (), start: datetime | None = None,
                    only: set[str] | None = None) -> list[Capture]:
    """Every page of `net` (or of the hosts in `only`) extracted and analysed, one minute apart."""
    analyzer = PageAnalyzer(list(brands))
    when = start or datetime(2026, 11, 1, tzinfo=timezone.utc)
    captures = []
    for host in net.hosts:
        if only is not None and host not in only:
            continue
        for path in net.paths(host):
            page = render_page(net, host, path, PORT)
            doc = extract_document(page.body, page.content_type, page.url)
            when += timedelta(minutes=1)
            c = Capture(url=page.url, status=200, captured_at=when.strftime("%Y-%m-%dT%H:%M:%SZ"),
                        content_type=page.content_type, encoding=doc.encoding, title=doc.title,
                        text=doc.text, hits=doc.hits, body=page.body,
                        warc=WarcLocation("sample-00000.warc.gz", len(captures) * 4096, 4000,
                                          f"<urn:uuid:{len(captures):08d}>"))
            analyzer.analyze(c, html=doc.source)
            c.body = b""
            captures.append(c)
    return captures


def official_brands(net: SampleNetwork) -> list[Brand]:
    """The legitimate brands of the sample network with their official numbers."""
    aliases = {b.name: b.alias for n in net.networks.values() for b in n.brands}
    return [Brand(name, [aliases.get(name, "")], list(nums)) for name, nums in net.official.items()]


@pytest.fixture(scope="session")
def sample_net() -> SampleNetwork:
    return SampleNetwork(seed=1)


@pytest.fixture(scope="session")
def truth(sample_net: SampleNetwork) -> GroundTruth:
    return GroundTruth(sample_net, PORT)


@pytest.fixture(scope="session")
def captures(sample_net: SampleNetwork) -> list[Capture]:
    return sample_captures(sample_net)


@pytest.fixture
def data_dir(tmp_path) -> DataDir:
    return DataDir.open(tmp_path / "data")


@pytest.fixture
def filled(data_dir: DataDir, captures: list[Capture]) -> DataDir:
    """A data dir whose SQLite store holds every sample page."""
    with open_store(None, data_dir) as store:
        store.add_captures(captures)
    return data_dir

"""A small, fully known data dir for the web tests: real WARCs, a real SQLite store, users.

Two brands (Acme, Globex) with their own spam pages, one number shared by both,
one unbranded page, and three networks. Acme's refund page carries script that
tries to change the title, read the cookie and call the API: replay must stop it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from spamline.datadir import DataDir
from spamline.model import Brand, Capture, Network, PhoneHit, WarcLocation
from spamline.store import open_store
from spamline.web import create_app
from spamline.web.auth import Users

FAKE_ACME = "+864008123456"
SHARED = "+864006660000"
FAKE_GLOBEX = "+864009876543"
UNBRANDED = "+864005550000"
ACME_OFFICIAL = "+864001110000"
GLOBEX_OFFICIAL = "+864002220000"

EVIL_SCRIPT = (
    "<script>document.title = 'PWNED';"
    "window.stolen = document.cookie;"
    "fetch('/api/me', {credentials: 'include'}).then(r => r.text())"
    ".then(t => { document.title = 'API ' + t; });"
    "fetch('/exports', {method: 'POST', credentials: 'include', body: new URLSearchParams("
    "{kind: 'brand', value: 'Acme'})});</script>"
)

# url, brands, numbers (e164, raw), captured_at, title, extra html
PAGES = [
    ("http://acme-support.test/", ["Acme"], [(FAKE_ACME, "400-812-3456"),
                                            (ACME_OFFICIAL, "400-111-0000")],
     "2026-11-01T10:00:00Z", "Acme 官方客服热线", ""),
    ("http://acme-support.test/refund", ["Acme"], [(FAKE_ACME, "4008123456")],
     "2026-11-02T10:00:00Z", "Acme refund hotline", EVIL_SCRIPT),
    ("http://acme-help.test/", ["Acme"], [(SHARED, "400 666 0000")],
     "2026-11-03T10:00:00Z", "Acme help centre", ""),
    ("http://globex-help.test/", ["Globex"], [(FAKE_GLOBEX, "400-987-6543")],
     "2026-11-04T10:00:00Z", "Globex service", ""),
    ("http://globex-help.test/b", ["Globex"], [(SHARED, "400-666-0000")],
     "2026-11-05T10:00:00Z", "Globex support line", ""),
    ("http://random.test/", [], [(UNBRANDED, "400-555-0000")],
     "2026-11-06T10:00:00Z", "Random page", ""),
]

NETWORKS = [
    Network("net-a", numbers=[FAKE_ACME, SHARED], brands=["Acme", "Globex"],
            domains=["acme-support.test", "acme-help.test", "globex-help.test"], pages=4,
            first_seen="2026-11-01T10:00:00Z", last_seen="2026-11-05T10:00:00Z",
            explanations=[f"{SHARED} on acme-help.test and globex-help.test"]),
    Network("net-b", numbers=[FAKE_GLOBEX], brands=["Globex"], domains=["globex-help.test"],
            pages=1, first_seen="2026-11-04T10:00:00Z", last_seen="2026-11-04T10:00:00Z"),
    Network("net-c", numbers=[UNBRANDED], brands=[], domains=["random.test"], pages=1,
            first_seen="2026-11-06T10:00:00Z", last_seen="2026-11-06T10:00:00Z"),
]


def page_html(title: str, numbers: list[tuple[str, str]], extra: str) -> str:
    items = "".join(f"<p>客服电话 Call us: <b>{raw}</b> 24h</p>" for _, raw in numbers)
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>{title}</title></head>"
            f"<body><h1>{title}</h1>{items}{extra}</body></html>")


def write_pages(data_dir: DataDir) -> list[Capture]:
    """Archive every page into one gzip WARC with warcio and return their captures."""
    warc = data_dir.warcs / "test-00000.warc.gz"
    captures = []
    with warc.open("wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for url, brands, numbers, when, title, extra in PAGES:
            html = page_html(title, numbers, extra)
            body = html.encode("utf-8")
            http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8"),
                                               ("Content-Length", str(len(body)))],
                                    protocol="HTTP/1.1")
            record = writer.create_warc_record(
                url, "response", payload=BytesIO(body), http_headers=http,
                warc_headers_dict={"WARC-Date": when, "WARC-IP-Address": "127.0.0.1"})
            offset = fh.tell()
            writer.write_record(record)
            hits = []
            for e164, raw in numbers:
                start = html.index(raw)
                hits.append(PhoneHit(e164=e164, raw=raw, start=start, end=start + len(raw),
                                     type="shared_cost", context=f"客服电话 Call us: {raw} 24h",
                                     region="CN"))
            captures.append(Capture(
                url=url, status=200, captured_at=when, content_type="text/html; charset=utf-8",
                encoding="utf-8", ip_address="127.0.0.1", title=title,
                text=f"{title} 客服电话 Call us " + " ".join(r for _, r in numbers),
                warc=WarcLocation(
                    file=warc.name, offset=offset, length=fh.tell() - offset,
                    record_id=record.rec_headers.get_header("WARC-Record-ID"),
                    payload_digest=record.rec_headers.get_header("WARC-Payload-Digest") or ""),
                job="test", hits=hits, brands=brands,
                features={"spam": True, "spam_score": 0.8}))  # the fake pages of the networks
    return captures


@dataclass
class Site:
    """The test data dir with its users' tokens."""

    data_dir: DataDir
    analyst: str = field(repr=False)
    acme: str = field(repr=False)
    globex: str = field(repr=False)

    def app(self, **kwargs):
        kwargs.setdefault("rate", 1000.0)
        kwargs.setdefault("burst", 1000)
        return create_app(self.data_dir, **kwargs)


def build_site(root: Path) -> Site:
    data_dir = DataDir.open(root)
    with open_store(None, data_dir) as store:
        store.add_brand(Brand("Acme", aliases=["acme"], official=[ACME_OFFICIAL]))
        store.add_brand(Brand("Globex", aliases=[], official=[GLOBEX_OFFICIAL]))
        store.add_captures(write_pages(data_dir))
        store.save_networks(NETWORKS)
    users = Users.of(data_dir)
    return Site(data_dir, analyst=users.add("ana", "analyst"),
                acme=users.add("acme-owner", "brand-owner", ["Acme"]),
                globex=users.add("globex-owner", "brand-owner", ["Globex"]))


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    return build_site(tmp_path_factory.mktemp("web-data"))


@pytest.fixture(scope="session")
def client(site: Site):
    with TestClient(site.app()) as c:
        yield c


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}

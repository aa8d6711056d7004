"""Fixtures: a small spam-like site on 127.0.0.1 and a real Scrapy crawl of it in a subprocess."""
from __future__ import annotations

import gzip
import http.server
import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from click.testing import CliRunner

from spamline.cli import main
from spamline.datadir import DataDir
from spamline.evidence.records import decode_body, read_location
from spamline.model import Capture, WarcLocation
from spamline.phones import extract_document
from spamline.store import open_store
from tests.jobs.conftest import free_port

CRAWL_SCRIPT = Path(__file__).with_name("crawl_site.py")

HOME = """<!doctype html><html><head><meta charset="utf-8"><title>Acme 客服热线</title></head>
<body><h1>Acme official service</h1><p>Call Acme support: 400-812-3456 any time.</p>
<a href="/b">refund</a> <a href="/gz">more</a> <a href="/script">app</a>
<a href="/chunked">list</a> <a href="/redirect">old</a> <a href="/missing">gone</a>
</body></html>"""
PAGE_B = """<html><head><title>Refunds</title></head><body>Refund hotline 400 812 3456,
or mobile 138 0013 8000.</body></html>"""
PAGE_GZ = """<html><head><title>Compressed</title></head><body>Acme hotline 4008-123-457
</body></html>"""
PAGE_SCRIPT = """<html><head><title>App</title></head><body><p>Call 400-812-3456</p>
<script>document.cookie = "stolen=1"; fetch("/api/search?q=x");</script></body></html>"""
PAGE_CHUNKED = """<html><head><title>Chunked</title></head><body>Acme 400-812-3458</body></html>"""


class SiteHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:  # noqa: N802 (http.server naming)
        path = self.path.split("?")[0]
        if path == "/redirect":
            self._send(302, b"", [("Location", "/b")])
        elif path == "/chunked":
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            data = PAGE_CHUNKED.encode()
            for part in (data[:20], data[20:]):
                self.wfile.write(b"%x\r\n%s\r\n" % (len(part), part))
            self.wfile.write(b"0\r\n\r\n")
        elif path == "/gz":
            self._send(200, gzip.compress(PAGE_GZ.encode(), mtime=0),
                       [("Content-Type", "text/html; charset=utf-8"), ("Content-Encoding", "gzip")])
        elif path.startswith("/p/") and path[3:].isdigit():
            n = int(path[3:])
            filler = "".join(f"<p>filler line {i} for page {n}</p>" for i in range(400))
            body = (f"<html><body>Page {n}: call 400-812-{3000 + n % 1000:04d}"
                    f"<a href='/p/{n + 1}'>next</a><a href='/p/{n + 2}'>skip</a>{filler}</body></html>")
            self._send(200, body.encode(), [("Content-Type", "text/html")])
        elif path in self.server.pages:  # type: ignore[attr-defined]
            self._send(200, self.server.pages[path].encode("utf-8"),  # type: ignore[attr-defined]
                       [("Content-Type", "text/html; charset=utf-8"), ("X-Custom-Case", "KeepMe")])
        else:
            self._send(404, b"not here", [("Content-Type", "text/plain")])

    def _send(self, status: int, body: bytes, headers: list[tuple[str, str]]) -> None:
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@dataclass
class Site:
    server: http.server.ThreadingHTTPServer

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def url(self, path: str = "/") -> str:
        return self.base + path


def serve_site() -> Site:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), SiteHandler)
    server.daemon_threads = True
    server.pages = {"/": HOME, "/b": PAGE_B, "/script": PAGE_SCRIPT}  # type: ignore[attr-defined]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return Site(server)


@pytest.fixture
def site() -> Iterator[Site]:
    served = serve_site()
    yield served
    served.server.shutdown()
    served.server.server_close()


@dataclass
class Archive:
    """A data dir holding a crawl of the site and a recrawl of /b (a revisit)."""

    site: Site
    data: Path
    rows: list[dict]  # what the spider saw, crawl after crawl
    captures: list[Capture]

    @property
    def warcs(self) -> Path:
        return self.data / "warcs"


def captures_of(data: Path, rows: list[dict]) -> list[Capture]:
    """Capture items as the pipelines would build them, from what the spider saw."""
    captures = []
    for row in rows:
        loc = WarcLocation(**row["warc"])
        record = read_location(data / "warcs", loc)
        payload = record if record.rec_type != "revisit" else read_location(
            data / "warcs", WarcLocation(**row["refers_to"]))
        body = decode_body(payload.payload, payload.header("Content-Encoding"))
        doc = extract_document(body, row["content_type"], row["url"])
        captures.append(Capture(
            url=row["url"], status=row["status"], captured_at=record.date[:19] + "Z",
            content_type=row["content_type"], encoding=doc.encoding, ip_address=row["ip_address"],
            title=doc.title, text=doc.text, warc=loc, job="test", hits=doc.hits,
            brands=["Acme"] if "Acme" in doc.text else []))
    return captures


@pytest.fixture(scope="session")
def archive(tmp_path_factory) -> Iterator[Archive]:
    served = serve_site()
    data = tmp_path_factory.mktemp("archive") / "data"
    rows = run_crawl(data, [served.url("/")]) + run_crawl(data, [served.url("/b")])
    yield Archive(served, data, rows, captures_of(data, rows))
    served.server.shutdown()
    served.server.server_close()


@pytest.fixture(scope="session")
def stored(archive) -> Archive:
    """The archive with its captures in the data dir's SQLite store, as the CLI reads them."""
    with open_store(None, DataDir.open(archive.data)) as store:
        store.add_captures(archive.captures)
    return archive


def run_crawl(data_dir: Path, urls: list[str], *, max_size: int | None = None,
              job: str = "test", host_map: dict[str, str] | None = None) -> list[dict]:
    """Crawl urls into data_dir in a subprocess; the JSON lines the spider saw."""
    out = data_dir.parent / f"{data_dir.name}-seen-{len(list(data_dir.parent.glob('*-seen-*')))}.jsonl"
    cmd = [sys.executable, str(CRAWL_SCRIPT), str(data_dir), str(out), *urls, "--job", job]
    if max_size:
        cmd += ["--max-size", str(max_size)]
    if host_map:
        cmd += ["--host-map", json.dumps(host_map)]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    return [json.loads(line) for line in out.read_text().splitlines()]


@pytest.fixture(scope="session")
def demo(tmp_path_factory):
    """(data dir, ground truth) of the sample network crawled by `spamline demo`, its brands
    registered (tests may add recheck captures)."""
    root = tmp_path_factory.mktemp("demo") / "data"
    result = CliRunner().invoke(main, ["demo", "--data-dir", str(root), "--pages-per-site", "4",
                                       "--port", str(free_port()), "--no-progress"],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    truth = json.loads((root / "demo-ground-truth.json").read_text(encoding="utf-8"))
    return root, truth

"""Through a proxy (http_proxy), the guard still checks every target before a request leaves."""
from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

PAGE = b"<html><head><title>spam</title></head><body>Hotline 400-812-3456</body></html>"
PUBLIC_IP = "93.184.216.34"  # public; only ever named, never connected to: the proxy answers


@pytest.fixture
def proxy() -> Iterator[tuple[str, list[str]]]:
    """A forward HTTP proxy on 127.0.0.1 that records every request line and answers itself."""
    seen: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            seen.append(self.path)  # a proxied request names the absolute URL
            body = PAGE if not self.path.endswith("/robots.txt") else b"User-agent: *\n"
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_CONNECT(self) -> None:
            seen.append(f"CONNECT {self.path}")
            self.send_error(502)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", seen
    finally:
        server.shutdown()
        server.server_close()


def crawl(data: Path, proxy_url: str, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k.lower() not in ("no_proxy", "all_proxy")}
    env.update(http_proxy=proxy_url, https_proxy=proxy_url)
    return subprocess.run([sys.executable, "-m", "spamline", "crawl", "--data-dir", str(data),
                           "--no-progress", "--depth", "0", *args],
                          capture_output=True, text=True, timeout=120, env=env)


def test_a_name_mapped_inside_is_refused_before_the_proxy(tmp_path: Path, proxy) -> None:
    url, seen = proxy
    proc = crawl(tmp_path, url, "http://internal.test/admin", "https://secure.test/",
                 "http://127.0.0.1:9/", "--trust-proxy",
                 "--resolve", "internal.test=127.0.0.1", "--resolve", "secure.test=10.0.0.7")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert seen == [], "nothing may reach the proxy"
    assert "non-public address" in proc.stderr and "--allow-private" in proc.stderr


def test_a_private_proxy_is_refused_unless_trusted(tmp_path: Path, proxy) -> None:
    url, seen = proxy
    proc = crawl(tmp_path, url, "http://shop.test/", "--resolve", f"shop.test={PUBLIC_IP}")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert seen == [] and "refused proxy 127.0.0.1" in proc.stderr and "--trust-proxy" in proc.stderr
    # trusted, the same proxy carries a public target: the guard lets it through
    proc = crawl(tmp_path, url, "http://shop.test/", "--resolve", f"shop.test={PUBLIC_IP}",
                 "--trust-proxy")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "http://shop.test/" in seen and "1 number occurrence on 1 page" in proc.stdout

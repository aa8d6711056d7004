"""Fixtures for the jobs tests: a real local web server whose pages tests can change."""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Site:
    """Virtual hosts on one 127.0.0.1 port: (host, path) -> (status, content type, body)."""

    port: int = 0
    pages: dict[tuple[str, str], tuple[int, str, bytes]] = field(default_factory=dict)
    hits: Counter = field(default_factory=Counter)
    delay: dict[str, float] = field(default_factory=dict)  # path -> seconds before answering
    release: threading.Event = field(default_factory=threading.Event)  # set: answer delayed now
    lock: threading.Lock = field(default_factory=threading.Lock)
    server: ThreadingHTTPServer | None = None

    def stop(self) -> None:
        """Close the server; its port then refuses connections."""
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    def url(self, host: str, path: str = "/") -> str:
        return f"http://{host}:{self.port}{path}"

    def put(self, host: str, path: str, body: str, status: int = 200,
            content_type: str = "text/html; charset=utf-8") -> str:
        self.pages[(host, path)] = (status, content_type, body.encode("utf-8"))
        return self.url(host, path)

    def remove(self, host: str, path: str, status: int = 404) -> None:
        self.pages[(host, path)] = (status, "text/html", b"<html><body>Not found</body></html>")

    def page_hits(self, path_prefix: str = "/") -> dict[str, int]:
        """Hits per host+path, robots.txt excluded."""
        return {f"{h}{p}": n for (h, p), n in self.hits.items()
                if p.startswith(path_prefix) and p != "/robots.txt"}


def html(title: str, body: str, links: list[str] = ()) -> str:
    anchors = "".join(f'<a href="{u}">{u}</a> ' for u in links)
    return f"<html><head><title>{title}</title></head><body><p>{body}</p>{anchors}</body></html>"


@pytest.fixture
def site() -> Iterator[Site]:
    state = Site()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            host = (self.headers.get("Host") or "").split(":")[0].lower()
            path = self.path.split("?")[0]
            with state.lock:
                state.hits[(host, path)] += 1
            state.release.wait(state.delay.get(path, 0.0))
            status, ctype, body = state.pages.get(
                (host, path), (404, "text/html", b"<html><body>Not found</body></html>"))
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    state.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.server = server
    try:
        yield state
    finally:
        state.stop()


def spamline(*args: str, timeout: float = 60, check: bool = True,
             cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run `python -m spamline ARGS` in a fresh process (Scrapy's reactor runs once per process)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run([sys.executable, "-m", "spamline", *args], check=False, capture_output=True,
                            text=True, timeout=timeout, env=env, cwd=cwd or ROOT)
    if check and result.returncode != 0:
        raise AssertionError(f"spamline {' '.join(args)} exited {result.returncode}:\n"
                             f"{result.stdout}\n{result.stderr}")
    return result


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def redis_url(tmp_path: Path) -> Iterator[str]:
    """A real redis-server on 127.0.0.1, a free port and a temp dir, stopped afterwards."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed (Debian: apt-get install redis-server)")
    import redis

    port = free_port()
    folder = tmp_path / "redis"
    folder.mkdir()
    process = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                                "--appendonly", "no", "--dir", str(folder)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"redis://127.0.0.1:{port}/0"
    client = redis.Redis.from_url(url)
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError("redis-server did not start")
                time.sleep(0.05)
        yield url
    finally:
        client.close()
        process.terminate()
        process.wait(10)

"""Serve every host of the sample network on one loopback port, chosen by the Host header.

Besides the pages, each host serves /robots.txt (allow all), /sitemap.xml and
fault endpoints for tests:

    /_test/404, /_test/410, /_test/500   that status
    /_test/redirect?to=/path             302 to `to` (default "/")
    /_test/binary                        application/octet-stream body
    /_test/slow?seconds=2                a small HTML page after a delay (at most 30 s)

Pages can be removed, changed and restored at run time (`remove`,
`change_number`, `restore`) to exercise rechecks.
"""
from __future__ import annotations

import socket
import sys
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit
from xml.sax.saxutils import escape

import phonenumbers

from spamline.samplenet.pages import PageTruth, render_page
from spamline.samplenet.site import SampleNetwork
from spamline.samplenet.truth import GroundTruth

_SLOW_MAX = 30.0


class SampleNetworkServer:
    """The sample network on http://127.0.0.1:<port>; use as a context manager.

    >>> with SampleNetworkServer(seed=1) as srv:
    ...     srv.seed_urls[0], srv.host_map  # doctest: +SKIP
    """

    def __init__(self, seed: int = 1, pages_per_site: int = 12, port: int = 0, *,
                 network: SampleNetwork | None = None, bind: str = "127.0.0.1") -> None:
        self.network = network or SampleNetwork(seed, pages_per_site)
        self.fetch_counts: Counter[str] = Counter()  # URL -> requests served (GET and HEAD)
        self._bind, self._requested_port = bind, port
        self._removed: dict[tuple[str, str], int] = {}
        self._subs: dict[tuple[str, str], dict[str, str]] = {}
        self._lock = threading.Lock()
        self._connections: set[socket.socket] = set()  # open keep-alive connections, closed by stop()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._truth: GroundTruth | None = None

    # -- life cycle --------------------------------------------------------
    def start(self) -> SampleNetworkServer:
        if self._httpd is not None:
            return self
        httpd = _HTTPServer((self._bind, self._requested_port), _Handler)
        httpd.app = self
        self._httpd = httpd
        self._truth = GroundTruth(self.network, self.port)
        self._thread = threading.Thread(target=httpd.serve_forever, name="samplenet", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is None:
            return
        self._httpd.shutdown()
        self._httpd.server_close()
        with self._lock:
            for conn in self._connections:
                try:
                    conn.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass  # the client closed it already
        self._thread.join(5)
        self._httpd = self._thread = self._truth = None

    def __enter__(self) -> SampleNetworkServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- addresses -----------------------------------------------------------
    @property
    def port(self) -> int:
        if self._httpd is None:
            raise RuntimeError("the sample network server is not running; call start() or use `with`")
        return self._httpd.server_address[1]

    def base_url(self, host: str) -> str:
        return f"http://{host}:{self.port}"

    def url(self, host: str, path: str = "/") -> str:
        return f"{self.base_url(host)}{path}"

    @property
    def host_map(self) -> dict[str, str]:
        """Host name -> IP for the crawler's resolver (all loopback)."""
        return {h: self._bind for h in self.network.hosts}

    @property
    def seed_urls(self) -> list[str]:
        """The root page of every host."""
        return [self.url(h) for h in self.network.hosts]

    @property
    def ground_truth(self) -> GroundTruth:
        """The truth of the pages as generated (run-time changes are not applied; see page_truth)."""
        if self._truth is None:
            raise RuntimeError("the sample network server is not running; call start() or use `with`")
        return self._truth

    def write_ground_truth(self, path: str | Path) -> Path:
        return self.ground_truth.write(path)

    # -- run-time changes ------------------------------------------------------
    def remove(self, url: str, status: int = 410) -> None:
        """Serve `status` (404 or 410) for the page at `url` until `restore`."""
        if status not in (404, 410):
            raise ValueError(f"status must be 404 or 410, not {status}")
        with self._lock:
            self._removed[self._key(url)] = status

    def change_number(self, url: str, old: str, new: str) -> None:
        """Make the page at `url` show `new` wherever it showed `old` (any format; CN assumed)."""
        key = self._key(url)
        old_e164, new_e164 = _e164(old), _e164(new)
        truth = self.page_truth(url)
        if truth is None or old_e164 not in truth.numbers:
            shown = sorted(truth.numbers) if truth else []
            raise ValueError(f"{old_e164} is not on {url}; its numbers are {shown}")
        with self._lock:
            self._subs.setdefault(key, {})[old_e164] = new_e164

    def restore(self, url: str) -> None:
        """Undo `remove` and `change_number` for `url`."""
        key = self._key(url)
        with self._lock:
            self._removed.pop(key, None)
            self._subs.pop(key, None)

    def page_truth(self, url: str) -> PageTruth | None:
        """The truth of the page as served right now; None if removed or not a page."""
        key = self._key(url)
        with self._lock:
            if key in self._removed:
                return None
            subs = dict(self._subs.get(key, {}))
        page = render_page(self.network, key[0], key[1], self.port, subs)
        return page.truth if page else None

    def _key(self, url: str) -> tuple[str, str]:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        if host not in self.network.sites:
            raise ValueError(f"{url} is not on a sample network host; hosts: {', '.join(self.network.hosts)}")
        return host, parts.path or "/"


def _e164(number: str) -> str:
    try:
        num = phonenumbers.parse(number, "CN")
    except phonenumbers.NumberParseException as exc:
        raise ValueError(f"cannot read {number!r} as a phone number: {exc}") from None
    return phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.E164)


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    app: SampleNetworkServer

    def handle_error(self, request: object, client_address: object) -> None:
        """Stay quiet when a client drops its connection; report anything else."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "samplenet/1"
    timeout = 30

    def log_message(self, format: str, *args: object) -> None:
        pass

    def setup(self) -> None:
        super().setup()
        app = self.server.app  # type: ignore[attr-defined]
        with app._lock:
            app._connections.add(self.connection)

    def finish(self) -> None:
        app = self.server.app  # type: ignore[attr-defined]
        with app._lock:
            app._connections.discard(self.connection)
        super().finish()

    def do_HEAD(self) -> None:
        self._serve(head=True)

    def do_GET(self) -> None:
        self._serve(head=False)

    def _send(self, status: int, body: bytes, content_type: str, head: bool, **headers: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def _serve(self, head: bool) -> None:
        app: SampleNetworkServer = self.server.app  # type: ignore[attr-defined]
        net = app.network
        host = (self.headers.get("Host") or "").rsplit(":", 1)[0].lower()
        parts = urlsplit(self.path)
        path = parts.path or "/"
        if host not in net.sites:
            msg = f"unknown host {host!r}; this server serves: {', '.join(net.hosts)}\n"
            return self._send(404, msg.encode(), "text/plain; charset=utf-8", head)
        url = app.url(host, path) + (f"?{parts.query}" if parts.query else "")
        with app._lock:
            app.fetch_counts[url] += 1
            removed = app._removed.get((host, path))
            subs = dict(app._subs.get((host, path), {}))
        if path.startswith("/_test/"):
            return self._fault(path[len("/_test/"):], parse_qs(parts.query), head)
        if path == "/robots.txt":
            body = f"User-agent: *\nAllow: /\nSitemap: {app.url(host, '/sitemap.xml')}\n"
            return self._send(200, body.encode(), "text/plain; charset=utf-8", head)
        if path == "/sitemap.xml":
            locs = "".join(f"<url><loc>{escape(app.url(host, p))}</loc></url>" for p in net.paths(host))
            body = ('<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/'
                    f'sitemap/0.9">{locs}</urlset>\n')
            return self._send(200, body.encode(), "application/xml; charset=utf-8", head)
        if removed:
            return self._send(removed, b"<html><body>page removed</body></html>", "text/html; charset=utf-8", head)
        page = render_page(net, host, path, app.port, subs)
        if page is None:
            return self._send(404, b"<html><body>not found</body></html>", "text/html; charset=utf-8", head)
        self._send(200, page.body, page.content_type, head)

    def _fault(self, name: str, query: dict[str, list[str]], head: bool) -> None:
        html_type = "text/html; charset=utf-8"
        if name in ("404", "410", "500"):
            return self._send(int(name), f"<html><body>status {name}</body></html>".encode(), html_type, head)
        if name == "redirect":
            target = query.get("to", ["/"])[0]
            return self._send(302, b"", html_type, head, Location=target)
        if name == "binary":
            return self._send(200, bytes(range(256)) * 16, "application/octet-stream", head)
        if name == "slow":
            time.sleep(min(float(query.get("seconds", ["2"])[0]), _SLOW_MAX))
            return self._send(200, b"<html><body>slow page</body></html>", html_type, head)
        self._send(404, b"<html><body>unknown test endpoint</body></html>", html_type, head)

"""A hostile web server on 127.0.0.1 for reliability tests (stdlib only).

Every host name is served the same way; paths choose the fault:

    /                      links to every fault below (a seed that reaches them all)
    /hang                  reads the request, then never answers
    /reset                 closes the connection with a TCP reset
    /loop/<n>              302 to /loop/<n+1>, forever
    /trap/<n>              endless pagination: links to /trap/<n+1> .. /trap/<n+FANOUT>
    /big                   a 50 MB body with Content-Length
    /big-chunked           a 50 MB body without Content-Length (read until close)
    /bomb                  gzip of 1 GB of zeros (Content-Encoding: gzip), made lazily
    /binary, /binary-html  random bytes as octet-stream / labelled text/html
    /charset/wrong         GBK bytes labelled charset=utf-8
    /charset/missing       GBK bytes with no charset anywhere
    /broken                broken, deeply nested HTML

The pages that carry text show `NUMBER` so tests can check extraction survived.
"""
from __future__ import annotations

import os
import socket
import struct
import threading
import zlib
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

NUMBER = "+864008123456"  # shown on the text fault pages as 400-812-3456
FANOUT = 4
BIG = 50 * 1024 * 1024
BOMB = 1024 ** 3
_MB = 1024 * 1024

ZH_PAGE = ("<html><head><title>售后服务电话</title></head><body>"
           "<p>全国24小时客服热线：400-812-3456，欢迎来电。</p></body></html>")
BROKEN_PAGE = ("<html><head><title>坏页面<title><body><table><tr><td>" + "<div><span>" * 3000
               + "<p>客服热线 400-812-3456 <b><i></p></b></i><!-- unclosed comment <script>var x='<"
               + "</td></table>" + "&#xD800;&bogus;\x00\x01" + "</html></html>")
FAULTS = ("/hang", "/reset", "/loop/0", "/big", "/big-chunked", "/bomb", "/binary",
          "/binary-html", "/charset/wrong", "/charset/missing", "/broken")


class FaultServer:
    """Run the fault server in a thread; use as a context manager."""

    def __init__(self) -> None:
        self.fetch_counts: Counter[str] = Counter()  # path -> requests seen
        self.stopping = threading.Event()
        self._lock = threading.Lock()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._httpd.daemon_threads = True
        self._httpd.app = self  # type: ignore[attr-defined]
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="faults", daemon=True)

    @property
    def port(self) -> int:
        return self._httpd.server_address[1]

    def url(self, path: str, host: str = "faults.test") -> str:
        return f"http://{host}:{self.port}{path}"

    def count(self, path: str) -> None:
        with self._lock:
            self.fetch_counts[path] += 1

    def __enter__(self) -> "FaultServer":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(5)


def gzip_bomb(size: int = BOMB):
    """Yield a gzip stream of `size` zero bytes without ever holding it: one compressed
    1 MB block (a full flush makes it independent of what came before) repeated."""
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = comp.compress(bytes(_MB)) + comp.flush(zlib.Z_FULL_FLUSH)
    yield b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"  # gzip header, no name, mtime 0
    crc = 0
    for _ in range(size // _MB):
        yield block
        crc = zlib.crc32(bytes(_MB), crc)
    yield b"\x03\x00" + struct.pack("<II", crc, size & 0xFFFFFFFF)  # empty final block + trailer


def gzip_bomb_length(size: int = BOMB) -> int:
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = comp.compress(bytes(_MB)) + comp.flush(zlib.Z_FULL_FLUSH)
    return 10 + len(block) * (size // _MB) + 10


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"  # one request per connection; bodies may end at close

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
        pass

    def do_GET(self) -> None:
        app: FaultServer = self.server.app  # type: ignore[attr-defined]
        path = self.path.split("?", 1)[0]
        app.count(path)
        try:
            self._route(app, path)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the crawler gave up on the body: that is the point

    def _route(self, app: FaultServer, path: str) -> None:
        if path == "/":
            links = "".join(f'<a href="{p}">{p}</a> ' for p in FAULTS)
            return self._send(200, f"<html><body>{links}</body></html>".encode())
        if path == "/hang":
            app.stopping.wait(120)
            return None
        if path == "/reset":
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
            return None
        if path.startswith("/loop/"):
            n = int(path.rsplit("/", 1)[1])
            self.send_response(302)
            self.send_header("Location", f"/loop/{n + 1}")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return None
        if path.startswith("/trap/"):
            n = int(path.rsplit("/", 1)[1])
            links = "".join(f'<a href="/trap/{n + k}">page {n + k}</a> ' for k in range(1, FANOUT + 1))
            return self._send(200, f"<html><body>calendar page {n} {links}</body></html>".encode())
        if path in ("/big", "/big-chunked"):
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            if path == "/big":
                self.send_header("Content-Length", str(BIG))
            self.end_headers()
            chunk = b"<p>" + b"9" * (_MB - 7) + b"</p>\n"
            for _ in range(BIG // _MB):
                self.wfile.write(chunk)
            return None
        if path == "/bomb":
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(gzip_bomb_length()))
            self.end_headers()
            for part in gzip_bomb():
                self.wfile.write(part)
            return None
        if path in ("/binary", "/binary-html"):
            ctype = "application/octet-stream" if path == "/binary" else "text/html"
            return self._send(200, os.urandom(256 * 1024), ctype)
        if path == "/charset/wrong":
            return self._send(200, ZH_PAGE.encode("gbk"), "text/html; charset=utf-8")
        if path == "/charset/missing":
            return self._send(200, ZH_PAGE.encode("gbk"), "text/html")
        if path == "/broken":
            return self._send(200, BROKEN_PAGE.encode(), "text/html; charset=utf-8")
        return self._send(404, b"<html><body>not found</body></html>")

    def _send(self, status: int, body: bytes, ctype: str = "text/html; charset=utf-8") -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

"""WARC capture overhead: the same local crawl with and without WarcCaptureMiddleware.

    python bench/warc.py [--quick] [--pages N] [--rounds R]

First the writer alone: CPU time per `WarcWriter.write_exchange` for the same pages
with the headers Scrapy passes, without Scrapy.

Then the crawl: a server process on 127.0.0.1 serves a linked set of spam-like pages (about
13 KB of HTML each, every third one gzip-encoded); a fresh Scrapy process
crawls all of them, once with the middleware and once without, alternating for
R rounds. Prints pages/s and crawler CPU per page of each run, their medians and
ratios, and the middleware's own CPU time measured inside the capture runs
(target: capture costs at most 10%).
"""
from __future__ import annotations

import argparse
import gzip
import http.server
import json
import multiprocessing
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from spamline.evidence.writer import Exchange, WarcWriter  # noqa: E402

CRAWLER = r"""
import json, sys, time
import scrapy
from scrapy import signals
from scrapy.crawler import CrawlerProcess

from spamline.crawler.middlewares.warc import WarcCaptureMiddleware

url, data_dir, with_warc = sys.argv[1], sys.argv[2], sys.argv[3] == "1"
stats = {"capture_cpu": 0.0}


class TimedWarcCapture(WarcCaptureMiddleware):
    # the real middleware, with the CPU time of each process_response added up

    def process_response(self, request, response, spider=None):
        start = time.thread_time()
        try:
            return super().process_response(request, response, spider)
        finally:
            stats["capture_cpu"] += time.thread_time() - start


class Bench(scrapy.Spider):
    name = "bench"
    start_urls = [url]

    def parse(self, response):
        if "first" not in stats:
            stats["first"], stats["first_cpu"] = time.perf_counter(), time.process_time()
        stats["pages"] = stats.get("pages", 0) + 1
        stats["last"], stats["last_cpu"] = time.perf_counter(), time.process_time()
        yield from response.follow_all(css="a")

settings = {
    "LOG_LEVEL": "ERROR", "ROBOTSTXT_OBEY": False, "TELNETCONSOLE_ENABLED": False,
    "CONCURRENT_REQUESTS": 16, "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
    "SPAMLINE_DATA_DIR": data_dir, "SPAMLINE_JOB": "bench",
}
if with_warc:
    settings["DOWNLOADER_MIDDLEWARES"] = {"__main__.TimedWarcCapture": 950}
process = CrawlerProcess(settings)
process.crawl(Bench)
process.start()
print(json.dumps({"pages": stats["pages"], "seconds": stats["last"] - stats["first"],
                  "cpu": stats["last_cpu"] - stats["first_cpu"],
                  "capture_cpu": stats["capture_cpu"]}))
"""


def page(n: int, total: int) -> bytes:
    links = "".join(f'<a href="/p/{m}">page {m}</a> ' for m in range(n + 1, min(n + 6, total)))
    filler = "".join(
        f"<p>Acme 官方客服热线 400-812-{(n * 7 + i) % 10000:04d}，24小时服务，"
        f"refund and after-sales line {i} for page {n}.</p>" for i in range(120))
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>Acme service {n}</title>"
            f"</head><body><h1>Acme support</h1>{links}{filler}</body></html>").encode()


def serve(port_queue: multiprocessing.Queue, total: int) -> None:
    pages = {f"/p/{n}": page(n, total) for n in range(total)}
    zipped = {path: gzip.compress(body) for path, body in pages.items()}

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:  # noqa: N802
            body = pages.get(self.path)
            if body is None:
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            if int(self.path[3:]) % 3 == 0:
                body = zipped[self.path]
                self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    port_queue.put(server.server_address[1])
    server.serve_forever()


def writer_cost(total: int) -> tuple[float, float]:
    """(µs of CPU per write_exchange, WARC bytes per page) for the bench pages, Scrapy's headers."""
    exchanges = []
    for n in range(total):
        body, headers = page(n, total), [("Content-Type", "text/html; charset=utf-8")]
        if n % 3 == 0:
            body = gzip.compress(body)
            headers.append(("Content-Encoding", "gzip"))
        exchanges.append(Exchange(
            url=f"http://127.0.0.1:8000/p/{n}", status=200, body=body,
            response_headers=[("Server", "BaseHTTP/0.6 Python/3.11"),
                              ("Date", "Sat, 28 Nov 2026 03:00:00 GMT"), *headers],
            request_headers=[("Accept", "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8"),
                             ("Accept-Language", "en"), ("User-Agent", "Scrapy/2.11 (+https://scrapy.org)"),
                             ("Accept-Encoding", "gzip, deflate, br"),
                             ("Referer", f"http://127.0.0.1:8000/p/{max(n - 1, 0)}")],
            ip_address="127.0.0.1"))
    with tempfile.TemporaryDirectory(prefix="spamline-bench-") as folder:
        with WarcWriter(folder) as writer:
            start = time.thread_time()
            for exchange in exchanges:
                writer.write_exchange(exchange)
            cpu = time.thread_time() - start
        size = sum(p.stat().st_size for p in Path(folder).glob("*.warc.gz"))
    return cpu * 1e6 / total, size / total


def crawl(url: str, with_warc: bool) -> tuple[float, float, float, int, int]:
    """(pages/s, crawler CPU ms/page, capture CPU ms/page, pages, WARC bytes) of one crawl."""
    with tempfile.TemporaryDirectory(prefix="spamline-bench-") as data_dir:
        out = subprocess.run([sys.executable, "-c", CRAWLER, url, data_dir, "1" if with_warc else "0"],
                             capture_output=True, text=True, cwd=ROOT, check=True)
        result = json.loads(out.stdout.strip().splitlines()[-1])
        size = sum(p.stat().st_size for p in Path(data_dir, "warcs").glob("*.warc.gz"))
    pages = result["pages"] - 1  # the clocks start at the first response
    return (pages / result["seconds"], result["cpu"] * 1000 / pages,
            result["capture_cpu"] * 1000 / result["pages"], result["pages"], size)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer pages and rounds")
    parser.add_argument("--pages", type=int)
    parser.add_argument("--rounds", type=int)
    args = parser.parse_args()
    total = args.pages or (600 if args.quick else 1500)
    rounds = args.rounds or (2 if args.quick else 3)

    writer_runs = [writer_cost(total) for _ in range(3)]
    for us, size in writer_runs:
        print(f"writer alone: {us:6.1f} µs CPU per write_exchange ({total} pages, "
              f"{size:.0f} bytes of WARC per page)")
    print(f"writer alone (median): {statistics.median(us for us, _ in writer_runs):.1f} µs per exchange")

    queue: multiprocessing.Queue = multiprocessing.Queue()
    server = multiprocessing.Process(target=serve, args=(queue, total), daemon=True)
    server.start()
    try:
        url = f"http://127.0.0.1:{queue.get(timeout=30)}/p/0"
        crawl(url, False)  # warm-up: imports, page cache
        runs: dict[bool, list[tuple[float, float]]] = {False: [], True: []}
        shares = []
        for r in range(rounds):
            for with_warc in (False, True):
                rate, cpu, capture, pages, size = crawl(url, with_warc)
                runs[with_warc].append((rate, cpu))
                label = "with WARC capture " if with_warc else "without middleware"
                extra = ""
                if with_warc:
                    shares.append(capture / (cpu - capture))
                    extra = (f", {size / 1e6:.1f} MB of WARC; capture {capture:.2f} ms CPU/page "
                             f"= {shares[-1] * 100:.1f}% on top of the rest of the crawl")
                print(f"round {r + 1}: {label} {rate:7.1f} pages/s, {cpu:5.2f} ms CPU/page "
                      f"({pages} pages{extra})")
    finally:
        server.terminate()
        server.join()
    rate_a, cpu_a = (statistics.median(x) for x in zip(*runs[False], strict=True))
    rate_b, cpu_b = (statistics.median(x) for x in zip(*runs[True], strict=True))
    print(f"median without middleware: {rate_a:7.1f} pages/s, {cpu_a:.2f} ms CPU/page")
    print(f"median with WARC capture:  {rate_b:7.1f} pages/s, {cpu_b:.2f} ms CPU/page")
    print(f"throughput ratio (with/without): {rate_b / rate_a:.3f} "
          f"-> {(rate_a / rate_b - 1) * 100:.1f}% more wall time per page")
    print(f"CPU ratio (with/without): {cpu_b / cpu_a:.3f} "
          f"-> {(cpu_b / cpu_a - 1) * 100:.1f}% more crawler CPU per page")
    print(f"capture's own CPU, measured inside the same runs (median): "
          f"{statistics.median(shares) * 100:.1f}% on top of the rest of the crawl (target <= 10%)")


if __name__ == "__main__":
    main()

"""Full spamline pipeline vs bare Scrapy on the same local sample network.

    python bench/pipeline.py [--quick] [--pages-per-site N] [--rounds R] [--profile] [--tuned-bare]

The sample network (spamline.samplenet) is served on 127.0.0.1 by this process;
each run is a fresh crawler process with the same Scrapy settings (no AutoThrottle, no
robots.txt, same concurrency):

  full   spamline.crawl.crawl_settings and crawler.spiders.spam.SpamSpider: guard + WARC
         middlewares, extraction, features and store pipelines (pages and their links read
         in SPAMLINE_WORKERS processes), JOBDIR disk queue with the request journal
  bare   plain Scrapy: the same spider with a plain synchronous callback (links extracted
         in the reactor thread), none of our middlewares, pipelines or extensions, memory
         queue, Scrapy's defaults otherwise (only the host-map resolver, so the .test names
         resolve to 127.0.0.1)

Runs alternate for R rounds; the figures are medians of pages/s (wall, from Scrapy's
own elapsed time) and crawler CPU seconds per page (the crawler process; the CPU of the
SPAMLINE_WORKERS processes that read pages is printed beside it). Target: full/bare >= 0.9.
--profile crawls once more under cProfile and prints the hottest functions; --tuned-bare
also runs bare Scrapy with the full pipeline's CONCURRENT_ITEMS (a setting any Scrapy
project could change) and prints that ratio too.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from scrapy.http import Response, TextResponse  # noqa: E402

from spamline.crawler import settings as crawler_settings  # noqa: E402
from spamline.crawler.spiders.spam import SpamSpider  # noqa: E402
from spamline.samplenet import SampleNetworkServer  # noqa: E402


class BareSpider(SpamSpider):
    """SpamSpider as a plain Scrapy spider parses: a synchronous callback that extracts links
    in the reactor thread (SpamSpider's own parse awaits the extraction workers)."""

    def parse(self, response: Response) -> Iterator[Any]:
        follow = response.status == 200 and isinstance(response, TextResponse)
        links = [link.url for link in self.links.extract_links(response)] if follow else []
        yield from self.hand_over(self.capture(response), links)


COMMON = {"AUTOTHROTTLE_ENABLED": False, "ROBOTSTXT_OBEY": False, "CONCURRENT_REQUESTS": 32,
          "CONCURRENT_REQUESTS_PER_DOMAIN": 8, "DEPTH_LIMIT": 0, "LOG_LEVEL": "INFO",
          "SPAMLINE_MAX_PAGES_PER_HOST": 0, "TELNETCONSOLE_ENABLED": False}

RUNNER = r"""
import cProfile, json, resource, sys, time
from scrapy import signals
from scrapy.crawler import CrawlerProcess
from bench.pipeline import BareSpider
from spamline.crawler.spiders.spam import SpamSpider
spec = json.loads(sys.argv[1])
marks = {}

def mark(name):
    r = resource.getrusage(resource.RUSAGE_SELF)
    marks[name] = (time.monotonic(), r.ru_utime + r.ru_stime)

if spec["mode"] == "full":
    from spamline.crawl import CrawlOptions, crawl_settings
    from spamline.datadir import DataDir
    data_dir = DataDir.open(spec["data_dir"])
    (data_dir.jobs / "bench").mkdir(parents=True, exist_ok=True)
    settings = crawl_settings(CrawlOptions(
        urls=spec["urls"], data_dir=data_dir, host_map=spec["hosts"],
        allow_private=True, progress=False, obey_robots=False, job="bench",
        settings=spec["settings"]))
else:
    settings = {**spec["settings"], "TWISTED_DNS_RESOLVER": "spamline.crawler.resolver.GuardedResolver",
                "SPAMLINE_HOST_MAP": spec["hosts"], "SPAMLINE_ALLOW_PRIVATE": True,
                "SPAMLINE_DATA_DIR": spec["data_dir"], "SPAMLINE_MIN_FREE_MB": 0,
                "LOG_FILE": spec["data_dir"] + "/bare.log", "DEPTH_PRIORITY": 1,
                "USER_AGENT": "spamline-bench"}
process = CrawlerProcess(settings)
crawler = process.create_crawler(SpamSpider if spec["mode"] == "full" else BareSpider)
def opened(spider):
    mark("open")

def closed(spider, reason):
    mark("closed")

crawler.signals.connect(opened, signal=signals.spider_opened)  # kept alive: pydispatch holds weak refs
crawler.signals.connect(closed, signal=signals.spider_closed)
process.crawl(crawler, start_urls=spec["urls"])
if spec.get("profile"):
    prof = cProfile.Profile()
    prof.runcall(process.start)
    prof.dump_stats(spec["data_dir"] + "/profile.out")
else:
    process.start()
pages = crawler.stats.get_value("response_received_count", 0)
(t0, c0), (t1, c1) = marks["open"], marks["closed"]
kids = resource.getrusage(resource.RUSAGE_CHILDREN)  # SPAMLINE_WORKERS processes, reaped at close
print(json.dumps({"pages": pages, "seconds": t1 - t0, "cpu": c1 - c0,
                  "worker_cpu": kids.ru_utime + kids.ru_stime}))
"""


def crawl_once(srv: SampleNetworkServer, mode: str, profile: bool = False) -> dict:
    """One crawl in a fresh process: mode "full", "bare", or "tuned" (bare with the full
    pipeline's CONCURRENT_ITEMS)."""
    settings = {**COMMON, "CONCURRENT_ITEMS": crawler_settings.CONCURRENT_ITEMS} if mode == "tuned" else COMMON
    with tempfile.TemporaryDirectory(prefix=f"bench-{mode}-") as tmp:
        spec = {"mode": mode, "urls": srv.seed_urls, "hosts": srv.host_map, "data_dir": tmp,
                "settings": settings, "profile": profile}
        proc = subprocess.run([sys.executable, "-c", RUNNER, json.dumps(spec)], cwd=ROOT,
                              capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
        if proc.returncode != 0:
            raise SystemExit(f"{mode} crawl failed:\n{proc.stderr[-3000:]}")
        result = json.loads(proc.stdout.strip().splitlines()[-1])
        if profile:
            print_profile(Path(tmp) / "profile.out")
    return result


def print_profile(path: Path) -> None:
    import pstats
    stats = pstats.Stats(str(path))
    print("\nhottest functions of the full pipeline (cProfile, cumulative, ours first):")
    stats.sort_stats("cumulative")
    ours = [f for f in stats.stats if any(p in f[0] for p in ("/spamline/", "/crawler/", "/pipelines/"))
            and f[2] != "<module>"]
    rows = sorted(ours, key=lambda f: stats.stats[f][3], reverse=True)[:15]
    for f in rows:
        cc, nc, tt, ct, _ = stats.stats[f]
        print(f"  {ct:8.2f}s cum {tt:7.2f}s own {nc:8d} calls  {Path(f[0]).name}:{f[1]} {f[2]}")
    print("top by own time (any module):")
    for f in sorted(stats.stats, key=lambda f: stats.stats[f][2], reverse=True)[:12]:
        cc, nc, tt, ct, _ = stats.stats[f]
        print(f"  {tt:8.2f}s own {nc:8d} calls  {Path(f[0]).name}:{f[1]} {f[2]}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="small network, one round")
    ap.add_argument("--pages-per-site", type=int, default=None)
    ap.add_argument("--rounds", type=int, default=None)
    ap.add_argument("--profile", action="store_true", help="also profile one full crawl")
    ap.add_argument("--tuned-bare", action="store_true",
                    help="also run bare Scrapy with the full pipeline's CONCURRENT_ITEMS")
    args = ap.parse_args()
    per_site = args.pages_per_site or (10 if args.quick else 60)
    rounds = args.rounds or (1 if args.quick else 3)
    modes = ("bare", "tuned", "full") if args.tuned_bare else ("bare", "full")
    runs: dict[str, list[dict]] = {mode: [] for mode in modes}
    with SampleNetworkServer(seed=1, pages_per_site=per_site) as srv:
        total = len(srv.ground_truth.pages)
        print(f"sample network: {len(srv.seed_urls)} hosts, {total} pages; {rounds} round(s)")
        for r in range(rounds):
            for mode in modes:
                res = crawl_once(srv, mode)
                runs[mode].append(res)
                print(f"  round {r + 1} {mode:5s}: {res['pages']:5d} pages in {res['seconds']:6.1f}s "
                      f"= {res['pages'] / res['seconds']:6.1f} pages/s, "
                      f"{1000 * res['cpu'] / res['pages']:6.1f} ms CPU/page"
                      f" (+{1000 * res['worker_cpu'] / res['pages']:.1f} in worker processes)")
        if args.profile:
            crawl_once(srv, "full", profile=True)
    med = {m: (statistics.median(r["pages"] / r["seconds"] for r in rs),
               statistics.median(r["cpu"] / r["pages"] for r in rs)) for m, rs in runs.items()}
    print(f"\nbare Scrapy:   {med['bare'][0]:7.1f} pages/s  {1000 * med['bare'][1]:6.1f} ms CPU/page")
    workers = statistics.median(r["worker_cpu"] / r["pages"] for r in runs["full"])
    print(f"full pipeline: {med['full'][0]:7.1f} pages/s  {1000 * med['full'][1]:6.1f} ms CPU/page "
          f"(+{1000 * workers:.1f} ms in worker processes)")
    ratio = med["full"][0] / med["bare"][0]
    cpu_ratio = med["bare"][1] / med["full"][1]
    print(f"ratio full/bare: {ratio:.2f} by pages/s, {cpu_ratio:.2f} by CPU per page "
          f"(target >= 0.9: {'met' if ratio >= 0.9 else 'NOT met'})")
    if args.tuned_bare:
        print(f"bare Scrapy with CONCURRENT_ITEMS={crawler_settings.CONCURRENT_ITEMS}: "
              f"{med['tuned'][0]:7.1f} pages/s  {1000 * med['tuned'][1]:6.1f} ms CPU/page; "
              f"ratio full/tuned: {med['full'][0] / med['tuned'][0]:.2f} by pages/s, "
              f"{med['tuned'][1] / med['full'][1]:.2f} by CPU per page")


if __name__ == "__main__":
    main()

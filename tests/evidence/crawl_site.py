"""Crawl a local site with WarcCaptureMiddleware in a real Scrapy process (run as a script).

    python crawl_site.py DATA_DIR OUT.jsonl URL... [--max-size BYTES] [--job NAME]

Follows same-host links and writes one JSON line per response: url, status,
ip_address, content_type, the WarcLocation in meta["warc"] and meta["warc_refers_to"].
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from pathlib import Path

import scrapy
from scrapy.crawler import CrawlerProcess

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the repo, for crawler.*


class SiteSpider(scrapy.Spider):
    name = "site"

    def __init__(self, urls: list[str], out: str, **kwargs):
        super().__init__(**kwargs)
        self.start_urls = urls
        self.out = open(out, "a", encoding="utf-8")

    def parse(self, response):
        warc = response.meta.get("warc")
        refers = response.meta.get("warc_refers_to")
        self.out.write(json.dumps({
            "url": response.url, "status": response.status,
            "ip_address": str(response.ip_address) if response.ip_address else None,
            "content_type": response.headers.get("Content-Type", b"").decode("latin-1"),
            "warc": dataclasses.asdict(warc) if warc else None,
            "refers_to": dataclasses.asdict(refers) if refers else None,
        }) + "\n")
        self.out.flush()
        if hasattr(response, "css"):
            yield from response.follow_all(css="a[href]")

    def closed(self, reason):
        self.out.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("data_dir")
    parser.add_argument("out")
    parser.add_argument("urls", nargs="+")
    parser.add_argument("--max-size", type=int, default=100 * 1024 * 1024)
    parser.add_argument("--job", default="test")
    parser.add_argument("--host-map", default="{}", help="JSON {host: ip}, resolved by crawler.resolver")
    args = parser.parse_args()
    host_map = json.loads(args.host_map)
    resolver = {"TWISTED_DNS_RESOLVER": "spamline.crawler.resolver.GuardedResolver",
                "SPAMLINE_HOST_MAP": host_map, "SPAMLINE_ALLOW_PRIVATE": True} if host_map else {}
    process = CrawlerProcess({**resolver,
        "DOWNLOADER_MIDDLEWARES": {"spamline.crawler.middlewares.warc.WarcCaptureMiddleware": 950},
        "SPAMLINE_DATA_DIR": args.data_dir, "SPAMLINE_JOB": args.job,
        "SPAMLINE_WARC_MAX_SIZE": args.max_size, "ROBOTSTXT_OBEY": False,
        "LOG_LEVEL": "WARNING", "HTTPERROR_ALLOW_ALL": True, "TELNETCONSOLE_ENABLED": False,
        "CONCURRENT_REQUESTS": 4,
    })
    process.crawl(SiteSpider, urls=args.urls, out=args.out)
    process.start()


if __name__ == "__main__":
    main()

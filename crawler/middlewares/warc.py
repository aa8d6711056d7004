"""Archive every request and response, as received, into rotating gzip WARC files.

Enabled in settings.py at a priority above HttpCompressionMiddleware (590), e.g. 950,
so process_response sees the body before any content decoding. Sets
`request.meta["warc"]` to the WarcLocation of the response (or revisit) record, and
`request.meta["warc_refers_to"]` to the original response when it wrote a revisit.

Settings: SPAMLINE_DATA_DIR (WARCs go to <data dir>/warcs), SPAMLINE_JOB (named in
each file's warcinfo), SPAMLINE_WARC_MAX_SIZE (rotation size in bytes, default 100 MB),
SPAMLINE_WARC_PREFIX (file name prefix, default "spamline"), SPAMLINE_WARC_COMPRESSLEVEL
(deflate level of the gzip members, default 6).

Scrapy keeps no raw header block: names come back title-cased, repeated headers
grouped, the reason phrase dropped, and Twisted removes connection-level headers
(Content-Length, Transfer-Encoding, Connection) and de-chunks the body. The
records hold the headers as Scrapy gives them and the body exactly as received;
the only change is that our own Authorization headers are redacted in request records.
"""
from __future__ import annotations

import logging
from datetime import datetime, timezone
from importlib.metadata import version

import scrapy
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Headers, Request, Response
from scrapy.statscollectors import StatsCollector

from spamline import __version__
from spamline.datadir import DataDir
from spamline.evidence.writer import DEFAULT_MAX_SIZE, Exchange, WarcWriter

logger = logging.getLogger(__name__)


def _pairs(headers: Headers) -> list[tuple[str, str]]:
    """Scrapy Headers -> [(name, value)], one pair per value, bytes read as latin-1.

    Headers is a dict of normalised names to lists of values; it is read as a plain dict
    because Headers.items() normalises every name again (this runs for every download).
    """
    return [(name.decode("latin-1"), value.decode("latin-1"))
            for name, values in dict.items(headers) for value in values]


SECRET_REQUEST_HEADERS = {"authorization", "proxy-authorization"}


def _redacted(pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Our own credentials out of the request record (packages go to third parties);
    the scheme stays, so the record still shows that the request was authenticated."""
    return [(name, value.split(" ", 1)[0] + " [redacted]")
            if name.lower() in SECRET_REQUEST_HEADERS else (name, value)
            for name, value in pairs]


def _protocol(response: Response) -> str:
    proto = (response.protocol or "HTTP/1.1").upper()
    return "HTTP/2" if proto in ("H2", "HTTP/2.0") else proto


def exchange_of(request: Request, response: Response) -> Exchange:
    """What went over the wire, as well as Scrapy lets us see it."""
    ip = response.ip_address
    protocol = _protocol(response)
    return Exchange(
        url=response.url, status=response.status, response_headers=_pairs(response.headers),
        body=response.body, method=request.method,
        request_headers=_redacted(_pairs(request.headers)),
        request_body=request.body, protocol=protocol,
        request_protocol="HTTP/2" if protocol == "HTTP/2" else "HTTP/1.1",
        ip_address=str(ip) if ip is not None else None, date=datetime.now(timezone.utc))


class WarcCaptureMiddleware:
    """Downloader middleware writing request + response records for every download."""

    def __init__(self, writer: WarcWriter, stats: StatsCollector) -> None:
        self.writer = writer
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WarcCaptureMiddleware:
        settings = crawler.settings
        data_dir = settings.get("SPAMLINE_DATA_DIR")
        if not data_dir:
            raise NotConfigured("SPAMLINE_DATA_DIR is not set; WARC capture is off")
        job = settings.get("SPAMLINE_JOB") or ""
        info = {
            "software": f"spamline/{__version__} (Scrapy/{scrapy.__version__}; "
                        f"warcio/{version('warcio')})",
            "isPartOf": job,
            "job": job,
            "http-header-user-agent": settings.get("USER_AGENT") or "",
            "robots": "obey" if settings.getbool("ROBOTSTXT_OBEY") else "ignore",
        }
        if settings.get("SPAMLINE_ROBOTS_OVERRIDE"):
            info["robots-override"] = settings.get("SPAMLINE_ROBOTS_OVERRIDE")
        writer = WarcWriter(
            DataDir.open(data_dir).warcs,
            prefix=settings.get("SPAMLINE_WARC_PREFIX") or "spamline",
            max_size=settings.getint("SPAMLINE_WARC_MAX_SIZE", DEFAULT_MAX_SIZE),
            compresslevel=settings.getint("SPAMLINE_WARC_COMPRESSLEVEL", 6),
            info=info,
        )
        for name, cut in writer.recovered:
            logger.warning("WARC %s was left open by a crashed crawl: finished it, cutting "
                           "%d bytes of a torn last record", name, cut)
            crawler.stats.inc_value("warc/recovered_files")
        middleware = cls(writer, crawler.stats)
        crawler.signals.connect(middleware.spider_closed, signal=signals.spider_closed)
        return middleware

    def process_response(self, request: Request, response: Response,
                         spider: scrapy.Spider | None = None) -> Response:
        if "cached" in response.flags:
            return response  # HttpCacheMiddleware replay: archived when first fetched
        written = self.writer.write_exchange(exchange_of(request, response))
        self.stats.inc_value("warc/revisits" if written.refers_to else "warc/responses")
        request.meta["warc"] = written.location
        if written.refers_to is not None:
            request.meta["warc_refers_to"] = written.refers_to
        return response

    def spider_closed(self, spider: scrapy.Spider) -> None:
        self.writer.close()

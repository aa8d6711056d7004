"""Refuse requests to non-public addresses before and after they connect."""
from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from scrapy import Request, Spider
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response

from spamline.crawler.addresses import PrivateAddressRefused, check_address, parse_ip

LOCAL_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"}


class PrivateAddressGuardMiddleware:
    """Drop requests whose URL names a private IP or localhost, and responses that
    came from one (e.g. a name re-pointed between checks), unless allowed."""

    def __init__(self, allow_private: bool):
        self.allow_private = allow_private

    @classmethod
    def from_crawler(cls, crawler: Any) -> "PrivateAddressGuardMiddleware":
        return cls(crawler.settings.getbool("SPAMLINE_ALLOW_PRIVATE"))

    def process_request(self, request: Request, spider: Spider | None = None) -> None:
        host = (urlsplit(request.url).hostname or "").lower()
        literal = parse_ip(host)
        ip = str(literal) if literal else ("127.0.0.1" if host in LOCAL_NAMES else None)
        self._check(host, ip, request)

    def process_response(self, request: Request, response: Response,
                         spider: Spider | None = None) -> Response:
        ip = response.ip_address
        self._check((urlsplit(request.url).hostname or ""), str(ip) if ip else None, request)
        return response

    def _check(self, host: str, ip: str | None, request: Request) -> None:
        try:
            check_address(host, ip, self.allow_private)
        except PrivateAddressRefused as exc:
            request.meta["spamline_refused"] = str(exc)
            raise IgnoreRequest(str(exc)) from exc

"""Refuse requests to non-public addresses before they leave and after they connect.

The target's address is checked before any request leaves, proxied or not: through
a proxy (http_proxy, https_proxy, meta["proxy"]) the proxy would resolve and fetch
the name itself, past the resolver's check. The proxy's own address is checked
too, unless SPAMLINE_TRUST_PROXY (`--trust-proxy`) says it is ours.
"""
from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from scrapy import Request, Spider
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from twisted.internet import defer
from twisted.python.failure import Failure

from spamline.crawler.addresses import PrivateAddressRefused, check_address, parse_ip
from spamline.crawler.resolver import installed

LOCAL_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"}


def literal_address(host: str) -> str | None:
    """The address a host spells itself (an IP literal or a localhost name), else None."""
    literal = parse_ip(host)
    return str(literal) if literal else ("127.0.0.1" if host in LOCAL_NAMES else None)


class PrivateAddressGuardMiddleware:
    """Drop requests whose target (or proxy) is a private address, and responses that
    came from one (e.g. a name re-pointed between checks), unless allowed.

    Runs after HttpProxyMiddleware, so `meta["proxy"]` is known."""

    def __init__(self, allow_private: bool, trust_proxy: bool = False):
        self.allow_private = allow_private
        self.trust_proxy = trust_proxy

    @classmethod
    def from_crawler(cls, crawler: Any) -> "PrivateAddressGuardMiddleware":
        s = crawler.settings
        return cls(s.getbool("SPAMLINE_ALLOW_PRIVATE"), s.getbool("SPAMLINE_TRUST_PROXY"))

    def process_request(self, request: Request,
                        spider: Spider | None = None) -> defer.Deferred | None:
        if self.allow_private:
            return None
        proxy = request.meta.get("proxy")
        if proxy and not self.trust_proxy:
            self._check_proxy(proxy, request)
        host = (urlsplit(request.url).hostname or "").lower()
        ip = literal_address(host)
        if ip is not None:
            self._check(host, ip, request)
            return None
        resolver = installed()
        if resolver is None:
            return None
        # The guarded resolver refuses private answers; its cache serves the connection.
        d = resolver.getHostByName(host)
        d.addCallbacks(lambda answer: self._check(host, answer, request),
                       lambda failure: self._unresolved(failure, host, request, bool(proxy)))
        return d

    def process_response(self, request: Request, response: Response,
                         spider: Spider | None = None) -> Response:
        ip = response.ip_address
        if not request.meta.get("proxy"):  # through a proxy, the peer is the proxy
            self._check((urlsplit(request.url).hostname or ""), str(ip) if ip else None, request)
        return response

    def _unresolved(self, failure: Failure, host: str, request: Request, proxied: bool) -> None:
        """A refused answer drops the request; a name that does not resolve is left to
        fail on connecting, or, through a proxy, fails now (its address is unknown)."""
        refused = getattr(installed(), "refusals", {}).get(host)
        if refused:
            request.meta["spamline_refused"] = refused
            raise IgnoreRequest(refused)
        if proxied:
            failure.raiseException()

    def _check_proxy(self, proxy: str, request: Request) -> None:
        host = (urlsplit(proxy).hostname or "").lower()
        ip = literal_address(host) or getattr(installed(), "host_map", {}).get(host)
        try:
            check_address(host, ip, self.allow_private)
        except PrivateAddressRefused as exc:
            why = (f"refused proxy {host}: it is on the non-public address {ip}; pass "
                   "--trust-proxy (setting SPAMLINE_TRUST_PROXY) if this proxy is yours")
            request.meta["spamline_refused"] = why
            raise IgnoreRequest(why) from exc

    def _check(self, host: str, ip: str | None, request: Request) -> None:
        try:
            check_address(host, ip, self.allow_private)
        except PrivateAddressRefused as exc:
            request.meta["spamline_refused"] = str(exc)
            raise IgnoreRequest(str(exc)) from exc

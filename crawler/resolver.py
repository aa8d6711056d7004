"""A Twisted name resolver that maps configured host names and refuses private answers."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from scrapy.resolver import CachingThreadedResolver
from twisted.internet import defer
from twisted.internet.error import DNSLookupError
from zope.interface import implementer
from twisted.internet.interfaces import IResolverSimple

from spamline.crawler.addresses import PrivateAddressRefused, check_address


@implementer(IResolverSimple)
class GuardedResolver(CachingThreadedResolver):
    """Resolve names through SPAMLINE_HOST_MAP first, then DNS; check every answer.

    Checking the answer (not the URL) also stops redirects and DNS records that
    point at internal addresses.
    """

    def __init__(self, reactor: Any, cache_size: int, timeout: float,
                 host_map: dict[str, str], allow_private: bool):
        super().__init__(reactor, cache_size, timeout)
        self.host_map = {k.lower(): v for k, v in host_map.items()}
        self.allow_private = allow_private
        self.refusals: dict[str, str] = {}  # host -> why it was refused

    @classmethod
    def from_crawler(cls, crawler: Any, reactor: Any) -> "GuardedResolver":
        s = crawler.settings
        cache = s.getint("DNSCACHE_SIZE") if s.getbool("DNSCACHE_ENABLED") else 0
        return cls(reactor, cache, s.getfloat("DNS_TIMEOUT"),
                   s.getdict("SPAMLINE_HOST_MAP"), s.getbool("SPAMLINE_ALLOW_PRIVATE"))

    def getHostByName(self, name: str, timeout: Sequence[int] = ()) -> defer.Deferred:
        mapped = self.host_map.get(name.lower())
        d = defer.succeed(mapped) if mapped else super().getHostByName(name, timeout)
        return d.addCallback(self._check, name)

    def _check(self, ip: str, name: str) -> str:
        try:
            check_address(name, ip, self.allow_private)
        except PrivateAddressRefused as exc:
            # Twisted replaces the error text on its way to the request, so the reason
            # is kept here for the spider's errback (see refusal_reason).
            self.refusals[name.lower()] = str(exc)
            raise DNSLookupError(str(exc)) from exc
        return ip


def refusal_reason(host: str) -> str | None:
    """Why the installed resolver refused `host`, if it did."""
    from twisted.internet import reactor

    refusals = getattr(getattr(reactor, "resolver", None), "refusals", {})
    return refusals.get(host.lower())

"""A Twisted name resolver that maps configured host names and refuses private answers."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit
from urllib.request import getproxies

from scrapy.resolver import CachingThreadedResolver
from twisted.internet import defer
from twisted.internet.error import DNSLookupError
from twisted.names import client as dns_client
from twisted.names.error import DNSNameError
from twisted.python.failure import Failure
from zope.interface import implementer
from twisted.internet.interfaces import IResolverSimple

from spamline.crawler.addresses import PrivateAddressRefused, check_address
from spamline.crawler.failures import NO_ANSWER, NXDOMAIN, UNMAPPED, is_public_name

VERDICT_TIMEOUT = 5  # seconds DNS may take to say whether a failed name exists


@implementer(IResolverSimple)
class GuardedResolver(CachingThreadedResolver):
    """Resolve names through SPAMLINE_HOST_MAP first, then DNS; check every answer.

    Checking the answer (not the URL) also stops redirects and DNS records that
    point at internal addresses. When a name does not resolve, DNS is asked again
    directly (SPAMLINE_DNS_SERVERS, default: /etc/resolv.conf's) to tell a name that
    does not exist (NXDOMAIN) from no answer at all; the verdict is kept in `lookups`.
    """

    def __init__(self, reactor: Any, cache_size: int, timeout: float,
                 host_map: dict[str, str], allow_private: bool,
                 dns_servers: Sequence[str] = ()):
        super().__init__(reactor, cache_size, timeout)
        self.host_map = {k.lower(): v for k, v in host_map.items()}
        self.allow_private = allow_private
        self.refusals: dict[str, str] = {}  # host -> why it was refused
        self.lookups: dict[str, str] = {}  # host -> why it did not resolve (crawler.failures)
        self.trusted: set[str] = set()  # names of proxies SPAMLINE_TRUST_PROXY trusts
        self.dns_servers = [_server(s) for s in dns_servers]
        self._dns: dns_client.Resolver | None = None

    @classmethod
    def from_crawler(cls, crawler: Any, reactor: Any) -> "GuardedResolver":
        s = crawler.settings
        cache = s.getint("DNSCACHE_SIZE") if s.getbool("DNSCACHE_ENABLED") else 0
        resolver = cls(reactor, cache, s.getfloat("DNS_TIMEOUT"),
                       s.getdict("SPAMLINE_HOST_MAP"), s.getbool("SPAMLINE_ALLOW_PRIVATE"),
                       s.getlist("SPAMLINE_DNS_SERVERS"))
        if s.getbool("SPAMLINE_TRUST_PROXY"):
            resolver.trusted = {(urlsplit(url).hostname or "").lower()
                                for key, url in getproxies().items() if key != "no"} - {""}
        return resolver

    def getHostByName(self, name: str, timeout: Sequence[int] = ()) -> defer.Deferred:
        mapped = self.host_map.get(name.lower())
        if mapped:
            d = defer.succeed(mapped)
        else:
            d = super().getHostByName(name, timeout)
            d.addErrback(self._why_unresolved, name)
        return d.addCallback(self._check, name)

    def _why_unresolved(self, failure: Failure, name: str) -> defer.Deferred | Failure:
        """Record why `name` did not resolve, then pass the failure on."""
        key = name.lower()
        if not is_public_name(key):
            self.lookups[key] = UNMAPPED
        if key in self.lookups:  # asked once per crawl: retries need no second verdict
            return failure
        if self._dns is None:
            wait = max(1, min(int(self.timeout), VERDICT_TIMEOUT))
            self._dns = dns_client.Resolver(
                resolv=None if self.dns_servers else "/etc/resolv.conf",
                servers=self.dns_servers or None, timeout=(wait,))

        def verdict(answer: Any) -> Failure:
            gone = isinstance(answer, Failure) and answer.check(DNSNameError)
            self.lookups[key] = NXDOMAIN if gone else NO_ANSWER
            return failure

        return self._dns.lookupAddress(key).addBoth(verdict)

    def _check(self, ip: str, name: str) -> str:
        try:
            check_address(name, ip, self.allow_private or name.lower() in self.trusted)
        except PrivateAddressRefused as exc:
            # Twisted replaces the error text on its way to the request, so the reason
            # is kept here for the spider's errback (see refusal_reason).
            self.refusals[name.lower()] = str(exc)
            raise DNSLookupError(str(exc)) from exc
        return ip


def _server(address: str) -> tuple[str, int]:
    """A "host[:port]" DNS server as Twisted wants it (port 53 by default)."""
    host, _, port = address.rpartition(":") if address.count(":") == 1 else (address, "", "")
    return (host, int(port)) if port else (address, 53)


def installed() -> Any:
    """The reactor's name resolver (a GuardedResolver in spamline crawls)."""
    from twisted.internet import reactor

    return getattr(reactor, "resolver", None)


def refusal_reason(host: str) -> str | None:
    """Why the installed resolver refused `host`, if it did."""
    return getattr(installed(), "refusals", {}).get(host.lower())


def lookup_verdicts() -> dict[str, str]:
    """The installed resolver's verdicts on names that did not resolve."""
    return getattr(installed(), "lookups", {})

"""Which addresses the crawler may connect to.

Spam pages can link or redirect to internal services (SSRF); the crawler only
fetches public addresses unless a crawl is explicitly told otherwise.
"""
from __future__ import annotations

import ipaddress


class PrivateAddressRefused(Exception):
    """A request would reach a private, loopback, link-local or reserved address."""


def parse_ip(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The IP address a host string spells literally, or None for a host name."""
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


def check_address(host: str, ip: str | None, allow_private: bool) -> None:
    """Raise PrivateAddressRefused when `ip` (resolved from `host`) is not public."""
    if allow_private or ip is None:
        return
    addr = parse_ip(ip)
    if addr is None:
        return
    mapped = getattr(addr, "ipv4_mapped", None)
    if mapped is not None:
        addr = mapped
    if not addr.is_global or addr.is_multicast:
        raise PrivateAddressRefused(
            f"refused {host}: it resolves to the non-public address {addr}; "
            "pass --allow-private (setting SPAMLINE_ALLOW_PRIVATE) to crawl private networks"
        )

"""Why a request got no response, in words a takedown record can trust.

A failure on our side (our address guard, a name we have no mapping for, no DNS
answer, a timeout, a refused or dropped connection) says nothing about the page;
only NXDOMAIN from real DNS for a public name is evidence the site was removed.
The kinds are stored in a failed capture's `features["failure"]` and read by
`spamline.jobs.recheck`.
"""
from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from scrapy import exceptions
from twisted.internet import error

if TYPE_CHECKING:
    from scrapy import Request
    from twisted.python.failure import Failure

NXDOMAIN = "nxdomain"  # real DNS says the public name does not exist: gone
GUARD = "guard"  # our address guard refused the address: unreachable from here
UNMAPPED = "unmapped"  # a non-public name (.test, no dot...) without a --resolve mapping
NO_ANSWER = "dns"  # DNS gave no answer (no network, timeout, server failure)
TIMEOUT = "timeout"
REFUSED = "refused"  # connection refused
CONNECTION = "connection"  # any other failure to get a response

# Special-use names that never resolve in public DNS (RFC 6761 §6.2-6.4, RFC 6762,
# RFC 8375, RFC 9476, ICANN's .internal): failing them means our mapping is missing.
NON_PUBLIC_SUFFIXES = (".test", ".example", ".invalid", ".localhost", ".local", ".home.arpa",
                       ".alt", ".internal", ".onion")

DESCRIPTIONS = {
    NXDOMAIN: "dns: no such domain",
    GUARD: "address guard",
    UNMAPPED: "no mapping",
    NO_ANSWER: "dns: no answer",
    TIMEOUT: "timeout",
    REFUSED: "connection refused",
    CONNECTION: "no response",
}


def is_public_name(host: str) -> bool:
    """Whether `host` could exist in public DNS (has a dot, not a special-use name)."""
    name = host.lower().rstrip(".")
    return "." in name and not ("." + name).endswith(NON_PUBLIC_SUFFIXES)


def failure_kind(failure: "Failure", request: "Request", lookups: dict[str, str],
                 refused: str | None) -> str:
    """The kind of a failed request: `refused` is the guard's reason if it refused the
    request, `lookups` the resolver's verdicts on names that did not resolve."""
    if refused:
        return GUARD
    if failure.check(error.DNSLookupError, exceptions.CannotResolveHostError):
        host = (urlsplit(request.url).hostname or "").lower()
        return lookups.get(host) or (NO_ANSWER if is_public_name(host) else UNMAPPED)
    if failure.check(error.TimeoutError, error.TCPTimedOutError, exceptions.DownloadTimeoutError):
        return TIMEOUT
    if failure.check(error.ConnectionRefusedError, exceptions.DownloadConnectionRefusedError):
        return REFUSED
    return CONNECTION

"""Abuse contacts over RDAP (RFC 9082/9083), through the whoisit client.

For each host: the registrar of its domain (`/domain/NAME`, trying the host and
then its parent domains); for each server IP: the network that holds it
(`/ip/ADDR`). Contacts are the emails of entities with the `abuse` role (the
registrar's abuse contact for a domain, the network's for an address), else of
the registrar / registrant. Every lookup is recorded with its URL, its time and
its outcome, so a package says what was asked and when.

With `base_url`, every query goes to that one RDAP service (a registry, a
redirector, or a local server in tests); without it, whoisit finds the service
from IANA's bootstrap files. Private and loopback addresses are not looked up
then: no registry holds them.
"""
from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass, field

import whoisit
from whoisit.errors import ResourceDoesNotExist, WhoisItError

from spamline.model import utc_now

TIMEOUT = 15.0  # seconds per query


@dataclass
class Lookup:
    """One RDAP question and its answer, as recorded in the package."""

    kind: str  # domain | ip
    query: str  # what was asked about (host or IP)
    url: str  # the RDAP URL asked ("" when whoisit chose it from the bootstrap)
    looked_up_at: str
    ok: bool
    error: str = ""
    object: str = ""  # the domain name or network handle that answered
    holder: str = ""  # registrar (domain) or network name / owner (ip)
    role: str = ""  # registrar | network owner
    emails: list[str] = field(default_factory=list)  # abuse contacts first

    @property
    def described(self) -> str:
        who = f"{self.role} of {self.query}"
        if not self.ok:
            return f"{who}: not found ({self.error})"
        return f"{who}: {self.holder or self.object or '?'} <{', '.join(self.emails) or 'no email'}>"


def _emails(parsed: dict, roles: Iterable[str]) -> list[str]:
    entities = parsed.get("entities") or {}
    found: list[str] = []
    for role in roles:
        for entity in entities.get(role, []):
            found += list(entity.get("emails") or filter(None, [entity.get("email")]))
    return list(dict.fromkeys(e.strip() for e in found if e.strip()))


def _holder(parsed: dict, role: str) -> str:
    for entity in (parsed.get("entities") or {}).get(role, []):
        if entity.get("name"):
            return str(entity["name"])
    return ""


class RdapClient:
    """RDAP lookups for takedown notices."""

    def __init__(self, base_url: str | None = None, timeout: float = TIMEOUT) -> None:
        self.base_url = base_url.rstrip("/") if base_url else None
        self.timeout = timeout

    def _query(self, kind: str, value: str) -> tuple[str, dict]:
        """(URL asked, whoisit's parsed answer); raises whoisit errors."""
        if self.base_url:
            url = f"{self.base_url}/{kind}/{value}"
            raw = whoisit.Query(whoisit.get_session(), "GET", url).request(timeout=self.timeout)
            return url, whoisit.parse(whoisit._bootstrap, kind, value, raw)
        if not whoisit.is_bootstrapped():
            whoisit.bootstrap()
        ask = whoisit.domain if kind == "domain" else whoisit.ip
        return "", ask(value)

    def domain(self, host: str) -> Lookup:
        """The registrar of the host's domain: the host, then each parent with 2+ labels."""
        try:
            ipaddress.ip_address(host)
            return Lookup("domain", host, "", utc_now(), False, "the host is an IP address",
                          role="registrar")
        except ValueError:
            pass
        labels = host.rstrip(".").split(".")
        last: Lookup | None = None
        for i in range(max(1, len(labels) - 1)):
            name = ".".join(labels[i:])
            last = self._one("domain", host, name)
            if last.ok or "does not exist" not in last.error:
                return last
        assert last is not None
        return last

    def ip(self, address: str) -> Lookup:
        """The network holding a server address."""
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return Lookup("ip", address, "", utc_now(), False, "not an IP address", role="network owner")
        if not self.base_url and (ip.is_private or ip.is_loopback):
            return Lookup("ip", address, "", utc_now(), False,
                          "private address: no registry holds it", role="network owner")
        return self._one("ip", address, str(ip))

    def _one(self, kind: str, query: str, value: str) -> Lookup:
        role = "registrar" if kind == "domain" else "network owner"
        at = utc_now()
        url = f"{self.base_url}/{kind}/{value}" if self.base_url else ""
        try:
            url, parsed = self._query(kind, value)
        except ResourceDoesNotExist:
            return Lookup(kind, query, url, at, False, f"{value}: does not exist", role=role)
        except (WhoisItError, OSError, ValueError, KeyError, TypeError) as exc:
            return Lookup(kind, query, url, at, False, f"{type(exc).__name__}: {exc}"[:300], role=role)
        if kind == "domain":
            emails = _emails(parsed, ["abuse", "registrar"])
            holder = _holder(parsed, "registrar")
        else:
            emails = _emails(parsed, ["abuse", "registrant", "administrative", "technical"])
            holder = " / ".join(filter(None, [str(parsed.get("name") or ""),
                                              _holder(parsed, "registrant")]))
        obj = str(parsed.get("name") or parsed.get("handle") or value)
        return Lookup(kind, query, url, at, True, "", obj, holder, role, emails)

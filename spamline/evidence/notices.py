"""Per-host takedown notices: a ready-to-send text and .eml for each host of a package.

Each notice lists the host's offending URLs with capture time, server IP, the
numbers in context (marked official / not official) and the record id and
payload digest of each capture, and names the abuse contacts found over RDAP
(`rdap.py`) when the user asked for them. The .eml is a draft (`X-Unsent: 1`)
built with the standard library's `email` package.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr

from jinja2 import Environment, PackageLoader

from spamline.evidence.rdap import Lookup
from spamline.evidence.report import ReportEntry, group_by_domain
from spamline.evidence.summary import Summary


@dataclass
class Notice:
    host: str
    subject: str
    to: list[str]  # abuse contacts found over RDAP (empty: fill in by hand)
    text: str
    lookups: list[Lookup] = field(default_factory=list)

    @property
    def stem(self) -> str:
        """The file name, without extension, inside the package's notices/ folder (an
        internationalised host in its xn-- form)."""
        try:
            host = self.host.encode("idna").decode("ascii")
        except UnicodeError:
            host = self.host
        return re.sub(r"[^\w.-]", "_", host, flags=re.ASCII).lstrip(".") or "host"

    def eml(self, sender: str, when: str) -> bytes:
        """The notice as an RFC 5322 draft message."""
        msg = EmailMessage()
        name, addr = parseaddr(sender)
        if "@" in addr and "." in addr.rsplit("@", 1)[1]:
            msg["From"] = sender
        if self.to:
            msg["To"] = ", ".join(self.to)
        msg["Subject"] = self.subject
        msg["Date"] = format_datetime(datetime.strptime(when, "%Y-%m-%dT%H:%M:%SZ").astimezone())
        msg["X-Unsent"] = "1"
        msg.set_content(self.text, cte="8bit")
        return bytes(msg)


def _env() -> Environment:
    return Environment(loader=PackageLoader("spamline.evidence", "templates"), autoescape=False,
                       keep_trailing_newline=True)


def build_notices(entries: Sequence[ReportEntry], summary: Summary, *, package: str,
                  lookups: Sequence[Lookup] = ()) -> list[Notice]:
    """One notice per host of the package's entries."""
    template = _env().get_template("notice.txt")
    notices = []
    for host, items in group_by_domain(list(entries)):
        ips = {e.ip_address for e in items if e.ip_address}
        mine = [l for l in lookups if (l.kind == "domain" and l.query == host)
                or (l.kind == "ip" and l.query in ips)]
        to = list(dict.fromkeys(e for l in mine if l.ok for e in l.emails[:1]))
        advertised = sorted({n for e in items for n in e.advertised})
        what = f"impersonating {summary.brand}" if summary.brand else f"({summary.selection})"
        subject = f"Takedown request: {len({e.url for e in items})} page(s) on {host} {what}"
        text = template.render(
            host=host, contacts=[l.described for l in mine if l.ok], brand=summary.brand,
            official=summary.official, selection=summary.selection, advertised=advertised,
            pages=items, package=package, e_count=summary.captures, made_at=summary.made_at,
            made_by=summary.made_by, software=summary.software, verify=summary.verify,
            lookups=mine)
        notices.append(Notice(host, subject, to, text, mine))
    return notices

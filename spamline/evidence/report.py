"""The human side of a package: a printable report.html and a urls.csv for takedown forms."""
from __future__ import annotations

import base64
import csv
import io
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from jinja2 import Environment, PackageLoader, select_autoescape

from spamline.model import PhoneHit
from spamline.phones.htmltext import html_text

CSV_FIELDS = ["url", "domain", "ip_address", "status", "captured_at", "numbers", "brands",
              "payload_digest", "record_id", "warc_file", "advertised_numbers"]


@dataclass
class HitView:
    """A number with the text around it, split so the number can be marked."""

    e164: str
    type: str
    before: str
    raw: str  # the number as the page shows it (visible text, no markup)
    after: str
    mark: str = ""  # official / not official for the selected brand (see scope.Scope.mark)


@dataclass
class ReportEntry:
    """One captured page as the report and the CSV show it."""

    url: str
    domain: str
    warc_date: str  # WARC-Date of the archived record (UTC)
    ip_address: str | None
    status: int | None
    brands: list[str]
    hits: list[HitView]
    payload_digest: str
    record_id: str
    record_type: str  # response | revisit
    warc_file: str  # path inside the package
    refers_to: str = ""  # for a revisit: the original response's record id
    screenshot_png: bytes | None = None
    screenshot_id: str = ""
    numbers: list[str] = field(default_factory=list)
    advertised: list[str] = field(default_factory=list)  # numbers the claim is about
    state: str = ""  # where the page stands now (summary.page_now)

    @property
    def screenshot(self) -> str:
        return base64.b64encode(self.screenshot_png).decode() if self.screenshot_png else ""


def shown(raw: str) -> str:
    """The visible text of a hit's source span (`400<span>849</span>5185` -> `4008495185`),
    whitespace collapsed as in the hit's context."""
    return " ".join(html_text(raw).visible.text.split()) if "<" in raw or "&" in raw else raw


def hit_view(hit: PhoneHit, text: str = "", width: int = 60, mark: str = "") -> HitView:
    """Context around a hit, all visible text: its own context string when it holds the
    number, else the page text nearby, else the context with the number after it."""
    raw = shown(hit.raw)
    context = hit.context
    at = context.find(raw) if context and raw else -1
    if at < 0 and text and raw:
        at = text.find(raw)
        if at >= 0:
            start = max(0, at - width)
            context, at = text[start: at + len(raw) + width], at - start
    if at < 0:
        return HitView(hit.e164, hit.type, context + " ", raw, "", mark)
    return HitView(hit.e164, hit.type, context[:at], raw, context[at + len(raw):], mark)


def group_by_domain(entries: list[ReportEntry]) -> list[tuple[str, list[ReportEntry]]]:
    """Entries per host, hosts and pages in a stable order."""
    groups: dict[str, list[ReportEntry]] = defaultdict(list)
    for entry in entries:
        groups[entry.domain].append(entry)
    return [(d, sorted(items, key=lambda e: (e.url, e.warc_date))) for d, items in sorted(groups.items())]


def render_report(entries: list[ReportEntry], *, title: str, selection: str, created: str,
                  software: str, warc_name: str, wacz_version: str, summary: object = None,
                  notices: Sequence[object] = (), skipped_shots: Sequence[str] = (),
                  cut_shots: Sequence[str] = (), max_height: int = 0) -> str:
    """report.html: self-contained (screenshots inline), no scripts, prints cleanly; the
    executive summary (summary.Summary) first, the takedown notices (notices.Notice) last;
    pages without a screenshot, and those whose screenshot stops at `max_height` px, listed."""
    env = Environment(loader=PackageLoader("spamline.evidence", "templates"),
                      autoescape=select_autoescape(["html"]))
    return env.get_template("report.html").render(
        title=title, selection=selection, created=created, software=software,
        warc_name=warc_name, wacz_version=wacz_version, entries=entries,
        groups=group_by_domain(entries), summary=summary, notices=notices,
        skipped_shots=skipped_shots, cut_shots=cut_shots, max_height=max_height)


def urls_csv(entries: list[ReportEntry]) -> str:
    """One row per captured page, numbers space-separated, for bulk takedown forms."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_FIELDS, lineterminator="\n")
    writer.writeheader()
    for _, items in group_by_domain(entries):
        for e in items:
            writer.writerow({
                "url": e.url, "domain": e.domain, "ip_address": e.ip_address or "",
                "status": e.status if e.status is not None else "", "captured_at": e.warc_date,
                "numbers": " ".join(e.numbers), "brands": " ".join(e.brands),
                "payload_digest": e.payload_digest, "record_id": e.record_id,
                "warc_file": e.warc_file, "advertised_numbers": " ".join(e.advertised)})
    return out.getvalue()

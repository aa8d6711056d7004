"""Export captures as a WACZ 1.1.1 takedown package.

Layout (https://specs.webrecorder.net/wacz/1.1.1/):

    archive/data.warc.gz      the captures' records, byte for byte as archived
                              (response or revisit + its original, request,
                              screenshots as resource records), after a warcinfo
    indexes/index.cdxj        CDXJ of archive/data.warc.gz (cdxj-indexer)
    pages/pages.jsonl         one line per captured page (url, ts, title)
    report/report.html        printable report per host
    report/urls.csv           URLs for bulk takedown forms
    datapackage.json          SHA-256 and size of every file above
    datapackage-digest.json   SHA-256 of datapackage.json, and its signedData
                              (WACZ Signing and Verification 0.1.0; signing.py)

The report files sit in a folder because WACZ validators match resources by
their last two path parts.
"""
from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import tempfile
import zipfile
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

from spamline import __version__
from spamline.evidence import cdxj, screenshot
from spamline.evidence.notices import Notice, build_notices
from spamline.evidence.records import (
    ArchivedRecord,
    RecordNotFound,
    decode_body,
    parse_raw,
    raw_member_at,
    read_raw,
    resolve_in,
)
from spamline.evidence.report import ReportEntry, hit_view, render_report, urls_csv
from spamline.evidence.scope import Scope
from spamline.evidence.screenshot import Screenshot, ScreenshotError, find_browser, render_html
from spamline.evidence.signing import Signer, SigningError
from spamline.evidence.summary import ExportContext, page_now, summarize
from spamline.evidence.writer import Sha256WARCWriter
from spamline.model import Capture, utc_now

WACZ_VERSION = "1.1.1"
WARC_NAME = "data.warc.gz"
SOFTWARE = f"spamline {__version__}"
SCREENSHOT_URI = "urn:spamline:screenshot:"
SCREENSHOT_WORKERS = 2  # chromium processes at once


class ExportError(RuntimeError):
    """Nothing could be exported; the message says why and what to do."""


@dataclass
class ExportResult:
    path: Path
    pages: int
    records: int
    screenshots: int = 0
    skipped: list[str] = field(default_factory=list)  # captures left out, with the reason
    notes: list[str] = field(default_factory=list)
    left_out: list[str] = field(default_factory=list)  # URLs outside the claim (scope.Scope.select)


@dataclass
class _Page:
    capture: Capture
    record: ArchivedRecord  # response or revisit, as archived
    payload_record: ArchivedRecord  # the record holding the payload (the original for a revisit)
    ts: str


class _PackageWarc:
    """The package's WARC: copies of archived records plus new screenshot records."""

    def __init__(self, path: Path, selection: str) -> None:
        self.fh = open(path, "wb")
        self.builder = Sha256WARCWriter(self.fh, gzip=True, warc_version="1.1")
        self.copied: set[tuple[str, int]] = set()
        self.records = 0
        self.builder.write_record(self.builder.create_warcinfo_record(WARC_NAME, {
            "software": SOFTWARE, "format": "WARC File Format 1.1",
            "description": f"spamline evidence export: {selection}. Records after this one "
                           "are byte-for-byte copies of the records archived at crawl time, "
                           "except screenshot resource records made at export time."}))
        self.records += 1

    def copy(self, file: str, offset: int, raw: bytes) -> None:
        if (file, offset) in self.copied:
            return
        self.copied.add((file, offset))
        if not raw.startswith(b"\x1f\x8b"):  # a record of a plain .warc (ingested): its bytes
            raw = gzip.compress(raw, mtime=0)  # as they are, in a gzip member of their own
        self.fh.write(raw)
        self.records += 1

    def add_screenshot(self, page: _Page, png: bytes) -> str:
        refers = page.record
        record = self.builder.create_warc_record(
            SCREENSHOT_URI + refers.url, "resource", payload=io.BytesIO(png), length=len(png),
            warc_content_type="image/png",
            warc_headers_dict={"WARC-Refers-To": refers.record_id,
                               "WARC-Refers-To-Target-URI": refers.url,
                               "WARC-Refers-To-Date": refers.date})
        self.builder.write_record(record)
        self.records += 1
        return record.rec_headers.get_header("WARC-Record-ID")

    def close(self) -> None:
        self.fh.close()


def _read_with_request(warcs: Path, file: str, offset: int, length: int | None
                       ) -> tuple[bytes, ArchivedRecord, bytes | None]:
    """A record's raw bytes, parsed, and the raw request record written right after it."""
    path = resolve_in(warcs, file)
    raw = read_raw(path, offset, length) if length else raw_member_at(path, offset)
    record = parse_raw(raw)
    request = None
    try:
        nxt = raw_member_at(path, offset + len(raw))
        parsed = parse_raw(nxt)
        if (parsed.rec_type == "request"
                and parsed.warc_headers.get_header("WARC-Concurrent-To") == record.record_id):
            request = nxt
    except RecordNotFound:
        pass
    return raw, record, request


def _capture_order(c: Capture) -> tuple[str, str, str, int]:
    """By URL, then time; captures of the same second in the order they were written (WARC
    file names start with a microsecond timestamp, offsets grow within a file)."""
    return c.url, c.captured_at, c.warc.file if c.warc else "", c.warc.offset if c.warc else -1


def _collect(captures: Sequence[Capture], warcs: Path, warc: _PackageWarc,
             skipped: list[str]) -> list[_Page]:
    pages: list[_Page] = []
    seen: set[tuple[str, int]] = set()
    for cap in sorted(captures, key=_capture_order):
        loc = cap.warc
        if loc is None:
            skipped.append(f"{cap.url} ({cap.captured_at}): no WARC location")
            continue
        if (loc.file, loc.offset) in seen:
            continue
        seen.add((loc.file, loc.offset))
        try:
            raw, record, request = _read_with_request(warcs, loc.file, loc.offset, loc.length)
        except RecordNotFound as exc:
            skipped.append(f"{cap.url} ({cap.captured_at}): {exc}")
            continue
        if record.record_id != loc.record_id:
            skipped.append(f"{cap.url}: {loc.file}:{loc.offset} holds {record.record_id}, "
                           f"not {loc.record_id}; the WARC folder does not match the store")
            continue
        payload_record = record
        source = cap.features.get("source") or {}  # set for records `spamline ingest` read
        if source.get("warcinfo"):  # who captured the record: the source file's warcinfo
            info = source["warcinfo"]
            try:
                warc.copy(loc.file, info["offset"],
                          read_raw(resolve_in(warcs, loc.file), info["offset"], info["length"]))
            except RecordNotFound as exc:
                skipped.append(f"{cap.url}: warcinfo of {loc.file} not copied: {exc}")
        if record.rec_type == "revisit":
            digest = record.warc_headers.get_header("WARC-Payload-Digest") or ""
            original = (_ingested_original(source["refers_to"]) if source.get("refers_to")
                        else cdxj.find_original(warcs, record.url, digest))
            if original is None:
                skipped.append(f"{cap.url}: revisit {record.record_id} refers to a response "
                               "no longer in the WARC folder")
                continue
            o_raw, payload_record, o_request = _read_with_request(
                warcs, original.filename, original.offset, original.length)
            warc.copy(original.filename, original.offset, o_raw)
            if o_request:
                warc.copy(original.filename, original.offset + len(o_raw), o_request)
        warc.copy(loc.file, loc.offset, raw)
        if request:
            warc.copy(loc.file, loc.offset + len(raw), request)
        pages.append(_Page(cap, record, payload_record, record.date))
    return pages


def _ingested_original(refers_to: dict) -> cdxj.IndexEntry:
    """Where the original of an ingested revisit is (found when it was ingested)."""
    return cdxj.IndexEntry("", "", {"filename": refers_to["file"], "offset": refers_to["offset"],
                                    "length": refers_to["length"]})


def _screenshot(page: _Page, browser: str) -> Screenshot:
    rec = page.payload_record
    content_type = rec.header("Content-Type") or ""
    if "html" not in content_type.lower():
        raise ScreenshotError(f"not an HTML page ({content_type or 'no Content-Type'})")
    if not rec.payload:
        raise ScreenshotError("the archived payload is empty")
    try:
        body = decode_body(rec.payload, rec.header("Content-Encoding"))
    except ValueError as exc:
        raise ScreenshotError(str(exc)) from exc
    return render_html(body, content_type=content_type, browser=browser)


def _screenshots(pages: list[_Page], warc: _PackageWarc, browser: str,
                 say: Callable[[str], None]
                 ) -> tuple[dict[int, tuple[bytes, str]], list[str], list[str]]:
    """One screenshot per URL, of its latest capture (pages are in _capture_order):
    {page index: (png, resource record id)}, "URL (capture time): reason" per skip, and
    "URL (capture time): how tall" per page taller than the screenshot's bound."""
    latest = {page.capture.url: i for i, page in enumerate(pages)}
    shots: dict[int, tuple[bytes, str]] = {}
    skipped: list[str] = []
    cut: list[str] = []
    with ThreadPoolExecutor(max_workers=SCREENSHOT_WORKERS) as pool:
        futures = {i: pool.submit(_screenshot, pages[i], browser) for i in latest.values()}
        for i, future in futures.items():
            page = pages[i]
            try:
                shot = future.result()
            except ScreenshotError as exc:
                skipped.append(f"{page.capture.url} ({page.ts}): {exc}")
                continue
            say(f"screenshot {page.capture.url}")
            shots[i] = (shot.png, warc.add_screenshot(page, shot.png))
            if shot.cut:
                cut.append(f"{page.capture.url} ({page.ts}): about {shot.page_height} px tall; "
                           f"the screenshot shows its first {shot.height} px")
    return shots, skipped, cut


def _entry(page: _Page, screenshot: bytes | None, screenshot_id: str,
           context: ExportContext) -> ReportEntry:
    cap, rec = page.capture, page.record
    scope = context.scope
    numbers = sorted({h.e164 for h in cap.hits})
    return ReportEntry(
        url=cap.url, domain=cap.domain, warc_date=rec.date,
        ip_address=rec.warc_headers.get_header("WARC-IP-Address") or cap.ip_address,
        status=rec.status, brands=list(cap.brands),
        hits=[hit_view(h, cap.text, mark=scope.mark(h.e164)) for h in cap.hits],
        numbers=numbers, advertised=[n for n in numbers if scope.advertised(n)],
        state=page_now(context.states.get(cap.url)),
        payload_digest=rec.warc_headers.get_header("WARC-Payload-Digest") or "",
        record_id=rec.record_id, record_type=rec.rec_type,
        warc_file=f"archive/{WARC_NAME}",
        refers_to=page.payload_record.record_id if rec.rec_type == "revisit" else "",
        screenshot_png=screenshot, screenshot_id=screenshot_id)


def _sha256_file(path: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
            size += len(block)
    return "sha256:" + digest.hexdigest(), size


def export_package(captures: Sequence[Capture], warcs: Path, out: Path, *, selection: str,
                   title: str | None = None, screenshots: bool = False,
                   progress: Callable[[str], None] | None = None,
                   context: ExportContext | None = None, signer: Signer | None = None) -> ExportResult:
    """Write a WACZ package of the captures' archived records, index, pages and report.

    `context` carries the claim (scope.Scope: official numbers are marked, and it tells the
    summary what the violation is), page states and the maker. With a signer,
    datapackage-digest.json carries its signedData.
    """
    say = progress or (lambda msg: None)
    context = context or ExportContext(Scope(selection, ""))
    skipped: list[str] = []
    notes: list[str] = []
    shots_skipped: list[str] = []
    shots_cut: list[str] = []
    created = utc_now()
    title = title or f"spamline evidence: {selection}"
    out = Path(out)
    if out.suffix.lower() != ".wacz":
        raise ExportError(f"{out} must end in .wacz")
    with tempfile.TemporaryDirectory(prefix="spamline-export-") as tmp_dir:
        tmp = Path(tmp_dir)
        warc = _PackageWarc(tmp / WARC_NAME, selection)
        try:
            pages = _collect(captures, Path(warcs), warc, skipped)
            if not pages:
                reasons = "; ".join(skipped[:3]) or "the selection matched no captures"
                raise ExportError(f"nothing to export for {selection}: {reasons}. "
                                  "Check the selector, or crawl the pages first.")
            shots: dict[int, tuple[bytes, str]] = {}
            browser = find_browser() if screenshots else None
            if screenshots and browser is None:
                notes.append("screenshots skipped: no chromium found "
                             "(install Debian's chromium package to get them)")
            if browser:
                shots, shots_skipped, shots_cut = _screenshots(pages, warc, browser, say)
                notes += [f"no screenshot of {reason}" for reason in shots_skipped]
                notes += [f"screenshot cut short: {line}" for line in shots_cut]
        finally:
            warc.close()

        cdxj.build_index([tmp / WARC_NAME], tmp / "index.cdxj")
        entries = [_entry(p, *shots.get(i, (None, "")), context) for i, p in enumerate(pages)]
        summary = summarize(entries, context, made_at=created, software=SOFTWARE,
                            verify=signer.verify_command(out.name) if signer
                            else f"spamline evidence verify --allow-unsigned {out.name}")
        members: dict[str, Path] = {f"archive/{WARC_NAME}": tmp / WARC_NAME,
                                    "indexes/index.cdxj": tmp / "index.cdxj"}
        (tmp / "pages.jsonl").write_text(_pages_jsonl(pages, title), encoding="utf-8")
        members["pages/pages.jsonl"] = tmp / "pages.jsonl"
        notices = build_notices(entries, summary, package=out.name, lookups=context.lookups)
        members.update(_write_notices(tmp, notices, context, created))
        (tmp / "report.html").write_text(render_report(
            entries, title=title, selection=selection, created=created, software=SOFTWARE,
            warc_name=WARC_NAME, wacz_version=WACZ_VERSION, summary=summary, notices=notices,
            skipped_shots=shots_skipped, cut_shots=shots_cut,
            max_height=screenshot.MAX_HEIGHT),
            encoding="utf-8")
        members["report/report.html"] = tmp / "report.html"
        (tmp / "urls.csv").write_text(urls_csv(entries), encoding="utf-8")
        members["report/urls.csv"] = tmp / "urls.csv"

        resources = []
        for name, path in members.items():
            digest, size = _sha256_file(path)
            resources.append({"name": Path(name).name.lower(), "path": name,
                              "hash": digest, "bytes": size})
        # signedData.created must be this and within 10 minutes of its RFC 3161 timestamp
        # (WACZ Signing 0.1.0): the time the package is sealed, not when the export began
        sealed = utc_now()
        package = {"profile": "data-package", "resources": resources, "title": title,
                   "description": f"Takedown evidence for {selection}",
                   "mainPageURL": pages[0].capture.url,
                   "mainPageDate": pages[0].ts,
                   "created": sealed, "wacz_version": WACZ_VERSION, "software": SOFTWARE}
        package_bytes = json.dumps(package, indent=2).encode("utf-8")
        digest = {"path": "datapackage.json",
                  "hash": "sha256:" + hashlib.sha256(package_bytes).hexdigest()}
        if signer is not None:
            try:
                digest["signedData"] = signer.sign(digest["hash"], sealed)
            except SigningError as exc:
                raise ExportError(f"cannot sign the package: {exc}") from exc
        digest_bytes = json.dumps(digest, indent=2).encode("utf-8")

        partial = out.with_name(out.name + ".partial")
        out.parent.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(partial, "w") as zf:
            for name, path in members.items():
                compress = zipfile.ZIP_STORED if name.startswith("archive/") else zipfile.ZIP_DEFLATED
                zf.write(path, name, compress_type=compress)
            zf.writestr("datapackage.json", package_bytes, compress_type=zipfile.ZIP_DEFLATED)
            zf.writestr("datapackage-digest.json", digest_bytes, compress_type=zipfile.ZIP_DEFLATED)
        os.replace(partial, out)
    return ExportResult(out, len(pages), warc.records, len(shots), skipped, notes,
                        list(context.left_out))


def _write_notices(tmp: Path, notices: list[Notice], context: ExportContext, created: str
                   ) -> dict[str, Path]:
    """notices/HOST.txt and notices/HOST.eml per host, and rdap/lookups.json after --rdap."""
    folder = tmp / "notices"
    folder.mkdir()
    members: dict[str, Path] = {}
    stems: set[str] = set()
    for notice in notices:
        stem = notice.stem
        while stem in stems:  # two hosts that only differ in characters a file name cannot hold
            stem += "_"
        stems.add(stem)
        for ext, data in (("txt", notice.text.encode("utf-8")),
                          ("eml", notice.eml(context.made_by, created))):
            path = folder / f"{stem}.{ext}"
            path.write_bytes(data)
            members[f"notices/{path.name}"] = path
    if context.lookups:
        path = tmp / "lookups.json"
        path.write_text(json.dumps([asdict(lookup) for lookup in context.lookups],
                                   ensure_ascii=False, indent=1), encoding="utf-8")
        members["rdap/lookups.json"] = path
    return members


def _pages_jsonl(pages: list[_Page], title: str) -> str:
    lines = [{"format": "json-pages-1.0", "id": "pages", "title": title}]
    for page in pages:
        cap = page.capture
        lines.append({"id": cap.capture_id, "url": cap.url, "ts": page.ts,
                      "title": cap.title or cap.url, "status": page.record.status,
                      "numbers": sorted({h.e164 for h in cap.hits})})
    return "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines)

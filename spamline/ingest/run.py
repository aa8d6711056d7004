"""Run an ingest: worker processes read WARC members, this process stores what they read.

Each worker takes one member at a time (like one Spark task per WARC file), reads its
records with FastWARC and every page with the crawl's PageReader, and sends batches back
through a bounded queue (bounded memory). This process applies the page features that
depend on the pages seen so far (templates, spam score: PageAnalyzer, as FeaturesPipeline
does in a crawl), writes each batch to the store and then moves the member's checkpoint.
"""
from __future__ import annotations

import multiprocessing
import os
import queue
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from spamline.brands.features import PageAnalyzer
from spamline.brands.registry import registered_brands
from spamline.datadir import DataDir
from spamline.ingest.pages import (CAPTURE_TYPES, Page, Warcinfo, parse_warcinfo, read_page,
                                   read_revisit, target_uri)
from spamline.ingest.reader import SourceRecord, Skipped, iter_records
from spamline.ingest.sources import Member, expand, members
from spamline.ingest.state import IngestState, Original
from spamline.pipelines.extract import PageReader
from spamline.store import open_store

BATCH_RECORDS = 1000  # a worker's batch ends after this many records...
BATCH_BYTES = 4 << 20  # ...or this many payload bytes read, whichever comes first
QUEUED_BATCHES = 4  # per worker: how far the workers may run ahead of the store
GROUP_RECORDS = 4000  # batches waiting in the queue are stored together, up to this many records


@dataclass
class IngestOptions:
    paths: list[str]
    data_dir: DataDir
    store_url: str | None = None
    workers: int = 0  # 0: one per core
    region: str | None = None


@dataclass
class Batch:
    """What a worker read from one member since its last batch."""

    label: str
    pages: list[Page]
    originals: list[Original]
    revisits: list[dict]
    skipped: list[tuple[int, str]]
    reached: int
    records: int
    done: bool


@dataclass
class IngestSummary:
    files: int = 0
    members: int = 0
    up_to_date: int = 0  # members read to the end by an earlier run
    members_read: int = 0  # members read to the end by this run
    records: int = 0
    bytes: int = 0
    captures: int = 0
    pages_with_numbers: int = 0
    numbers: int = 0  # number occurrences
    revisits: int = 0
    unresolved_revisits: int = 0
    skipped: list[tuple[str, int, str]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def mb_per_second(self) -> float:
        return self.bytes / 2**20 / self.seconds if self.seconds else 0.0


Progress = Callable[[IngestSummary, int], None]  # (so far, total bytes)


def run_ingest(opts: IngestOptions, progress: Progress | None = None) -> IngestSummary:
    """Ingest the WARC/WACZ files `opts.paths` names; raises NotAnArchive for a bad path."""
    began = time.monotonic()
    summary = IngestSummary()
    files = expand(opts.paths)
    found = [m for path in files for m in members(path, opts.data_dir.warcs / "unpacked")]
    summary.files, summary.members = len(files), len(found)
    state = IngestState(opts.data_dir.root / "ingest.db")
    brands = tuple(registered_brands(str(opts.data_dir.root), opts.store_url))
    reader = PageReader(opts.region, brands)
    analyzer = PageAnalyzer(list(brands))
    todo = []
    for member in found:
        start = state.start_of(member)
        if start is None:
            summary.up_to_date += 1
        else:
            todo.append((member, start))
    total = sum(m.end - s for m, s in todo)
    by_label = {m.label: m for m, _ in todo}
    try:
        with open_store(opts.store_url, opts.data_dir) as store:
            store.sync_commits()  # the checkpoints below must never be ahead of the store
            for group in _read_all(todo, reader, opts.workers or os.cpu_count() or 1, summary):
                _store(group, analyzer, store, summary)
                state.checkpoint([(by_label[b.label], b.reached, b.done, b.originals, b.revisits,
                                   b.skipped) for b in group])
                summary.members_read += sum(b.done for b in group)
                if progress:
                    summary.seconds = time.monotonic() - began
                    progress(summary, total)
            _resolve_revisits(state, reader, analyzer, store, summary)
    finally:
        state.close()
    summary.seconds = time.monotonic() - began
    return summary


def _store(group: list[Batch], analyzer: PageAnalyzer, store: Any,
           summary: IngestSummary) -> None:
    """Analyze the pages of `group` in order and write them in one store transaction."""
    captures = [analyzed(page, analyzer) for batch in group for page in batch.pages]
    if captures:
        store.add_captures(captures)
    summary.records += sum(batch.records for batch in group)
    summary.captures += len(captures)
    summary.pages_with_numbers += sum(1 for c in captures if c.hits)
    summary.numbers += sum(len(c.hits) for c in captures)
    summary.skipped += [(batch.label, offset, why) for batch in group
                        for offset, why in batch.skipped]


def analyzed(page: Page, analyzer: PageAnalyzer) -> Any:
    """The capture with its brands, template and spam score (as FeaturesPipeline sets them)."""
    capture = page.capture
    source = capture.features.pop("source", None)
    if page.features is not None:
        analyzer.apply(capture, page.features)
    capture.features["source"] = source
    return capture


def _read_all(todo: list[tuple[Member, int]], reader: PageReader, workers: int,
              summary: IngestSummary) -> Iterator[list[Batch]]:
    """Batches from every member, read by `workers` forked processes, in groups: a batch and
    those already waiting behind it (up to GROUP_RECORDS records), so that a store slower
    than the workers writes fewer, larger transactions."""
    if not todo:
        return
    ctx = multiprocessing.get_context("fork")
    workers = max(1, min(workers, len(todo)))
    tasks: Any = ctx.Queue()
    results: Any = ctx.Queue(maxsize=QUEUED_BATCHES * workers)
    for task in todo:
        tasks.put(task)
    for _ in range(workers):
        tasks.put(None)
    procs = [ctx.Process(target=_work, args=(tasks, results, reader, os.getpid()), daemon=True)
             for _ in range(workers)]
    for proc in procs:
        proc.start()
    left = len(todo)
    reached = {member.label: start for member, start in todo}
    group: list[Batch] = []
    try:
        while left:
            try:
                msg = results.get(timeout=1.0) if not group else results.get_nowait()
            except queue.Empty:
                if group:
                    yield group
                    group = []
                elif not any(p.is_alive() for p in procs):
                    summary.errors.append("the worker processes exited before the end; "
                                          "run the same command again to resume")
                    return
                continue
            if isinstance(msg, str):
                summary.errors.append(msg)
                left -= 1
                continue
            summary.bytes += msg.reached - reached[msg.label]
            reached[msg.label] = msg.reached
            group.append(msg)
            left -= msg.done
            if sum(b.records for b in group) >= GROUP_RECORDS:
                yield group
                group = []
        if group:
            yield group
    finally:
        for proc in procs:
            proc.join(timeout=5)
            if proc.is_alive():
                proc.terminate()


def _work(tasks: Any, results: Any, reader: PageReader, parent: int) -> None:
    """A worker process: read members until told to stop (or the parent is gone)."""
    threading.Thread(target=_exit_when_orphaned, args=(parent,), daemon=True).start()
    while (task := tasks.get()) is not None:
        member, start = task
        try:
            for batch in read_member(member, start, reader):
                results.put(batch)
        except Exception as exc:  # noqa: BLE001 - reported, the other members go on
            results.put(f"{member.label}: {type(exc).__name__}: {exc}")


def _exit_when_orphaned(parent: int) -> None:
    """End this worker once the ingest that started it is gone (killed): nobody reads its
    batches, so a put, or the flush of the queue at exit, would wait forever."""
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(1)


def read_member(member: Member, start: int, reader: PageReader):
    """Batches of pages (and revisits to resolve, skipped stretches) from `member`."""
    info = _warcinfo_at_start(member) if start > member.start else None
    pages: list[Page] = []
    originals: list[Original] = []
    revisits: list[dict] = []
    skipped: list[tuple[int, str]] = []
    records, size, reached = 0, 0, start
    for rec in iter_records(member, start):
        records += 1
        if isinstance(rec, Skipped):
            skipped.append((rec.offset, rec.reason))
        elif rec.rec_type == "warcinfo":
            info = parse_warcinfo(rec)
        elif rec.rec_type == "revisit":
            revisits.append(revisit_doc(rec, member, info))
        elif rec.rec_type in CAPTURE_TYPES and target_uri(rec):
            pages.append(read_page(rec, member, info, reader))
            size += len(rec.payload)
            if rec.header("WARC-Payload-Digest") and rec.read:
                originals.append(Original(rec.header("WARC-Record-ID"),
                                          rec.header("WARC-Payload-Digest"),
                                          target_uri(rec), member, rec.offset,
                                          rec.content_type))
        if not isinstance(rec, Skipped):
            reached = rec.offset + rec.length
        if records >= BATCH_RECORDS or size >= BATCH_BYTES:
            yield Batch(member.label, pages, originals, revisits, skipped, reached, records, False)
            pages, originals, revisits, skipped, records, size = [], [], [], [], 0, 0
    yield Batch(member.label, pages, originals, revisits, skipped, member.end, records, True)


def _warcinfo_at_start(member: Member) -> Warcinfo | None:
    """The warcinfo record a member starts with, for a read resumed past it."""
    for rec in iter_records(member, member.start):
        if isinstance(rec, SourceRecord) and rec.rec_type == "warcinfo":
            return parse_warcinfo(rec)
        return None
    return None


def revisit_doc(rec: SourceRecord, member: Member, info: Warcinfo | None) -> dict:
    """A revisit record, as kept until its original is found (plain JSON data)."""
    return {"label": member.label, "path": str(member.path), "start": member.start,
            "end": member.end, "gzipped": member.gzipped, "offset": rec.offset,
            "length": rec.length, "headers": rec.headers, "status": rec.status,
            "content_type": rec.content_type,
            "warcinfo": None if info is None else [info.offset, info.length, info.record_id,
                                                   info.fields]}


def _resolve_revisits(state: IngestState, reader: PageReader, analyzer: PageAnalyzer,
                      store: Any, summary: IngestSummary) -> None:
    """Read each revisit with its original's payload, when the original was ingested."""
    for doc in list(state.pending_revisits()):
        headers = doc["headers"]
        original = state.original(headers.get("WARC-Refers-To", ""),
                                  headers.get("WARC-Payload-Digest", ""),
                                  (headers.get("WARC-Refers-To-Target-URI")
                                   or headers.get("WARC-Target-URI", "")).strip("<>"))
        if original is None:
            summary.unresolved_revisits += 1
            continue
        page = read_revisit(doc, original.member, original.offset, original.record_id,
                            original.content_type, reader)
        if page is None:
            summary.unresolved_revisits += 1
            continue
        capture = analyzed(page, analyzer)
        store.add_captures([capture])
        state.resolved(doc)
        summary.revisits += 1
        summary.captures += 1
        summary.numbers += len(capture.hits)
        summary.pages_with_numbers += bool(capture.hits)

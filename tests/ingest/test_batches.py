"""How an ingest cuts its work: worker batches bounded by records and payload bytes, and a
store that syncs its commits before the checkpoint moves."""
from __future__ import annotations

from pathlib import Path

import pytest

from spamline.ingest import run
from spamline.ingest.sources import members
from spamline.pipelines.extract import PageReader
from spamline.store.sqlite import SQLiteStore
from tests.ingest.test_ingest import page_records


@pytest.mark.parametrize("records, size", [(7, 1 << 30), (1000, 600)])
def test_batches_end_at_their_record_or_byte_bound(tmp_path, monkeypatch, records, size) -> None:
    monkeypatch.setattr(run, "BATCH_RECORDS", records)
    monkeypatch.setattr(run, "BATCH_BYTES", size)
    warc = tmp_path / "pages.warc.gz"
    warc.write_bytes(page_records(40))
    (member,) = members(warc, tmp_path / "unpacked")
    batches = list(run.read_member(member, member.start, PageReader(None, ())))
    sizes = [len(f"<html><title>Page {i}</title><body>Call 400-812-{i:04d} now</body></html>")
             for i in range(40)]  # page_records' bodies
    first = 0
    for batch in batches[:-1]:
        assert not batch.done
        held = sizes[first:first + len(batch.pages)]
        if records < 40:
            assert batch.records == records
        else:  # cut at the first page that brought the payload read to `size`
            assert sum(held) >= size > sum(held[:-1])
        first += len(batch.pages)
    assert len(batches) > 2 and batches[-1].done and batches[-1].reached == member.end
    assert [b.reached for b in batches] == sorted(b.reached for b in batches)
    urls = [p.capture.url for b in batches for p in b.pages]
    assert urls == [f"http://pages.test/p/{i}" for i in range(40)]
    assert sum(b.records for b in batches) == 41  # the warcinfo record too


def test_sync_commits_makes_the_store_fsync_each_commit(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "s.db")
    assert store.conn.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL
    store.sync_commits()
    assert store.conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    store.close()

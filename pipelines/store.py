"""Item pipeline: write captures to the store in batches, spooling them when it is down."""
from __future__ import annotations

import logging
import queue
import threading
import time
from typing import Any

from spamline.datadir import DataDir
from spamline.model import Capture
from spamline.store import Store, StoreUnavailable, open_store
from spamline.store.spool import Spool, write_or_spool

log = logging.getLogger(__name__)

RECONNECT_EVERY = 60.0  # seconds between attempts to open a store that was unreachable
QUEUED_BATCHES = 2  # batches handed to the writer thread before the crawl waits for it


class StorePipeline:
    """Batch Capture items into the store (SPAMLINE_STORE, default the data dir's SQLite).

    Settings: SPAMLINE_DATA_DIR, SPAMLINE_STORE, SPAMLINE_STORE_BATCH (default 100),
    SPAMLINE_STORE_TIMEOUT (seconds to wait for a lock or the server; backend default),
    SPAMLINE_STORE_THREAD (default False): write the batches in a thread of their own, in
    order, so the crawl goes on while the store works (SQLite and the HTTP client release
    the GIL); closing waits for every batch.
    When the store cannot take a batch, the batch goes to the data dir's spool and
    `spamline store replay` writes it later; the crawl goes on.
    """

    def __init__(self, data_dir: DataDir, store_url: str | None, batch_size: int,
                 stats: Any = None, timeout: float | None = None, threaded: bool = False) -> None:
        self.data_dir = data_dir
        self.store_url = store_url
        self.timeout = timeout
        self.batch_size = max(1, batch_size)
        self.stats = stats
        self.threaded = threaded
        self.spool = Spool(data_dir.spool)
        self.store: Store | None = None
        self.pending: list[Capture] = []
        self._reconnect_at = 0.0
        self._batches: queue.Queue[list[Capture] | None] = queue.Queue(maxsize=QUEUED_BATCHES)
        self._writer: threading.Thread | None = None

    @classmethod
    def from_crawler(cls, crawler: Any) -> "StorePipeline":
        settings = crawler.settings
        return cls(
            DataDir.open(settings.get("SPAMLINE_DATA_DIR") or "./spamline-data"),
            settings.get("SPAMLINE_STORE") or None,
            settings.getint("SPAMLINE_STORE_BATCH", 100),
            crawler.stats,
            settings.getfloat("SPAMLINE_STORE_TIMEOUT") or None,
            settings.getbool("SPAMLINE_STORE_THREAD"),
        )

    def open_spider(self, spider: Any = None) -> None:
        self._connect()
        if self.threaded:
            self._writer = threading.Thread(target=self._write_batches, name="spamline-store",
                                            daemon=True)
            self._writer.start()

    def _connect(self) -> None:
        self._reconnect_at = time.monotonic() + RECONNECT_EVERY
        try:
            self.store = open_store(self.store_url, self.data_dir, timeout=self.timeout)
        except StoreUnavailable as exc:
            log.warning("store unavailable (%s); captures will be spooled to %s; run "
                        "`spamline store replay` once it is back", exc, self.spool.path)
            self.store = None

    def process_item(self, item: Any, spider: Any = None) -> Any:
        if isinstance(item, Capture):
            self.pending.append(item)
            if len(self.pending) >= self.batch_size:
                self._hand_over()
        return item

    def flush(self) -> None:
        """Write the pending captures (or spool them); with a writer thread, wait until it
        has written every batch handed to it."""
        if self.pending:
            self._hand_over()
        if self._writer is not None:
            self._batches.join()

    def _hand_over(self) -> None:
        batch, self.pending = self.pending, []
        if self._writer is None:
            self._write(batch)
        else:
            self._batches.put(batch)  # waits while the writer is QUEUED_BATCHES behind

    def _write(self, batch: list[Capture]) -> None:
        if self.store is None and time.monotonic() >= self._reconnect_at:
            self._connect()
        stored = write_or_spool(self.store, self.spool, batch)
        if self.stats is not None:
            self.stats.inc_value("spamline/stored" if stored else "spamline/spooled", len(batch))

    def _write_batches(self) -> None:
        """The writer thread: write batches in the order they come, until None."""
        while (batch := self._batches.get()) is not None:
            try:
                self._write(batch)
            except Exception:  # as the item error Scrapy would log in the crawl's thread
                log.exception("could not store or spool %d captures", len(batch))
            finally:
                self._batches.task_done()
        self._batches.task_done()

    def close_spider(self, spider: Any = None) -> None:
        self.flush()
        if self._writer is not None:
            self._batches.put(None)
            self._writer.join()
            self._writer = None
        if self.store is not None:
            self.store.close()
            self.store = None

"""Item pipeline: write captures to the store in batches, spooling them when it is down."""
from __future__ import annotations

import logging
import time
from typing import Any

from spamline.datadir import DataDir
from spamline.model import Capture
from spamline.store import Store, StoreUnavailable, open_store
from spamline.store.spool import Spool, write_or_spool

log = logging.getLogger(__name__)

RECONNECT_EVERY = 60.0  # seconds between attempts to open a store that was unreachable


class StorePipeline:
    """Batch Capture items into the store (SPAMLINE_STORE, default the data dir's SQLite).

    Settings: SPAMLINE_DATA_DIR, SPAMLINE_STORE, SPAMLINE_STORE_BATCH (default 100),
    SPAMLINE_STORE_TIMEOUT (seconds to wait for a lock or the server; backend default).
    When the store cannot take a batch, the batch goes to the data dir's spool and
    `spamline store replay` writes it later; the crawl goes on.
    """

    def __init__(self, data_dir: DataDir, store_url: str | None, batch_size: int,
                 stats: Any = None, timeout: float | None = None) -> None:
        self.data_dir = data_dir
        self.store_url = store_url
        self.timeout = timeout
        self.batch_size = max(1, batch_size)
        self.stats = stats
        self.spool = Spool(data_dir.spool)
        self.store: Store | None = None
        self.pending: list[Capture] = []
        self._reconnect_at = 0.0

    @classmethod
    def from_crawler(cls, crawler: Any) -> "StorePipeline":
        settings = crawler.settings
        return cls(
            DataDir.open(settings.get("SPAMLINE_DATA_DIR") or "./spamline-data"),
            settings.get("SPAMLINE_STORE") or None,
            settings.getint("SPAMLINE_STORE_BATCH", 100),
            crawler.stats,
            settings.getfloat("SPAMLINE_STORE_TIMEOUT") or None,
        )

    def open_spider(self, spider: Any = None) -> None:
        self._connect()

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
                self.flush()
        return item

    def flush(self) -> None:
        """Write the pending captures (or spool them)."""
        if not self.pending:
            return
        if self.store is None and time.monotonic() >= self._reconnect_at:
            self._connect()
        batch, self.pending = self.pending, []
        stored = write_or_spool(self.store, self.spool, batch)
        if self.stats is not None:
            self.stats.inc_value("spamline/stored" if stored else "spamline/spooled", len(batch))

    def close_spider(self, spider: Any = None) -> None:
        self.flush()
        if self.store is not None:
            self.store.close()
            self.store = None

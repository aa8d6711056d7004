"""Store fixtures: every backend, empty, in a temporary data dir."""
from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from spamline.datadir import DataDir
from spamline.store import Store, open_store

from .backends import ES_SKIP, ES_URL


@pytest.fixture(params=["sqlite", pytest.param("es", marks=pytest.mark.es)])
def store(request: pytest.FixtureRequest, tmp_path) -> Iterator[Store]:
    """An empty store of each backend (Elasticsearch only when SPAMLINE_ES_URL is set)."""
    data_dir = DataDir.open(tmp_path / "data")
    if request.param == "sqlite":
        st = open_store(None, data_dir)
        yield st
        st.close()
        return
    if not ES_URL:
        pytest.skip(ES_SKIP)
    prefix = f"spamline-test-{uuid.uuid4().hex[:8]}"
    st = open_store(f"{ES_URL.rstrip('/')}/{prefix}", data_dir)
    try:
        yield st
    finally:
        st.drop()  # type: ignore[attr-defined]
        st.close()

"""Store fixtures: every backend, empty, in a temporary data dir.

Elasticsearch runs against the ES-API emulator always (tests/store/emulator.py) and
against a real server when SPAMLINE_ES_URL is set (`pytest -m es`).
"""
from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from spamline.datadir import DataDir
from spamline.store import Store, open_store

from .backends import ES_SKIP, ES_URL
from .emulator import EMULATOR_XFAIL, running_emulator


@pytest.fixture(scope="session")
def es_emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The URL of an ES-API emulator (not Elasticsearch) running for this test session."""
    with running_emulator(tmp_path_factory.mktemp("es-emulator")) as url:
        yield url


def es_prefix() -> str:
    return f"spamline-test-{uuid.uuid4().hex[:8]}"


@pytest.fixture(params=["sqlite", pytest.param("es", marks=pytest.mark.es),
                        pytest.param("es-emulator", marks=pytest.mark.esemu)])
def store(request: pytest.FixtureRequest, tmp_path) -> Iterator[Store]:
    """An empty store of each backend (real Elasticsearch only when SPAMLINE_ES_URL is set)."""
    data_dir = DataDir.open(tmp_path / "data")
    if request.param == "sqlite":
        st = open_store(None, data_dir)
        yield st
        st.close()
        return
    if request.param == "es":
        if not ES_URL:
            pytest.skip(ES_SKIP)
        base = ES_URL
    else:
        base = request.getfixturevalue("es_emulator")
        if reason := EMULATOR_XFAIL.get(request.function.__name__):
            request.applymarker(pytest.mark.xfail(reason=reason, strict=True))
    st = open_store(f"{base.rstrip('/')}/{es_prefix()}", data_dir)
    try:
        yield st
    finally:
        st.drop()  # type: ignore[attr-defined]
        st.close()

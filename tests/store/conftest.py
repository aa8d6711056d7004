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


def es_base(request: pytest.FixtureRequest, kind: str) -> str:
    """The URL of a real server ("es", from SPAMLINE_ES_URL) or of the emulator; on the
    emulator, a test it answers wrongly is an xfail naming the real behaviour."""
    if kind == "es":
        if not ES_URL:
            pytest.skip(ES_SKIP)
        return ES_URL.rstrip("/")
    if reason := EMULATOR_XFAIL.get(request.function.__name__):
        request.applymarker(pytest.mark.xfail(reason=reason, strict=True))
    return request.getfixturevalue("es_emulator")


ES_KINDS = [pytest.param("es", marks=pytest.mark.es),
            pytest.param("es-emulator", marks=pytest.mark.esemu)]


@pytest.fixture(params=ES_KINDS)
def es_url(request: pytest.FixtureRequest) -> str:
    """A real Elasticsearch (when SPAMLINE_ES_URL is set) and the emulator, in turn."""
    return es_base(request, request.param)


@pytest.fixture(params=["sqlite", *ES_KINDS])
def store(request: pytest.FixtureRequest, tmp_path) -> Iterator[Store]:
    """An empty store of each backend (real Elasticsearch only when SPAMLINE_ES_URL is set)."""
    data_dir = DataDir.open(tmp_path / "data")
    if request.param == "sqlite":
        st = open_store(None, data_dir)
        yield st
        st.close()
        return
    st = open_store(f"{es_base(request, request.param)}/{es_prefix()}", data_dir)
    try:
        yield st
    finally:
        st.drop()  # type: ignore[attr-defined]
        st.close()

"""Choosing and reaching an Elasticsearch store, without needing a server."""
from __future__ import annotations

import pytest

from spamline.datadir import DataDir
from spamline.store import StoreUnavailable, open_store
from spamline.store.elastic import env_password, epoch_ms

from .backends import closed_port


def test_unreachable_server_says_what_to_do_and_never_prints_credentials(
        tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("SPAMLINE_ES_USER", "analyst")
    monkeypatch.setenv("SPAMLINE_ES_PASSWORD", "s3cret-pw")
    url = f"es://127.0.0.1:{closed_port()}/spamline"
    with pytest.raises(StoreUnavailable) as err:
        open_store(url, DataDir.open(tmp_path), timeout=1)
    message = str(err.value)
    assert "cannot reach Elasticsearch at http://127.0.0.1:" in message
    assert "Start the server" in message
    assert "s3cret-pw" not in message and "analyst" not in message


@pytest.mark.parametrize("url, advice", [
    ("es://user:pw@127.0.0.1:9200", "SPAMLINE_ES_USER"),
    ("es://127.0.0.1:9200/Not A Prefix", "index prefix"),
    ("ftp://127.0.0.1", "use sqlite:PATH, es://host:9200"),
])
def test_bad_urls_are_refused_before_connecting(tmp_path, url: str, advice: str) -> None:
    with pytest.raises(ValueError, match=advice):
        open_store(url, DataDir.open(tmp_path))


@pytest.mark.parametrize("when, ms", [
    ("2026-11-05T08:00:00Z", 1793865600000),
    ("2026-11-05T08:00:00.5Z", 1793865600500),  # sorts before the line above as a string
    ("2026-11-05T16:00:00+08:00", 1793865600000),
    ("2026-11-05T08:00:00", 1793865600000),  # naive: UTC
])
def test_span_times_compare_as_epoch_ms(when: str, ms: int) -> None:
    assert epoch_ms(when) == ms


def test_password_from_a_file_docker_secrets(tmp_path, monkeypatch) -> None:
    secret = tmp_path / "spamline_password"
    secret.write_text("pw-from-file\n")
    monkeypatch.setenv("SPAMLINE_ES_USER", "spamline")
    monkeypatch.setenv("SPAMLINE_ES_PASSWORD", "ignored")
    monkeypatch.setenv("SPAMLINE_ES_PASSWORD_FILE", str(secret))
    assert env_password() == "pw-from-file"
    monkeypatch.setenv("SPAMLINE_ES_PASSWORD_FILE", str(tmp_path / "missing"))
    with pytest.raises(ValueError, match="cannot read SPAMLINE_ES_PASSWORD_FILE .*missing"):
        open_store("es://127.0.0.1:9", DataDir.open(tmp_path))

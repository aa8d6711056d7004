"""Tokens hashed at rest, Bearer auth for the API, cookie sessions for pages, rate limits."""
from __future__ import annotations

import json
import logging
import sqlite3

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from spamline.cli import main
from spamline.web.auth import AuthError, Users
from spamline.web.ratelimit import TokenBucket
from tests.web.conftest import bearer


def test_user_add_prints_the_token_once_and_stores_only_its_hash(tmp_path):
    runner = CliRunner()
    added = runner.invoke(main, ["user", "add", "olga", "--role", "brand-owner", "--brand", "Acme",
                                 "--data-dir", str(tmp_path)])
    assert added.exit_code == 0, added.output
    token = added.stdout.strip()
    assert token.startswith("spl_") and len(token) > 40
    assert token.encode() not in (tmp_path / "users.db").read_bytes()
    listed = runner.invoke(main, ["user", "list", "--json", "--data-dir", str(tmp_path)])
    assert json.loads(listed.stdout) == {"name": "olga", "role": "brand-owner", "brands": ["Acme"]}
    assert token not in listed.output
    assert Users(tmp_path / "users.db").by_token(token).brands == ("Acme",)


@pytest.mark.parametrize("args, message", [
    (["add", "x", "--role", "brand-owner"], "needs at least one --brand"),
    (["remove", "ghost"], "no user named 'ghost'"),
])
def test_user_command_errors_say_what_to_do(tmp_path, args, message):
    result = CliRunner().invoke(main, ["user", *args, "--data-dir", str(tmp_path)])
    assert result.exit_code == 1 and message in result.output


def test_duplicate_user_is_refused(tmp_path):
    users = Users(tmp_path / "users.db")
    users.add("ana", "analyst")
    with pytest.raises(AuthError, match="already exists"):
        users.add("ana", "analyst")


def test_removed_user_loses_token_and_sessions(tmp_path):
    users = Users(tmp_path / "users.db")
    token = users.add("ana", "analyst")
    session = users.open_session(users.by_token(token))
    users.remove("ana")
    assert users.by_token(token) is None and users.by_session(session) is None


def test_sessions_are_hashed_at_rest(tmp_path):
    users = Users(tmp_path / "users.db")
    session = users.open_session(users.by_token(users.add("ana", "analyst")))
    rows = sqlite3.connect(tmp_path / "users.db").execute("SELECT * FROM sessions").fetchall()
    assert session not in repr(rows)


@pytest.mark.parametrize("headers", [{}, bearer("spl_wrong"), {"Authorization": "Basic abc"}])
def test_api_needs_a_valid_bearer_token(client, headers):
    r = client.get("/api/search", params={"q": "x"}, headers=headers)
    assert r.status_code == 401
    assert r.headers["www-authenticate"] == "Bearer"
    assert "spamline user add" in r.json()["detail"]


def test_api_ignores_the_page_cookie(site):
    with TestClient(site.app()) as c:
        c.post("/login", data={"token": site.analyst})
        assert c.get("/api/me").status_code == 401


def test_rate_limit_answers_429_with_retry_after(site):
    with TestClient(site.app(rate=0.5, burst=3)) as c:
        codes = [c.get("/api/me", headers=bearer(site.analyst)).status_code for _ in range(4)]
        assert codes == [200, 200, 200, 429]
        r = c.get("/api/me", headers=bearer(site.analyst))
        assert r.status_code == 429 and int(r.headers["retry-after"]) >= 1
        # buckets are per token: another user is not held back
        assert c.get("/api/me", headers=bearer(site.acme)).status_code == 200


def test_token_bucket_refills():
    bucket = TokenBucket(rate=1000.0, burst=1)
    assert bucket.take("k") == 0.0
    assert 0 < bucket.take("k") <= 0.001
    slow = TokenBucket(rate=0.1, burst=1)
    slow.take("k")
    assert slow.take("k") == pytest.approx(10.0, rel=0.01)


def test_pages_redirect_to_login_and_back(site):
    with TestClient(site.app()) as c:
        r = c.get("/networks?offset=0", follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == "/login?next=/networks?offset=0"
        r = c.post("/login", data={"token": site.acme, "next": "/networks"}, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == "/networks"
        cookie = r.headers["set-cookie"]
        assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/" in cookie
        assert site.acme not in cookie  # the cookie is a session id, not the token
        assert c.get("/networks").status_code == 200
        c.post("/logout")
        assert c.get("/networks", follow_redirects=False).status_code == 303


def test_login_with_a_bad_token_says_so(site):
    with TestClient(site.app()) as c:
        r = c.post("/login", data={"token": "nope"})
        assert r.status_code == 401 and "not valid" in r.text


@pytest.mark.parametrize("target", ["//evil.test/", "/\\evil.test/", "https://evil.test/",
                                    "javascript:alert(1)"])
def test_login_never_redirects_off_site(site, target):
    with TestClient(site.app()) as c:
        r = c.post("/login", data={"token": site.acme, "next": target}, follow_redirects=False)
        assert r.headers["location"] == "/"


def test_tokens_never_reach_the_logs(site, caplog):
    caplog.set_level(logging.DEBUG)
    with TestClient(site.app(rate=0.001, burst=1)) as c:
        c.get("/api/me", headers=bearer(site.analyst))
        c.get("/api/me", headers=bearer(site.analyst))  # 429
        c.get("/api/me", headers=bearer("spl_wrong-token-value"))
        c.post("/login", data={"token": site.acme})
        c.get("/api/exports/none", headers=bearer(site.analyst))
    assert site.analyst not in caplog.text and site.acme not in caplog.text
    assert "spl_wrong-token-value" not in caplog.text

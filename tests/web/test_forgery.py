"""Cross-site forgery and guessing: every state-changing route refuses a foreign Origin (403),
and failed sign-ins from one address are rate limited (429 with Retry-After)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

import spamline.web
from tests.web.conftest import bearer

FOREIGN = [{"Origin": "https://evil.example"}, {"Origin": "null"},
           {"Origin": "null", "Sec-Fetch-Site": "cross-site"},
           {"Origin": "http://testserver.evil.example"}, {"Origin": "http://testserver:8080"},
           {"Sec-Fetch-Site": "cross-site"}, {"Sec-Fetch-Site": "same-site"},
           {"Referer": "https://evil.example/form.html"},
           # the same host over another scheme is another origin (RFC 6454)
           {"Origin": "https://testserver"}, {"Referer": "https://testserver/networks/net-a"}]
# chromium's own form posts under Referrer-Policy: no-referrer send the last one
OWN = [{"Origin": "http://testserver"}, {"Origin": "http://TESTSERVER:80"},
       {"Sec-Fetch-Site": "same-origin"}, {"Referer": "http://testserver/networks/net-a"}, {},
       {"Origin": "null", "Sec-Fetch-Site": "same-origin"}]


def _form(path: str, site) -> dict:
    return {"/login": {"token": site.analyst},
            "/exports": {"kind": "brand", "value": "Acme"}}.get(path, {})


STATE_CHANGING = ["/api/exports", "/exports", "/login", "/logout"]


@pytest.fixture
def signed_in(site):
    with TestClient(site.app()) as c:
        assert c.post("/login", data={"token": site.analyst}).status_code == 200
        yield c


def test_the_routes_tried_here_are_all_that_change_state():
    """Every non-GET route the web package declares (the API's with its /api prefix)."""
    declared = []
    for module in Path(spamline.web.__file__).parent.glob("*.py"):
        prefix = "/api" if module.name == "api.py" else ""
        declared += [prefix + path for path in re.findall(
            r"@\w+\.(?:post|put|patch|delete|api_route)\(\s*\"([^\"]+)\"", module.read_text())]
    assert sorted(declared) == STATE_CHANGING


@pytest.mark.parametrize("headers", FOREIGN)
def test_a_foreign_request_changes_nothing(signed_in, site, headers):
    before = signed_in.get("/api/exports", headers=bearer(site.analyst)).json()
    for path in STATE_CHANGING:
        r = (signed_in.post(path, json={"brand": "Acme"}, headers={**headers, **bearer(site.analyst)})
             if path.startswith("/api/") else
             signed_in.post(path, data=_form(path, site), headers=headers, follow_redirects=False))
        assert r.status_code == 403, (path, headers, r.status_code)
        assert "came from another site" in r.json()["detail"]
    assert signed_in.get("/api/exports", headers=bearer(site.analyst)).json() == before
    assert signed_in.get("/networks", follow_redirects=False).status_code == 200  # not logged out


@pytest.mark.parametrize("headers", OWN)
def test_the_apps_own_forms_still_work(signed_in, site, headers):
    r = signed_in.post("/exports", data=_form("/exports", site), headers=headers,
                       follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/downloads?made=")
    r = signed_in.post("/logout", headers=headers, follow_redirects=False)
    assert r.status_code == 303 and signed_in.get("/", follow_redirects=False).status_code == 303


def test_the_refusal_is_a_page_for_a_browser(signed_in):
    r = signed_in.post("/logout", headers={"Origin": "null", "Accept": "text/html"})
    assert r.status_code == 403 and "<h1>" in r.text and "came from another site" in r.text


def test_failed_sign_ins_are_limited_per_address(site):
    app = site.app(login_burst=3, login_rate=0.01)
    with TestClient(app, client=("192.0.2.7", 5000)) as guesser, \
            TestClient(app, client=("192.0.2.8", 5000)) as other:
        for _ in range(3):
            assert guesser.post("/login", data={"token": "spl_guess"}).status_code == 401
        r = guesser.post("/login", data={"token": "spl_guess"})
        assert r.status_code == 429 and "too many failed sign-ins" in r.json()["detail"]
        assert 1 <= int(r.headers["retry-after"]) <= 100
        # while limited, even the right token is not tried (no oracle for guesses) ...
        r = guesser.post("/login", data={"token": site.analyst}, follow_redirects=False)
        assert r.status_code == 429
        # ... and another address signs in as usual
        r = other.post("/login", data={"token": site.analyst}, follow_redirects=False)
        assert r.status_code == 303


def test_good_sign_ins_do_not_count(site):
    with TestClient(site.app(login_burst=2, login_rate=0.01)) as c:
        for _ in range(5):
            assert c.post("/login", data={"token": site.analyst},
                          follow_redirects=False).status_code == 303


def test_pages_share_the_users_rate_limit(site):
    with TestClient(site.app(rate=0.01, burst=3)) as c:
        c.post("/login", data={"token": site.analyst})
        codes = [c.get("/networks").status_code for _ in range(4)]
        assert codes[:2] == [200, 200] and codes[-1] == 429  # the sign-in redirect spent one
        assert int(c.get("/networks").headers["retry-after"]) >= 1


PROXY, CLIENT = "192.0.2.1", "198.51.100.20"


def test_behind_a_trusted_https_proxy_the_origin_is_https(site):
    app = site.app(trusted_proxies=[PROXY])
    with TestClient(app, client=(PROXY, 5000)) as c:
        forwarded = {"X-Forwarded-For": CLIENT, "X-Forwarded-Proto": "https"}
        r = c.post("/login", data={"token": site.analyst}, follow_redirects=False,
                   headers={**forwarded, "Origin": "http://testserver"})
        assert r.status_code == 403
        r = c.post("/login", data={"token": site.analyst}, follow_redirects=False,
                   headers={**forwarded, "Origin": "https://testserver"})
        assert r.status_code == 303 and "secure" in r.headers["set-cookie"].lower()
    # the same headers from anyone else say nothing: the app is on http
    with TestClient(app, client=("192.0.2.9", 5000)) as c:
        r = c.post("/login", data={"token": site.analyst}, follow_redirects=False,
                   headers={"X-Forwarded-Proto": "https", "Origin": "https://testserver"})
        assert r.status_code == 403


def _guess(client: TestClient, forwarded_for: str) -> int:
    return client.post("/login", data={"token": "spl_guess"},
                       headers={"X-Forwarded-For": forwarded_for}).status_code


def test_a_spoofed_forwarded_for_does_not_escape_the_sign_in_limit(site):
    """Not from a trusted proxy, X-Forwarded-For is ignored: the limit stays on the sender."""
    for app in (site.app(login_burst=3, login_rate=0.01),
                site.app(login_burst=3, login_rate=0.01, trusted_proxies=[PROXY])):
        with TestClient(app, client=("192.0.2.7", 5000)) as guesser:
            codes = [_guess(guesser, f"203.0.113.{i}") for i in range(5)]
        assert codes == [401, 401, 401, 429, 429]


def test_behind_a_trusted_proxy_the_sign_in_limit_is_per_client(site):
    app = site.app(login_burst=3, login_rate=0.01, trusted_proxies=["192.0.2.0/28"])
    with TestClient(app, client=(PROXY, 5000)) as proxy:
        assert [_guess(proxy, CLIENT) for _ in range(4)] == [401, 401, 401, 429]
        # a client cannot pose as another by adding to the header: the proxy appends the sender
        assert _guess(proxy, f"198.51.100.99, {CLIENT}") == 429
        r = proxy.post("/login", data={"token": site.analyst}, follow_redirects=False,
                       headers={"X-Forwarded-For": "198.51.100.21"})
        assert r.status_code == 303  # another client behind the same proxy signs in

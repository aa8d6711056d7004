"""No input reaches a 500: every parameter of every route (query, path, form and JSON body),
for an analyst and for a brand owner, with NULs, lone surrogates, FTS and LIKE syntax, huge
and odd numbers. The routes and their parameters are read from the app's own routers, so a
new route or parameter is fuzzed without editing this file."""
from __future__ import annotations

import json
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from spamline.evidence.replay import replay_router
from spamline.web import api, pages
from tests.web.conftest import FAKE_ACME, Site, bearer, build_site

HOSTILE = [
    "", " ", "\x00", "a\x00b", "+86\x00400", "\ud800", "x\udfff", "\ud83d",  # NUL, lone surrogates
    '"', "'", "a\" OR \"b", "NEAR(a b)", "a*", "*", "-a", "col:x", "^a", "{a b}:c", "(", ")",
    "AND", "a AND", "OR NOT", "%", "_", "\\", "%00", "\u202e\u200b", "\ufeff",  # FTS5 / LIKE
    "x" * 60_000, "9" * 400, "-1", "1e309", "nan", "0x10", "+" * 300,  # huge and odd numbers
    "../../etc/passwd", "..%2f..%2f", "<script>", "//evil.example", "\r\nSet-Cookie: a=b",
]
BASELINE = {"q": "400-812-3456", "url": "http://acme-support.test/", "by": "number",
            "value": FAKE_ACME, "number": FAKE_ACME, "name": "Acme", "network_id": "net-a",
            "warc_file": "test-00000.warc.gz", "offset": "0", "kind": "brand"}
ROUTERS = [pages.router, api.router, replay_router(".")]


def _names(dependant, kind: str) -> list[str]:
    names = [p.name for p in getattr(dependant, kind)]
    for sub in dependant.dependencies:
        names += _names(sub, kind)
    return names


def _cases() -> list[tuple[str, str, str, str]]:
    """(method, path template, where, parameter) for every parameter of every route."""
    cases = []
    for router in ROUTERS:
        for route in router.routes:
            method = sorted(route.methods)[0]
            path = route.path
            for where in ("query_params", "path_params", "body_params"):
                cases += [(method, path, where, name) for name in _names(route.dependant, where)]
    return cases


def _enc(value: str) -> str:
    return quote(value.encode("utf-8", "surrogatepass"), safe="")


@pytest.fixture(scope="module")
def fuzz_site(tmp_path_factory) -> Site:
    return build_site(tmp_path_factory.mktemp("fuzz-web"))


@pytest.fixture(scope="module", params=["analyst", "acme"])
def user(request, fuzz_site):
    token = getattr(fuzz_site, request.param)
    with TestClient(fuzz_site.app(rate=1e6, burst=10**6, login_burst=10**6)) as c:
        assert c.post("/login", data={"token": token}, follow_redirects=False).status_code == 303
        c.headers.update(bearer(token))
        yield c, token


def test_every_route_and_parameter_is_covered():
    cases = _cases()
    assert len(cases) >= 40
    assert ("GET", "/api/search", "query_params", "q") in cases
    assert ("POST", "/exports", "body_params", "value") in cases


@pytest.mark.parametrize("method,path,where,name", _cases())
def test_no_input_reaches_a_500(user, method, path, where, name):
    client, token = user
    for value in HOSTILE:
        params = {**BASELINE, "token": token}
        url = path
        for key in ("number", "name", "network_id", "warc_file", "offset"):
            url = url.replace("{%s}" % key, _enc(value if key == name else params[key]))
        if where == "query_params":
            url += f"?{name}={_enc(value)}"
        kwargs = {}
        if method == "POST" and path.startswith("/api/"):
            body = {"number": value} if name == "body" else {}
            kwargs = {"content": json.dumps(body), "headers": {"content-type": "application/json"}}
        elif method == "POST":
            fields = {"token": token, "next": "/", "kind": "brand", "value": "Acme"}
            fields[name] = value
            kwargs = {"content": "&".join(f"{k}={_enc(v)}" for k, v in fields.items()),
                      "headers": {"content-type": "application/x-www-form-urlencoded"}}
        r = client.request(method, url, follow_redirects=False, **kwargs)
        assert r.status_code < 500, (method, url[:200], name, value[:40], r.status_code, r.text[:300])

"""`spamline serve` starts the real server; `spamline user` manages who may use it."""
from __future__ import annotations

import socket
import subprocess
import sys
import time

import httpx
from click.testing import CliRunner

from spamline.cli import main


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve_answers_pages_and_api(site):
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "spamline", "serve", "--data-dir", str(site.data_dir.root),
         "--port", str(port), "--trust-proxy", "127.0.0.1"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(base + "/login", timeout=1)
                break
            except httpx.TransportError:
                assert proc.poll() is None and time.monotonic() < deadline, "serve did not start"
                time.sleep(0.2)
        assert httpx.get(base + "/login").status_code == 200
        me = httpx.get(base + "/api/me", headers={"Authorization": f"Bearer {site.acme}"})
        assert me.json()["name"] == "acme-owner"
        assert "/api/search" in httpx.get(base + "/openapi.json").json()["paths"]
        assert httpx.get(base + "/docs").status_code == 404  # Swagger UI would need a CDN
        assert httpx.get(base + "/", follow_redirects=False).status_code == 303
        # the trusted proxy (here: us) says the browser is on https, so its https Origin is ours
        proxied = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "198.51.100.20"}
        for origin, status in ((f"http://127.0.0.1:{port}", 403), (f"https://127.0.0.1:{port}", 303)):
            r = httpx.post(base + "/login", data={"token": site.analyst},
                           headers={**proxied, "Origin": origin})
            assert r.status_code == status, origin
    finally:
        proc.terminate()
        out, _ = proc.communicate(timeout=15)
    assert f"on http://127.0.0.1:{port}/" in out
    assert site.acme not in out  # tokens never reach the server log


def test_user_remove_and_list(tmp_path):
    runner = CliRunner()
    args = ["--data-dir", str(tmp_path)]
    assert runner.invoke(main, ["user", "add", "ana", "--role", "analyst", *args]).exit_code == 0
    assert runner.invoke(main, ["user", "remove", "ana", *args]).exit_code == 0
    listed = runner.invoke(main, ["user", "list", *args])
    assert listed.exit_code == 0 and "no users" in listed.output


def test_serve_refuses_a_bad_store_url(tmp_path):
    result = CliRunner().invoke(main, ["serve", "--data-dir", str(tmp_path), "--store", "ftp://x"])
    assert result.exit_code == 1 and "unknown store URL" in result.output


def test_serve_refuses_a_proxy_that_is_no_address(tmp_path):
    result = CliRunner().invoke(main, ["serve", "--data-dir", str(tmp_path),
                                       "--trust-proxy", "proxy.local"])
    assert result.exit_code == 2 and "'proxy.local' is not an IP address or network" in result.output


def test_serve_never_creates_a_data_dir(tmp_path):
    result = CliRunner().invoke(main, ["serve", "--data-dir", str(tmp_path / "typo")])
    assert result.exit_code == 1 and f"no spamline data directory at {tmp_path / 'typo'}" in result.output
    assert not (tmp_path / "typo").exists()


def test_serve_on_a_busy_port_says_so_and_exits_1(tmp_path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = CliRunner().invoke(main, ["serve", "--data-dir", str(tmp_path), "--port", str(port)])
    assert result.exit_code == 1, result.output
    assert f"cannot listen on 127.0.0.1:{port}" in result.output and "--port" in result.output
    assert "serving" not in result.output


def test_counts_of_one_read_as_one(site):
    """CLI output says "1 sighting", "1 time on 1 page": never "1 sightings"."""
    root = str(site.data_dir.root)
    found = CliRunner().invoke(main, ["search", "400-555-0000", "--data-dir", root])
    assert found.exit_code == 0 and found.output.rstrip().endswith("\n1 sighting")
    profile = CliRunner().invoke(main, ["number", "400-555-0000", "--data-dir", root])
    assert profile.exit_code == 0 and "seen 1 time on 1 page," in profile.output
    found = CliRunner().invoke(main, ["search", "400-666-0000", "--data-dir", root])
    assert found.output.rstrip().endswith("\n2 sightings")

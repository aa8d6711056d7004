"""A recheck records "gone" only on evidence of removal; failures on our side are "unreachable"."""
from __future__ import annotations

import json
import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from twisted.names import dns

from spamline.datadir import DataDir
from spamline.jobs.recheck import GONE, UNREACHABLE
from spamline.store import open_store
from tests.jobs.conftest import Site, html, spamline

PUBLIC = "spamline-removed-7f3e9a.com"  # a public name; no test lets it reach real DNS answers


def crawl(data: Path, url: str, *resolve: str) -> None:
    spamline("crawl", url, "--depth", "0", "--data-dir", str(data), "--allow-private",
             *resolve, "--no-progress", "--job", "baseline")


def recheck(data: Path, *args: str, env: dict[str, str] | None = None) -> dict:
    time.sleep(1.0)  # captures are dated to the second
    old = dict(os.environ)
    os.environ.update(env or {})
    try:
        out = spamline("recheck", "--data-dir", str(data), "--json", *args)
    finally:
        os.environ.clear()
        os.environ.update(old)
    rows = [json.loads(x) for x in out.stdout.splitlines()]
    assert len(rows) == 1, out.stdout
    return rows[0]


def failure_kinds(data: Path) -> list[str]:
    with open_store(None, DataDir.open(data)) as store:
        return sorted(c.features.get("failure", "") for c in store.captures() if c.status == 0)


def test_sample_network_down_is_unreachable_not_gone(tmp_path: Path, site: Site) -> None:
    url = site.put("shop.test", "/", html("spam", "客服热线 400-812-3456"))
    crawl(tmp_path, url, "--resolve", "shop.test=127.0.0.1")
    site.stop()
    # no mapping for the .test name (as after `spamline demo`): our side, not a takedown
    row = recheck(tmp_path)
    assert row["state"] == UNREACHABLE and row["reason"] == "no mapping"
    assert row["gone_at"] is None
    # mapped, but the server is down: connection refused is no evidence of removal either
    row = recheck(tmp_path, "--resolve", "shop.test=127.0.0.1", "--allow-private")
    assert row["state"] == UNREACHABLE and row["reason"] == "connection refused"
    assert row["gone_at"] is None and row["checks"] == 3
    assert failure_kinds(tmp_path) == ["refused", "unmapped"]


def test_the_guards_refusal_is_unreachable_not_gone(tmp_path: Path, site: Site) -> None:
    url = site.put("shop.test", "/", html("spam", "客服热线 400-812-3456"))
    crawl(tmp_path, url, "--resolve", "shop.test=127.0.0.1")
    row = recheck(tmp_path, "--resolve", "shop.test=127.0.0.1")  # no --allow-private
    assert row["state"] == UNREACHABLE and row["reason"] == "address guard"
    assert row["gone_at"] is None
    assert site.page_hits() == {"shop.test/": 1}  # only the crawl reached the server


@pytest.fixture
def dns_server() -> Iterator[dict]:
    """A DNS server on 127.0.0.1 answering every query with `rcode` (NXDOMAIN to start)."""
    state = {"rcode": dns.ENAME, "queries": []}
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    sock.settimeout(0.2)
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                data, peer = sock.recvfrom(512)
            except TimeoutError:
                continue
            message = dns.Message()
            message.fromStr(data)
            state["queries"].append(message.queries[0].name.name.decode())
            message.answer, message.recAv, message.rCode = 1, 1, state["rcode"]
            sock.sendto(message.toStr(), peer)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    state["address"] = "127.0.0.1:%d" % sock.getsockname()[1]
    try:
        yield state
    finally:
        stop.set()
        thread.join(2)
        sock.close()


def test_nxdomain_for_a_public_name_is_gone(tmp_path: Path, site: Site, dns_server: dict) -> None:
    url = site.put(PUBLIC, "/", html("spam", "客服热线 400-812-3456"))
    crawl(tmp_path, url, "--resolve", f"{PUBLIC}=127.0.0.1")
    env = {"SPAMLINE_DNS_SERVERS": dns_server["address"]}
    dns_server["rcode"] = dns.ESERVER  # SERVFAIL: DNS could not answer, no evidence
    row = recheck(tmp_path, env=env)
    assert row["state"] == UNREACHABLE and row["reason"] == "dns: no answer"
    assert row["gone_at"] is None
    dns_server["rcode"] = dns.ENAME  # NXDOMAIN: the name was removed
    row = recheck(tmp_path, env=env)
    assert row["state"] == GONE and row["reason"] == "dns: no such domain"
    assert row["gone_at"] == row["last_checked"]
    assert PUBLIC in dns_server["queries"]
    # no DNS server answering at all (no network): unreachable, the takedown date stays
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as closed:
        closed.bind(("127.0.0.1", 0))
        silent = "127.0.0.1:%d" % closed.getsockname()[1]
        later = recheck(tmp_path, env={"SPAMLINE_DNS_SERVERS": silent})
    assert later["state"] == UNREACHABLE and later["reason"] == "dns: no answer"
    assert later["gone_at"] == row["gone_at"]

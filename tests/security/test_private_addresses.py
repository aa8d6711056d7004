"""The crawler refuses private, loopback and link-local addresses (SSRF) unless --allow-private.

Crawl-level tests use loopback only (the one address tests may reach); other private
ranges are checked on the real guard classes without connecting anywhere.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from scrapy import Request
from scrapy.downloadermiddlewares.redirect import RedirectMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler
from twisted.internet.error import DNSLookupError
from twisted.python.failure import Failure

from spamline.crawler.addresses import PrivateAddressRefused, check_address
from spamline.crawler.middlewares.guard import PrivateAddressGuardMiddleware
from spamline.crawler.resolver import GuardedResolver
from tests.reliability.faultserver import FaultServer

NOT_PUBLIC = ["127.0.0.1", "127.9.9.9", "::1", "10.0.0.5", "172.16.3.4", "192.168.1.1",
              "169.254.169.254", "fe80::1", "fc00::1", "100.64.0.1", "0.0.0.0", "224.0.0.1",
              "::ffff:127.0.0.1", "::ffff:10.0.0.1", "255.255.255.255"]


@pytest.mark.parametrize("ip", NOT_PUBLIC)
def test_non_public_answers_are_refused(ip: str) -> None:
    with pytest.raises(PrivateAddressRefused, match="--allow-private"):
        check_address("shop.test", ip, allow_private=False)
    check_address("shop.test", ip, allow_private=True)


@pytest.mark.parametrize("ip", ["93.184.216.34", "2606:4700::1111", "8.8.8.8"])
def test_public_answers_pass(ip: str) -> None:
    check_address("shop.test", ip, allow_private=False)


def _guard(allow: bool) -> PrivateAddressGuardMiddleware:
    return PrivateAddressGuardMiddleware(allow_private=allow)


@pytest.mark.parametrize("target", ["http://127.0.0.1:8080/admin", "http://localhost/",
                                    "http://[::1]/", "http://169.254.169.254/latest/meta-data/",
                                    "http://10.1.2.3/", "http://[::ffff:192.168.0.1]/"])
def test_redirect_to_a_private_address_is_refused(target: str) -> None:
    """A public page's 302 goes through the real RedirectMiddleware, then the guard."""
    crawler = get_crawler(settings_dict={"REDIRECT_MAX_TIMES": 10})
    redirect = RedirectMiddleware.from_crawler(crawler)
    request = Request("http://public-looking.example/start")
    response = HtmlResponse(request.url, status=302, headers={"Location": target}, request=request)
    follow = redirect.process_response(request, response)
    assert isinstance(follow, Request) and follow.url.startswith(target.split("/")[0])
    with pytest.raises(IgnoreRequest, match="non-public"):
        _guard(False).process_request(follow)
    assert _guard(True).process_request(follow) is None


def _resolve(host_map: dict[str, str], name: str, allow: bool) -> object:
    from twisted.internet import reactor
    resolver = GuardedResolver(reactor, 0, 1.0, host_map, allow)
    result: list[object] = []
    resolver.getHostByName(name).addBoth(result.append)  # mapped names answer synchronously
    return result[0]


@pytest.mark.parametrize("ip", ["127.0.0.1", "10.0.0.5", "169.254.169.254", "fd00::5"])
def test_dns_answer_pointing_inside_is_refused(ip: str) -> None:
    answer = _resolve({"internal.example": ip}, "internal.example", allow=False)
    assert isinstance(answer, Failure) and answer.check(DNSLookupError), answer
    assert "--allow-private" in answer.getErrorMessage()
    assert _resolve({"internal.example": ip}, "internal.example", allow=True) == ip


@pytest.fixture(scope="module")
def faults():
    with FaultServer() as srv:
        yield srv


def test_crawl_refuses_loopback_in_every_spelling(faults: FaultServer, tmp_path: Path) -> None:
    """Literal IPs, localhost, IPv6, a decimal IP and a name answering 127.0.0.1: nothing fetched."""
    port = faults.port
    seeds = [f"http://127.0.0.1:{port}/", f"http://localhost:{port}/", f"http://[::1]:{port}/",
             f"http://2130706433:{port}/", f"http://evil.test:{port}/"]
    proc = subprocess.run(
        [sys.executable, "-m", "spamline", "crawl", *seeds, "--data-dir", str(tmp_path),
         "--no-progress", "--resolve", "evil.test=127.0.0.1"],
        capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "no page could be fetched" in proc.stderr
    assert "--allow-private" in proc.stderr
    reasons = {line.split(": ", 1)[0].strip(): line for line in proc.stderr.splitlines()}
    for seed in seeds:
        assert "non-public address" in reasons.get(seed, ""), f"{seed}: no refusal reason"
    assert sum(faults.fetch_counts.values()) == 0, faults.fetch_counts

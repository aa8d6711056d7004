"""The sample network served on 127.0.0.1, fetched by host name over real sockets."""
from __future__ import annotations

import http.client
import re
import signal
import subprocess
import sys
import time
from collections import deque
from urllib.parse import urljoin, urlsplit

from spamline.samplenet import SampleNetworkServer

from .conftest import fetch

_HREF = re.compile(rb'href="([^"]+)"')


def _crawl(seeds: list[str]) -> set[str]:
    """Breadth-first crawl following every http link to a served host; returns page URLs fetched."""
    seen, queue, ok = set(seeds), deque(seeds), set()
    while queue:
        url = queue.popleft()
        resp = fetch(url)
        assert resp.status == 200, url
        ok.add(url)
        for href in _HREF.findall(resp.body):
            link = urljoin(url, href.decode("ascii")).split("#")[0]
            if urlsplit(link).scheme == "http" and link not in seen:
                seen.add(link)
                queue.append(link)
    return ok


def test_every_page_is_reachable_from_the_seeds(server):
    truth = server.ground_truth
    assert set(_crawl(server.seed_urls)) == set(truth.pages)


def test_one_root_per_network_reaches_its_other_domains(server):
    net = server.network
    roots = [server.url(n.domains[0]) for n in net.networks.values()]
    roots += [server.url(s.host) for s in net.sites.values() if not s.is_spam]
    assert set(_crawl(roots)) == set(server.ground_truth.pages)


def test_ground_truth_urls_are_served_as_listed(server):
    truth = server.ground_truth
    assert all(urlsplit(u).port == server.port for u in truth.pages)
    assert server.host_map == {h: "127.0.0.1" for h in server.network.hosts}
    assert server.seed_urls[0] == f"http://baoxianxiang-shouhou.test:{server.port}/"


def test_gbk_pages_decode_as_gbk_and_name_their_brand(server):
    truth = server.ground_truth
    gbk = [p for p in truth.pages.values() if p.encoding == "gbk"]
    meta_only = 0
    for page in gbk:
        resp = fetch(page.url)
        content_type = resp.headers["Content-Type"]
        text = resp.body.decode("gbk")
        assert page.brand in text
        assert content_type.startswith("text/html")
        if "charset" not in content_type:
            meta_only += 1
            assert '<meta charset="gbk">' in text
        else:
            assert content_type.endswith("charset=gbk")
        try:
            resp.body.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:
            raise AssertionError(f"{page.url} is not really GBK-encoded")
    assert meta_only > 0


def test_utf8_page(server):
    page = next(p for p in server.ground_truth.pages.values() if p.encoding == "utf-8" and p.is_spam)
    resp = fetch(page.url)
    assert resp.headers["Content-Type"] == "text/html; charset=utf-8"
    assert page.brand in resp.body.decode("utf-8")


def test_robots_and_sitemap(server):
    host = "printer-helpdesk.test"
    robots = fetch(server.url(host, "/robots.txt"))
    assert robots.status == 200 and b"Allow: /" in robots.body
    assert f"Sitemap: {server.url(host, '/sitemap.xml')}".encode() in robots.body
    sitemap = fetch(server.url(host, "/sitemap.xml")).body.decode()
    locs = re.findall(r"<loc>([^<]+)</loc>", sitemap)
    assert locs == [u for u in server.ground_truth.pages if urlsplit(u).hostname == host]


def test_fault_endpoints(server):
    base = server.url("xiyiji-24h.test")
    assert fetch(base + "_test/404").status == 404
    assert fetch(base + "_test/410").status == 410
    assert fetch(base + "_test/500").status == 500
    redirect = fetch(base + "_test/redirect?to=/fuwu/2.html")
    assert redirect.status == 302 and redirect.headers["Location"] == "/fuwu/2.html"
    binary = fetch(base + "_test/binary")
    assert binary.headers["Content-Type"] == "application/octet-stream" and b"\xfe\xff\x00\x01" in binary.body
    started = time.perf_counter()
    assert fetch(base + "_test/slow?seconds=0.5").status == 200
    assert time.perf_counter() - started >= 0.5
    assert fetch(base + "no/such/page.html").status == 404
    head = fetch(base, method="HEAD")
    assert head.status == 200 and head.body == b"" and int(head.headers["Content-Length"]) > 1000


def test_unknown_host_is_refused(server):
    resp = fetch(f"http://elsewhere.test:{server.port}/")
    assert resp.status == 404 and b"baoxianxiang-shouhou.test" in resp.body


def test_fetches_are_counted(server):
    url = server.url("mensuo-fuwu.test", "/fuwu/3.html")
    before = server.fetch_counts[url]
    fetch(url)
    fetch(url)
    assert server.fetch_counts[url] == before + 2


def test_remove_change_restore():
    with SampleNetworkServer(seed=3, pages_per_site=4) as srv:
        url = srv.url("ranqizao-shouhou.test", "/fuwu/1.html")
        original = fetch(url).body
        truth = srv.ground_truth.page(url)
        old = srv.network.sites["ranqizao-shouhou.test"].primary
        new = "+864001112222"

        srv.remove(url, status=410)
        assert fetch(url).status == 410 and srv.page_truth(url) is None
        srv.restore(url)
        assert fetch(url).body == original

        srv.change_number(url, old, new)
        changed = srv.page_truth(url)
        assert changed.numbers == truth.numbers - {old} | {new}
        body = fetch(url).body.decode("utf-8" if changed.encoding == "utf-8" else "gbk")
        assert all(o.raw in body for o in changed.occurrences)
        assert "400-111-2222" in body and "4001112222" in body
        assert srv.ground_truth.page(url) == truth  # the generated truth stays as it was

        srv.restore(url)
        assert fetch(url).body == original and srv.page_truth(url) == truth

        srv.remove(url, status=404)
        assert fetch(url).status == 404
        srv.restore(url)
        assert fetch(url).status == 200


def test_change_number_refuses_a_number_not_on_the_page():
    with SampleNetworkServer(seed=1, pages_per_site=2) as srv:
        url = srv.url("jindun-guanwang.test")
        try:
            srv.change_number(url, "400-000-0000", "400-111-2222")
        except ValueError as exc:
            assert "is not on" in str(exc)
        else:
            raise AssertionError("change_number accepted a number that is not on the page")


def test_stop_closes_the_port_and_open_keep_alive_connections():
    srv = SampleNetworkServer(seed=1, pages_per_site=1).start()
    url = srv.url("nuanlifang.test")
    assert fetch(url).status == 200
    kept = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=5)
    kept.request("GET", "/", headers={"Host": "nuanlifang.test"})
    assert kept.getresponse().read()
    srv.stop()
    for attempt in (lambda: fetch(url), lambda: (kept.request("GET", "/", headers={"Host": "nuanlifang.test"}),
                                                  kept.getresponse())):
        try:
            attempt()
        except OSError:
            pass
        else:
            raise AssertionError("server still answering after stop()")
    kept.close()


def test_module_entry_serves_and_writes_ground_truth(tmp_path):
    gt = tmp_path / "gt.json"
    proc = subprocess.Popen(
        [sys.executable, "-m", "spamline.samplenet", "--seed", "1", "--pages-per-site", "3",
         "--ground-truth", str(gt)],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        lines = []
        for line in proc.stdout:
            lines.append(line)
            if line.startswith("Ctrl-C"):
                break
        seed_url = next(x.strip() for x in lines if x.strip().startswith("http://"))
        assert fetch(seed_url).status == 200
        assert seed_url in gt.read_text(encoding="utf-8")
    finally:
        proc.send_signal(signal.SIGINT)
        assert proc.wait(10) == 0

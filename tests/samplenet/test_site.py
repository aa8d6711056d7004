"""The generator and its ground truth, without a server."""
from __future__ import annotations

import json
import time
import tracemalloc
from collections import defaultdict

import lxml.html
import phonenumbers
import pytest

from spamline.samplenet import GroundTruth, SampleNetwork, render_page

PORT = 8080


@pytest.fixture(scope="module")
def net() -> SampleNetwork:
    return SampleNetwork(seed=1)


@pytest.fixture(scope="module")
def truth(net) -> GroundTruth:
    return GroundTruth(net, PORT)


def _source(net: SampleNetwork, url: str) -> str:
    host, path = url.split("/")[2].split(":")[0], "/" + url.split("/", 3)[3]
    page = render_page(net, host, path, PORT)
    return page.body.decode(net.sites[host].encoding)


def test_same_seed_same_pages_and_truth(truth):
    again = GroundTruth(SampleNetwork(seed=1), PORT)
    assert again.summary() == truth.summary()
    assert {u: p.to_dict() for u, p in again.pages.items()} == {u: p.to_dict() for u, p in truth.pages.items()}
    for url in list(truth.pages)[::7]:
        assert _source(again.net, url) == _source(truth.net, url)


def test_different_seed_differs(truth):
    other = GroundTruth(SampleNetwork(seed=2), PORT)
    assert set(other.pages) == set(truth.pages)  # same hosts and paths
    ours = {n for p in truth.pages.values() for n in p.numbers}
    theirs = {n for p in other.pages.values() for n in p.numbers}
    assert not ours & theirs
    assert _source(other.net, truth.url("kongtiao-weixiu.test", "/fuwu/3.html")) != \
        _source(truth.net, truth.url("kongtiao-weixiu.test", "/fuwu/3.html"))


def test_default_size_is_a_few_hundred_pages(net, truth):
    assert 150 <= net.page_count <= 300
    assert len(truth.pages) == net.page_count
    assert len(net.hosts) == 12 and all(h.endswith(".test") for h in net.hosts)


def test_every_number_is_valid(truth):
    numbers = {n for p in truth.pages.values() for n in p.numbers}
    numbers |= {n for net in truth.networks.values() for n in net.numbers}
    numbers |= set(truth.hubs) | {n for nums in truth.official.values() for n in nums}
    assert len(numbers) >= 15
    for e164 in numbers:
        assert phonenumbers.is_valid_number(phonenumbers.parse(e164)), e164


def test_every_occurrence_is_in_the_page_source(net, truth):
    for url, page in truth.pages.items():
        source = _source(net, url)
        assert page.numbers == {o.e164 for o in page.occurrences}
        for occ in page.occurrences:
            assert occ.raw in source, (url, occ)
            if occ.where == "tel":
                assert f'href="tel:{occ.raw}"' in source
            if occ.where == "jsonld":
                assert f'"telephone": "{occ.raw}"' in source


def test_networks_match_their_pages(truth):
    hub = set(truth.hubs)
    by_network: dict[str, set[str]] = defaultdict(set)
    hub_networks = set()
    for page in truth.pages.values():
        if page.is_spam:
            by_network[page.network] |= page.numbers - hub
            if page.numbers & hub:
                hub_networks.add(page.network)
            assert page.brand in {b.name for b in truth.networks[page.network].brands}
        else:
            assert page.network is None
            assert page.numbers - hub == set(truth.official[page.brand])
    for nid, network in truth.networks.items():
        assert by_network[nid] == set(network.numbers), nid
    assert len(truth.networks) >= 3
    assert hub_networks == set(truth.networks)  # the hub spans every network
    spam = set().union(*by_network.values())
    official = {n for nums in truth.official.values() for n in nums}
    assert not spam & official and not spam & hub


def test_legit_brands_are_also_claimed_by_spam(truth):
    spam_brands = {p.brand for p in truth.pages.values() if p.is_spam}
    assert set(truth.official) <= spam_brands


def test_hard_cases_are_present(truth):
    pages = list(truth.pages.values())
    formats = {o.format for p in pages for o in p.occurrences}
    glues = {o.glue for p in pages for o in p.occurrences}
    assert {"fullwidth", "split", "cjk", "zero_width", "homoglyph", "vanity", "intl", "dotted"} <= formats
    assert {"cjk_text", "enum_paren", "enum_circled", "enum_dot"} <= glues

    def only_in(where: str) -> bool:
        return any(all(o.where == where for o in p.occurrences if o.e164 == n)
                   for p in pages for n in p.numbers)
    assert only_in("tel") and only_in("jsonld")
    assert any(all(o.format == "split" for o in p.occurrences if o.e164 == n) for p in pages for n in p.numbers)


def test_gbk_and_utf8_pages_with_every_declaration(net, truth):
    gbk = [p for p in truth.pages.values() if p.encoding == "gbk"]
    assert gbk and len(gbk) < len(truth.pages)
    kinds = set()
    for page in gbk:
        host, path = page.url.split("/")[2].split(":")[0], "/" + page.url.split("/", 3)[3]
        served = render_page(net, host, path, PORT)
        in_header = "charset=gbk" in served.content_type
        in_meta = b'<meta charset="gbk">' in served.body
        assert in_header or in_meta
        kinds.add((in_header, in_meta))
    assert kinds == {(True, True), (True, False), (False, True)}


def test_legit_noise_is_not_taken_for_numbers(net, truth):
    for page in truth.pages.values():
        if page.is_spam:
            continue
        text = lxml.html.fromstring(_source(net, page.url)).text_content()
        found = {phonenumbers.format_number(m.number, phonenumbers.PhoneNumberFormat.E164)
                 for m in phonenumbers.PhoneNumberMatcher(text, "CN")}
        assert found == page.numbers, page.url


def test_unknown_paths_are_not_pages(net):
    host = net.hosts[0]
    for path in ("/fuwu/0.html", f"/fuwu/{net.pages_per_site + 1}.html", "/list/1.html", "/list/01.html",
                 "/products/1.html", "/x"):
        assert render_page(net, host, path, PORT) is None, path
    assert render_page(net, "nowhere.test", "/", PORT) is None


def test_write_ground_truth(tmp_path, truth):
    path = truth.write(tmp_path / "gt.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["seed"] == 1 and data["port"] == PORT and data["hubs"] == truth.hubs
    assert data["pages"] == {u: p.to_dict() for u, p in truth.pages.items()}
    assert data["networks"]["net-1"]["domains"][0] == "baoxianxiang-shouhou.test"


def test_score(truth):
    found = {u: set(p.numbers) for u, p in truth.pages.items()}
    perfect = truth.score(found)
    assert perfect.precision == perfect.recall == 1.0
    url = next(iter(found))
    missed = found.pop(url)
    found[truth.url("printer-helpdesk.test", "/support/1.html")].add("+864001234567")
    score = truth.score(found)
    assert (score.fn, score.fp) == (len(missed), 1)
    assert score.tp == perfect.tp - len(missed)


def test_large_mode_renders_lazily():
    tracemalloc.start()
    started = time.perf_counter()
    net = SampleNetwork.large(seed=1, total_pages=100_000)
    host, path = net.page_at(99_999)
    page = render_page(net, host, path, PORT)
    elapsed = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert net.page_count >= 100_000
    assert page is not None and page.truth.numbers
    assert elapsed < 5.0 and peak < 5_000_000, (elapsed, peak)
    with pytest.raises(IndexError):
        net.page_at(net.page_count)
    # every index maps to a distinct servable page
    sample = [net.page_at(i) for i in range(0, net.page_count, 997)]
    assert len(set(sample)) == len(sample)
    assert all(net.locate(h, p) for h, p in sample)

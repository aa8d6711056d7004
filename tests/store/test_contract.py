"""One set of assertions for every backend: they must answer the same questions the same way."""
from __future__ import annotations

from spamline.model import Brand, Network, sightings_of
from spamline.store import SearchFilters, Store

from .sample import FAKE, JD, MOBILE, OTHER, sample_crawl


def loaded(store: Store) -> Store:
    store.add_captures(sample_crawl())
    return store


def urls(sightings) -> list[tuple[str, str, str]]:
    return [(s.captured_at, s.url, s.e164) for s in sightings]


def assert_newest_first(sightings) -> None:
    times = [s.captured_at for s in sightings]
    assert times == sorted(times, reverse=True)


def test_counts_and_idempotent_writes(store: Store) -> None:
    loaded(store)
    expected = {"pages": 5, "captures": 6, "sightings": 8, "numbers": 4, "domains": 3,
                "brands": 0}
    assert store.counts() == expected
    store.add_captures(sample_crawl())  # a retried batch
    store.add_captures(sample_crawl()[2:4])
    assert store.counts() == expected
    assert len(store.search(FAKE)) == 3


def test_search_number_in_any_format_newest_first(store: Store) -> None:
    loaded(store)
    for query in (FAKE, "+86 400 666 7777", "400-666-7777", "４００６６６７７７７", f" {FAKE} "):
        found = store.search(query)
        assert urls(found) == [
            ("2026-11-05T08:00:00Z", "http://jd-kefu.test/a", FAKE),
            ("2026-11-03T12:30:00Z", "http://www.jd-help.test/refund", FAKE),
            ("2026-11-01T08:00:00Z", "http://jd-kefu.test/a", FAKE),
        ], query
    first = store.search(FAKE)[0]
    assert first.raw == "4006667777" and first.number_type == "toll_free"
    assert first.brand == "京东" and first.domain == "jd-kefu.test"
    assert first.warc_file == "crawl-002.warc.gz" and first.warc_offset == 2000
    assert first.warc_length == 502 and first.warc_record_id.startswith("<urn:uuid:")
    assert first.capture_id == sample_crawl()[1].capture_id
    assert {s.sighting_id for s in store.search(FAKE)} == {
        s.sighting_id for c in sample_crawl() for s in sightings_of(c) if s.e164 == FAKE}


def test_search_brand_case_insensitive_any_claimed_brand_and_aliases(store: Store) -> None:
    loaded(store)
    assert sorted(urls(store.search("jd.com"))) == [
        ("2026-11-03T12:30:00Z", "http://www.jd-help.test/refund", FAKE),
        ("2026-11-03T12:30:00Z", "http://www.jd-help.test/refund", JD),
    ]
    assert {s.e164 for s in store.search("JD.COM")} == {JD, FAKE}
    assert {s.e164 for s in store.search("jingdong refunds")} == {JD, FAKE}  # second brand
    assert len(store.search("京东")) == 3
    store.add_brand(Brand("JD", aliases=["京东", "JD.com"], official=[JD]))
    found = store.search("jd")  # the registered name now covers both aliases
    assert len(found) == 5
    assert_newest_first(found)


def test_search_domain_and_url(store: Store) -> None:
    loaded(store)
    assert {(s.url, s.e164) for s in store.search("other.test")} == {
        ("http://other.test/", OTHER), ("http://other.test/contact", MOBILE),
        ("http://other.test/contact", OTHER)}
    assert len(store.search("OTHER.test")) == 3
    assert len(store.search("http://www.jd-help.test/anything")) == 2
    assert store.search("jd-help.test") == []  # exact host only


def test_search_text_substrings_cjk_and_ascii(store: Store) -> None:
    loaded(store)
    assert {s.url for s in store.search("退款专线")} == {"http://jd-kefu.test/a"}
    assert len(store.search("退款专线")) == 2  # both sightings of that capture
    assert {s.url for s in store.search("客服")} == {"http://jd-kefu.test/a"}  # two characters
    assert {s.url for s in store.search("固话")} == {"http://other.test/contact"}
    assert {s.url for s in store.search("REFUND CENTER")} == {"http://www.jd-help.test/refund"}
    assert {s.url for s in store.search("plumbing")} == {"http://other.test/"}  # case folded
    assert store.search("no such words here") == []
    assert store.search("  ") == []


def test_filters(store: Store) -> None:
    loaded(store)
    since = store.search(FAKE, SearchFilters(since="2026-11-03"))
    assert [s.captured_at for s in since] == ["2026-11-05T08:00:00Z", "2026-11-03T12:30:00Z"]
    until = store.search(FAKE, SearchFilters(until="2026-11-03"))
    assert [s.captured_at for s in until] == ["2026-11-03T12:30:00Z", "2026-11-01T08:00:00Z"]
    window = store.search(FAKE, SearchFilters(since="2026-11-02T00:00:00Z",
                                              until="2026-11-04T00:00:00Z"))
    assert [s.captured_at for s in window] == ["2026-11-03T12:30:00Z"]
    assert {s.e164 for s in store.search("other.test", SearchFilters(number_type="mobile"))} \
        == {MOBILE}
    assert {s.url for s in store.search(FAKE, SearchFilters(domain="JD-KEFU.test"))} \
        == {"http://jd-kefu.test/a"}
    assert {s.url for s in store.search(FAKE, SearchFilters(brand="jingdong refunds"))} \
        == {"http://www.jd-help.test/refund"}
    assert store.search("other.test", SearchFilters(brand="京东")) == []


def test_paging_is_stable(store: Store) -> None:
    loaded(store)
    store.add_brand(Brand("JD", aliases=["京东", "JD.com"], official=[JD]))
    for query in (FAKE, "jd", "other.test", "客服"):
        everything = store.search(query, limit=100)
        paged = [s for off in range(0, len(everything), 2)
                 for s in store.search(query, limit=2, offset=off)]
        assert urls(paged) == urls(everything), query
        assert [s.raw for s in paged] == [s.raw for s in everything]


def test_number_profile(store: Store) -> None:
    loaded(store)
    p = store.number_profile("+86 400 666 7777")
    assert p is not None
    assert (p.e164, p.number_type, p.first_seen, p.last_seen) == (
        FAKE, "toll_free", "2026-11-01T08:00:00Z", "2026-11-05T08:00:00Z")
    assert (p.sightings, p.pages) == (3, 2)
    assert p.brands == {"京东": 1, "JD.com": 1, "Jingdong Refunds": 1}
    assert p.domains == {"jd-kefu.test": 1, "www.jd-help.test": 1}
    assert p.network_id is None
    m = store.number_profile(MOBILE)
    assert m is not None and (m.sightings, m.pages) == (2, 2)
    assert m.domains == {"jd-kefu.test": 1, "other.test": 1}
    assert store.number_profile("+10000000000") is None


def test_brands_and_brand_report(store: Store) -> None:
    loaded(store)
    store.add_brand(Brand("JD", aliases=["京东"], official=[JD]))
    store.add_brand(Brand("jd", aliases=["京东", "JD.com"], official=[JD]))  # update, same brand
    assert store.brands() == [Brand("jd", aliases=["京东", "JD.com"], official=[JD])]
    assert store.counts()["brands"] == 1
    report = store.brand_report("JD.COM")
    assert_newest_first(report)
    assert sorted(urls(report)) == [
        ("2026-11-01T08:00:00Z", "http://jd-kefu.test/a", MOBILE),
        ("2026-11-01T08:00:00Z", "http://jd-kefu.test/a", FAKE),
        ("2026-11-03T12:30:00Z", "http://www.jd-help.test/refund", FAKE),
        ("2026-11-05T08:00:00Z", "http://jd-kefu.test/a", FAKE),
    ]
    assert store.brand_report("nobody") == []


def test_networks(store: Store) -> None:
    loaded(store)
    small = Network("net-b", numbers=[OTHER], domains=["other.test"], pages=2)
    big = Network("net-a", numbers=[FAKE, MOBILE], brands=["京东"],
                  domains=["jd-kefu.test", "www.jd-help.test"], templates=["t1"], pages=3,
                  first_seen="2026-11-01T08:00:00Z", last_seen="2026-11-10T00:00:00Z",
                  explanations=["same number on both domains"])
    store.save_networks([small, big])
    assert store.networks() == [big, small]
    assert store.number_profile(FAKE).network_id == "net-a"
    assert {s.network_id for s in store.search(MOBILE)} == {"net-a"}
    in_net_b = store.search("other.test", SearchFilters(network_id="net-b"))
    assert {(s.url, s.e164) for s in in_net_b} == {
        ("http://other.test/", OTHER), ("http://other.test/contact", OTHER)}
    store.save_networks([small])  # replaces
    assert store.networks() == [small]
    assert store.number_profile(FAKE).network_id is None
    assert {c.url for c in store.captures(network_id="net-b")} == {
        "http://other.test/", "http://other.test/contact"}


def test_captures_rebuilt_with_hits_and_warc(store: Store) -> None:
    loaded(store)
    originals = {c.capture_id: c for c in sample_crawl()}
    got = store.captures(number=FAKE)
    assert [c.captured_at for c in got] == [
        "2026-11-05T08:00:00Z", "2026-11-03T12:30:00Z", "2026-11-01T08:00:00Z"]
    for c in got:
        want = originals[c.capture_id]
        want.body = b""
        assert c == want
    assert {c.url for c in store.captures(domain="other.test")} == {
        "http://other.test/", "http://other.test/contact", "http://other.test/empty"}
    assert {c.url for c in store.captures(brand="jingdong refunds")} == {
        "http://www.jd-help.test/refund"}
    assert [c.captured_at for c in store.captures(url="http://jd-kefu.test/a")] == [
        "2026-11-05T08:00:00Z", "2026-11-01T08:00:00Z"]
    assert store.captures(url="http://jd-kefu.test/a", number=OTHER) == []


def test_iterators_cover_everything(store: Store) -> None:
    loaded(store)
    want = {s.sighting_id for c in sample_crawl() for s in sightings_of(c)}
    assert {s.sighting_id for s in store.iter_sightings()} == want
    assert len(list(store.iter_sightings())) == len(want)
    assert {c.capture_id for c in store.iter_captures()} == {c.capture_id for c in sample_crawl()}


def test_first_and_last_seen_merge_across_batches_in_any_order(store: Store) -> None:
    for c in reversed(sample_crawl()):  # newest first, one batch each: the merge decides
        store.add_captures([c])
    store.add_captures(sample_crawl()[1:2])  # a replayed batch changes nothing
    fake, mobile = store.number_profile(FAKE), store.number_profile(MOBILE)
    assert (fake.first_seen, fake.last_seen) == ("2026-11-01T08:00:00Z", "2026-11-05T08:00:00Z")
    assert (mobile.first_seen, mobile.last_seen) == (
        "2026-11-01T08:00:00Z", "2026-11-10T00:00:00Z")


def test_brand_search_also_finds_pages_where_the_word_stands_unattributed(store: Store) -> None:
    loaded(store)
    extra = sample_crawl()[3]
    extra.url, extra.title = "http://other.test/news", "News"
    extra.text = "A fake 京东 line was reported: 020-8765-4321"
    store.add_captures([extra])
    found = store.search("京东")
    assert [s.matched for s in found] == ["brand"] * 3 + ["text"]
    assert found[-1].url == "http://other.test/news" and found[-1].brand == ""
    assert {s.matched for s in store.search(FAKE)} == {""}  # number searches say nothing

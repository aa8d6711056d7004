"""Page features: region padding, template fingerprints, spam score, and the Scrapy pipeline."""
from __future__ import annotations

import json
from collections import defaultdict

from scrapy.utils.test import get_crawler

from spamline.pipelines.features import FeaturesPipeline
from spamline.brands.features import PageAnalyzer
from spamline.brands.fingerprint import (
    TemplateIndex,
    band_keys,
    boilerplate_tokens,
    minhash,
)
from spamline.brands.padding import region_density
from spamline.datadir import DataDir
from spamline.model import Brand, Capture, PhoneHit
from spamline.samplenet.content import DISTRICTS
from spamline.store import open_store
from tests.networks.conftest import official_brands, sample_captures

LEGIT = ("jindun-guanwang.test", "nuanlifang.test")


def test_region_density_measures_district_lists() -> None:
    padded = "金盾保险柜售后服务。服务区域：" + "、".join(DISTRICTS[:40])
    assert region_density(padded) > 0.8
    assert region_density("We serve New York, Los Angeles, Chicago, Houston and Phoenix") > 0.5
    assert region_density("家用电器在长期使用过程中难免出现各种故障，专业的售后服务能够帮助用户快速解决问题。") == 0
    assert region_density("北京市朝阳区有一家店") == 0  # one place is not a list
    assert region_density("") == 0


def test_boilerplate_masks_what_varies_between_pages() -> None:
    a = boilerplate_tokens("金盾保险柜售后 400-812-3456 朝阳区", ["金盾", "保险柜", "朝阳区"])
    b = boilerplate_tokens("雪岭空调售后 400-999-0000 海淀区", ["雪岭", "空调", "海淀区"])
    assert a == b


def test_templates_follow_the_sample_networks(captures: list[Capture], truth) -> None:
    templates = defaultdict(set)
    for c in captures:
        templates[truth.page(c.url).network or c.domain].add(c.features["template"])
    groups = list(templates.values())
    for i, a in enumerate(groups):
        assert len(a) <= 3  # listing pages and item pages may differ
        for b in groups[i + 1:]:
            assert not a & b, "two networks share a template id"


def test_template_index_reuses_ids_for_similar_pages() -> None:
    index = TemplateIndex()
    base = [f"div.x{i}" for i in range(40)]
    first, sim = index.assign(minhash(base, 2))
    again, sim2 = index.assign(minhash(base[:38] + ["p.", "p."], 2))
    other, _ = index.assign(minhash([f"span.y{i}" for i in range(40)], 2))
    assert first == again and sim == 1.0 and 0.6 <= sim2 < 1.0
    assert other != first
    assert index.pages[first] == 2
    assert len(band_keys(minhash(base))) == 16


def test_spam_pages_score_above_legit_pages(sample_net) -> None:
    for brands in ([], official_brands(sample_net)):
        caps = sample_captures(sample_net, brands, only={"jindun-400.test", "jindun-guanwang.test",
                                                         "printer-helpdesk.test"})
        spam = [c.features["spam_score"] for c in caps if c.domain not in LEGIT]
        legit = [c.features["spam_score"] for c in caps if c.domain in LEGIT]
        assert min(spam) > max(legit)
    registered = next(c for c in caps if c.domain == "jindun-400.test" and "/fuwu/" in c.url)
    assert any("does not own" in r for r in registered.features["reasons"])
    assert any("region-list padding" in r for r in registered.features["reasons"])


def test_features_are_small_json(captures: list[Capture]) -> None:
    for c in captures:
        text = json.dumps(c.features, ensure_ascii=False)
        assert len(text.encode()) < 2048
        assert set(c.features) >= {"template", "minhash", "region_density", "spam_score", "reasons",
                                   "product"}
        assert 0.0 <= c.features["spam_score"] <= 1.0


def test_pipeline_reads_registered_brands_from_the_store(tmp_path) -> None:
    data = DataDir.open(tmp_path / "data")
    with open_store(None, data) as store:
        store.add_brand(Brand("Haier", ["海尔"], ["+864006999999"]))
    crawler = get_crawler(settings_dict={"SPAMLINE_DATA_DIR": str(data.root)})
    pipe = FeaturesPipeline.from_crawler(crawler)
    pipe.open_spider(None)
    html = "<html><title>海尔空调售后服务电话</title><h1>海尔空调维修</h1></html>"
    item = Capture(url="http://a.test/", status=200, captured_at="2026-11-28T00:00:00Z",
                   content_type="text/html; charset=utf-8", encoding="utf-8",
                   title="海尔空调售后服务电话", text="海尔空调维修 400-812-3456", body=html.encode(),
                   hits=[PhoneHit("+864008123456", "400-812-3456", 0, 12, "shared_cost")])
    out = pipe.process_item(item, None)
    assert out.brands == ["Haier"]
    assert out.features["product"] == "空调"
    assert any("does not own" in r for r in out.features["reasons"])
    assert crawler.stats.get_value("spamline/pages_with_brand") == 1


def test_pipeline_without_store_reads_brands_from_pages() -> None:
    pipe = FeaturesPipeline.from_crawler(get_crawler(settings_dict={"SPAMLINE_DATA_DIR": None}))
    pipe.open_spider(None)
    item = Capture(url="http://a.test/", status=200, captured_at="2026-11-28T00:00:00Z",
                   title="金盾保险柜售后服务电话", text="")
    assert pipe.process_item(item, None).brands == ["金盾"]
    empty = Capture(url="http://b.test/x.png", status=200, captured_at="2026-11-28T00:00:00Z")
    assert pipe.process_item(empty, None).features == {}


def test_analyzer_keeps_template_ids_within_a_crawl() -> None:
    analyzer = PageAnalyzer()
    pages = [Capture(url=f"http://s{i}.test/", status=200, captured_at="2026-11-28T00:00:00Z",
                     title=f"品牌{i}空调售后服务电话", text="服务须知 " * 5) for i in range(3)]
    html = "<html><body><div class='a-hd'><h1>x</h1></div><div class='a-main'><p>y</p><p>z</p></div></body></html>"
    ids = {analyzer.analyze(p, html).features["template"] for p in pages}
    assert len(ids) == 1
    assert any("template shared with 2 other" in r for r in pages[2].features["reasons"])

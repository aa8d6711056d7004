"""Packages hold what they claim: a brand's own site stays out, every number is marked,
and the report opens with an executive summary (on the sample network, crawled by `spamline demo`)."""
from __future__ import annotations

import csv
import html
import io
import json
import re
import shutil
import zipfile
from urllib.parse import unquote

from click.testing import CliRunner
from fastapi.testclient import TestClient

from spamline.cli import main
from spamline.datadir import DataDir
from spamline.evidence.report import hit_view
from spamline.evidence.scope import Scope, known_hubs
from spamline.jobs.recheck import brand_takedowns
from spamline.model import Capture, PhoneHit
from spamline.samplenet import GroundTruth
from spamline.samplenet.site import SampleNetwork
from spamline.store import open_store
from spamline.web import create_app
from spamline.web.auth import Users

BRAND = "金盾保险柜"


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def _package(path) -> tuple[list[dict], str]:
    with zipfile.ZipFile(path) as zf:
        rows = list(csv.DictReader(io.StringIO(zf.read("report/urls.csv").decode())))
        return rows, zf.read("report/report.html").decode()


def _truth_pages(truth):
    net = SampleNetwork(seed=truth["seed"], pages_per_site=truth["pages_per_site"])
    return GroundTruth(net, truth["port"]).pages


def test_brand_package_leaves_out_the_brands_own_site(demo, tmp_path):
    root, truth = demo
    official_host = next(h for h, info in truth["legit"].items() if info["brand"] == BRAND)
    official = set(truth["legit"][official_host]["official"])
    shared = set(truth["hubs"])
    out = tmp_path / "jd.wacz"
    result = run("evidence", "export", "--brand", BRAND, "-o", str(out), "--data-dir", str(root),
                 "--by", "Jindun legal <legal@jindun.test>", "--json")
    assert result.exit_code == 0, result.output
    row = json.loads(result.output.splitlines()[-1])
    rows, report = _package(out)

    # ground truth: the brand's pages that advertise a number it does not own
    pages = _truth_pages(truth)
    expected = {p.url for p in pages.values() if p.brand == BRAND and p.numbers - official - shared}
    own_site = {p.url for p in pages.values() if p.brand == BRAND and not p.numbers - official - shared}
    assert own_site and all(official_host in u for u in own_site)
    assert {r["url"] for r in rows} == expected
    assert not any(r["domain"] == official_host for r in rows)
    assert sorted(row["left_out"]) == sorted(own_site) and row["pages"] == len(expected)
    advertised = {n for r in rows for n in r["advertised_numbers"].split()}
    assert advertised and not advertised & (official | shared)

    summary = report.split('id="summary"', 1)[1].split("</section>", 1)[0]
    for number in official:
        assert number in summary
    for number in advertised:
        assert f'<span class="notofficial">{number}</span>' in summary
    assert f"{len(own_site)} page(s) claiming {BRAND} that show only its official numbers" in summary
    assert "Jindun legal &lt;legal@jindun.test&gt;" in summary
    assert f"spamline evidence verify --trust SIGNER-KEY.pem {out.name}" in summary
    assert f"not official for {BRAND}" in report
    assert run("evidence", "verify", "--data-dir", str(root), str(out)).exit_code == 0

    # numbers split by markup (400<span>849</span>5185) are shown as the reader sees them
    with open_store(None, DataDir.open(root)) as store:
        split = {c.url for c in store.captures(brand=BRAND) for h in c.hits if "<" in h.raw}
    assert split & expected
    assert "&lt;span" not in report and "&lt;/" not in report

    listed = run("brand", "report", BRAND, "--data-dir", str(root), "--json")
    assert {json.loads(line)["url"] for line in listed.output.splitlines()} == expected


def test_domain_package_marks_official_numbers_of_any_registered_brand(demo, tmp_path):
    root, truth = demo
    host, info = next((h, i) for h, i in truth["legit"].items() if i["brand"] == BRAND)
    out = tmp_path / "site.wacz"
    assert run("evidence", "export", "--domain", host, "-o", str(out),
               "--data-dir", str(root)).exit_code == 0
    rows, report = _package(out)
    assert rows and all(not r["advertised_numbers"].split() or
                        set(r["advertised_numbers"].split()).isdisjoint(info["official"]) for r in rows)
    assert f"official number of {info['brand']}" in report


def test_summary_says_since_when_a_page_is_gone(demo, tmp_path):
    root, _ = demo
    out = tmp_path / "jd.wacz"
    with open_store(None, DataDir.open(root)) as store:
        victim = next(c for c in store.captures(brand=BRAND) if c.hits and "guanwang" not in c.url)
        store.add_captures([Capture(url=victim.url, status=404, captured_at="2099-01-02T03:04:05Z",
                                    job="recheck")])
    assert run("evidence", "export", "--brand", BRAND, "-o", str(out),
               "--data-dir", str(root)).exit_code == 0
    _, report = _package(out)
    summary = report.split('id="summary"', 1)[1].split("</section>", 1)[0]
    assert f"{victim.url}: gone since 2099-01-02T03:04:05Z (http 404)" in summary
    assert " 1 gone" in summary


def test_brand_with_only_official_pages_is_a_clear_error(demo, tmp_path):
    root = tmp_path / "data"
    shutil.copytree(demo[0], root)
    with open_store(None, DataDir.open(root)) as store:
        printer = [c for c in store.captures(brand="Lumajet") if c.hits]
        numbers = sorted({h.e164 for c in printer for h in c.hits})
    assert printer and numbers
    assert run("brand", "add", "Lumajet", *[a for n in numbers for a in ("--official", n)],
               "--data-dir", str(root)).exit_code == 0
    result = CliRunner().invoke(main, ["evidence", "export", "--brand", "Lumajet", "-o",
                                       str(tmp_path / "x.wacz"), "--data-dir", str(root)])
    assert result.exit_code == 1 and not (tmp_path / "x.wacz").exists()
    assert "every page claiming Lumajet shows only its official numbers" in result.output
    unregistered = CliRunner().invoke(main, ["evidence", "export", "--brand", "Nobody Inc", "-o",
                                             str(tmp_path / "y.wacz"), "--data-dir", str(root)])
    assert "'Nobody Inc' is not registered" in unregistered.output


def test_context_is_visible_text_never_markup():
    hit = PhoneHit(e164="+864008495185", raw="400<span>849</span>5185", start=10, end=33,
                   type="shared_cost", context="售后热线 4008495185 全国服务")
    view = hit_view(hit, mark="not official for X")
    assert (view.before, view.raw, view.after) == ("售后热线 ", "4008495185", " 全国服务")
    assert "<" not in view.before + view.raw + view.after and view.mark == "not official for X"


def _listed_on_page(html_text: str) -> set[tuple[str, str]]:
    """(number, url) of each row of the brand page's report table."""
    table = html_text.split("a number it does not own</h2>", 1)[1].split("<h2>", 1)[0]
    rows = re.findall(r'href="/numbers/([^"]+)".*?title="([^"]+)"', table, re.DOTALL)
    return {(unquote(n), html.unescape(u)) for n, u in rows}


def test_every_brand_report_covers_what_the_package_holds(demo, tmp_path):
    """The CLI report, the web page, the API, the takedown list and the package: one rule."""
    root = tmp_path / "data"
    shutil.copytree(demo[0], root)
    truth = demo[1]
    official = {n for i in truth["legit"].values() if i["brand"] == BRAND for n in i["official"]}
    shared = set(truth["hubs"])
    pages = _truth_pages(truth)
    expected = {p.url for p in pages.values() if p.brand == BRAND and p.numbers - official - shared}
    # the sample network puts hotlines on the brand's spam pages: a rule without hubs differs
    assert any(p.brand == BRAND and p.numbers & shared for p in pages.values())

    data_dir = DataDir.open(root)
    token = Users.of(data_dir).add("ana", "analyst")
    cli = [json.loads(line) for line in
           run("brand", "report", BRAND, "--data-dir", str(root), "--json").output.splitlines()]
    hubs = known_hubs(root)
    assert hubs == shared
    with open_store(None, data_dir) as store:
        scope = Scope.of("brand", BRAND, store.brands(), hubs)
        packaged, _ = scope.select(store.captures(brand=BRAND))
        job = {s.url for s in brand_takedowns(store, BRAND, hubs)}
    with TestClient(create_app(data_dir)) as client:
        api = client.get(f"/api/brands/{BRAND}/report", params={"limit": 500},
                         headers={"Authorization": f"Bearer {token}"}).json()
        client.post("/login", data={"token": token})
        page = client.get(f"/brands/{BRAND}")
    assert page.status_code == 200 and api["next_offset"] is None
    cli_rows = {(r["e164"], r["url"]) for r in cli}
    api_rows = {(r["e164"], r["url"]) for r in api["results"]}
    assert cli_rows and cli_rows == api_rows == _listed_on_page(page.text)
    assert not {n for n, _ in cli_rows} & (official | shared)
    assert {u for _, u in cli_rows} == {t["url"] for t in api["takedowns"]} == job == expected
    assert {c.url for c in packaged} == expected

"""`spamline networks`: build, update, list, export and draw from a real SQLite store."""
from __future__ import annotations

import json
import sqlite3
from dataclasses import replace

import networkx as nx
from click.testing import CliRunner
from fastapi.testclient import TestClient

from spamline.cli import main
from spamline.datadir import DataDir
from spamline.model import Brand
from spamline.networks.spam import spam_numbers
from spamline.store import open_store
from spamline.web import create_app
from spamline.web.auth import Users


def run(data: DataDir, *args: str):
    r = CliRunner().invoke(main, ["networks", "--data-dir", str(data.root), *args])
    assert r.exit_code == 0, r.output
    return r


def listed(data: DataDir, *args: str) -> list[dict]:
    return [json.loads(x) for x in run(data, "--json", *args).stdout.splitlines()]


def test_networks_match_ground_truth_and_numbers_know_their_network(filled, truth) -> None:
    nets = listed(filled)
    for gt in truth.networks.values():
        assert any(set(n["numbers"]) == set(gt.numbers) and set(n["domains"]) == set(gt.domains)
                   for n in nets), gt.network_id
    with open_store(None, filled) as store:
        for n in nets:
            assert store.number_profile(n["numbers"][0]).network_id == n["network_id"]
        assert store.number_profile(truth.hubs[0]).network_id is None
    table = run(filled).output
    assert "hubs not used as links: " + truth.hubs[0] in table
    shown = run(filled, "--show", nets[0]["network_id"]).output
    assert "why:" in shown and f"{truth.hubs[0]} is a hub" in shown
    assert [json.loads(x)["network_id"] for x in
            run(filled, "--show", nets[0]["network_id"], "--json").stdout.splitlines()] == [nets[0]["network_id"]]


def test_rebuild_keeps_ids(filled) -> None:
    first = {n["network_id"]: n["numbers"] for n in listed(filled)}
    again = {n["network_id"]: n["numbers"] for n in listed(filled, "--rebuild")}
    assert first == again


def test_new_pages_are_folded_in(data_dir, captures, truth) -> None:
    first_hosts = {"jindun-400.test", "baoxianxiang-shouhou.test", "ranqizao-shouhou.test",
                   "xiyiji-24h.test", "printer-helpdesk.test"}
    with open_store(None, data_dir) as store:
        store.add_captures([c for c in captures if c.domain in first_hosts])
    before = {n["network_id"]: n for n in listed(data_dir)}
    assert len(before) == 4
    with open_store(None, data_dir) as store:  # the other sites, crawled a month later
        store.add_captures([replace(c, captured_at=c.captured_at.replace("2026-11-", "2026-12-"))
                            for c in captures if c.domain not in first_hosts])
    r = run(data_dir)
    assert "(update:" in r.output
    after = {n["network_id"]: n for n in listed(data_dir)}
    assert set(before) <= set(after)
    for gt in truth.networks.values():
        assert any(set(n["numbers"]) == set(gt.numbers) and set(n["domains"]) == set(gt.domains)
                   for n in after.values()), gt.network_id
    assert "(unchanged:" in run(data_dir).output
    # the update read only the new pages, and marks spam as reading every page would
    every = listed(data_dir, "--all")
    assert {n["network_id"]: n["spam_numbers"] for n in every} == _judged_from_captures(data_dir, every)


def test_export_and_svg(filled, tmp_path) -> None:
    nets = listed(filled)
    run(filled, "--export", "graphml", str(tmp_path / "g.graphml"))
    g = nx.read_graphml(tmp_path / "g.graphml")
    assert {f"number:{e}" for n in nets for e in n["numbers"]} <= set(g.nodes)
    run(filled, "--export", "gexf", str(tmp_path / "g.gexf"))
    assert nx.read_gexf(tmp_path / "g.gexf").number_of_edges() == g.number_of_edges()
    run(filled, "--svg", nets[0]["network_id"], str(tmp_path / "n.svg"))
    assert (tmp_path / "n.svg").read_text(encoding="utf-8").startswith("<svg")


def test_unknown_network_and_empty_store(data_dir, tmp_path) -> None:
    r = CliRunner().invoke(main, ["networks", "--data-dir", str(data_dir.root)])
    assert r.exit_code == 0 and "no networks yet" in r.output
    r = CliRunner().invoke(main, ["networks", "--data-dir", str(data_dir.root),
                                  "--svg", "net-nope", str(tmp_path / "x.svg")])
    assert r.exit_code == 1 and "spamline networks" in r.output
    r = CliRunner().invoke(main, ["networks", "--data-dir", str(data_dir.root), "--show", "net-nope"])
    assert r.exit_code == 1 and "no network 'net-nope'" in r.output
    r = CliRunner().invoke(main, ["networks", "--data-dir", str(data_dir.root),
                                  "--export", "dot", str(tmp_path / "x.dot")])
    assert r.exit_code == 2


def test_registering_an_official_number_rebuilds(filled, truth) -> None:
    listed(filled)
    with open_store(None, filled) as store:
        net = store.networks()[0]
        store.add_brand(Brand("Acme", [], [net.numbers[0]]))
    r = run(filled)
    assert "(rebuild:" in r.output
    after = listed(filled)
    assert not any(net.numbers[0] in n["numbers"] for n in after)
    assert any(f"{net.numbers[0]} is an official number of Acme" in line
               for n in after for line in n["explanations"])


def _judged_from_captures(data: DataDir, nets: list[dict]) -> dict[str, list[str]]:
    """Each network's members shown on a page judged spam, read from every capture."""
    with open_store(None, data) as store:
        spam = spam_numbers(store.iter_captures())
    return {n["network_id"]: sorted(spam & set(n["numbers"])) for n in nets}


def test_the_build_marks_spam_networks_and_listings_read_only_that(filled) -> None:
    every = listed(filled, "--all")
    judged = _judged_from_captures(filled, every)
    assert {n["network_id"]: n["spam_numbers"] for n in every} == judged
    spam = [nid for nid, numbers in judged.items() if numbers]
    assert 0 < len(spam) < len(every)
    token = Users.of(filled).add("ana", "analyst")
    with sqlite3.connect(filled.db) as conn:  # a listing that read pages would now find none
        conn.execute("DELETE FROM captures")
    assert [n["network_id"] for n in listed(filled)] == spam
    with TestClient(create_app(filled)) as client:
        api = client.get("/api/networks", params={"limit": 500},
                         headers={"Authorization": f"Bearer {token}"}).json()
    assert [n["network_id"] for n in api["results"]] == spam


def test_only_spam_networks_are_listed_unless_all(filled, truth) -> None:
    spam = listed(filled)
    every = listed(filled, "--all")
    legit = {"jindun-guanwang.test", "nuanlifang.test"}  # the makers' own sites
    assert {d for n in every for d in n["domains"]} & legit
    assert not {d for n in spam for d in n["domains"]} & legit
    assert {n["network_id"] for n in spam} < {n["network_id"] for n in every}
    for gt in truth.networks.values():  # every real spam network is still listed
        assert any(set(n["numbers"]) == set(gt.numbers) for n in spam), gt.network_id
    assert "not shown (--all)" in run(filled).output

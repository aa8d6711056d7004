"""Evidence from ingested sightings: exported with the source records and warcinfo, replayed."""
from __future__ import annotations

import gzip
import io
import json
import zipfile
from pathlib import Path

from fastapi import FastAPI
from fastapi.testclient import TestClient
from warcio.archiveiterator import ArchiveIterator

from spamline.datadir import DataDir
from spamline.evidence.replay import replay_router, replay_url
from spamline.jobs.recheck import GONE, LIVE_SAME, spam_urls
from spamline.samplenet import SampleNetworkServer
from spamline.store import open_store
from tests.crawler.conftest import run_spamline
from tests.ingest.conftest import fresh_data_dir, ingest


def test_export_copies_source_records_and_warcinfo_and_replay_serves_them(
        samplenet: SampleNetworkServer, warcio_file: Path, tmp_path):
    data = fresh_data_dir(samplenet, tmp_path / "d")
    plain = tmp_path / "pages.warc"  # a plain (uncompressed) copy: records re-gzipped one by one
    plain.write_bytes(gzip.open(warcio_file).read())
    ingest(data, plain)
    hub = samplenet.ground_truth.hubs[0]
    out = tmp_path / "hub.wacz"
    run_spamline("evidence", "export", "--number", hub, "-o", str(out), "--data-dir", str(data))
    with zipfile.ZipFile(out) as zf:
        warc = zf.read("archive/data.warc.gz")
    records = [(r.rec_type, r.rec_headers.get_header("WARC-Record-ID"),
                r.content_stream().read()) for r in ArchiveIterator(io.BytesIO(warc))]
    with open(plain, "rb") as fh:
        source = {r.rec_headers.get_header("WARC-Record-ID"): r.rec_type
                  for r in ArchiveIterator(fh)}
    infos = [body for kind, rid, body in records if kind == "warcinfo" and rid in source]
    assert len(infos) == 1 and b"software: warcio" in infos[0]  # the source's own warcinfo
    copied = [rid for kind, rid, _ in records if kind == "response"]
    assert copied and all(source.get(rid) == "response" for rid in copied)

    with open_store(None, DataDir.existing(data)) as store:
        capture = store.captures(number=hub)[0]
    app = FastAPI()
    app.include_router(replay_router(data), prefix="/app")
    with TestClient(app) as client:
        page = client.get(replay_url(capture.warc, prefix="/app"))
        view = client.get(replay_url(capture.warc, prefix="/app") + "/view")
    assert page.status_code == 200 and view.status_code == 200
    assert capture.url in view.text
    outside = client.get(f"/app/replay/{tmp_path / 'pages.warc.gz'}/0")
    assert outside.status_code in (403, 404)  # only files the ingest read are served


def test_recheck_recrawls_ingested_urls(samplenet: SampleNetworkServer, warcio_file: Path,
                                        tmp_path):
    data = fresh_data_dir(samplenet, tmp_path / "d")
    ingest(data, warcio_file)
    gone, same = [u for u in samplenet.ground_truth.urls() if samplenet.page_truth(u).numbers][:2]
    with open_store(None, DataDir.existing(data)) as store:
        assert {gone, same} <= set(spam_urls(store))
    resolve = [a for host in samplenet.host_map for a in ("--resolve", f"{host}=127.0.0.1")]
    samplenet.remove(gone, status=404)
    try:
        out = run_spamline("recheck", "--data-dir", str(data), "--allow-private", *resolve,
                           "--json", "--url", gone, "--url", same)
    finally:
        samplenet.restore(gone)
    rows = {row["url"]: row for row in map(json.loads, out.stdout.splitlines())}
    assert rows[gone]["state"] == GONE and rows[same]["state"] == LIVE_SAME

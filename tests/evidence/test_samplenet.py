"""End to end on the bundled sample spam network: capture, export by number, verify."""
from __future__ import annotations

import subprocess
import sys
from collections import Counter

from spamline.evidence.package import export_package
from spamline.evidence.verify import verify_package
from spamline.samplenet import SampleNetworkServer

from .conftest import captures_of, run_crawl


def test_sample_network_capture_export_verify(tmp_path):
    data = tmp_path / "data"
    with SampleNetworkServer(seed=3, pages_per_site=3) as srv:
        seeds = srv.seed_urls
        rows = run_crawl(data, seeds, host_map=srv.host_map, job="samplenet")
    assert {r["url"] for r in rows} >= set(seeds)
    assert all(r["ip_address"] == "127.0.0.1" and r["warc"] for r in rows)
    warcs = sorted((data / "warcs").glob("*.warc.gz"))
    check = subprocess.run([sys.executable, "-m", "warcio.cli", "check", *map(str, warcs)],
                           capture_output=True, text=True)
    assert check.returncode == 0, check.stdout

    captures = captures_of(data, rows)
    counts = Counter(h.e164 for c in captures for h in c.hits)
    number, _ = counts.most_common(1)[0]
    selected = [c for c in captures if any(h.e164 == number for h in c.hits)]
    out = tmp_path / "net.wacz"
    result = export_package(selected, data / "warcs", out, selection=f"number {number}")
    assert result.pages == len(selected) and not result.skipped
    verification = verify_package(out, allow_unsigned=True)
    assert verification.ok, verification.problems

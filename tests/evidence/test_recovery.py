"""Crash safety: torn last records are cut back so every WARC stays valid."""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time

import pytest
from warcio.archiveiterator import ArchiveIterator

from spamline.evidence import cdxj
from spamline.evidence.writer import Exchange, WarcWriter, recover_folder

from .conftest import CRAWL_SCRIPT


def valid_records(path) -> list[tuple[str, int]]:
    """(type, offset) of every record; raises if warcio finds a bad digest or a torn record."""
    out = []
    with open(path, "rb") as fh:
        it = ArchiveIterator(fh, check_digests="raise")
        for record in it:
            record.raw_stream.read()
            out.append((record.rec_type, it.get_record_offset()))
    return out


def warcio_check(*paths) -> None:
    proc = subprocess.run([sys.executable, "-m", "warcio.cli", "check", *map(str, paths)],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def write_sample(folder, n=4) -> str:
    with WarcWriter(folder, info={"software": "test"}) as writer:
        for i in range(n):
            writer.write_exchange(Exchange(
                url=f"http://a.test/{i}", status=200, body=os.urandom(3000) + b"page %d" % i,
                response_headers=[("Content-Type", "text/html")], ip_address="127.0.0.1"))
        return writer.current_file


@pytest.mark.parametrize("cut_fraction", [0.05, 0.3, 0.5, 0.77, 0.99])
def test_torn_last_record_is_truncated_on_open(tmp_path, cut_fraction):
    clean = tmp_path / "clean"
    name = write_sample(clean)
    whole = valid_records(clean / name)
    ends = [off for _, off in whole[1:]] + [(clean / name).stat().st_size]

    torn = tmp_path / "torn"
    shutil.copytree(clean, torn)
    size = (torn / name).stat().st_size
    cut = int(size * cut_fraction)
    with open(torn / name, "r+b") as fh:
        fh.truncate(cut)
    (torn / (name + ".open")).touch()  # as a killed writer leaves it

    WarcWriter(torn).close()  # opening a writer recovers the folder
    survivors = [end for end in ends if end <= cut]
    if not survivors:
        assert not (torn / name).exists()
        return
    assert (torn / name).stat().st_size == survivors[-1]
    assert valid_records(torn / name) == whole[: len(survivors)]
    warcio_check(torn / name)
    assert not (torn / (name + ".open")).exists()
    offsets = {e.offset for e in cdxj.read_index(cdxj.sidecar(torn / name))}
    assert offsets == {off for t, off in whole[: len(survivors)] if t == "response"}


def test_file_locked_by_a_live_writer_is_left_alone(tmp_path):
    with WarcWriter(tmp_path) as live:
        live.write_exchange(Exchange(url="http://a.test/", status=200, body=b"x",
                                     response_headers=[]))
        assert recover_folder(tmp_path) == []
        assert (tmp_path / (live.current_file + ".open")).exists()


def test_killed_crawl_then_restart_leaves_only_valid_warcs(site, tmp_path):
    data = tmp_path / "data"
    warcs = data / "warcs"
    proc = subprocess.Popen([sys.executable, str(CRAWL_SCRIPT), str(data), str(tmp_path / "seen"),
                             site.url("/p/0"), "--max-size", "50000"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if sum(p.stat().st_size for p in warcs.glob("*.warc.gz")) > 120_000:
                break
            time.sleep(0.02)
        else:
            pytest.fail("the crawl wrote too little to interrupt")
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.wait(timeout=10)
    open_files = list(warcs.glob("*.open"))
    assert open_files, "the kill should leave the file being written open"

    # The next start (a new writer in the same data dir) recovers every open file.
    with WarcWriter(warcs) as writer:
        assert {name for name, _ in writer.recovered} == {p.name[:-5] for p in open_files}
        writer.write_exchange(Exchange(url=site.url("/after"), status=200, body=b"after",
                                       response_headers=[]))
    files = sorted(warcs.glob("*.warc.gz"))
    assert len(files) >= 3 and not list(warcs.glob("*.open"))
    warcio_check(*files)
    for path in files:
        records = valid_records(path)
        indexed = sorted(e.offset for e in cdxj.read_index(cdxj.sidecar(path)))
        assert indexed == sorted(off for t, off in records if t in ("response", "revisit"))

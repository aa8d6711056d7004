"""Which files `spamline ingest` reads: paths, folders, globs, `-`, and what it refuses."""
from __future__ import annotations

import zipfile

import pytest

from spamline.ingest.sources import NotAnArchive, expand, members


def test_paths_folders_globs_and_stdin_expand_to_each_file_once(tmp_path):
    (tmp_path / "a").mkdir()
    one, two = tmp_path / "a" / "1.warc.gz", tmp_path / "a" / "2.warc"
    other = tmp_path / "x.wacz"
    for path in (one, two, other):
        path.write_bytes(b"")
    (tmp_path / "a" / "notes.txt").write_text("not read")
    got = expand([str(tmp_path / "a"), str(tmp_path / "*.wacz"), "-", str(one)],
                 stdin=[f"{other}\n", "# comment\n", "\n"])
    assert got == [one, two, other]
    with pytest.raises(NotAnArchive, match="no file matches"):
        expand([str(tmp_path / "*.nothing")])


def test_zip_without_archive_members_is_not_a_wacz(tmp_path):
    path = tmp_path / "x.wacz"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("pages/pages.jsonl", "{}")
    with pytest.raises(NotAnArchive, match="not a WACZ"):
        members(path, tmp_path / "unpack")


def test_deflated_wacz_member_is_unpacked_and_read(tmp_path):
    from tests.ingest.test_ingest import page_records

    path = tmp_path / "x.wacz"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("archive/data.warc.gz", page_records(2), compress_type=zipfile.ZIP_DEFLATED)
    found = members(path, tmp_path / "unpack")
    assert len(found) == 1 and found[0].path.parent == tmp_path / "unpack"
    assert found[0].label == f"{path}#archive/data.warc.gz" and found[0].gzipped

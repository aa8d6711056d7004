"""URL-list import: text files and CSV exports of search results."""
from __future__ import annotations

from pathlib import Path

from spamline.jobs.seeds import read_url_list


def test_text_list_with_comments_and_junk(tmp_path: Path) -> None:
    path = tmp_path / "urls.txt"
    path.write_text("\ufeff# search: 格力 售后\nhttp://a.test/1  first hit\n\nnot a url\n"
                    "https://b.test/2 # note\nhttp://a.test/1\nftp://c.test/\n", encoding="utf-8")
    assert read_url_list(path) == ["http://a.test/1", "https://b.test/2"]


def test_csv_export_uses_the_url_column(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text('Rank,Title,Link,Snippet\n1,"Repair, cheap",http://a.test/x,"call http://no.test/"\n'
                    "2,Other,https://b.test/y,\n3,No link,,\n", encoding="utf-8")
    assert read_url_list(path) == ["http://a.test/x", "https://b.test/y"]


def test_csv_without_header_finds_the_url_column(tmp_path: Path) -> None:
    path = tmp_path / "export.tsv"
    path.write_text("1\thttp://a.test/x\n2\thttp://b.test/y\n", encoding="utf-8")
    assert read_url_list(path) == ["http://a.test/x", "http://b.test/y"]

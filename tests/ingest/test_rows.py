"""A Parquet row gives back the page it was made from (what spark-ingest writes, store load reads)."""
from __future__ import annotations

from spamline.brands.features import BrandIndex, page_features
from spamline.ingest.pages import Page
from spamline.ingest.rows import page_of_row, page_row
from tests.store.sample import sample_crawl


def test_a_row_round_trips_its_capture_and_page_features() -> None:
    capture = sample_crawl()[0]
    capture.body = b""
    html = f"<title>{capture.title}</title><h1>Acme repair hotline</h1><p>{capture.text}</p>"
    features = page_features(capture.title, capture.text, capture.hits, html, BrandIndex([]),
                             "http://acme-repair.blogspot.com/hotline")
    back = page_of_row(page_row(Page(capture, features)))
    assert back.features == features  # signals included: spam scoring reads their attributes
    assert back.capture.hits == capture.hits and back.capture.url == capture.url

"""Captures as plain rows (JSON documents), for Parquet: what `spark-ingest` writes and
`spamline store load` reads back. The page features travel with them, so loading applies
the template and spam score exactly as a local ingest does."""
from __future__ import annotations

import base64
import dataclasses
import json

from spamline.brands.features import PageFeatures
from spamline.brands.signals import PageSignals
from spamline.ingest.pages import Page
from spamline.model import Capture, PhoneHit, WarcLocation


def page_row(page: Page) -> dict:
    """One Parquet row: where the record is, the capture and its features as JSON, sightings."""
    cap = page.capture
    doc = dataclasses.asdict(cap)
    doc.pop("body")
    features = None
    if page.features is not None:
        features = dataclasses.asdict(page.features)
        features["template_hashvalues"] = base64.b64encode(page.features.template_hashvalues).decode()
    warc = cap.warc
    return {
        "month": cap.captured_at[:7], "url": cap.url, "captured_at": cap.captured_at,
        "warc_file": warc.file if warc else None, "warc_offset": warc.offset if warc else None,
        "warc_record_id": warc.record_id if warc else None,
        "capture": json.dumps(doc, ensure_ascii=False, default=str),
        "page_features": json.dumps(features, ensure_ascii=False) if features else None,
        "sightings": [{"e164": h.e164, "number_type": h.type, "raw": h.raw, "start": h.start,
                       "end": h.end, "source": h.source} for h in cap.hits],
    }


def page_of_row(row: dict) -> Page:
    """The Page a row was made from."""
    doc = json.loads(row["capture"])
    doc["hits"] = [PhoneHit(**h) for h in doc["hits"]]
    doc["warc"] = WarcLocation(**doc["warc"]) if doc["warc"] else None
    features = None
    if row.get("page_features"):
        f = json.loads(row["page_features"])
        f["template_hashvalues"] = base64.b64decode(f["template_hashvalues"])
        signals = f.get("signals") or {}
        f["signals"] = PageSignals(**{**signals, "repeated": tuple(signals.get("repeated", ("", 0)))})
        features = PageFeatures(**f)
    return Page(Capture(**doc), features)

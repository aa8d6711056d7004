"""Ingest existing web archives (WARC 1.0/1.1, WACZ) into the store without fetching anything.

`run_ingest(IngestOptions(...))` reads files, folders or globs of WARC/WACZ files with worker
processes; every response goes through the crawl's page reader and its sightings point at
the source record. The Spark job (`spamline.ingest.spark`) runs the same reader per file.
"""
from spamline.ingest.run import IngestOptions, IngestSummary, run_ingest
from spamline.ingest.sources import NotAnArchive

__all__ = ["IngestOptions", "IngestSummary", "NotAnArchive", "run_ingest"]

"""Spark's Python daemon (`spark.python.daemon.module`) with the page reader imported first.

pyspark's daemon forks one Python worker per executor core; started from here, every worker
inherits spamline's modules instead of importing them itself (seconds of CPU per worker),
as the workers of `spamline ingest` inherit them from the process that forks them.
"""
import spamline.ingest.spark  # noqa: F401  (imported once, before the forks)
from pyspark.daemon import manager

if __name__ == "__main__":
    manager()

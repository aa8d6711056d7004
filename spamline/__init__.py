"""spamline: crawl, archive and map phone-number spam networks."""

__version__ = "0.1.0"

"""Evidence: WARC capture, CDXJ indexes, WACZ packages, reports, verification and replay.

A library first (no Scrapy needed); the crawler middleware and the
`spamline evidence` commands are thin layers over it.
"""

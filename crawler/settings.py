"""Scrapy settings for spamline crawls: polite, resumable, archived, guarded.

Each component is switched on here by one line; `spamline crawl` overrides the
SPAMLINE_* values from its command-line options.
"""
import os

BOT_NAME = "spamline"
SPIDER_MODULES = ["spamline.crawler.spiders"]
NEWSPIDER_MODULE = "spamline.crawler.spiders"

USER_AGENT = "spamline/0.1 (+evidence crawler for phone-number spam; contact: abuse desk)"
ROBOTSTXT_OBEY = True

# Politeness: AutoThrottle adapts to each server; these caps keep one host from being hammered.
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 0.5
AUTOTHROTTLE_MAX_DELAY = 30
AUTOTHROTTLE_TARGET_CONCURRENCY = 4.0
CONCURRENT_REQUESTS = 32
CONCURRENT_REQUESTS_PER_DOMAIN = 8
# A page yields one capture and its links; Scrapy's default of 100 outputs per response
# handled in parallel only costs 100 asyncio tasks per page on the reactor thread.
CONCURRENT_ITEMS = 4
DOWNLOAD_TIMEOUT = 30
RETRY_TIMES = 2

# Limits that keep hostile sites from trapping or exhausting the crawler.
DEPTH_LIMIT = 8
DOWNLOAD_MAXSIZE = 10 * 1024 * 1024
DOWNLOAD_WARNSIZE = 4 * 1024 * 1024
REDIRECT_MAX_TIMES = 10
SPAMLINE_MIN_FREE_MB = 100  # stop cleanly (resumable) when the data dir's disk has less free
SPAMLINE_MAX_PAGES_PER_HOST = 20000  # stops endless pagination / calendar traps (0: no cap)

# Breadth-first, so a page limit samples every site rather than one deep chain.
DEPTH_PRIORITY = 1
# Scrapy's scheduler with a hard page limit (SPAMLINE_MAX_PAGES, 0: none; spamline.crawler.budget).
SCHEDULER = "spamline.crawler.budget.PageBudgetScheduler"
SPAMLINE_MAX_PAGES = 0
# Scrapy's pickle disk queues, minus their per-request search for the callback's name.
SCHEDULER_DISK_QUEUE = "spamline.crawler.diskqueue.RequestDiskQueue"
SCHEDULER_START_DISK_QUEUE = "spamline.crawler.diskqueue.RequestDiskQueue"
SCHEDULER_MEMORY_QUEUE = "scrapy.squeues.FifoMemoryQueue"
# Journals requested URLs in JOBDIR so a crawl killed with -9 resumes (spamline.crawl.recover_frontier).
DUPEFILTER_CLASS = "spamline.crawler.journal.JournalingDupeFilter"

# Name resolution maps SPAMLINE_HOST_MAP names and refuses private addresses.
TWISTED_DNS_RESOLVER = "spamline.crawler.resolver.GuardedResolver"

DOWNLOADER_MIDDLEWARES = {
    # after HttpProxyMiddleware (750), so it sees the proxy a request would go through
    "spamline.crawler.middlewares.guard.PrivateAddressGuardMiddleware": 760,
    "spamline.crawler.middlewares.warc.WarcCaptureMiddleware": 950,
}

EXTENSIONS = {
    "spamline.crawler.extensions.progress.CrawlProgress": 500,
}

ITEM_PIPELINES = {
    "spamline.pipelines.extract.ExtractionPipeline": 100,
    "spamline.pipelines.features.FeaturesPipeline": 200,
    "spamline.pipelines.store.StorePipeline": 900,
}

# spamline's own settings (overridden by the CLI).
SPAMLINE_DATA_DIR = "./spamline-data"
SPAMLINE_STORE = None  # None: SQLite in the data dir; or "es://host:9200"
SPAMLINE_STORE_THREAD = True  # store batches in a writer thread while the crawl goes on
SPAMLINE_JOB = "crawl"
SPAMLINE_HOST_MAP: dict[str, str] = {}  # host name -> IP, e.g. local fixture sites
SPAMLINE_ALLOW_PRIVATE = False  # fetch private/loopback/link-local addresses only when told to
SPAMLINE_TRUST_PROXY = False  # the http(s)_proxy may be on a private address (targets still checked)
# DNS servers ("host[:port]", space-separated in the environment variable of the same name) asked
# whether a name that did not resolve exists at all (NXDOMAIN); none: /etc/resolv.conf's.
SPAMLINE_DNS_SERVERS = os.environ.get("SPAMLINE_DNS_SERVERS", "").split()
SPAMLINE_PROGRESS = True
# Worker processes that decode pages and read numbers and features (pipelines.extract), so the
# reactor thread keeps crawling on its own core; 0 reads pages inline in the reactor thread.
SPAMLINE_WORKERS = max(0, (os.cpu_count() or 1) - 1)
# Seconds a worker may spend reading one page: a page over it stays archived, is stored as not
# read ("over budget", counted in the crawl summary), and the crawl goes on.
SPAMLINE_PAGE_BUDGET = 30.0

LOG_LEVEL = "INFO"
FEED_EXPORT_ENCODING = "utf-8"

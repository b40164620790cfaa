"""Scrapy settings of the newssieve crawler.

Site-independent values live here; `crawler.run.site_settings` adds the
per-site ones (concurrency, delay, AutoThrottle target) on top, and
NEWSSIEVE_SCRAPY_SETTINGS (a JSON object in the environment) or `-s KEY=VALUE`
on `python -m crawler.run` override any of them.
"""

from newssieve.settings import get_settings

_settings = get_settings()

BOT_NAME = "newssieve"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"

# Politeness
USER_AGENT = _settings.effective_user_agent
ROBOTSTXT_OBEY = True
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 4.0
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 4
DOWNLOAD_DELAY = 0.0
COOKIES_ENABLED = False

# Bounds
DOWNLOAD_MAXSIZE = _settings.max_page_bytes
DOWNLOAD_WARNSIZE = max(1, _settings.max_page_bytes // 2)
DOWNLOAD_TIMEOUT = _settings.download_timeout
SITEMAP_MAX_BYTES = 50 * 1024 * 1024  # feeds and sitemaps, compressed or not (the sitemap protocol's limit)
REDIRECT_MAX_TIMES = 5
METAREFRESH_MAXDELAY = 5

# Retries: Scrapy's codes and exceptions, with exponential backoff between tries
RETRY_ENABLED = True
RETRY_TIMES = 2
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
RETRY_BACKOFF_BASE = 1.0
RETRY_BACKOFF_MAX = 30.0

DOWNLOADER_MIDDLEWARES = {
    "scrapy.downloadermiddlewares.offsite.OffsiteMiddleware": None,
    "crawler.middlewares.SiteOffsiteMiddleware": 50,
    "crawler.middlewares.AddressPolicyMiddleware": 55,
    "crawler.middlewares.KnownArticleMiddleware": 60,
    "crawler.middlewares.PageBudgetMiddleware": 70,
    "crawler.middlewares.ConditionalGetMiddleware": 80,
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawler.middlewares.RedirectTargetMiddleware": 610,  # sees responses before RedirectMiddleware (600)
    "crawler.middlewares.BackoffRetryMiddleware": 550,
}
# Only http(s): no file://, ftp://, s3:// or data: downloads, whatever a page or redirect names.
DOWNLOAD_HANDLERS = {"file": None, "ftp": None, "s3": None, "data": None}
# Names resolving to loopback, private, link-local or metadata addresses are refused (SSRF), unless
# the site's entry sets allow_private (crawler.run sets NEWSSIEVE_ALLOW_PRIVATE from it).
TWISTED_DNS_RESOLVER = "crawler.addresses.PublicAddressResolver"
NEWSSIEVE_ALLOW_PRIVATE = False

ITEM_PIPELINES = {"crawler.pipelines.EnqueuePipeline": 300}
EXTENSIONS = {
    "scrapy.extensions.telnet.TelnetConsole": None,
    "scrapy.extensions.remote_control.RemoteControl": None,
    "crawler.extensions.ProgressReporter": 500,
    "crawler.extensions.ErrorsRecorder": 500,
}
# No code-executing HTTP endpoint or telnet console in a crawler.
REMOTE_CONTROL_ENABLED = False
TELNETCONSOLE_ENABLED = False
# Seconds between progress lines on stdout; crawler.run turns them on, `scrapy crawl` leaves them off.
NEWSSIEVE_PROGRESS_INTERVAL = 0

# Scrapy starts this many asyncio tasks for every callback's output; an article callback yields one
# page (plus links), so the default 100 costs more than it buys.
CONCURRENT_ITEMS = 16
# Scrapy checks each response's callback for a generator that returns a value by reading and parsing
# its source (inspect.getsource, ast.parse: ~1.3 ms). Its cache is keyed weakly by the bound method,
# a new object on every request, so the check ran again for most pages: off, 321 -> 423 pages/s in
# alternating crawls (bench/crawl.py's site). tests/test_spider_callbacks.py makes the same check
# of our callbacks once, in the suite.
WARN_ON_GENERATOR_RETURN_VALUE = False

LOG_LEVEL = "INFO"
DEFAULT_DROPITEM_LOG_LEVEL = "DEBUG"
LOGSTATS_INTERVAL = 60.0

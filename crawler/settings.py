"""Scrapy settings of the newsarchive project (project defaults come from crawler.config.defaults)."""

from scrapy.settings import default_settings

from crawler.config.defaults import *  # noqa: F403 (ARCHIVE_*, CRAWL_*, EXTRACT_*, RELEVANCE_* defaults)

BOT_NAME = "newsarchive"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

# Politeness: obey robots.txt, few requests per site at a time, and let AutoThrottle slow down for slow sites.
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 1.0  # per-outlet delays come from the outlet config through DOWNLOAD_SLOTS
DOWNLOAD_DELAY_JITTER = 0.5  # ±50% around each delay
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 60.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
DOWNLOAD_TIMEOUT = 60
DOWNLOAD_MAXSIZE = 32 * 1024 * 1024
# The codings the archive can replay: Scrapy asks for zstd too where backports.zstd is installed, and an outlet behind
# a CDN then sends it, but warcio cannot inflate zstd (nor pywb 2.10), so such a capture replayed as compressed bytes
# (hostile web, round five). Scrapy's own defaults for Accept and Accept-Language, and our Accept-Encoding, which its
# HttpCompressionMiddleware keeps (it only sets the header where none is).
DEFAULT_REQUEST_HEADERS = {
    "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "Accept-Language": "en",
    "Accept-Encoding": "gzip, deflate, br",
}
# Scrapy starts CONCURRENT_ITEMS (default 100) asyncio tasks for every response's output, however little it yields
# (scrapy/scrapy#5182, fix pending in scrapy/scrapy#7959): a quarter of the reactor's CPU in the throughput
# benchmark. An article page yields one item and a feed's requests need no waiting, so 8 loses no parallelism.
CONCURRENT_ITEMS = 8
RETRY_TIMES = 2
COOKIES_ENABLED = False  # an archive records what any visitor is served, not a session
# With no cookie jar, Scrapy's cookie middleware only switches itself off, but its module imports tldextract and with
# it requests, urllib3, charset_normalizer and filelock: 0.09 s of CPU in every crawl process (issue 10). It is left
# out of Scrapy's base list (a None in DOWNLOADER_MIDDLEWARES would still import it: see EXTENSIONS_BASE below), and
# crawler.config.checks.SettingsCheck puts it back, at Scrapy's order, for a crawl run with -s COOKIES_ENABLED=True.
DOWNLOADER_MIDDLEWARES_BASE = {path: order for path, order in default_settings.DOWNLOADER_MIDDLEWARES_BASE.items()
                               if path != "scrapy.downloadermiddlewares.cookies.CookiesMiddleware"}
TELNETCONSOLE_ENABLED = False
# No proxy from the environment (hostile web, round thirteen): Scrapy's HttpProxyMiddleware sends every request to an
# ``http_proxy``/``https_proxy``/``all_proxy`` it finds there, and the proxy, not the crawl, then resolves and
# connects to what a page names, past the address guard (crawler/resolver.py checks the proxy's address only).
# ``-s HTTPPROXY_ENABLED=1`` takes them again, and leaves that check to the proxy.
HTTPPROXY_ENABLED = False
REDIRECT_MAX_TIMES = 10
# an old article URL that redirects to one fetched already still reaches the spider (settled, kept as an alias)
DUPEFILTER_CLASS = "crawler.middlewares.dupefilter.RedirectAwareDupeFilter"

DOWNLOADER_MIDDLEWARES = {
    # Refuses private addresses, over-long URLs and outlets over budget before robots.txt (100) is asked.
    "crawler.netguard.RequestGuardMiddleware": 50,
    # RFC 9309: robots.txt answering 5xx or unreachable disallows the site for the crawl; 500 KiB read.
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "crawler.netguard.RobotsGuardMiddleware": 100,
    # Sees a 3xx before RedirectMiddleware (600) and a 429/503 before RetryMiddleware (550).
    "crawler.netguard.ResponseGuardMiddleware": 700,
    # A cookie a redirect sets goes with the rest of its chain only (a consent gate); reads a 3xx before 700.
    "crawler.middlewares.cookies.ChainCookiesMiddleware": 750,
    # Scrapy's meta-refresh redirects read from the page's head, not a decoded copy of the whole page (issue 10).
    "scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware": None,
    "crawler.middlewares.refresh.HeadMetaRefreshMiddleware": 580,
    # A PDF, image or archive served as text/html is refused as not-html; below HttpCompressionMiddleware (590).
    "crawler.middlewares.bodies.BinaryBodyMiddleware": 585,
    # A charset label that is a Python codec but no web encoding (zlib, punycode) is dropped before the text is read.
    "crawler.middlewares.bodies.CharsetLabelMiddleware": 587,
    # Runs nearest the network: sees the request as sent and the response before redirect handling
    # and decompression (HttpCompressionMiddleware, 590), so the WARC holds what came over the wire.
    "crawler.middlewares.capture.WarcCaptureMiddleware": 950,
}
# Safety (README "Limits and safety"): every address connected to is checked in the resolver; only HTTP(S).
TWISTED_DNS_RESOLVER = "crawler.resolver.GuardedResolver"
DOWNLOAD_HANDLERS = {"file": None, "data": None, "ftp": None, "s3": None,
                     # keeps an outlet's connections open at its concurrency (issue 10)
                     "http": "crawler.middlewares.handler.PooledHTTPDownloadHandler",
                     "https": "crawler.middlewares.handler.PooledHTTPDownloadHandler"}
URLLENGTH_LIMIT = 0  # Scrapy's spider middleware drops long URLs with only a log line: RequestGuardMiddleware
# refuses them (CRAWL_URL_MAX_LENGTH) and the refusal is recorded
ITEM_PIPELINES = {
    "crawler.pipelines.ArticlePipeline": 300,
}
# Scrapy 2.19's remote control (an HTTP server that runs code sent to it, as the telnet console, off above, did) is
# left out of Scrapy's own list rather than switched off in EXTENSIONS: Scrapy (since 2.17) loads every key of
# EXTENSIONS with load_object, a None one too (get_component_priority_dict_with_base; scrapy/scrapy#8005), so
# `RemoteControl: None` still imported aiohttp, 0.2-0.3 s of CPU and 10 MB in every crawl process (issue 10).
# tests/test_crawl_startup.py checks that a crawl never imports it.
EXTENSIONS_BASE = {path: order for path, order in default_settings.EXTENSIONS_BASE.items()
                   if path != "scrapy.extensions.remote_control.RemoteControl"}
EXTENSIONS = {
    # Owns the crawl's session (catalogue, WARC writer, counts). Extensions are built before the engine, so the
    # middlewares and the pipeline find it in from_crawler; an extension that needs it takes an order above 100.
    "crawler.extensions.ArchiveSessionOwner": 100,
    # One Ctrl-C or SIGTERM sends none of the requests still waiting in a download slot; their URLs stay pending
    # (README "Stopping a crawl"; Scrapy 2.19 has no public way, see the module's docstring).
    "crawler.fetch.prompt_stop.PromptStop": 500,
    # AutoThrottle, which never lowers a slot's delay below its robots.txt Crawl-delay (CRAWL_ROBOTS_DELAY_MAX)
    "scrapy.extensions.throttle.AutoThrottle": None,
    "crawler.middlewares.throttle.RobotsAwareAutoThrottle": 0,
}

# Every crawl's settings checked as Scrapy builds its crawler process, `scrapy crawl outlets -s ...` included (README
# "Settings"; before stop 38 only the newsarchive commands checked them): crawler/config/checks.py SettingsCheck.
ADDONS = {"crawler.config.checks.SettingsCheck": 0}

TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
FEED_EXPORT_ENCODING = "utf-8"
LOG_LEVEL = "INFO"

"""Every project setting's default, in one place (documented in the README; a test checks that)."""

from __future__ import annotations

# Where things are
ARCHIVE_DATA_DIR = "data"  # catalogue.db, warc/, text/
ARCHIVE_SEEDS = "seeds"  # a TOML file or a folder of them
ARCHIVE_OUTLETS: list[str] = []  # names of the outlets to crawl; empty = all configured
ARCHIVE_TRIGGER = "cli"  # what started the crawl: cli, schedule, manual, demo

# WARC files
ARCHIVE_WARC_PREFIX = "NEWSARCHIVE"
ARCHIVE_WARC_MAX_SIZE = 1_000_000_000  # bytes; a file is closed and a new one begun past this
ARCHIVE_WARC_FSYNC = True  # fsync each WARC file before it is renamed from .open

# The writer (crawler/capture/process.py, child.py, writer.py): group commits, off the reactor thread
ARCHIVE_WRITER = "process"  # "process": a writer process of its own; "thread": a thread in the crawl process
ARCHIVE_COMMIT_EVERY = 1000  # write operations per batch at most: one WARC fsync and one catalogue transaction each
# seconds a batch waits to fill at most (how long a capture may wait for its commit: a few hundred milliseconds, so
# the catalogue an operator reads is that fresh; a back-fill waits CRAWL_BACKFILL_COMMIT_INTERVAL). Bigger batches
# rewrite the catalogue's shared pages (indexes with random keys, search segments, mentions' runs) into the WAL fewer
# times per page: 0.5 s wrote 147 KB/page where 0.2 s wrote 166 KB (600 pages)
ARCHIVE_COMMIT_INTERVAL = 0.5
# pages (captures, article results) queued for the writer at most; then fetching waits. It bounds a batch too. The
# writer process keeps a waiting capture as its gzipped WARC records (~12 KB), not its page (~100 KB:
# crawler/capture/child.py compact), so 768 hold about what 256 pages held before; ARCHIVE_WRITER = "thread" and a
# scale-out worker keep the pages themselves
ARCHIVE_WRITE_QUEUE = 768

# One article, one row (archive/catalogue/aliases.py): redirects, canonical links, default documents, session parameters,
# same body; False stores each canonical URL as its own row, as before (`newsarchive dedupe` merges them later)
ARCHIVE_ALIASES = True

# Faults
ARCHIVE_BUSY_TIMEOUT = 30.0  # seconds a catalogue write waits for another program's lock; then: catalogue-locked
ARCHIVE_DISK_RESERVE = 8_000_000  # bytes held in DATA/.disk-reserve, freed on a full disk to stop cleanly
ARCHIVE_LOG_KEEP = 200  # crawl logs kept in DATA/logs/ by the scheduler (older ones are deleted)
ARCHIVE_WATCH_BACKOFF = "1d:1h,7d:1d,30d:7d"  # re-check plan of new articles (the scheduler passes its --backoff)

# Politeness and identity
CRAWL_CONTACT_URL = ""  # put in the User-Agent; operators should set it to a page that says who runs the crawl
CRAWL_USER_AGENT = "newsarchive/{version} (+{contact}; news archive for research)"
CRAWL_SITEMAP_MAX_URLS = 5000  # new article URLs taken from one sitemap or feed file at most (sitemaps can list decades)
CRAWL_PAGE_MAX_LINKS = 5000  # new article URLs (and as many listing pages) taken from one listing page at most
# known articles a crawl fetches again (conditionally) per outlet because a sitemap <lastmod> or a feed's <updated>
# says they changed after their latest capture; 0: never. Bounds an outlet that marks every URL changed every hour
CRAWL_LASTMOD_RECHECKS = 100

# A back-fill (`newsarchive crawl --backfill`; crawler/fetch/backfill.py): AutoThrottle off, each outlet's delay cut
# to CRAWL_BACKFILL_DELAY and its concurrency raised to CRAWL_BACKFILL_CONCURRENCY, CONCURRENT_REQUESTS their sum,
# EXTRACT_WORKERS all cores; robots.txt still obeyed
CRAWL_BACKFILL = False
CRAWL_BACKFILL_DELAY = 0.25  # seconds between requests to one outlet during a back-fill (at most)
CRAWL_BACKFILL_CONCURRENCY = 8  # requests at once to one outlet during a back-fill (at least)
# ARCHIVE_COMMIT_INTERVAL during a back-fill, which values bytes and throughput over a catalogue fresh to the second:
# over 20,000 pages 2 s (with 1,000 operations and 768 pages a batch at most) wrote 115.6-120.4 KB/page, 2.7-2.8x what
# is left, where 0.5 s wrote 133.8-134.0, 3.1x (issue 10, benchmarks/results/throughput-rss.md). A batch is what
# arrives while the previous one is stored plus this wait; 3 s wrote no fewer bytes (118.0 KB/page) and the writer
# held 10 MB more
CRAWL_BACKFILL_COMMIT_INTERVAL = 2.0

# Limits and safety (README "Limits and safety"); DOWNLOAD_MAXSIZE, DOWNLOAD_TIMEOUT, REDIRECT_MAX_TIMES are Scrapy's
ARCHIVE_ALLOW_PRIVATE = False  # fetch loopback/private/link-local addresses (outlets' own private hosts always are)
CRAWL_URL_MAX_LENGTH = 2083  # characters; longer URLs are refused (url-too-long)
CRAWL_SITEMAP_MAX_DEPTH = 4  # sitemap indexes nested deeper are not followed (sitemap-depth)
CRAWL_SITEMAP_MAX_FETCHES = 500  # sitemap files per outlet per crawl (sitemap-limit)
# a child of a sitemap index that an earlier crawl read whole is not fetched while its index <lastmod> is unchanged
# (newsarchive/discovery/sitemap-unchanged; a back-fill reads everything again)
CRAWL_SITEMAP_SKIP_UNCHANGED = True
CRAWL_OUTLET_MAX_PAGES = 50_000  # responses per outlet per crawl (outlet-limit)
CRAWL_OUTLET_MAX_BYTES = 4 * 1024**3  # bytes received per outlet per crawl (outlet-limit)
CRAWL_ROBOTS_MAX_SIZE = 500 * 1024  # bytes of robots.txt read (RFC 9309 2.5: at least 500 KiB)
CRAWL_RETRY_AFTER_MAX = 300.0  # seconds; the longest pause a Retry-After header can impose on a site
# seconds; the longest robots.txt Crawl-delay honoured (crawler/fetch/crawl_delay.py); 0: not read. A longer one is
# capped here. 60 s is AUTOTHROTTLE_MAX_DELAY, the slowest pace the crawl takes on its own, and still 1,440 requests
# a day: an outlet's daily articles (tens to a few hundred) and their listings. Heritrix's 300 s would give 288, less
# than a busy outlet publishes, so the archive would fall behind for good where the site only asked us to be slow
CRAWL_ROBOTS_DELAY_MAX = 60.0

# Several machines (README "Running on several machines"; only with --redis)
CRAWL_REDIS_URL = ""  # set by `--redis`: the Redis every worker and the coordinator use
CRAWL_WORKER_NAME = ""  # set by `newsarchive worker --name`: WARC files are named <ARCHIVE_WARC_PREFIX>-<name>-...
CRAWL_LEASE_TIMEOUT = 120.0  # seconds an outlet stays with a silent (dead) worker before another takes it over
CRAWL_WORKER_CRAWL = ""  # set by a worker for its child crawl: the coordinator's crawl id (uid)
CRAWL_WORKER_CRAWL_ID = 0  # set by a worker for its child crawl: the coordinator's crawls row id

# Extraction and relevance
EXTRACT_WORKERS = 2  # processes in the extraction pool
# seconds one page's extraction and judgement may take before it is given up (recorded as extract-timeout, its
# capture kept): a hostile page (a pathological pattern for some regex) must not hold a worker, and the crawl, for hours
EXTRACT_TIMEOUT = 60.0
RELEVANCE_LEXICON = "seeds/lexicon.toml"

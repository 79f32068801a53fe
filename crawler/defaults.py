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

# Politeness and identity
CRAWL_CONTACT_URL = ""  # put in the User-Agent; operators should set it to a page that says who runs the crawl
CRAWL_USER_AGENT = "newsarchive/{version} (+{contact}; news archive for research)"
CRAWL_SITEMAP_MAX_URLS = 5000  # article URLs taken from one sitemap file at most (sitemaps can list decades)

# Extraction and relevance
EXTRACT_WORKERS = 2  # processes in the extraction pool
RELEVANCE_LEXICON = "seeds/lexicon.toml"

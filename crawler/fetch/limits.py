"""A crawl's limits read once from settings, refusal reasons, and Retry-After parsing (no scrapy imports)."""

from __future__ import annotations

import hashlib
import logging
import math
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any

from archive.errors import ConfigError
from crawler.config import defaults

logger = logging.getLogger(__name__)

# Refusals that may clear up by the next crawl: the frontier keeps the URL pending for a few attempts (a 206 to a
# request for the whole page: a cache's stored range, until it is purged).
TRANSIENT_REASONS = frozenset({"fetch-error", "timeout", "robots-unavailable", "http-429", "http-206"})
# A page a bot-protection layer served in place of the article (a 200 challenge: crawler/extraction/challenge.py) is
# the same: the layer lets a later visit through, so the URL is tried again by the next crawls, never settled "done".
TRANSIENT_PAGE_REASONS = frozenset({"challenge-page"})
# Refusals for this crawl's own budget: the URL stays pending without using up an attempt.
BUDGET_REASONS = frozenset({"outlet-limit"})


_SETTING = {"url_max_length": "CRAWL_URL_MAX_LENGTH", "sitemap_max_fetches": "CRAWL_SITEMAP_MAX_FETCHES",
            "outlet_max_pages": "CRAWL_OUTLET_MAX_PAGES", "outlet_max_bytes": "CRAWL_OUTLET_MAX_BYTES",
            "robots_max_size": "CRAWL_ROBOTS_MAX_SIZE"}


# The form a URL past CRAWL_URL_MAX_LENGTH is stored in (frontier and failures rows): its first characters, then
# this marker with its full length and a digest of it, so no row grows with an attacker's URL (a 100 KB link was
# stored whole, twice), two long URLs that share their first characters stay two rows, and the URL stays findable
# (by its start, ``url like 'http://host/path%'``, or the marker). The space makes it no URL a crawl could fetch.
_CUT_MARK = re.compile(r" \[cut: url-too-long, [0-9]+ characters, sha256 [0-9a-f]{16}\]\Z")


def bounded_url(url: str, max_length: int) -> str:
    """``url`` as a catalogue row stores it: whole up to ``max_length`` characters; longer, its first ``max_length``
    (not ending inside a %-escape) and a marker naming its full length and digest. Already cut: as it is."""
    if len(url) <= max_length:
        return url
    marker = _CUT_MARK.search(url)
    if marker is not None and marker.start() <= max_length:
        return url
    cut = max_length
    if "%" in url[max(cut - 2, 0):cut]:  # "...%2" would read back as a different, stray escape
        cut = url.rindex("%", max(cut - 2, 0), cut)
    digest = hashlib.sha256(url.encode("utf-8", "surrogatepass")).hexdigest()[:16]
    return f"{url[:cut]} [cut: url-too-long, {len(url)} characters, sha256 {digest}]"


def is_transient(reason: str) -> bool:
    """True when a URL refused for ``reason`` should be tried again by a later crawl."""
    return reason in TRANSIENT_REASONS or reason.startswith("http-5")


@dataclass(frozen=True)
class Limits:
    """The bounds and safety options of one crawl (README "Limits and safety")."""

    allow_private: bool
    url_max_length: int
    sitemap_max_depth: int
    sitemap_max_fetches: int
    outlet_max_pages: int
    outlet_max_bytes: int
    robots_max_size: int
    retry_after_max: float
    robots_delay_max: float
    max_size: int
    redirect_max: int
    sitemap_skip_unchanged: bool = True  # children of an index read whole before, lastmod unchanged: not fetched

    @classmethod
    def from_settings(cls, settings: Any) -> Limits:
        """Build from Scrapy ``Settings`` (or a dict), filling gaps from crawler.config.defaults; refuse nonsense."""

        def get(name: str, fallback: Any = None) -> Any:
            value = settings.get(name) if hasattr(settings, "get") else None
            return getattr(defaults, name, fallback) if value is None else value

        limits = cls._build(get, _flag(get("ARCHIVE_ALLOW_PRIVATE")))
        for name in ("url_max_length", "sitemap_max_fetches", "outlet_max_pages", "outlet_max_bytes",
                     "robots_max_size"):
            if getattr(limits, name) <= 0:
                raise ConfigError("settings", f"must be a positive number, not {getattr(limits, name)}",
                                  key=_SETTING[name])
        if limits.sitemap_max_depth < 0 or limits.retry_after_max < 0:
            raise ConfigError("settings", "CRAWL_SITEMAP_MAX_DEPTH and CRAWL_RETRY_AFTER_MAX cannot be negative")
        if not (math.isfinite(limits.robots_delay_max) and limits.robots_delay_max >= 0):
            raise ConfigError("settings", f"{limits.robots_delay_max} is no bound in seconds; pass -s "
                              f"CRAWL_ROBOTS_DELAY_MAX=60 (the longest robots.txt Crawl-delay honoured) or 0 (not "
                              f"read)", key="CRAWL_ROBOTS_DELAY_MAX")
        return limits

    @classmethod
    def _build(cls, get: Any, allow: Any) -> Limits:
        def number(kind: Any, name: str, fallback: Any = None) -> Any:
            value = get(name, fallback)
            try:
                return kind(value)
            except (TypeError, ValueError):
                raise ConfigError("settings", f"{value!r} is not a number; pass -s {name}=<number> "
                                  "(see README \"Limits and safety\")", key=name) from None

        return cls(
            allow_private=bool(allow), url_max_length=number(int, "CRAWL_URL_MAX_LENGTH"),
            sitemap_max_depth=number(int, "CRAWL_SITEMAP_MAX_DEPTH"),
            sitemap_max_fetches=number(int, "CRAWL_SITEMAP_MAX_FETCHES"),
            outlet_max_pages=number(int, "CRAWL_OUTLET_MAX_PAGES"),
            outlet_max_bytes=number(int, "CRAWL_OUTLET_MAX_BYTES"),
            robots_max_size=number(int, "CRAWL_ROBOTS_MAX_SIZE"),
            retry_after_max=number(float, "CRAWL_RETRY_AFTER_MAX"),
            robots_delay_max=number(float, "CRAWL_ROBOTS_DELAY_MAX"),
            max_size=number(int, "DOWNLOAD_MAXSIZE", 32 * 1024 * 1024),
            redirect_max=number(int, "REDIRECT_MAX_TIMES", 10),
            sitemap_skip_unchanged=_flag(get("CRAWL_SITEMAP_SKIP_UNCHANGED")),
        )


def _flag(value: Any) -> bool:
    """A yes/no setting: a string is no when it is ``0``, ``false``, ``no``, ``off`` or empty (``-s NAME=0``)."""
    if isinstance(value, str):
        return value.strip().lower() not in ("0", "false", "no", "off", "")
    return bool(value)


def http_date(text: str) -> datetime | None:
    """An HTTP-date (RFC 9110 5.6.7; also the older forms RFC 6265's ``Expires`` meets) as an aware datetime (UTC when
    it names no zone), or None when it is no date."""
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def from_the_future(last_modified: str, fetched_at: str) -> bool:
    """Whether a ``Last-Modified`` names a time past its capture's own (``fetched_at``, ISO 8601) by over a day of
    clock skew, which RFC 9110 8.8.2.1 forbids a server to send. Asked back as ``If-Modified-Since`` (``Fri, 31 Dec
    9999``), every later change compares as older and is answered 304: no edit of the page is archived again."""
    when = http_date(last_modified)
    try:
        fetched = datetime.fromisoformat(fetched_at)
    except (TypeError, ValueError):  # no time to compare with: asked back, as before
        return False
    return when is not None and when > (fetched if fetched.tzinfo else fetched.replace(tzinfo=UTC)) + timedelta(1)


def parse_retry_after(value: str | bytes | None, now: datetime | None = None) -> float | None:
    """Seconds a ``Retry-After`` header asks to wait (delta-seconds or HTTP-date, RFC 9110 10.2.3), or None."""
    if value is None:
        return None
    text = (value.decode("latin-1") if isinstance(value, bytes) else value).strip()
    if not text:
        return None
    if text.isascii() and text.isdigit():  # "²" is a digit to str.isdigit(), and int() refuses it (ValueError)
        # float() of the digits, not of int(): 309 digits overflow a float (OverflowError) and 4,301 pass Python's
        # int-string limit (ValueError), each raised in the back-off's signal handler; float() reads them as inf
        return float(text)
    when = http_date(text)
    if when is None:
        logger.debug("unreadable Retry-After %r", text)
        return None
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())

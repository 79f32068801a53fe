"""A crawl's limits read once from settings, refusal reasons, and Retry-After parsing (no scrapy imports)."""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

from archive.errors import ConfigError
from crawler.config import defaults

logger = logging.getLogger(__name__)

# Refusals that may clear up by the next crawl: the frontier keeps the URL pending for a few attempts.
TRANSIENT_REASONS = frozenset({"fetch-error", "timeout", "robots-unavailable", "http-429"})
# Refusals for this crawl's own budget: the URL stays pending without using up an attempt.
BUDGET_REASONS = frozenset({"outlet-limit"})


_SETTING = {"url_max_length": "CRAWL_URL_MAX_LENGTH", "sitemap_max_fetches": "CRAWL_SITEMAP_MAX_FETCHES",
            "outlet_max_pages": "CRAWL_OUTLET_MAX_PAGES", "outlet_max_bytes": "CRAWL_OUTLET_MAX_BYTES",
            "robots_max_size": "CRAWL_ROBOTS_MAX_SIZE"}


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


def parse_retry_after(value: str | bytes | None, now: datetime | None = None) -> float | None:
    """Seconds a ``Retry-After`` header asks to wait (delta-seconds or HTTP-date, RFC 9110 10.2.3), or None."""
    if value is None:
        return None
    text = (value.decode("latin-1") if isinstance(value, bytes) else value).strip()
    if not text:
        return None
    if text.isdigit():
        return float(int(text))
    when = http_date(text)
    if when is None:
        logger.debug("unreadable Retry-After %r", text)
        return None
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())

"""The settings one crawl runs with, read once from Scrapy settings into a frozen dataclass (no scrapy imports)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from archive.corpus import history
from archive.errors import ConfigError
from archive.warc.writer import software_version
from crawler.config import defaults
from crawler.config.bundled import bundled


@dataclass(frozen=True)
class ArchiveConfig:
    """The project settings one crawl runs with, read once from Scrapy settings (or any mapping)."""

    data_dir: Path
    seeds: Path
    outlets: tuple[str, ...]
    trigger: str
    warc_prefix: str
    warc_max_size: int
    warc_fsync: bool
    contact_url: str
    user_agent: str
    sitemap_max_urls: int
    extract_workers: int
    lexicon: Path
    extract_timeout: float = 60.0  # EXTRACT_TIMEOUT
    busy_timeout: float = 30.0
    disk_reserve: int = 0
    watch_backoff: str = history.DEFAULT_BACKOFF_SPEC
    aliases: bool = True
    commit_every: int = 1000
    commit_interval: float = 0.5
    write_queue: int = 768
    page_max_links: int = 5000  # CRAWL_PAGE_MAX_LINKS
    lastmod_rechecks: int = 100  # CRAWL_LASTMOD_RECHECKS: known articles fetched again per outlet and crawl, at most
    url_max_length: int = 2083  # CRAWL_URL_MAX_LENGTH: longer URLs are stored cut (crawler.fetch.limits.bounded_url)
    writer: str = "process"  # ARCHIVE_WRITER: "process" (crawler.capture.process) or "thread" (crawler.capture.writer)

    @classmethod
    def from_settings(cls, settings: Any) -> ArchiveConfig:
        """Build from Scrapy ``Settings`` (or a dict), filling gaps from crawler.config.defaults."""

        def get(name: str) -> Any:
            value = settings.get(name) if hasattr(settings, "get") else None
            return getattr(defaults, name) if value is None else value

        outlets = get("ARCHIVE_OUTLETS")
        if isinstance(outlets, str):
            outlets = [o for o in outlets.split(",") if o]
        seeds = Path(get("ARCHIVE_SEEDS"))
        lexicon = bundled(Path(get("RELEVANCE_LEXICON")))  # the current folder's seeds/, else the package's
        contact = str(get("CRAWL_CONTACT_URL") or "")
        user_agent = str(get("CRAWL_USER_AGENT")).format(
            version=software_version(), contact=contact or "contact URL not configured")
        return cls(
            data_dir=Path(get("ARCHIVE_DATA_DIR")), seeds=seeds, outlets=tuple(outlets),
            trigger=str(get("ARCHIVE_TRIGGER")), warc_prefix=str(get("ARCHIVE_WARC_PREFIX")),
            warc_max_size=_number(int, "ARCHIVE_WARC_MAX_SIZE", get), warc_fsync=_bool(get("ARCHIVE_WARC_FSYNC")),
            contact_url=contact, user_agent=user_agent,
            sitemap_max_urls=_number(int, "CRAWL_SITEMAP_MAX_URLS", get),
            extract_workers=_number(int, "EXTRACT_WORKERS", get), lexicon=lexicon,
            extract_timeout=_number(float, "EXTRACT_TIMEOUT", get),
            busy_timeout=_number(float, "ARCHIVE_BUSY_TIMEOUT", get),
            disk_reserve=_number(int, "ARCHIVE_DISK_RESERVE", get),
            watch_backoff=_backoff(str(get("ARCHIVE_WATCH_BACKOFF"))),
            aliases=_bool(get("ARCHIVE_ALIASES")),
            commit_every=max(1, _number(int, "ARCHIVE_COMMIT_EVERY", get)),
            commit_interval=_number(float, "ARCHIVE_COMMIT_INTERVAL", get),
            write_queue=max(1, _number(int, "ARCHIVE_WRITE_QUEUE", get)),
            writer=_choice("ARCHIVE_WRITER", get, WRITERS),
            page_max_links=_number(int, "CRAWL_PAGE_MAX_LINKS", get),
            lastmod_rechecks=_number(int, "CRAWL_LASTMOD_RECHECKS", get),
            url_max_length=_number(int, "CRAWL_URL_MAX_LENGTH", get),
        )


def _number(kind: Callable[[Any], Any], name: str, get: Callable[[str], Any]) -> Any:
    """Setting ``name`` as an int or float, or a ConfigError that names it and the fix."""
    value = get(name)
    try:
        number = kind(value)
    except (TypeError, ValueError):
        number = None
    if number is None or number < 0:
        raise ConfigError("settings", f"{value!r} is not a {'whole ' if kind is int else ''}number of 0 or more; "
                          f"pass -s {name}=<number>", key=name)
    return number


WRITERS = ("process", "thread")


def _choice(name: str, get: Callable[[str], Any], choices: tuple[str, ...]) -> str:
    """Setting ``name`` as one of ``choices``, or a ConfigError that names them."""
    value = str(get(name)).strip().lower()
    if value not in choices:
        raise ConfigError("settings", f"{value!r} is not one of {', '.join(choices)}; pass -s {name}={choices[0]}",
                          key=name)
    return value


def _backoff(spec: str) -> str:
    try:
        history.parse_backoff(spec)
    except ValueError as exc:
        raise ConfigError("settings", f"{exc}", key="ARCHIVE_WATCH_BACKOFF") from None
    return spec


def _bool(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() not in ("0", "false", "no", "off", "")
    return bool(value)

"""Checks the outlet files and the command line share: one URL, and every ``-s`` value before a crawl starts.

A black-box probe (stop 37) found values that passed the old checks and failed once the crawl ran: a feed on port
99999 ended the start requests of every outlet, ``download_delay = inf`` hung the crawl, ``-s EXTRACT_WORKERS=0``,
``ARCHIVE_WARC_MAX_SIZE=0``, ``ARCHIVE_WARC_PREFIX=a/b`` and ``CRAWL_USER_AGENT="bot {nope}"`` wrote a crawl row and
then a traceback. Each is refused here, before anything is fetched, with the key and the fix.
"""

from __future__ import annotations

import math
import re
import string
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from archive.errors import ConfigError, ConfigErrors, NewsArchiveError

# The longest wait between two requests of one site that a setting or an outlet may ask: an hour. Past it a crawl of
# a few pages lasts days and looks hung (``download_delay = inf`` held one for ever, deaf to one Ctrl-C).
MAX_DELAY = 3600.0
MAX_TIMEOUT = 86400.0  # a day: the longest timeout (a download, an extraction, a lock) that is still a timeout
_SPACE = re.compile(r"[\s\x00-\x1f\x7f]")
SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,99}")  # a part of a file name (WARC prefix, worker name)


def url_problem(url: object) -> str | None:
    """Why ``url`` cannot be fetched as an outlet's page (no http(s) scheme, no host, a port out of 1-65535, white
    space), or None. Parsed with urllib, whose ``port`` raises ValueError past 65535 (canonicalisation and Scrapy's
    ``Request`` read it the same way, mid-crawl)."""
    if not isinstance(url, str) or not url:
        return "an empty URL"
    if _SPACE.search(url):
        return "it holds white space or a control character (write a space as %20)"
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:  # "Port out of range 0-65535", "Invalid IPv6 URL", a port that is no number
        return f"it is no URL ({exc})"
    if parts.scheme.lower() not in ("http", "https"):
        return "only http:// and https:// URLs are fetched" if parts.scheme else "it has no http:// or https://"
    if not parts.hostname:
        return "it names no host"
    if port == 0:
        return "port 0 is no port (1-65535)"
    return None


# Numbers: (whole, lowest allowed, highest allowed, why the highest). ABOVE_0 as the lowest: more than 0. Every value
# must be finite besides: "inf" and "nan" parse as floats, and hang or break the crawl.
ABOVE_0 = math.nextafter(0.0, 1.0)
_NUMBERS: dict[str, tuple[bool, float, float | None, str]] = {
    "ARCHIVE_WARC_MAX_SIZE": (True, 1_000_000, None, ""),  # smaller: a file per record or two
    "ARCHIVE_COMMIT_EVERY": (True, 1, None, ""),
    "ARCHIVE_COMMIT_INTERVAL": (False, 0, 3600, "a page would wait that long for its row"),
    "ARCHIVE_WRITE_QUEUE": (True, 1, None, ""),
    "ARCHIVE_BUSY_TIMEOUT": (False, 0, MAX_TIMEOUT, "a locked catalogue would hold the crawl for days"),
    "ARCHIVE_DISK_RESERVE": (True, 0, None, ""),
    "ARCHIVE_LOG_KEEP": (True, 1, None, ""),
    "CRAWL_SITEMAP_MAX_URLS": (True, 1, None, ""),
    "CRAWL_PAGE_MAX_LINKS": (True, 1, None, ""),
    "CRAWL_LASTMOD_RECHECKS": (True, 0, None, ""),
    "CRAWL_BACKFILL_DELAY": (False, 0, MAX_DELAY, "a longer wait between two requests would hang the crawl"),
    "CRAWL_BACKFILL_CONCURRENCY": (True, 1, None, ""),
    "CRAWL_BACKFILL_COMMIT_INTERVAL": (False, 0, 3600, "a page would wait that long for its row"),
    "CRAWL_URL_MAX_LENGTH": (True, 1, None, ""),
    "CRAWL_SITEMAP_MAX_DEPTH": (True, 0, None, ""),
    "CRAWL_SITEMAP_MAX_FETCHES": (True, 1, None, ""),
    "CRAWL_OUTLET_MAX_PAGES": (True, 1, None, ""),
    "CRAWL_OUTLET_MAX_BYTES": (True, 1, None, ""),
    "CRAWL_ROBOTS_MAX_SIZE": (True, 1, None, ""),
    "CRAWL_RETRY_AFTER_MAX": (False, 0, MAX_DELAY, "one Retry-After could hold a site for longer and hang the "
                              "crawl"),
    "CRAWL_ROBOTS_DELAY_MAX": (False, 0, MAX_DELAY, "one robots.txt could hold a site for longer and hang the "
                               "crawl"),
    "CRAWL_LEASE_TIMEOUT": (False, ABOVE_0, MAX_TIMEOUT, "a dead worker's outlets would wait that long"),
    "CRAWL_WORKER_CRAWL_ID": (True, 0, None, ""),
    "EXTRACT_WORKERS": (True, 1, 256, "each is a process of its own"),
    "EXTRACT_TIMEOUT": (False, 0, MAX_TIMEOUT, "a hostile page could hold a worker that long (0: no limit)"),
    # Scrapy's own, as crawler/settings.py sets them or a user tunes them
    "DOWNLOAD_DELAY": (False, 0, MAX_DELAY, "a longer wait between two requests would hang the crawl"),
    "AUTOTHROTTLE_START_DELAY": (False, 0, MAX_DELAY, "a longer wait between two requests would hang the crawl"),
    "AUTOTHROTTLE_MAX_DELAY": (False, 0, MAX_DELAY, "a longer wait between two requests would hang the crawl"),
    "AUTOTHROTTLE_TARGET_CONCURRENCY": (False, ABOVE_0, None, ""),
    "DOWNLOAD_TIMEOUT": (False, ABOVE_0, MAX_TIMEOUT, "a stalled server would hold its request that long"),
    "CONCURRENT_REQUESTS": (True, 1, None, ""),
    "CONCURRENT_REQUESTS_PER_DOMAIN": (True, 1, None, ""),
    "CONCURRENT_ITEMS": (True, 1, None, ""),
    "RETRY_TIMES": (True, 0, None, ""),
    "REDIRECT_MAX_TIMES": (True, 0, None, ""),
    "DOWNLOAD_MAXSIZE": (True, 0, None, ""),
    "CLOSESPIDER_PAGECOUNT": (True, 0, None, ""),
    "CLOSESPIDER_ITEMCOUNT": (True, 0, None, ""),
    "CLOSESPIDER_ERRORCOUNT": (True, 0, None, ""),
}
# Yes/no settings this project reads itself (``_bool``/``_flag``: any word); Scrapy's getbool takes fewer words
_OWN_FLAGS = {"ARCHIVE_WARC_FSYNC", "ARCHIVE_ALIASES", "ARCHIVE_ALLOW_PRIVATE", "CRAWL_BACKFILL",
              "CRAWL_SITEMAP_SKIP_UNCHANGED"}
_WORDS = {"1": True, "0": False, "true": True, "false": False, "yes": True, "no": False, "on": True, "off": False}
LOG_LEVELS = ("CRITICAL", "ERROR", "WARNING", "INFO", "DEBUG")
_AGENT_FIELDS = ("version", "contact")


def zone_problem(name: str) -> str | None:
    """Why ``name`` is no time zone the standard library's zoneinfo knows (an outlet's ``timezone``), or None."""
    try:
        ZoneInfo(name)
        return None
    except (ZoneInfoNotFoundError, ValueError) as exc:  # ValueError: a path ("../x", "/etc/x") is no zone key
        reason = "no such zone" if isinstance(exc, ZoneInfoNotFoundError) else "not a zone key"
        return (f"{name!r} is no time zone ({reason}): write an IANA zone name, e.g. timezone = \"Africa/Tripoli\" "
                "(the zone the outlet's pages print their times in), or leave the key out")


def _number(key: str, value: Any, default: Any) -> str | None:
    """Why ``value`` is no good for the numeric setting ``key``, or None."""
    whole, low, high, why = _NUMBERS.get(key, (isinstance(default, int), -math.inf, None, ""))
    try:
        number = float(value)
    except (TypeError, ValueError):
        return f"{value!r} is not a number; pass -s {key}=<number>{_was(default)}"
    if not math.isfinite(number):
        return f"{value!r} is not a finite number; pass -s {key}=<number>{_was(default)}"
    if whole and key in _NUMBERS and number != int(number):
        return f"{value!r} is not a whole number; pass -s {key}=<whole number>{_was(default)}"
    if low == ABOVE_0 and number < low:
        return f"{value!r} must be more than 0; pass -s {key}=<number above 0>{_was(default)}"
    if number < low or (high is not None and number > high):
        kind = "a whole number" if whole else "a number"
        allowed = f"{_g(low)} or more" if high is None else f"from {_g(low)} to {_g(high)}"
        reason = f" ({why})" if why and high is not None and number > high else ""
        return f"{value!r} is out of range: {kind} {allowed} is allowed{reason}; pass -s {key}=<number>{_was(default)}"
    return None


def _g(number: float) -> str:
    return str(int(number)) if number == int(number) else str(number)


def _was(default: Any) -> str:
    return "" if default is None else f" (the default is {default!r})"


def _non_finite(value: Any) -> bool:
    try:
        return not math.isfinite(float(value))
    except (TypeError, ValueError):
        return False


def _flag(key: str, value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, str):
        return None
    text = value.strip()
    ok = text.lower() in _WORDS if key in _OWN_FLAGS else (text in ("True", "true", "False", "false")
                                                          or text.lstrip("-").isdigit())
    if ok:
        return None
    words = "true/false, yes/no, on/off or 1/0" if key in _OWN_FLAGS else "true/false or 1/0"
    return f"{value!r} is not yes or no: write {words}, e.g. -s {key}=true"


def _user_agent(value: str) -> str | None:
    try:
        names = [name for _, name, _, _ in string.Formatter().parse(value) if name is not None]
    except ValueError as exc:  # "Single '{' encountered in format string"
        return f"{value!r} is no template ({exc}); write a literal brace as {{{{ or }}}}"
    unknown = [n for n in names if n not in _AGENT_FIELDS]
    if unknown:
        return (f"{value!r} names {{{unknown[0]}}}, which is no placeholder: only {{version}} and {{contact}} are "
                "filled in; write a literal brace as {{ or }}")
    if _SPACE.sub(" ", value) != value.replace("\t", " "):
        return f"{value!r} holds a line break or control character, which no HTTP header may hold"
    return None


def _file_part(key: str, value: str, *, empty_ok: bool = False) -> str | None:
    if empty_ok and value == "":
        return None
    if not SAFE_NAME.fullmatch(value) or ".." in value:
        return (f"{value!r} cannot be part of a file name: use letters, digits, '_', '.' and '-' (at most 100, not "
                f"starting with '.' or holding '..' or '/'), e.g. -s {key}=NEWSARCHIVE")
    return None


def _contact(value: str) -> str | None:
    if value == "" or (value.startswith("mailto:") and not _SPACE.search(value) and "@" in value):
        return None
    problem = url_problem(value)
    if problem:
        return (f"{value!r} is no URL: {problem}; give the http(s) address of a page that says who runs the crawl, "
                "e.g. -s CRAWL_CONTACT_URL=https://example.org/about-this-crawl (or a mailto: address)")
    return None


def _trigger(value: str) -> str | None:
    if not value.strip() or _SPACE.sub(" ", value) != value:
        return f"{value!r}: a trigger is a word recorded in crawls.trigger, e.g. --trigger cli (or schedule, manual)"
    return None


def _log_level(value: Any) -> str | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return None
    if str(value) in LOG_LEVELS:
        return None
    return f"{value!r} is not a log level: pass -s LOG_LEVEL=INFO (one of {', '.join(LOG_LEVELS)}, upper case)"


_STRINGS: dict[str, Callable[[str], str | None]] = {
    "CRAWL_USER_AGENT": _user_agent,
    "ARCHIVE_WARC_PREFIX": lambda v: _file_part("ARCHIVE_WARC_PREFIX", v),
    "CRAWL_WORKER_NAME": lambda v: _file_part("CRAWL_WORKER_NAME", v, empty_ok=True),
    "CRAWL_CONTACT_URL": _contact,
    "ARCHIVE_TRIGGER": _trigger,
}


def setting_problems(settings: Any, extra: Any = ()) -> list[ConfigError]:
    """A ConfigError for each bad value of ``settings`` (Scrapy ``Settings`` or a dict), each naming the key and the
    fix: the settings named above, and ``extra`` (the ``-s`` names given) by the type of their default."""
    import crawler.settings as project  # the project's values of its own and of Scrapy's settings (no Scrapy import)

    errors: list[ConfigError] = []
    for key in sorted(set(_NUMBERS) | _OWN_FLAGS | set(_STRINGS) | {"LOG_LEVEL"} | set(extra)):
        value = settings.get(key)
        if value is None:
            continue
        default = getattr(project, key, None)
        if key == "LOG_LEVEL":
            problem = _log_level(value)
        elif key in _STRINGS:
            problem = _STRINGS[key](str(value))
        elif key in _OWN_FLAGS or isinstance(default, bool):
            problem = _flag(key, value)
        elif key in _NUMBERS or isinstance(default, int | float):
            problem = _number(key, value, default)
        else:  # a Scrapy setting crawler/settings.py leaves alone: no number of it is infinite
            problem = _number(key, value, default) if _non_finite(value) else None
        if problem:
            errors.append(ConfigError("settings", problem, key=key))
    return errors


def raise_settings(errors: list[ConfigError]) -> None:
    """Raise nothing, the one error, or all of them in one ConfigErrors that says they are settings."""
    if len(errors) == 1:
        raise errors[0]
    if errors:
        exc = ConfigErrors(errors)
        exc.args = (f"{len(errors)} problems in the -s settings:\n" + "\n".join(f"  {e}" for e in errors),)
        raise exc


def check_crawl_settings(settings: Any, extra: Any = (), *, with_outlets: bool = True) -> None:
    """Refuse a crawl's settings before it starts (``crawl``, ``recrawl``, ``schedule`` and ``worker`` at start-up,
    ``scrapy crawl`` through ``SettingsCheck``): every problem of ``crawl_problems`` in one error. Nothing is fetched
    and no crawl row written: exit 1."""
    raise_settings(crawl_problems(settings, extra, with_outlets=with_outlets))


class _Masked:
    """Settings with some keys read as unset (their readers then take the default), so that a reader that stops at
    the first bad value can be asked again for the next one."""

    def __init__(self, settings: Any, masked: set[str]):
        self.settings, self.masked = settings, masked

    def get(self, name: str, default: Any = None) -> Any:
        """The value of ``name``, or ``default`` where it is masked or unset."""
        value = None if name in self.masked else self.settings.get(name)
        return default if value is None else value


def crawl_problems(settings: Any, extra: Any = (), *, with_outlets: bool = True,
                   before: list[ConfigError] | tuple[ConfigError, ...] = ()) -> list[ConfigError]:
    """Every problem of a crawl's settings, each key once: ``before`` (what ``crawler.runner.crawl_settings`` found
    as it built them), ``setting_problems``, then what the crawl's own readers refuse (ArchiveConfig, Limits, the
    lexicon and, unless ``with_outlets`` is False, ARCHIVE_SEEDS and ARCHIVE_OUTLETS). A reader stops at its first
    bad value, so each is asked again with the keys found so far read as unset until it takes the rest: three bad
    values are three lines of one error, not three runs (before stop 42 each run named one)."""
    from crawler.capture.config import ArchiveConfig
    from crawler.config.bundled import bundled
    from crawler.config.outlets import load_outlets, select_outlets
    from crawler.fetch.limits import Limits
    from crawler.relevance.judge import load_lexicon

    errors = list(before)
    errors += [e for e in setting_problems(settings, extra) if e.key not in {b.key for b in before}]
    masked = {e.key for e in errors if e.key}
    for reader in (ArchiveConfig.from_settings, Limits.from_settings):
        while True:
            try:
                reader(_Masked(settings, masked))
                break
            except ConfigError as exc:
                errors.append(exc)
                if not exc.key or exc.key in masked:  # nothing to read as unset: the reader cannot go further
                    break
                masked.add(exc.key)
    lexicon = _Masked(settings, masked).get("RELEVANCE_LEXICON")
    if "RELEVANCE_LEXICON" not in masked and lexicon is not None:
        try:
            load_lexicon(bundled(Path(str(lexicon))))
        except ConfigError as exc:  # named by its file (and the lexicon's key); the setting that chose it too
            errors.append(ConfigError("settings", f"{exc}", key="RELEVANCE_LEXICON"))
    if with_outlets:  # a worker's outlets come with its work items (crawler/cli/worker_commands.py)
        errors += _outlet_problems(settings, masked, load_outlets, select_outlets)
    return errors


def _outlet_problems(settings: Any, masked: set[str], load_outlets: Any, select_outlets: Any) -> list[ConfigError]:
    """The seeds' problems (ARCHIVE_SEEDS), else the outlets ARCHIVE_OUTLETS names that they lack."""
    if "ARCHIVE_SEEDS" in masked or settings.get("ARCHIVE_SEEDS") is None:
        return []
    try:
        outlets = load_outlets(Path(str(settings.get("ARCHIVE_SEEDS"))))
    except ConfigError as exc:
        return [exc]
    names = settings.get("ARCHIVE_OUTLETS") or []
    if isinstance(names, str):
        names = [n for n in names.split(",") if n]
    if "ARCHIVE_OUTLETS" in masked:
        return []
    try:
        select_outlets(outlets, list(names))
    except ConfigError as exc:  # named by -s ARCHIVE_OUTLETS=a,b (as --outlet is checked by the command itself)
        return [ConfigError("settings", str(exc).removeprefix("--outlet: "), key="ARCHIVE_OUTLETS")]
    return []


# Scrapy's "cmdline" priority (scrapy.settings.SETTINGS_PRIORITIES): what -s, -L, -o and --logfile set. Not imported:
# crawler/config stays free of scrapy (pyproject.toml's banned-api)
CMDLINE_PRIORITY = 40


class SettingsCheck:
    """Scrapy add-on (``ADDONS`` in crawler/settings.py): the ``-s`` check of every crawl, whoever starts it.

    Scrapy calls ``update_pre_crawler_settings`` as it builds the crawler process, with the command line's settings
    in, before logging, the spider or a crawl row. Under ``scrapy crawl outlets -s ...`` (the README's other way to
    crawl) this is the whole check of ``newsarchive crawl``, and a problem is its one line ``Error: ...`` and exit 1,
    not a traceback (before stop 38 ``scrapy crawl`` ran no check: ``-s EXTRACT_WORKERS=0`` wrote a crawl row and a
    traceback). The ``newsarchive`` commands check their settings before they get here; for them (and any program
    that runs a crawl in-process) the values are checked again, cheaply, and a problem is raised as a ConfigError.
    """

    @classmethod
    def update_pre_crawler_settings(cls, settings: Any) -> None:
        """Check ``settings`` (Scrapy ``BaseSettings``); the names given on the command line by their defaults."""
        given = [key for key in settings if (settings.getpriority(key) or 0) >= CMDLINE_PRIORITY]
        if not _run_by_scrapy_command_line():
            raise_settings(setting_problems(settings, given))
            return
        try:
            check_crawl_settings(settings, given)
        except NewsArchiveError as exc:
            raise SystemExit(f"Error: {exc}") from None  # printed as it is, exit 1: the newsarchive crawl's answer


    def update_settings(self, settings: Any) -> None:
        """Scrapy's cookie middleware back among the downloader middlewares, at Scrapy's own order, when a crawl
        keeps cookies after all (``-s COOKIES_ENABLED=True``): crawler/settings.py leaves it out of
        DOWNLOADER_MIDDLEWARES_BASE, as the crawl keeps no cookie jar."""
        if not settings.getbool("COOKIES_ENABLED"):
            return
        middlewares = settings.getwithbase("DOWNLOADER_MIDDLEWARES")
        if COOKIES_MIDDLEWARE not in middlewares:
            settings["DOWNLOADER_MIDDLEWARES"][COOKIES_MIDDLEWARE] = COOKIES_MIDDLEWARE_ORDER


COOKIES_MIDDLEWARE = "scrapy.downloadermiddlewares.cookies.CookiesMiddleware"
COOKIES_MIDDLEWARE_ORDER = 700  # Scrapy's DOWNLOADER_MIDDLEWARES_BASE


def _run_by_scrapy_command_line() -> bool:
    """True when Scrapy's command line (``scrapy crawl``, ``scrapy.cmdline.execute``) is on the call stack."""
    frame = sys._getframe(1)
    while frame is not None:
        if frame.f_globals.get("__name__") == "scrapy.cmdline":
            return True
        frame = frame.f_back
    return False

"""Run one crawl in this process with Scrapy's CrawlerProcess (the reactor runs once per process)."""

from __future__ import annotations

import difflib
import logging
import os
import signal
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings, default_settings

from archive.catalogue import crawls
from archive.catalogue.crawls import COUNT_LABELS
from archive.catalogue.db import Catalogue
from archive.errors import ConfigError, NewsArchiveError
from archive.faults import StorageFault

logger = logging.getLogger(__name__)


def crawl_settings(*, data_dir: Path, seeds: Path, outlets: tuple[str, ...] = (), trigger: str = "cli",
                   overrides: dict[str, Any] | None = None, with_outlets: bool = True) -> Settings:
    """The Scrapy settings of one crawl: the project's, then these arguments, then ``overrides``. A ``-s`` value that
    contradicts an option or is no number where one is read is refused with every other problem of the settings in
    one error (``crawler.config.checks.crawl_problems``; ``with_outlets`` as there)."""
    from crawler.config.checks import crawl_problems, raise_settings

    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    settings.set("ARCHIVE_DATA_DIR", str(data_dir), priority="cmdline")
    settings.set("ARCHIVE_SEEDS", str(seeds), priority="cmdline")
    settings.set("ARCHIVE_OUTLETS", list(outlets), priority="cmdline")
    settings.set("ARCHIVE_TRIGGER", trigger, priority="cmdline")
    problems = _contradictions(data_dir, seeds, outlets, overrides or {})
    for key, value in (overrides or {}).items():
        if (problem := _override_problem(settings, key, value)) is not None:
            problems.append(problem)
        settings.set(key, value, priority="cmdline")
    if problems:  # the first one alone made a user with three bad values learn of them one run at a time
        raise_settings(crawl_problems(settings, list(overrides or {}), with_outlets=with_outlets, before=problems))
    return settings


def _contradictions(data_dir: Path, seeds: Path, outlets: tuple[str, ...],
                    overrides: dict[str, Any]) -> list[ConfigError]:
    """Each ``-s`` value that says otherwise than the command's own option (``--data``, ``--seeds``, ``--outlet``).

    The -s value won inside the crawl while the command went by its option: ``crawl --data A -s ARCHIVE_DATA_DIR=B``
    crawled into B, then read A for its summary (a traceback and exit 1 after a whole crawl, an empty catalogue made
    in A), and ``--seeds A -s ARCHIVE_SEEDS=B`` checked A and crawled B (a black-box probe, stop 41). The same value
    given both ways is accepted."""
    found = []
    for key, option, given in (("ARCHIVE_DATA_DIR", "--data", data_dir), ("ARCHIVE_SEEDS", "--seeds", seeds)):
        value = overrides.get(key)
        if value is not None and os.path.abspath(str(value)) != os.path.abspath(str(given)):
            found.append(ConfigError("settings", f"-s {key}={value} contradicts {option} (which is {given}, given or "
                                     f"by default): give it once, as {option} {value}", key=key))
    value = overrides.get("ARCHIVE_OUTLETS")
    if outlets and value is not None:
        names = value if isinstance(value, list | tuple) else str(value).split(",")
        if {n.strip() for n in names if n.strip()} != set(outlets):
            chosen = " ".join(f"--outlet {n}" for n in outlets)
            found.append(ConfigError("settings", f"-s ARCHIVE_OUTLETS={value} contradicts {chosen}: name the "
                                     "outlets once, with --outlet (repeatable)", key="ARCHIVE_OUTLETS"))
    return found


def _override_problem(settings: Settings, key: str, value: Any) -> ConfigError | None:
    """A ``-s`` value that is no number where the setting's default is one, naming the key and the fix, before the
    crawl starts: Scrapy reads its settings where it needs them and would raise a bare ValueError there, mid-start
    (``-s CLOSESPIDER_PAGECOUNT=abc``)."""
    default = settings.get(key)
    if not isinstance(value, str) or isinstance(default, bool) or not isinstance(default, int | float):
        return None
    try:
        float(value)
    except ValueError:
        return ConfigError("settings", f"{value!r} is not a number; pass -s {key}=<number> (the default is "
                           f"{default!r})", key=key)
    return None


def warn_unknown(keys: Iterable[str]) -> None:
    """Log a warning for each ``-s`` name that is no setting of Scrapy's or this project's, with the closest one: Scrapy
    ignores an unknown name in silence, so a typo ("ARCHIVE_WARC_MAXSIZE") would change nothing unnoticed."""
    known = Settings()
    known.setmodule("crawler.settings", priority="project")
    for key in keys:
        if key not in known:
            close = difflib.get_close_matches(key, list(known), n=1)
            hint = f"; did you mean {close[0]}?" if close else ""
            logger.warning("-s %s: no such setting of Scrapy's or this project's (README \"Settings\")%s", key, hint)


class CrawlNotStarted(NewsArchiveError):
    """The crawl could not start (configuration error, no room, catalogue locked); the message says why."""


class CrawlFailed(NewsArchiveError):
    """The crawl ran but a fault (disk full, catalogue locked) stopped it; it is recorded as failed."""

    def __init__(self, crawl_id: int, fault: StorageFault):
        super().__init__(f"crawl {crawl_id} stopped and was recorded as failed: {fault}")
        self.crawl_id = crawl_id
        self.fault = fault


def run_crawl(settings: Settings, spider: str | type = "outlets") -> int:
    """Crawl the configured outlets once; return the id of the crawl row written to the catalogue.

    Raises:
        CrawlNotStarted: (or the NewsArchiveError itself, e.g. a ConfigError) when the crawl could not start.
        CrawlFailed: when a storage fault stopped the crawl.
    """
    if hasattr(default_settings, "LOG_INSTALL_ROOT_HANDLER"):  # newer Scrapy deprecates the argument
        settings.set("LOG_INSTALL_ROOT_HANDLER", False, priority="cmdline")
        process = CrawlerProcess(settings)
    else:
        process = CrawlerProcess(settings, install_root_handler=False)
    crawler = process.create_crawler(spider)
    # Scrapy installs its graceful SIGTERM/SIGINT handlers only once the reactor runs; a signal that comes
    # earlier (a scheduler stopping right after it started the crawl) would kill the process with the crawl
    # row left "running". Hold such a signal until the reactor runs, then stop the crawl the graceful way.
    early: list[int] = []
    previous = {sig: signal.signal(sig, lambda signum, frame: early.append(signum))
                for sig in (signal.SIGTERM, signal.SIGINT)}
    start_errors: list[BaseException] = []

    def _failed(failure: Any) -> None:
        start_errors.append(failure.value)  # raised below, after the reactor has stopped

    process.crawl(crawler).addErrback(_failed)
    from twisted.internet import reactor

    def _replay() -> None:
        if early:
            logger.info("stopping: %s arrived while the crawl started", signal.Signals(early[0]).name)
            process.stop()

    reactor.callLater(0.5, _replay)
    try:
        process.start()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    session = getattr(crawler, "archive_session", None)  # opened by crawler.extensions.ArchiveSessionOwner
    if start_errors:
        exc = start_errors[0]
        what = "could not start" if session is None or not session.finished else "failed"
        if session is not None and not session.finished:
            # the session opened (crawl row written) but a later component failed: record the crawl as failed
            # (it fetched nothing, so there is no history to reconcile)
            session.finish(status="failed", error=f"the crawl could not start: {exc}")
            session.close()
        if isinstance(exc, NewsArchiveError):
            raise exc
        raise CrawlNotStarted(f"the crawl {what}: {type(exc).__name__}: {exc}") from exc
    if session is None:
        raise CrawlNotStarted("the crawl did not start; see the log above")
    if session.fault is not None:
        raise CrawlFailed(session.crawl_id, session.fault)
    return session.crawl_id


def crawl_summary(data_dir: Path, crawl_id: int) -> list[dict[str, Any]]:
    """Per-outlet counts of one crawl, as rows for the summary table."""
    with Catalogue(data_dir / "catalogue.db") as catalogue:
        counts = crawls.outlet_counts(catalogue.db, crawl_id)
    return [{"outlet": name, **c} for name, c in sorted(counts.items())]


def format_summary(rows: list[dict[str, Any]]) -> str:
    """The crawl summary as a plain-text table."""
    cols = [("outlet", "outlet"), *COUNT_LABELS.items()]
    table = [[h for _, h in cols]] + [[str(r.get(k, 0)) for k, _ in cols] for r in rows]
    if len(rows) > 1:
        table.append(["total"] + [str(sum(int(r.get(k, 0)) for r in rows)) for k, _ in cols[1:]])
    widths = [max(len(line[i]) for line in table) for i in range(len(cols))]
    out = []
    for n, line in enumerate(table):
        out.append("  ".join(cell.ljust(w) if i == 0 else cell.rjust(w) for i, (cell, w) in enumerate(zip(line, widths))))
        if n == 0:
            out.append("  ".join("-" * w for w in widths))
    for r in rows:  # why pages failed, and how often the outlet asked us to slow down (README "Limits and safety")
        reasons = ", ".join(f"{k} {v}" for k, v in sorted((r.get("failure_reasons") or {}).items()))
        throttled = f"; throttled {r['throttled']} times (429/Retry-After)" if r.get("throttled") else ""
        if reasons or throttled:
            out.append(f"{r['outlet']} failures: {reasons or 'none'}{throttled}")
    return "\n".join(out)

"""Logging for the command line: -v/-q levels, one line per expected network failure, no deprecation noise."""

from __future__ import annotations

import logging
import sys

logger = logging.getLogger(__name__)

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
# Exception classes that mean "the site could not be reached or answered badly": an outcome the crawl records as a
# failure, not a bug, so a traceback helps nobody. Named, not imported: this module stays free of scrapy/twisted.
NETWORK_MODULES = ("twisted.internet.error", "twisted.web._newclient", "twisted.web.client", "twisted.names.error")
NETWORK_NAMES = {"DownloadConnectionRefusedError", "CannotResolveHostError", "DownloadTimeoutError",
                 "DownloadFailedError", "ResponseDataLossError", "DownloadCancelledError"}
# Scrapy's start-up listings (its versions, the add-ons, the settings overridden, every extension and middleware
# enabled, the telnet console): about 60 lines before a crawl's first page. Shown with -v. The stats dump at the end
# stays: it is the crawl's record of every counter (newsarchive/failures/<reason>, backoff, limits).
CHATTY = frozenset({"scrapy.utils.log", "scrapy.crawler", "scrapy.middleware", "scrapy.addons",
                    "scrapy.extensions.telnet"})
# Scrapy logs these at ERROR although the crawl goes on and records the page as a failure (failures table, summary).
DEMOTED = {"scrapy.downloadermiddlewares.retry", "scrapy.downloadermiddlewares.robotstxt", "scrapy.core.scraper",
           "scrapy.core.engine"}


# A failure here is recorded with its reason (robots-unavailable: the site is not crawled), so its traceback, whatever
# the exception (a robots.txt whose Content-Encoding lies: "brotli: decoder failed"), is one line like a network error's
ONE_LINE_LOGGERS = {"scrapy.downloadermiddlewares.robotstxt"}


def is_network_failure(exc: BaseException | None) -> bool:
    """True when ``exc`` or an exception it was raised from is a connection, DNS or timeout failure."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        cls = type(exc)
        if cls.__module__ in NETWORK_MODULES or cls.__name__ in NETWORK_NAMES \
                or isinstance(exc, (ConnectionError, TimeoutError)):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


class OneLineFormatter(logging.Formatter):
    """The usual format, but the traceback of a network failure (or of a ``ONE_LINE_LOGGERS`` record) becomes one
    ``(Type: message)`` at the line's end."""

    def __init__(self, fmt: str = FORMAT, *, tracebacks: bool = False) -> None:
        super().__init__(fmt)
        self.tracebacks = tracebacks

    def format(self, record: logging.LogRecord) -> str:
        """Format ``record``; drop the traceback of an expected network failure unless tracebacks are wanted."""
        exc = record.exc_info[1] if record.exc_info else None
        if self.tracebacks or exc is None or not (is_network_failure(exc) or record.name in ONE_LINE_LOGGERS):
            return super().format(record)
        saved = record.exc_info, record.exc_text
        record.exc_info, record.exc_text = None, None
        try:
            line = super().format(record)
        finally:
            record.exc_info, record.exc_text = saved
        reason = str(exc).strip()
        if reason and reason not in line:
            line += f" ({type(exc).__name__}: {reason})"
        return line.replace("\n", " ")


class DemoteNetworkErrors(logging.Filter):
    """Log Scrapy's ERROR for a page it gave up on (network failure, retries spent) as a WARNING."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Lower the level of such records; keep every record."""
        if record.levelno != logging.ERROR:
            return True
        gave_up = isinstance(record.msg, str) and record.msg.startswith("Gave up retrying")
        if gave_up or is_network_failure(record.exc_info[1] if record.exc_info else None):
            record.levelno, record.levelname = logging.WARNING, "WARNING"
        return True


class QuietListings(logging.Filter):
    """Drop the INFO lines of Scrapy's start-up listings (CHATTY); a filter on our handler, because Scrapy's logging
    set-up (dictConfig) resets the levels of its loggers."""

    def filter(self, record: logging.LogRecord) -> bool:
        """False for an INFO (or lower) record of a CHATTY logger."""
        return record.levelno >= logging.WARNING or record.name not in CHATTY


class DropDeprecations(logging.Filter):
    """Drop captured deprecation warnings (third-party code warning its own callers), keep others on one line."""

    def filter(self, record: logging.LogRecord) -> bool:
        """False for a ``py.warnings`` record about a deprecation; other warnings lose their source line."""
        message = record.getMessage()
        if "DeprecationWarning" in message:
            return False
        record.msg, record.args = message.strip().splitlines()[0] if message.strip() else message, ()
        return True


def setup_logging(verbose: int, quiet: int) -> int:
    """Configure the root handler for ``-v``/``-q`` counts; return the level set."""
    level = max(logging.DEBUG, min(logging.INFO + 10 * (quiet - verbose), logging.CRITICAL))
    root = logging.getLogger()
    if not root.handlers:  # as basicConfig: a host that configured logging (pytest) keeps its handlers
        handler = logging.StreamHandler(sys.stderr)
        handler.set_name("newsarchive")
        root.addHandler(handler)
    logging.captureWarnings(True)  # warnings become one log line each, under the same level
    warnings_logger = logging.getLogger("py.warnings")
    if verbose == 0 and not any(isinstance(f, DropDeprecations) for f in warnings_logger.filters):
        warnings_logger.addFilter(DropDeprecations())
    for name in DEMOTED:
        named = logging.getLogger(name)
        if not any(isinstance(f, DemoteNetworkErrors) for f in named.filters):
            named.addFilter(DemoteNetworkErrors())
    for handler in root.handlers:
        if handler.get_name() == "newsarchive":
            for found in [f for f in handler.filters if isinstance(f, QuietListings)]:
                handler.removeFilter(found)
            if verbose == 0:
                handler.addFilter(QuietListings())
    set_level(level, tracebacks=verbose >= 2)
    from crawler.capture.child import quiet_libraries  # a leaf module: no scrapy, no twisted

    quiet_libraries(level)
    return level


def set_level(level: int, *, tracebacks: bool = False) -> None:
    """Set the level of the root logger and its handlers; our own handler also gets the one-line format."""
    root = logging.getLogger()
    root.setLevel(level)
    # Scrapy sets its own loggers to DEBUG, so the level must be on the handler, not only on the root logger
    for handler in root.handlers:
        handler.setLevel(level)
        if handler.get_name() == "newsarchive":
            handler.setFormatter(OneLineFormatter(tracebacks=tracebacks))

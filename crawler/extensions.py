"""The extension that owns a crawl's session: opens it as the crawl starts, hands it out, ends it in order."""

from __future__ import annotations

import logging
from typing import Any

from scrapy import signals
from scrapy.utils.defer import deferred_from_coro
from twisted.python import threadable

from crawler.capture.apply import apply_batch
from crawler.capture.config import ArchiveConfig
from crawler.capture.session import ArchiveSession

logger = logging.getLogger(__name__)


def stats_key(count: str) -> str:
    """The Scrapy stats key of a crawl count: ``newsarchive/pages_fetched``, ``newsarchive/failures/<reason>``."""
    if count.startswith("failure:"):
        return "newsarchive/failures/" + count.split(":", 1)[1]
    return f"newsarchive/{count}"


def archive_session(crawler: Any) -> ArchiveSession:
    """The crawl's session, opened by ArchiveSessionOwner; a clear error when that extension is not enabled."""
    session = getattr(crawler, "archive_session", None)
    if session is None:
        raise RuntimeError("this crawl has no archive session: enable crawler.extensions.ArchiveSessionOwner in "
                           "EXTENSIONS (crawler/settings.py does); it opens the session the other components use")
    return session


class ArchiveSessionOwner:
    """Open the crawl's ArchiveSession, hand it to the other components, and end it when the spider closes.

    Scrapy builds the extensions when the crawl starts, after the spider and before the engine with its
    middlewares and pipelines: those read ``crawler.archive_session`` (``archive_session(crawler)``) in
    ``from_crawler``; the spider, built first, reads it from ``spider_opened`` on.
    """

    def __init__(self, crawler: Any):
        self.crawler = crawler
        config = ArchiveConfig.from_settings(crawler.settings)
        if crawler.settings.get("CRAWL_WORKER_CRAWL"):  # a `newsarchive worker`'s child crawl (issue 11)
            # imported here: redis is imported on this path only
            from crawler.scaleout.session import WorkerCrawl, WorkerSession

            self.session: ArchiveSession = WorkerSession(config, WorkerCrawl.from_settings(crawler.settings))
        else:
            # the writer runs in a process of its own unless ARCHIVE_WRITER = "thread" (README, settings). Both stay:
            # the thread is one process less where memory is tight, and what tests/test_capture_unit.py reaches into
            self.session = ArchiveSession(config, apply_batch, process_writer=config.writer == "process")
        crawler.archive_session = self.session  # the hand-over (read through archive_session(crawler))
        stats = crawler.stats
        # every crawl count (crawls row, crawls.counts) is also a stats value: one tally, two views
        self.session.on_count = lambda key, n: stats.inc_value(stats_key(key), n)
        # a storage fault (disk full, catalogue locked) anywhere in the crawl stops it: see ArchiveSession.trip
        self.session.on_fault = self._stop
        crawler.signals.connect(self._spider_error, signal=signals.spider_error)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Any) -> ArchiveSessionOwner:
        """Scrapy entry point."""
        return cls(crawler)

    def _stop(self, reason: str) -> None:
        if not threadable.isInIOThread():  # a fault found by the writer thread: stop the engine on the reactor's
            from twisted.internet import reactor

            reactor.callFromThread(self._stop, reason)
            return
        try:
            engine = self.crawler.engine
        except RuntimeError:  # the crawl has not started (Scrapy sets the engine then)
            return
        deferred_from_coro(engine.close_spider_async(reason=reason))

    def _spider_error(self, failure: Any, response: Any = None, spider: Any = None) -> None:
        self.session.guard(failure.value)

    def spider_closed(self, spider: Any, reason: str) -> None:
        """End the crawl ("finished", or the reason Scrapy stopped)."""
        self.end_crawl("finished" if reason == "finished" else f"stopped: {reason}")

    def end_crawl(self, status: str, error: str | None = None) -> None:
        """The end of a crawl, in order: WARC closed and crawl row written; history reconciled; catalogue closed."""
        session = self.session
        try:
            session.finish(status, error)
            session.reconcile_history()
        finally:
            session.close()
        logger.info("crawl %s %s: %s", session.uid, status, session.totals())

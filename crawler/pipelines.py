"""The item pipeline: extraction in a process pool, then relevance, catalogue and corpus (crawler.capture.ingest)."""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from scrapy import signals
from scrapy.utils.defer import deferred_from_coro

from crawler.extraction.article import extract_article
from crawler.capture.ingest import ingest
from crawler.items import PageItem
from crawler.scheduling.orphans import die_with_parent
from crawler.relevance.judge import load_lexicon
from crawler.capture.session import session_for

logger = logging.getLogger(__name__)


class ArticlePipeline:
    """Extract each article page off the reactor thread, so fetching never waits on trafilatura."""

    def __init__(self, crawler: Any):
        self.crawler = crawler
        self.session = session_for(crawler)
        self.lexicon = load_lexicon(self.session.config.lexicon)
        self.pool: ProcessPoolExecutor | None = None
        # a storage fault (disk full, catalogue locked) anywhere in the crawl stops it: see ArchiveSession.trip
        self.session.on_fault = self._stop
        crawler.signals.connect(self._spider_error, signal=signals.spider_error)

    def _stop(self, reason: str) -> None:
        engine = getattr(self.crawler, "engine", None)
        if engine is not None:
            deferred_from_coro(engine.close_spider_async(reason=reason))

    def _spider_error(self, failure: Any, response: Any = None, spider: Any = None) -> None:
        self.session.guard(failure.value)

    @classmethod
    def from_crawler(cls, crawler: Any) -> ArticlePipeline:
        """Scrapy entry point."""
        return cls(crawler)

    def open_spider(self, spider: Any = None) -> None:
        """Start the extraction processes ("spawn": forking a process that runs a reactor is unsafe)."""
        self.pool = ProcessPoolExecutor(max_workers=self.session.config.extract_workers,
                                        mp_context=multiprocessing.get_context("spawn"),
                                        initializer=die_with_parent, initargs=(os.getpid(),))

    def close_spider(self, spider: Any = None) -> None:
        """Stop the extraction processes."""
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)

    async def process_item(self, item: Any, spider: Any = None) -> Any:
        """Extract, judge and store one page; the item passes on unchanged."""
        if not isinstance(item, PageItem):
            return item
        assert self.pool is not None
        if self.session.fault is not None:
            return item  # stopping: its capture is archived and its URL still pending for the next crawl
        future = self.pool.submit(extract_article, item.html, item.url)
        result = await asyncio.wrap_future(future)
        if self.session.fault is not None:
            return item
        try:
            outcome = ingest(self.session, self.lexicon, outlet_name=item.outlet, url=item.url,
                             capture_id=item.capture_id, result=result, listed_date=item.listed_date,
                             request_url=item.request_url)
        except Exception as exc:
            if self.session.guard(exc):
                return item
            raise
        self.crawler.stats.inc_value(f"newsarchive/articles/{outcome}")
        return item

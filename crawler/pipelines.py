"""The item pipeline: extraction, relevance and story keys in a process pool; storing by the writer thread."""

from __future__ import annotations

import asyncio
import logging
import os
from concurrent.futures import Executor, ProcessPoolExecutor
from typing import Any

from archive.records import ExtractionFailure
from crawler.capture.child import crawl_log_level
from crawler.capture.memory import fix_mmap_threshold
from crawler.capture.operations import ArticleOp
from crawler.capture.paged import Part, extract_parts
from crawler.capture.pool_start import worker_context
from crawler.capture.prepare import extract_page, init_worker, sigint_held
from crawler.capture.workers import WORKER_KILLED, ExtractionPool, PoisonPage, PoolExhausted
from crawler.extensions import archive_session
from crawler.items import PageItem
from crawler.relevance.judge import load_lexicon

logger = logging.getLogger(__name__)


# Pages handed to the pool at once, per worker: enough to keep every worker busy; the rest wait in Scrapy's
# scraper (whose byte budget, SCRAPER_SLOT_MAX_ACTIVE_SIZE, then slows the downloads), not in the pool's queue
IN_FLIGHT_PER_WORKER = 2


class ArticlePipeline:
    """Extract and judge each article page in worker processes, so fetching never waits on trafilatura."""

    def __init__(self, crawler: Any):
        self.crawler = crawler
        self.session = archive_session(crawler)
        load_lexicon(self.session.config.lexicon)  # a broken lexicon is a message now, not a broken pool later
        self.workers: ExtractionPool | None = None
        self.slots = asyncio.Semaphore(max(1, self.session.config.extract_workers) * IN_FLIGHT_PER_WORKER)

    @classmethod
    def from_crawler(cls, crawler: Any) -> ArticlePipeline:
        """Scrapy entry point."""
        return cls(crawler)

    def open_spider(self, spider: Any = None) -> None:
        """Start the extraction processes (forked by a fork server, never by this process, which runs a reactor:
        crawler.capture.pool_start)."""
        fix_mmap_threshold()  # this process's page-sized blocks go back to the OS when freed (issue 10)
        self.workers = ExtractionPool(self._new_pool)  # made again when a worker dies (crawler.capture.workers)

    @property
    def pool(self) -> Executor | None:
        """The extraction workers' executor now."""
        return self.workers.pool if self.workers is not None else None

    @pool.setter
    def pool(self, executor: Executor | None) -> None:
        """Extract with ``executor`` (a test's own: tests/test_capture_unit.py), rebuilt as itself if it breaks."""
        self.workers = ExtractionPool(lambda: executor) if executor is not None else None

    def _new_pool(self) -> ProcessPoolExecutor:
        context = worker_context()  # forked by a fork server that imported the extraction stack once (issue 10)
        return ProcessPoolExecutor(max_workers=self.session.config.extract_workers, mp_context=context,
                                   initializer=init_worker,
                                   # the lexicon as loaded here (load_lexicon's object): a worker unpickles it
                                   # in 0.07 s where reading the file again took 0.2 (issue 10)
                                   initargs=(os.getpid(), load_lexicon(self.session.config.lexicon),
                                             self.session.config.extract_timeout, crawl_log_level(),
                                             context.get_start_method() == "forkserver"))

    def close_spider(self, spider: Any = None) -> None:
        """Stop the extraction processes."""
        if self.workers is not None:
            self.workers.shutdown()

    async def process_item(self, item: Any, spider: Any = None) -> Any:
        """Extract, judge and store one page; the item passes on unchanged."""
        if not isinstance(item, PageItem):
            return item
        assert self.workers is not None
        if self.session.fault is not None:
            return item  # stopping: its capture is archived and its URL still pending for the next crawl
        part_urls: tuple[str, ...] = ()
        async with self.slots:
            try:
                if item.parts:  # an article split over pages: every part extracted, the bodies joined
                    parts = [Part(item.url, item.body, item.content_type)] + [Part(u, b, t) for u, b, t, _ in item.parts]
                    joined = await self.workers.run(lambda pool: _submit(pool, extract_parts, parts))
                    result, prepared, part_urls = joined.result, joined.prepared, joined.joined
                    captures = {u: c for u, _, _, c in item.parts}
                    for url, reason, detail in joined.skipped:  # a part that added nothing is said, never lost silently
                        self.session.record_failure(item.outlet, url, "extract", reason, detail, captures.get(url))
                else:  # decoded there
                    result, prepared = await self.workers.run(
                        lambda pool: _submit(pool, extract_page, item.body, item.content_type, item.url))
            except PoisonPage as exc:  # recorded and settled as any page that yields no article (ingest)
                logger.warning("%s: %s", item.url, exc)
                result, prepared = ExtractionFailure(item.url, WORKER_KILLED, str(exc)), None
            except PoolExhausted as exc:  # stops the crawl as a killed writer does: the rest stays pending
                self.session.trip(exc)
                return item
        room = self.session.writer.room()
        if room is not None:  # the writer is behind: wait, so pages cannot pile up in memory
            await asyncio.wrap_future(room)
        if self.session.fault is not None:
            return item
        # stored by the writer thread (crawler.capture.ingest.ingest_op), which counts the outcome
        # (newsarchive/articles_<outcome> in the stats)
        self.session.writer.put(ArticleOp(item.outlet, item.url, item.capture_id, result, item.listed_date,
                                          item.request_url, prepared, part_urls))
        return item


def _submit(pool: Executor, fn: Any, *args: Any) -> Any:
    """Hand one page to a worker; a worker the pool starts now ignores Ctrl-C from its first instruction."""
    with sigint_held():
        return pool.submit(fn, *args)

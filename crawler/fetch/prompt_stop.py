"""A prompt graceful stop: the first Ctrl-C or SIGTERM sends none of the requests still waiting in a download slot.

The one module that reaches into Scrapy's downloader (written against Scrapy 2.19.0). It imports nothing of Scrapy's:
it works on the objects Scrapy hands it, so it stays a plain module of a stage package (tests/test_project_layout.py).

Why: Scrapy's graceful stop (``Crawler.stop_async`` -> ``ExecutionEngine.close_spider_async``) waits until every
request the engine has handed to the downloader is done, and the ones waiting in a slot's queue
(``Downloader.slots[key].queue``, ``(request, deferred)`` pairs) are still sent by ``Downloader._process_queue``, each
one slot delay after the last. Up to CONCURRENT_REQUESTS of them wait there, and AutoThrottle may have raised the
delay to seconds: a probe saw 27 s of fetching after one Ctrl-C (README "Stopping a crawl"). Scrapy has no public way
to stop without them (scrapy/scrapy#4749, scrapy/scrapy#2969; the fast stop merged upstream in scrapy/scrapy#7455 is
not in 2.19.0, the version installed here). Once a release has it, use it and delete this module.

How: on the first ``Crawler.stop_async`` (what Scrapy's SIGINT/SIGTERM handler and ``CrawlerProcess.stop`` call)
each waiting request's deferred is fired with the request itself, as a downloader middleware returns a request:
the engine then schedules it, and the scheduler keeps it, unsent, as it keeps the requests it never handed out
(the engine takes no more once it stops). Nothing reaches the spider's callback or errback, so nothing is recorded:
an article's URL stays pending in the frontier and the next crawl fetches it. Requests sent already finish as before
(their records and rows stored). A request that comes back at once is a component's own download
(``engine.download_async``: robots.txt), which would send it again in a loop: that one is left to be sent.
"""

from __future__ import annotations

import logging
import weakref
from collections.abc import Callable
from typing import Any

logger = logging.getLogger(__name__)

STATS_KEY = "newsarchive/stop/not_sent"  # requests a graceful stop took back from the download slots (stats)


class PromptStop:
    """The extension: wraps this crawler's ``stop_async`` so that a graceful stop first empties the slots' queues."""

    def __init__(self, crawler: Any):
        self.crawler = crawler
        self.stopping = False
        # requests given back once: a second arrival is a component's own download (see the module's docstring)
        self.given_back: weakref.WeakSet[Any] = weakref.WeakSet()
        self._stop_async: Callable[[], Any] = crawler.stop_async
        # an attribute of the instance: CrawlerRunner.stop calls ``crawler.stop_async()`` on each of its crawlers
        crawler.stop_async = self.stop_async

    @classmethod
    def from_crawler(cls, crawler: Any) -> PromptStop:
        """Scrapy entry point."""
        return cls(crawler)

    async def stop_async(self) -> None:
        """Take the waiting requests back from the download slots, then stop as Scrapy does."""
        if not self.stopping and self.crawler.crawling:
            self.begin()
        await self._stop_async()

    def begin(self) -> int:
        """From now on, no request waiting in a download slot is sent; return how many were waiting."""
        try:
            downloader = self.crawler.engine.downloader
        except (AttributeError, RuntimeError):  # the crawl has no engine yet: nothing waits
            return 0
        self.stopping = True
        send: Callable[[Any], None] = downloader._process_queue

        # every request that reaches a slot from now on (one that waited for its site's robots.txt, say) passes
        # here: Downloader._enqueue_request, _latercall and _download call ``self._process_queue(slot)``
        def process_queue(slot: Any) -> None:
            self.give_back(slot)
            send(slot)

        downloader._process_queue = process_queue
        waiting = sum(self.give_back(slot) for slot in list(downloader.slots.values()))
        if waiting:
            logger.info("stopping: %d request(s) waiting for their download slot are not sent; their URLs stay "
                        "pending for the next crawl", waiting)
        return waiting

    def give_back(self, slot: Any) -> int:
        """Fire each request waiting in ``slot`` with itself (the engine schedules it, unsent); return how many."""
        waiting = list(slot.queue)
        slot.queue.clear()
        given = 0
        for request, deferred in waiting:
            if request in self.given_back:  # back at once: engine.download_async's loop (robots.txt) sends it
                slot.queue.append((request, deferred))
                continue
            self.given_back.add(request)
            # past the duplicate filter, which has seen it: a drop there is a request_dropped signal, which the
            # spider records for a redirected article (crawler/spiders/outlets.py ``request_dropped``)
            request.dont_filter = True
            deferred.callback(request)
            given += 1
        if given:
            self.crawler.stats.inc_value(STATS_KEY, given)
        return given

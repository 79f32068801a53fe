"""The extension that closes a crawl's session: WARC file closed, crawl row finished with its counts."""

from __future__ import annotations

import logging
from typing import Any

from scrapy import signals

from crawler.capture.session import session_for

logger = logging.getLogger(__name__)


class CrawlSummary:
    """Record the crawl's outcome in the catalogue when the spider closes."""

    def __init__(self, crawler: Any):
        self.crawler = crawler
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Any) -> CrawlSummary:
        """Scrapy entry point."""
        return cls(crawler)

    def spider_closed(self, spider: Any, reason: str) -> None:
        """Close the WARC file and finish the crawl row ("finished", or the reason Scrapy stopped)."""
        session = session_for(self.crawler)
        status = "finished" if reason == "finished" else f"stopped: {reason}"
        session.close(status=status)
        logger.info("crawl %s %s: %s", session.uid, status, session.totals())

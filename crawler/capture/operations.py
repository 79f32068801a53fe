"""The write operations a crawl hands to its sink: plain frozen dataclasses, one per kind of event (no scrapy imports).

Each operation says what to store, never how: the local sink (crawler.capture.writer) applies them in group
commits, a Redis worker (issue 11, docs/scaleout.md) can publish the same objects to a stream. Keys, so that
applying one twice stores it once: a capture by its WARC-Record-ID (``record_id``), a frontier row by its URL, an
article result by its capture and URL (a second application finds the text unchanged).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from archive.records import Exchange, ExtractedArticle, ExtractionFailure
from archive.warc.writer import BuiltPair

# A reference to a capture: its catalogue id once known, or the WARC-Record-ID the crawl gave it (the writer
# turns that into the id when it stores the row; the reactor never waits for it)
CaptureRef = int | str | None


@dataclass(frozen=True, repr=False)
class CaptureOp:
    """One HTTP exchange to archive: a WARC record (a revisit when ``prior`` is set), then its captures row."""

    record_id: str
    crawl_id: int | None
    outlet: str | None
    exchange: Exchange
    prior: dict[str, Any] | None = None  # the capture revisited: url, warc_record_id, fetched_at, payload_digest
    profile: str = ""  # the revisit profile: server-not-modified or identical-payload-digest
    # its WARC records, built by the writer process as the op arrived; the exchange then keeps no body
    built: BuiltPair | None = None
    payload_digest: str | None = None  # sha1_digest(exchange.body) when the crawl process made it (not hashed again)

    def __repr__(self) -> str:  # bodies stay out of logs
        return f"CaptureOp({self.record_id}, {self.exchange.url}, {self.exchange.status})"


@dataclass(frozen=True)
class FailureOp:
    """A page that yielded no article: a failures row."""

    crawl_id: int | None
    outlet: str | None
    url: str
    stage: str
    reason: str
    detail: str = ""
    capture: CaptureRef = None


@dataclass(frozen=True)
class FrontierOp:
    """A discovered URL: a frontier row unless the URL is known (insert or ignore)."""

    url: str
    outlet: str
    kind: str
    crawl_id: int | None
    status: str = "pending"
    reason: str | None = None


@dataclass(frozen=True)
class SettleOp:
    """A frontier URL archived ("done"), refused, or to be retried."""

    url: str
    status: str = "done"
    reason: str | None = None


@dataclass(frozen=True)
class TouchOp:
    """An unchanged article seen again."""

    article_id: str
    seen_at: str


@dataclass(frozen=True)
class SitemapReadOp:
    """A child sitemap read whole, fetched at ``fetched_at`` (ISO 8601) when its index gave it ``lastmod``: later
    crawls skip it while its index lastmod ends before that fetch.

    Handed over after the frontier rows of every article URL the sitemap gave, so it commits in their batch or a
    later one: a crawl that dies before those rows are durable has not remembered the sitemap either.
    """

    url: str
    outlet: str
    lastmod: str
    config_digest: str
    crawl_id: int | None
    fetched_at: str


@dataclass(frozen=True, repr=False)
class ArticleOp:
    """An extraction result to judge (unless the worker did), store, group into stories and export as text."""

    outlet: str
    url: str
    capture: CaptureRef
    result: ExtractedArticle | ExtractionFailure
    listed_date: str | None = None
    request_url: str | None = None
    prepared: Any = None  # what the extraction worker computed beside it (crawler.capture.prepare.Prepared)
    part_urls: tuple[str, ...] = ()  # the later pages joined into it (an article split over pages): its aliases

    def __repr__(self) -> str:
        return f"ArticleOp({self.url})"


HEAVY = (CaptureOp, ArticleOp)  # the operations that hold a page: the queue bounds how many wait

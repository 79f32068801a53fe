"""The HTTP download handler: its connection pool keeps an outlet's connections open, its response parser bounds the
header section (crawler/fetch/wire.py)."""

from __future__ import annotations

import logging
from typing import Any

from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler

from crawler.fetch.wire import MAX_HEADER_BYTES, BadResponseHead, head_line_verdict
from crawler.netguard import HeadersTooLarge

logger = logging.getLogger(__name__)


class PooledHTTPDownloadHandler(HTTP11DownloadHandler):
    """Scrapy's HTTP/1.1 download handler, keeping as many idle connections per host as an outlet fetches at once.

    Scrapy keeps ``CONCURRENT_REQUESTS_PER_DOMAIN`` idle connections per host (``maxPersistentPerHost`` of its
    Twisted ``HTTPConnectionPool``), but an outlet's concurrency is its download slot's (``DOWNLOAD_SLOTS``, from the
    outlet config; 32 in a back-fill). With the default of 2, every response past the second closed its connection
    and the next request opened a new one: 14 % of the crawl process's CPU in issue 10's benchmark, and the server's.
    Scrapy has no setting for the pool alone, so this sets the pool's attribute after Scrapy's ``__init__``.
    """

    def __init__(self, *args: Any):
        super().__init__(*args)  # (crawler) since Scrapy 2.14's documented handler API; (settings, crawler) in 2.13
        slots = args[-1].settings.getdict("DOWNLOAD_SLOTS")
        busiest = max((int(slot.get("concurrency", 0)) for slot in slots.values()), default=0)
        pool = getattr(self, "_pool", None)  # private in Scrapy: should it go, connections are made, not kept
        if pool is None:
            logger.warning("Scrapy's HTTP handler has no _pool: an outlet's connections are not kept open")
            return
        pool.maxPersistentPerHost = max(pool.maxPersistentPerHost, busiest)
        if _BoundedFactory is None:
            logger.warning("Scrapy's HTTP handler has changed: response headers are not bounded")
            return
        pool._factory = _BoundedFactory  # as Scrapy sets its own _LenientHTTP11ClientFactory there


# The response parser: a bounded header section (300 KB, as curl), RFC 9112's status line (three digits: Twisted's int()
# took "20000000000000000000" and "-200"), a leading obs-fold consumed. Why each: crawler/fetch/wire.py.
try:
    from scrapy.core.downloader.handlers.http11 import (
        _LenientHTTP11ClientFactory,
        _LenientHTTP11ClientProtocol,
        _LenientHTTPClientParser,
    )
except ImportError:  # pragma: no cover - private in Scrapy 2.19; the handler then warns and keeps Scrapy's
    _BoundedFactory = None
else:

    class BoundedHTTPClientParser(_LenientHTTPClientParser):
        """Scrapy's lenient response parser under the rules of crawler/fetch/wire.py."""

        def lineReceived(self, line: bytes) -> None:
            """Count the status and header lines (continuation lines too) before parsing them."""
            self._header_bytes = getattr(self, "_header_bytes", 0) + len(line) + 1
            if self._header_bytes > MAX_HEADER_BYTES:
                raise HeadersTooLarge(f"the response headers passed {MAX_HEADER_BYTES} bytes (a header flood)")
            if (verdict := head_line_verdict(line, self._partialHeader, self.state)) != "":  # "": to consume
                super().lineReceived(line)  # Twisted's own refusals first ("non-integer status code")
            if verdict:
                raise BadResponseHead(verdict)

        def lineLengthExceeded(self, line: bytes) -> None:
            """One header line past Twisted's limit: say so, rather than drop the connection without a word."""
            raise HeadersTooLarge(f"a response header line passed {self.MAX_LENGTH} bytes")

    class _BoundedHTTP11ClientProtocol(_LenientHTTP11ClientProtocol):
        def request(self, request: Any) -> Any:
            d = super().request(request)
            # Scrapy's own technique (_LenientHTTP11ClientProtocol.request): the parser's class is swapped, since
            # HTTP11ClientProtocol.request() hard-codes it; the subclass adds no state it needs at creation
            self._parser.__class__ = BoundedHTTPClientParser
            return d

    class _BoundedFactory(_LenientHTTP11ClientFactory):  # type: ignore[no-redef]
        def buildProtocol(self, addr: Any) -> Any:
            return _BoundedHTTP11ClientProtocol(self._quiescentCallback)

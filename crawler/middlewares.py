"""The downloader middlewares: every HTTP exchange written to WARC as it came over the wire; meta refresh read from
a page's head. The HTTP download handler, whose connection pool keeps an outlet's connections open, and the duplicate
filter that lets an article's old, redirecting URL through."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime
from http import HTTPStatus
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request, Spider
from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler
from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware
from scrapy.dupefilters import RFPDupeFilter
from scrapy.http import HtmlResponse, Response

from archive.records import Exchange
from crawler.extensions import archive_session
from crawler.fetch.head import HEAD_BYTES, page_head

logger = logging.getLogger(__name__)

# Only article pages are asked conditionally. Robots.txt, feeds, sitemaps and listings are parsed for links, so
# their body is needed even when unchanged: a 304 would hide links that a killed crawl never got to read (an
# unchanged one is still archived as an identical-payload revisit, so it costs no body bytes in the WARC).
CONDITIONAL_KINDS = frozenset({"article"})


def _headers(headers: Any) -> tuple[tuple[str, str], ...]:
    """Scrapy ``Headers`` as ordered (name, value) pairs, one pair per repeated value, decoded as Latin-1."""
    pairs: list[tuple[str, str]] = []
    for key, values in headers.items():
        name = key.decode("latin-1") if isinstance(key, bytes) else str(key)
        for value in values:
            pairs.append((name, value.decode("latin-1") if isinstance(value, bytes) else str(value)))
    return tuple(pairs)


def exchange_from(request: Request, response: Response) -> Exchange:
    """The Exchange a Scrapy request/response pair stands for (response body not yet decompressed)."""
    parts = urlsplit(request.url)
    req_headers = [("Host", parts.netloc)]
    req_headers += [(k, v) for k, v in _headers(request.headers) if k.lower() != "host"]
    try:
        reason = HTTPStatus(response.status).phrase
    except ValueError:
        reason = ""
    protocol = getattr(response, "protocol", None) or "HTTP/1.1"
    if protocol.lower() in ("h2", "http/2"):
        protocol = "HTTP/2"
    ip = getattr(response, "ip_address", None)
    return Exchange(
        url=response.url, method=request.method, request_headers=tuple(req_headers), request_body=request.body,
        status=response.status, reason=reason, protocol=protocol.upper(), response_headers=_headers(response.headers),
        body=response.body, fetched_at=datetime.now().astimezone(), ip_address=str(ip) if ip else None,
    )


class WarcCaptureMiddleware:
    """Archive each response (redirect hops, errors, robots.txt included) and note its capture id in the request meta."""

    def __init__(self, crawler: Any):
        self.crawler = crawler
        self.session = archive_session(crawler)

    @classmethod
    def from_crawler(cls, crawler: Any) -> WarcCaptureMiddleware:
        """Scrapy entry point."""
        return cls(crawler)

    def process_request(self, request: Request, spider: Spider | None = None) -> None:
        """Make requests for pages captured before conditional, so unchanged pages cost a 304, not a body."""
        kind = request.meta.get("kind")
        if request.method != "GET" or kind not in CONDITIONAL_KINDS or request.meta.get("force"):
            return
        if kind == "article" and self.session.article_for_url(request.url) is None:
            return  # never stored an article from it (failed or interrupted): fetch it whole
        if request.meta.get("redirect_urls") and self.session.article_for_url(
                request.meta.get("frontier_url", request.meta["redirect_urls"][0])) is None:
            return  # reached from a URL not yet known as the article's: fetched whole, so ingest records it as an alias
        for name, value in self.session.validators(request.url).items():
            request.headers.setdefault(name, value)
        return

    def process_response(self, request: Request, response: Response, spider: Spider | None = None) -> Any:
        """Hand the exchange to the writer (WARC, then catalogue) before any other middleware changes the response.

        When the writer's queue is full, the answer is a coroutine that waits for room first (back-pressure: the
        download slot stays taken, so fetching slows to the pace of the disk).
        """
        room = self.session.writer.room()
        if room is not None:
            return self._after_room(room, request, response)
        return self._archive(request, response)

    async def _after_room(self, room: Any, request: Request, response: Response) -> Response:
        self.crawler.stats.inc_value("newsarchive/writer/waits")
        await asyncio.wrap_future(room)
        return self._archive(request, response)

    def _archive(self, request: Request, response: Response) -> Response:
        outlet = self.session.outlet_for(response.url, request.meta.get("outlet"))
        name = outlet.name if outlet else None
        capture_id, revisit_of = self.session.archive(exchange_from(request, response), name)
        request.meta["capture_id"] = capture_id
        request.meta["revisit_of"] = revisit_of
        stats = self.crawler.stats  # the session counts the capture (newsarchive/pages_fetched)
        stats.inc_value(f"newsarchive/captures/status/{response.status}")
        if revisit_of is not None:
            stats.inc_value("newsarchive/captures/revisit")
        return response


class RedirectAwareDupeFilter(RFPDupeFilter):
    """Scrapy's duplicate filter, except for an article redirect whose target this crawl fetched already.

    Scrapy drops such a request, so the old URL never reaches the spider: it is never settled (fetched again by every
    crawl) and never recorded as an alias of its article (issue 13). Every request's fingerprint is still recorded
    (a later plain link to the target is dropped); a loop (a target already in its own chain) and a redirect to a
    home page (an old URL sent to "/", shared by every retired article) are still dropped; REDIRECT_MAX_TIMES bounds
    the rest.
    """

    def request_seen(self, request: Request) -> bool:
        """True when ``request`` is a duplicate to drop."""
        seen = super().request_seen(request)  # first: records the fingerprint of every request it lets through
        chain = request.meta.get("redirect_urls")
        if (seen and chain and request.meta.get("kind") == "article" and request.url not in chain
                and urlsplit(request.url).path not in ("", "/")):
            return False
        return seen


class HeadMetaRefreshMiddleware(MetaRefreshMiddleware):
    """Scrapy's ``MetaRefreshMiddleware`` over the head of an HTML page (crawler.fetch.head), so the page is not
    decoded whole and kept decoded on the response; the response passes on as it came."""

    def process_response(self, request: Any, response: Any, spider: Any = None) -> Any:
        """Scrapy's answer (the response, or the redirect request) from the page's head."""
        if not isinstance(response, HtmlResponse) or len(response.body) <= HEAD_BYTES:
            return super().process_response(request, response)
        # not response.replace(): it reads ``response.encoding`` (even with encoding=None given), and for a page
        # that declares no charset (no header, BOM or <meta charset>) that infers it by decoding the whole body and
        # keeps the text on the response, the copy this class avoids. The head finds its own encoding: the same
        # declaration, if any (w3lib reads <meta charset> in the first 4 KB); else inferred from its 16 KB
        attributes = {name: getattr(response, name) for name in Response.attributes}  # TextResponse's less encoding
        head = type(response)(**{**attributes, "body": page_head(response.body)})
        result = super().process_response(request, head)
        return response if result is head else result


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

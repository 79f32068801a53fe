"""The WARC capture middleware: every HTTP exchange written to WARC as it came over the wire (redirect hops,
errors and robots.txt included), article requests made conditional on what was captured before."""

from __future__ import annotations

import asyncio
from datetime import datetime
from http import HTTPStatus
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request, Spider
from scrapy.http import Response

from archive.records import Exchange
from crawler.extensions import archive_session
from crawler.fetch.validators import VALIDATED_URL, drop_inherited_validators

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
        drop_inherited_validators(request)  # a redirect hop is asked with its own validators only
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
            request.meta[VALIDATED_URL] = request.url
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

"""The downloader middlewares: every HTTP exchange written to WARC as it came over the wire; meta refresh read from
a page's head; cookies a redirect sets sent on the rest of its chain. The HTTP download handler, whose connection pool
keeps an outlet's connections open, and the duplicate filter that lets an article's old, redirecting URL through."""

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
from scrapy.extensions.throttle import AutoThrottle
from scrapy.http import HtmlResponse, Response, TextResponse

from archive.records import Exchange
from crawler.extensions import archive_session
from crawler.fetch.chain_cookies import add_set_cookies, cookie_header, new_cookies_for
from crawler.fetch.crawl_delay import floor_slot
from crawler.fetch.head import HEAD_BYTES, SCANNED_CHARS, binary_kind, page_head, web_content_type
from crawler.fetch.limits import Limits
from crawler.fetch.refresh import gate_refresh
from crawler.fetch.validators import VALIDATED_URL, drop_inherited_validators
from crawler.fetch.wire import MAX_HEADER_BYTES, BadResponseHead, head_line_verdict
from crawler.netguard import HeadersTooLarge, Refused, check_redirect, slot_floors

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


class RedirectAwareDupeFilter(RFPDupeFilter):
    """Scrapy's duplicate filter, except for an article redirect whose target this crawl fetched already, and a
    discovery document read again for another outlet.

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
        if seen and chain and request.url in chain:
            # back to a URL of its own chain: a loop, unless a hop set a cookie that URL was not yet asked with (a
            # consent or cookie-check gate: crawler/fetch/chain_cookies.py)
            return not new_cookies_for(request.meta, request.url)
        if (seen and chain and request.meta.get("kind") == "article" and request.url not in chain
                and urlsplit(request.url).path not in ("", "/")):
            return False
        if seen and request.meta.get("read_round"):
            # a feed, sitemap or listing fetched again for an outlet that asked after its first reading
            # (crawler/discovery/readers.py: each round adds an outlet, so it comes at most once per outlet)
            return False
        return seen


class ChainCookiesMiddleware:
    """Send the cookies a redirect set on the rest of that redirect chain, and on no other request (a consent or
    cookie-check gate passed as a first-time visitor passes it; crawler/fetch/chain_cookies.py). Sits above
    ResponseGuardMiddleware (700), so a 3xx's ``Set-Cookie`` is read before its loop check and before the next hop
    is built from the request, and below WarcCaptureMiddleware (950), so the WARC holds the ``Cookie`` header as
    sent.

    The jar rides in ``meta``, which Scrapy's redirects copy onto the next hop, and so do its retries: a hop's own
    cookies (``chain_cookies_hop``: its URL and place in ``redirect_urls``) go to later hops only, so a retry of a 503
    that set a cookie is sent with the jar its first try had (``chain_cookies_before``)."""

    def process_request(self, request: Request, spider: Spider | None = None) -> None:
        """Add the chain's cookies that apply to this hop (or drop one carried over to another host or a retry)."""
        meta = request.meta
        if "chain_cookies" not in meta:  # an empty jar too: a hop that deleted the last cookie sends none
            return
        if meta.get("chain_cookies_hop") == _hop(request):  # the hop that set them, again: a retry
            meta["chain_cookies"] = meta.pop("chain_cookies_before", ())
            del meta["chain_cookies_hop"]
        request.headers.pop("Cookie", None)  # the previous hop's, copied by Scrapy's redirect or retry
        header = cookie_header(meta["chain_cookies"], request.url)
        if header:
            request.headers["Cookie"] = header
            meta["chain_sent"] = (*meta.get("chain_sent", ()), (request.url, header))

    def process_response(self, request: Request, response: Response, spider: Spider | None = None) -> Response:
        """Keep the cookies this response sets for the hops that follow it (a redirect or a meta refresh)."""
        values = response.headers.getlist("Set-Cookie")
        if values:
            meta, hop = request.meta, _hop(request)
            if meta.get("chain_cookies_hop") != hop:
                meta["chain_cookies_before"], meta["chain_cookies_hop"] = meta.get("chain_cookies", ()), hop
            meta["chain_cookies"] = add_set_cookies(
                meta.get("chain_cookies", ()), [v.decode("latin-1") for v in values], response.url)
        return response


def _hop(request: Request) -> tuple[str, int]:
    """Which hop of its redirect chain a request is (a retry copies it: the same hop)."""
    return request.url, len(request.meta.get("redirect_urls", ()))


class HeadMetaRefreshMiddleware(MetaRefreshMiddleware):
    """Scrapy's ``MetaRefreshMiddleware`` over the head of an HTML page (crawler.fetch.head), so the page is not
    decoded whole and kept decoded on the response; the response passes on as it came.

    A refresh is checked as a 3xx is (crawler.netguard.check_redirect): Scrapy's OffsiteMiddleware drops a refresh
    off the outlet's domains (or to a non-public address, which is on none) when it is scheduled, with no errback,
    so the page was never recorded and its URL stayed pending for ever; a refresh back to the page was dropped by
    the duplicate filter the same way.
    """

    def __init__(self, settings: Any):
        super().__init__(settings)
        self.limits = Limits.from_settings(settings)

    def process_response(self, request: Any, response: Any, spider: Any = None) -> Any:
        """Scrapy's answer (the response, or the redirect request) from the page's head; Refused for a bad target."""
        try:
            result = self._refresh(request, response)
        except ValueError:  # a refresh to no URL ("http://[x/"): a browser ignores it, and so does the crawl
            logger.debug("%s: meta refresh to an invalid URL ignored", response.url)
            return response
        if isinstance(result, Request):
            check_redirect(self.crawler, request, result.url, self.limits, "meta refresh")
        return result

    def _refresh(self, request: Any, response: Any) -> Any:
        if not isinstance(response, HtmlResponse) or len(response.body) <= HEAD_BYTES:
            return self._follow(request, response)
        # not response.replace(): it reads ``response.encoding`` (even with encoding=None given), and for a page
        # that declares no charset (no header, BOM or <meta charset>) that infers it by decoding the whole body and
        # keeps the text on the response, the copy this class avoids. The head finds its own encoding: the same
        # declaration, if any (w3lib reads <meta charset> in the first 4 KB); else inferred from its 16 KB
        attributes = {name: getattr(response, name) for name in Response.attributes}  # TextResponse's less encoding
        head = type(response)(**{**attributes, "body": page_head(response.body)})
        result = self._follow(request, head)
        return response if result is head else result

    def _follow(self, request: Any, response: Any) -> Any:
        """Scrapy's ``MetaRefreshMiddleware.process_response`` (2.19), with the refresh read by
        crawler.fetch.refresh.meta_refresh (gate_refresh) instead of w3lib's (which lost a quoted URL written with entities)."""
        if request.meta.get("dont_redirect", False) or request.method == "HEAD" \
                or not isinstance(response, HtmlResponse) or urlsplit(request.url).scheme not in ("http", "https"):
            return response
        found = gate_refresh(response.text[:SCANNED_CHARS], response.url, self._ignore_tags,
                             new_cookies_for(request.meta, response.url))  # a bot check's self-refresh
        if found is None:
            return response
        redirected = self._redirect_request_using_get(request, response, found[1])
        if urlsplit(redirected.url).scheme not in ("http", "https") or found[0] >= self._maxdelay:
            return response
        return self._redirect(redirected, request, "meta refresh")


class BinaryBodyMiddleware:
    """Refuse an HTML answer whose body is a file of another kind (a PDF, an image, an archive served as text/html).

    Scrapy types a response by its Content-Type alone when it names one, so such a body reached extraction, which
    made an "article" of its bytes. Sits below HttpCompressionMiddleware (590): it sees the decoded body.
    """

    def process_response(self, request: Request, response: Response, spider: Spider | None = None) -> Response:
        """The response, or Refused ``not-html`` (the exchange is archived already)."""
        if not isinstance(response, HtmlResponse) or request.meta.get("kind") in ("feed", "sitemap"):
            return response  # a feed or sitemap may be a .xml.gz file, whatever it is served as
        kind = binary_kind(response.body)
        if kind is None:
            return response
        served = response.headers.get(b"Content-Type", b"").decode("latin-1")
        raise Refused("not-html", f"served as {served or 'HTML'}, but the body is {kind}")


class CharsetLabelMiddleware:
    """Drop a Content-Type charset that names a Python codec but no web encoding (crawler.fetch.head.foreign_codec),
    and override a ``<meta charset>`` that does (crawler.fetch.head.charset_for_foreign_meta).

    w3lib, and so Scrapy's ``response.text`` and our decode_html, decode with whatever codec Python's registry finds
    for the label: ``charset=zlib`` raised LookupError (a listing's links lost, an article a fetch-error retried
    for three crawls) and ``charset=punycode`` held the reactor for minutes on a 2 MB page (a quadratic decoder).
    A browser ignores such a label; so does every reader below this middleware. The WARC keeps the header as sent.
    Sits below HttpCompressionMiddleware (590) and above the readers of the text (585, 580, the spider).
    """

    def __init__(self, crawler: Any):
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Any) -> CharsetLabelMiddleware:
        """Scrapy entry point."""
        return cls(crawler)

    def process_response(self, request: Request, response: Response, spider: Spider | None = None) -> Response:
        """The response, or a copy whose Content-Type has no foreign charset label."""
        content_type = response.headers.get(b"Content-Type")
        if not isinstance(response, TextResponse) or not content_type:
            return response
        served = content_type.decode("latin-1")
        fixed = web_content_type(served, response.body)
        if fixed is None:
            return response
        logger.info("%s: charset label of %r is no web encoding; read as %r", response.url, served[:100], fixed)
        self.stats.inc_value("newsarchive/charset/foreign-label")
        headers = response.headers.copy()
        headers[b"Content-Type"] = fixed.encode("latin-1")
        # built, not response.replace(): that reads response.encoding, which decodes with the label (see above)
        attributes = {name: getattr(response, name) for name in Response.attributes}
        return type(response)(**{**attributes, "headers": headers})


class RobotsAwareAutoThrottle(AutoThrottle):
    """Scrapy's AutoThrottle, which never takes a slot below its outlet's ``download_delay`` or its robots.txt
    Crawl-delay.

    AutoThrottle moves ``slot.delay`` between ``DOWNLOAD_DELAY`` and ``AUTOTHROTTLE_MAX_DELAY`` after every response
    (``_adjust_delay``): a fast site's slot would fall back to one second whatever its outlet's configuration
    (``DOWNLOAD_SLOTS``: an outlet asking 2 s was fetched 1.2 s apart, a black-box probe at stop 35) or its robots.txt
    asks. Each adjustment is followed by those floors (the Crawl-delay's: crawler.netguard ``RobotsGuardMiddleware``),
    here rather than in a second ``response_downloaded`` handler, whose order against AutoThrottle's no one promises.
    """

    def __init__(self, crawler: Any):
        super().__init__(crawler)
        # the outlets' delays by slot (set by the spider's update_settings, before the extensions start)
        self._configured = {k: float(v["delay"]) for k, v in crawler.settings.getdict("DOWNLOAD_SLOTS").items()
                            if isinstance(v, dict) and v.get("delay") is not None}

    def _response_downloaded(self, response: Response, request: Request, spider: Spider) -> None:
        super()._response_downloaded(response, request, spider)
        key, slot = self._get_slot(request, spider)
        if key is None or slot is None:
            return
        configured = self._configured.get(key)
        if configured is not None and slot.delay < configured:
            slot.delay = configured
        floor = slot_floors(self.crawler).get(key)
        if floor is not None:
            floor_slot(slot, floor)


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

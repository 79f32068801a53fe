"""Scrapy adapters that keep a crawl safe and bounded: request/response guards, back-off, RFC 9309 robots.txt.

The rules they apply live in crawler/fetch/ (no Scrapy there); the guarded DNS resolver is crawler/resolver.py.
"""

from __future__ import annotations

import logging
from time import monotonic
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request, Spider, signals
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
)
from scrapy.http import Response
from scrapy.utils.asyncio import call_later
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.defer import Deferred
from twisted.python.failure import Failure

from crawler.fetch.chain_cookies import new_cookies_for
from crawler.fetch.crawl_delay import SlotFloor, floor_slot, hold_slot, robots_delay, stale_download_slot
from crawler.fetch.guards import (
    DECODE_ERRORS,
    Budget,
    UnreadableRobots,
    as_followed,
    is_offsite,
    other_outlet,
    redirect_loop,
    redirect_target,
    response_refusal,
    unknown_transfer_coding,
    url_refusal,
)
from crawler.fetch.head import inflated_head
from crawler.fetch.limits import Limits, parse_retry_after
from crawler.fetch.safety import AddressPolicy
from crawler.resolver import GuardedResolver, installed_resolver

logger = logging.getLogger(__name__)


class Refused(IgnoreRequest):
    """A request the crawl refuses on purpose; ``reason`` is the failure reason recorded in the catalogue."""

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason, self.detail = reason, detail


class HeadersTooLarge(Exception):
    """A response whose header section passed the crawl's bound (crawler/middlewares/handler.py's parser)."""


def budget_for(crawler: Any) -> Budget:
    """The crawl's Budget, created on first use (one per crawler, not global)."""
    return vars(crawler).setdefault("_newsarchive_budget", Budget())


def slot_floors(crawler: Any) -> dict[str, SlotFloor]:
    """The crawl's download slots held to a robots.txt Crawl-delay, by slot key (one dict per crawler)."""
    return vars(crawler).setdefault("_newsarchive_slot_floors", {})


def check_redirect(crawler: Any, request: Request, target: str, limits: Limits, how: str = "redirect") -> None:
    """Raise Refused when ``request`` must not be followed to ``target`` (a 3xx ``Location`` or a meta refresh): another
    scheme than http(s), a loop, a non-public address, a host off the spider's domains (Scrapy's OffsiteMiddleware drops
    it unrecorded, the URL pending for ever) or on another outlet's, more than REDIRECT_MAX_TIMES hops."""
    chain = [*request.meta.get("redirect_urls", []), request.url]

    def refuse(reason: str, detail: str) -> Refused:
        crawler.stats.inc_value(f"newsarchive/refused/{reason}")
        return Refused(reason, detail)

    try:
        host = urlsplit(target).hostname or ""
    except ValueError as exc:  # "http://[::1/": Scrapy's Request() would raise the same, unrecorded
        raise refuse("bad-redirect", f"{how} to {target[:200]}: {exc}") from None
    if refusal := url_refusal(target, getattr(installed_resolver(), "policy", None)):
        raise refuse(refusal[0], f"{how} to {target[:200]}: {refusal[1]}")
    loop = redirect_loop(chain, target)
    if loop and not new_cookies_for(request.meta, target):  # back with a cookie a hop set: a gate passed
        raise refuse("redirect-loop", loop if how == "redirect" else f"{how}: {loop}")
    resolver = installed_resolver()
    if reason := (resolver.policy.refusal(host) if resolver else None):
        raise refuse("private-address", f"{how} to {target}: {reason}")
    domains = getattr(crawler.spider, "allowed_domains", None) or ()  # dont_filter too: parts, re-fetches (round 10)
    if not request.meta.get("allow_offsite") and is_offsite(host, domains):
        raise refuse("offsite-redirect", f"{how} to {target}, which is on none of the outlet's domains "
                                         f"(add its host to allowed_domains to follow it)")
    if other := other_outlet(host, request.meta.get("outlet"), getattr(crawler.spider, "outlets", ())):
        raise refuse("offsite-redirect", f"{how} to {target}, which is on outlet {other}'s domains, not this one's")
    if request.meta.get("redirect_times", 0) >= limits.redirect_max:
        raise refuse("too-many-redirects", f"{len(chain)} redirects from {chain[0]}; REDIRECT_MAX_TIMES is "
                                           f"{limits.redirect_max}")


class RequestGuardMiddleware:
    """Refuse requests before they are sent: non-public addresses, over-long URLs, outlets over their budget."""

    def __init__(self, crawler: Any):
        self.crawler = crawler
        self.limits = Limits.from_settings(crawler.settings)
        self._resolver: GuardedResolver | None = None
        self.budget = budget_for(crawler)
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Any) -> RequestGuardMiddleware:
        """Scrapy entry point."""
        return cls(crawler)

    @property
    def resolver(self) -> GuardedResolver | None:
        """The installed GuardedResolver (looked up on first use: the reactor gets it after the middlewares)."""
        if self._resolver is None:
            self._resolver = installed_resolver()
            if self._resolver is None and not self.limits.allow_private:
                raise RuntimeError("TWISTED_DNS_RESOLVER must be crawler.resolver.GuardedResolver (it refuses "
                                   "private addresses); set ARCHIVE_ALLOW_PRIVATE to crawl without it")
        return self._resolver

    @property
    def policy(self) -> AddressPolicy:
        """The crawl's address policy (the resolver's)."""
        return self.resolver.policy if self.resolver else AddressPolicy(allow_private=True)

    def _refuse(self, reason: str, detail: str) -> Refused:
        self.stats.inc_value(f"newsarchive/refused/{reason}")
        return Refused(reason, detail)

    def process_request(self, request: Request, spider: Spider | None = None) -> None:
        """Raise Refused for a request the crawl must not send."""
        parts = urlparse_cached(request)
        if refusal := url_refusal(request.url, self.policy):  # another scheme, a port no browser fetches from
            raise self._refuse(*refusal)
        if len(request.url) > self.limits.url_max_length:
            raise self._refuse("url-too-long", f"{len(request.url)} characters; CRAWL_URL_MAX_LENGTH is "
                                               f"{self.limits.url_max_length}")
        host = parts.hostname or ""
        reason = self.policy.refusal(host) or (self.resolver.refused.get(host.lower()) if self.resolver else None)
        if reason:
            raise self._refuse("private-address", reason)
        outlet = request.meta.get("outlet")
        if outlet and not request.meta.get("dont_obey_robotstxt"):
            exhausted = self.budget.exhausted(outlet, self.limits)
            if exhausted:
                raise self._refuse("outlet-limit", exhausted)
            self.budget.pages[outlet] += 1  # counted when sent, so the limit holds however many are queued


class ResponseGuardMiddleware:
    """Stop redirect loops, over-long and unsafe redirects, honour Retry-After per site, count bytes per outlet.

    Sits between the WARC capture (950, so every hop is archived first) and RedirectMiddleware (600) and
    RetryMiddleware (550), so it sees a 3xx before it is followed and a 429 before it is retried.
    """

    def __init__(self, crawler: Any):
        self.crawler = crawler
        self.limits = Limits.from_settings(crawler.settings)
        self.budget = budget_for(crawler)
        self.stats = crawler.stats
        self.paused_until: dict[str, float] = {}
        # The back-off runs as soon as a 429/503 is downloaded (Scrapy's response_downloaded), not in
        # process_response: the downloader hands the slot's next request on before the middlewares see the
        # response, so a pause set there let one more request reach a site that had asked us to wait.
        crawler.signals.connect(self._on_downloaded, signal=signals.response_downloaded)

    @classmethod
    def from_crawler(cls, crawler: Any) -> ResponseGuardMiddleware:
        """Scrapy entry point."""
        return cls(crawler)

    def process_response(self, request: Request, response: Response, spider: Spider | None = None) -> Response:
        """Count the response and refuse a looping or endless redirect (429/503: ``_on_downloaded``)."""
        outlet = request.meta.get("outlet")
        if outlet:
            self.budget.bytes[outlet] += len(response.body)
        if refusal := response_refusal(response.status, request.headers.get(b"Range"), response.headers):
            raise Refused(*refusal)  # archived already (WarcCaptureMiddleware, 950): a part of the page, a NUL
        location = response.headers.get(b"Location")
        if 300 <= response.status < 400 and location and not request.meta.get("dont_redirect"):
            try:
                target = redirect_target(request.url, location)  # as RedirectMiddleware reads it
            except ValueError as exc:  # "http://[::1/": not a URL (RedirectMiddleware would raise it unnamed)
                self.stats.inc_value("newsarchive/refused/bad-redirect")
                raise Refused("bad-redirect", f"Location {location[:200]!r} is no URL: {exc}") from None
            response, target = as_followed(response, location, request.url, target)
            check_redirect(self.crawler, request, target, self.limits)
        return response

    def _on_downloaded(self, response: Response, request: Request, spider: Spider | None = None) -> None:
        """Back off on a 429/503 the moment it is downloaded, before the slot's next request is sent; a slot held
        to a Crawl-delay counts it from the end of this answer, not from when the request was sent."""
        key = request.meta.get("download_slot")
        slot = self.crawler.engine.downloader.slots.get(key)
        if slot is not None and (floor := slot_floors(self.crawler).get(key)):
            slot.lastseen = monotonic()  # Scrapy's own clock for a slot's delay (Downloader._process_queue)
            if outlet := request.meta.get("outlet"):  # each outlet fetched under it, not only the first
                self.stats.max_value(f"newsarchive/robots/crawl_delay/{outlet}", floor.delay)
        if response.status in (429, 503):
            self._back_off(request, response)

    def _back_off(self, request: Request, response: Response) -> None:
        """Pause the site's download slot for Retry-After (capped); each 429 also doubles the slot's delay."""
        wait = parse_retry_after(response.headers.get(b"Retry-After"))
        downloader = self.crawler.engine.downloader
        key = request.meta.get("download_slot") or downloader.get_slot_key(request)
        slot = downloader.slots.get(key)
        if slot is None:
            return
        outlet = request.meta.get("outlet")
        if outlet and (response.status == 429 or wait is not None):
            # crawl health: crawls.counts carries how often each outlet asked us to slow down
            from crawler.extensions import archive_session

            archive_session(self.crawler).count(outlet, "throttled")
            self.stats.inc_value(f"newsarchive/backoff/throttled/{outlet}")
        if response.status == 429:
            slot.delay = min(max(slot.delay * 2, 1.0), self.limits.retry_after_max)
            if floor := slot_floors(self.crawler).get(key):  # under a low CRAWL_RETRY_AFTER_MAX too
                floor_slot(slot, floor)
            self.stats.inc_value("newsarchive/backoff/slowdown")
            self.stats.max_value("newsarchive/backoff/max_delay", slot.delay)
        if not wait:
            return
        wait = min(wait, self.limits.retry_after_max)
        until = monotonic() + wait
        if until <= self.paused_until.get(key, 0.0):
            return
        self.paused_until[key] = until
        # The downloader sends nothing from a slot while slot.latercall is set (Downloader._process_queue), and
        # a delay penalty only applies when the slot has a delay: setting latercall pauses the whole slot.
        if slot.latercall is not None:
            slot.latercall.cancel()
        slot.latercall = call_later(wait, downloader._latercall, slot)
        self.stats.inc_value("newsarchive/backoff/retry-after")
        self.stats.max_value("newsarchive/backoff/max_wait", round(wait, 1))
        logger.info("%s answered %s with Retry-After: pausing %s for %.1f s", request.url, response.status, key, wait)


class RobotsGuardMiddleware(RobotsTxtMiddleware):
    """Scrapy's robots.txt middleware with RFC 9309's rules for errors and size.

    A 5xx or an unreachable robots.txt disallows the site for this crawl (2.3.1.4); a 4xx allows everything
    (2.3.1.3); only the first CRAWL_ROBOTS_MAX_SIZE bytes are parsed (2.5).
    """

    def __init__(self, crawler: Any):
        super().__init__(crawler)
        self.limits = Limits.from_settings(crawler.settings)
        self._schemes: dict[str, str] = {}
        # sent before the requests waiting for the robots.txt are let go: the slot is held before any is queued
        crawler.signals.connect(self._crawl_delay, signal=signals.robots_parsed)

    async def process_request(self, request: Request, spider: Spider | None = None) -> None:
        """Scrapy's, once a redirect hop to another host has dropped the previous host's download slot."""
        if stale_download_slot(request.url, request.meta):
            del request.meta["download_slot"]
        await super().process_request(request)

    async def robot_parser(self, request: Request) -> Any:
        """Scrapy's, remembering each site's scheme (a failure names the robots.txt URL in full), with the verdict
        read back once settled: Scrapy 2.13+ hands the requests that waited for it one Deferred whose first callback
        returns None, so all but the first were let through as if the site had none (scrapy/scrapy#6802)."""
        parts = urlparse_cached(request)
        self._schemes.setdefault(parts.netloc, parts.scheme)
        parser = await super().robot_parser(request)
        return parser if isinstance(settled := self._parsers.get(parts.netloc, parser), Deferred) else settled

    def process_request_2(self, rp: Any, request: Request) -> None:
        """Refuse every request of a site whose robots.txt is unavailable; otherwise as Scrapy does."""
        if isinstance(rp, UnreadableRobots):
            self._stats.inc_value("newsarchive/refused/robots-unavailable")
            raise Refused("robots-unavailable", rp.detail)
        super().process_request_2(rp, request)

    async def _parse_robots(self, response: Response, netloc: str, request: Request) -> None:
        if response.status >= 500:
            self._stats.inc_value("robotstxt/response_count")
            self._stats.inc_value(f"robotstxt/response_status_count/{response.status}")
            self._unavailable(netloc, response.url, f"robots.txt answered HTTP {response.status}",
                              response.meta.get("capture_id"))
            return
        body = response.body if 200 <= response.status < 300 else b""  # 3xx left over, 4xx: allow all
        body = inflated_head(body, self.limits.robots_max_size + 1)  # gzipped, no Content-Encoding: it had no rule
        if len(body) > self.limits.robots_max_size:
            logger.warning("%s is %d bytes; reading the first %d (CRAWL_ROBOTS_MAX_SIZE)", response.url, len(body),
                           self.limits.robots_max_size)
            self._stats.inc_value("newsarchive/robots/truncated")
            body = body[:self.limits.robots_max_size]
        await super()._parse_robots(response.replace(body=body), netloc, request)

    def _crawl_delay(self, robotparser: Any, request: Request) -> None:
        """Hold the site's download slot to its robots.txt Crawl-delay for our User-Agent (capped; see
        crawler/fetch/crawl_delay.py): the delay at least that, one request at a time, for the rest of the crawl."""
        agent = self._robotstxt_useragent or self._default_useragent
        rate = getattr(getattr(robotparser, "rp", None), "request_rate", None)  # Protego's; other parsers: none
        try:
            wanted = robots_delay(robotparser.crawl_delay(agent), rate(agent) if callable(rate) else None,
                                  cap=self.limits.robots_delay_max)
        except Exception as exc:  # noqa: BLE001 - a parser's bug costs the delay, never the crawl
            logger.warning("the Crawl-delay of %s could not be read (%s: %s)", request.url, type(exc).__name__, exc)
            return
        if wanted is None:
            return
        downloader = self.crawler.engine.downloader
        # the slot a fresh request to this host takes, and the request's own (should a hop have kept another)
        keys = dict.fromkeys(downloader.get_slot_key(r) for r in (Request(request.url), request))
        floor = max((hold_slot(downloader, slot_floors(self.crawler), key, wanted.applied) for key in keys),
                    key=lambda held: held.delay)
        key = next(iter(keys))  # the host's
        outlet = request.meta.get("outlet") or key
        self._stats.max_value("newsarchive/robots/crawl_delay", floor.delay)
        self._stats.max_value(f"newsarchive/robots/crawl_delay/{outlet}", floor.delay)
        if wanted.capped:
            self._stats.inc_value("newsarchive/robots/crawl_delay_capped")
            logger.warning("robots.txt of %s asks a Crawl-delay of %g s; honouring %g s (CRAWL_ROBOTS_DELAY_MAX)",
                           key, wanted.asked, wanted.applied)
        logger.info("robots.txt of %s asks a Crawl-delay of %g s: outlet %s is fetched from it %g s apart at least, "
                    "one request at a time", key, wanted.asked, outlet, floor.delay)

    def _robots_error(self, exc: Exception, netloc: str) -> None:
        resolver = installed_resolver()
        refused_host = isinstance(exc, CannotResolveHostError) and resolver is not None \
            and netloc.rsplit(":", 1)[0].strip("[]").lower() in resolver.refused
        url = f"{self._schemes.get(netloc, 'http')}://{netloc}/robots.txt"
        if (isinstance(exc, Refused) and exc.reason not in ("bad-header", "http-206")) or refused_host:  # but an
            # answer refused as malformed, or one inflating past DOWNLOAD_MAXSIZE, is as good as none: unavailable
            # refused by the crawl itself (private address, redirect loop, ...): each page is then refused for
            # that reason; a redirect not followed counts as a 4xx (RFC 9309 2.3.1.2): allowed, and recorded
            if isinstance(exc, Refused):
                self._record(url, exc.reason, f"{exc.detail}; read as unavailable: all allowed (RFC 9309 2.3.1.2)")
            return super()._robots_error(exc, netloc)
        self._stats.inc_value(f"robotstxt/exception_count/{type(exc)}")
        self._unavailable(netloc, url, f"robots.txt unreachable: {type(exc).__name__}: {exc}", None)

    def _record(self, url: str, reason: str, detail: str, capture_id: int | None = None) -> None:
        """A failure row for a robots.txt (counted by the session, and so in the stats: newsarchive/failures/...)."""
        from crawler.extensions import archive_session
        outlet = (session := archive_session(self.crawler)).outlet_for(url)
        session.record_failure(outlet.name if outlet else None, url, "fetch", reason, detail, capture_id)

    def _unavailable(self, netloc: str, url: str, detail: str, capture_id: int | None) -> None:
        logger.warning("%s; not crawling %s in this crawl (RFC 9309 2.3.1.4)", detail, netloc)
        self._record(url, "robots-unavailable", detail, capture_id)
        parser = UnreadableRobots(f"{detail}; the site is not crawled until its robots.txt can be read")
        pending = self._parsers[netloc]
        self._parsers[netloc] = parser
        if hasattr(pending, "callback") and not pending.called:
            pending.callback(parser)


def classify(failure: Failure, resolver: GuardedResolver | None = None) -> tuple[str, str]:
    """The failure reason and detail of a request that gave no response."""
    exc = failure.value
    if isinstance(exc, Refused):
        return exc.reason, exc.detail
    message = failure.getErrorMessage()
    detail = f"{type(exc).__name__}: {message}"
    if isinstance(exc, IgnoreRequest):
        text = str(exc).lower()
        if "max redirections" in text:
            return "too-many-redirects", detail
        if "download max size" in text or "exceeded download_maxsize" in text:
            return "too-large", detail
        return ("robots-disallowed" if "robots" in text else "ignored"), detail
    if isinstance(exc, DECODE_ERRORS):
        return "bad-encoding", f"the body could not be decoded as its Content-Encoding says: {detail}"
    if isinstance(exc, ResponseDataLossError):
        return "fetch-error", ("the connection closed before the whole body came (cut chunked body or short "
                               "Content-Length; DOWNLOAD_FAIL_ON_DATALOSS)")
    reasons = [getattr(r, "value", None) for r in getattr(exc.__cause__, "reasons", None) or []]
    too_large = next((value for value in reasons if isinstance(value, HeadersTooLarge)), None)
    if too_large is not None:
        return "too-large", str(too_large)
    if coding := unknown_transfer_coding(reasons):
        return "bad-encoding", coding
    if isinstance(exc, DownloadCancelledError):
        # Scrapy cancels a download whose Content-Length, or whose streamed body, passes DOWNLOAD_MAXSIZE
        return "too-large", message or "the body passed DOWNLOAD_MAXSIZE while it was streamed"
    if isinstance(exc, DownloadTimeoutError) or type(exc).__name__ in ("TimeoutError", "TCPTimedOutError"):
        return "timeout", detail
    if isinstance(exc, CannotResolveHostError) and resolver is not None:
        request = getattr(failure, "request", None) or getattr(exc, "request", None)
        host = urlparse_cached(request).hostname if request is not None else None
        if host and host.lower() in resolver.refused:
            return "private-address", resolver.refused[host.lower()]
    return "fetch-error", detail



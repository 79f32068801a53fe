"""The spider that walks every configured outlet: feeds, sitemaps, robots.txt Sitemap lines and listing pages."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from functools import cached_property
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request, Spider, signals
from scrapy.http import Response, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from archive.catalogue import refetch
from crawler.capture.config import ArchiveConfig
from crawler.capture.session import ArchiveSession
from crawler.config.outlets import Outlet, load_outlets, select_outlets
from crawler.discovery import entries
from crawler.discovery import parsers as discovery
from crawler.discovery.urls import canonicalize
from crawler.extensions import archive_session
from crawler.extraction.served_type import not_html
from crawler.fetch import backfill
from crawler.fetch.limits import BUDGET_REASONS, Limits, is_transient
from crawler.items import PageItem
from crawler.netguard import classify
from crawler.resolver import installed_resolver
from crawler.spiders.documents import DOCUMENT_KINDS, DocumentSpider
from crawler.spiders.parts import PagedArticles

logger = logging.getLogger(__name__)


class OutletSpider(PagedArticles, DocumentSpider):
    """Discover and fetch the articles of the configured outlets (``-s ARCHIVE_OUTLETS=a,b`` to choose)."""

    name = "outlets"

    @classmethod
    def update_settings(cls, settings: Any) -> None:
        """Derive the honest User-Agent (with the operator's contact URL) and per-outlet politeness slots."""
        super().update_settings(settings)
        config = ArchiveConfig.from_settings(settings)
        settings.set("USER_AGENT", config.user_agent, priority="spider")
        settings.set("ROBOTSTXT_USER_AGENT", "newsarchive", priority="spider")
        # per-domain politeness from the outlet config: the downloader reads DOWNLOAD_SLOTS when it starts
        outlets = select_outlets(load_outlets(config.seeds), list(config.outlets))
        slots = {domain: backfill.slot(outlet, settings) for outlet in outlets for domain in outlet.domains()}
        settings.set("DOWNLOAD_SLOTS", slots, priority="spider")
        backfill.apply(settings, outlets)  # CRAWL_BACKFILL (`crawl --backfill`): AutoThrottle off, more at once

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> OutletSpider:
        """Scrapy entry point: the session, and with it the outlets, come later (see ``session``)."""
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.limits = Limits.from_settings(crawler.settings)
        spider.sitemap_fetches = Counter()
        spider.requests_made = Counter()  # article and listing requests per outlet (CRAWL_OUTLET_MAX_PAGES at most)
        spider.refused_once = set()
        spider.lastmod_rechecks = Counter()  # known articles fetched again on a moved lastmod (CRAWL_LASTMOD_RECHECKS)
        spider.rechecked = set()
        # children of sitemap indexes read whole by earlier crawls, per outlet (read on first use); a back-fill
        # reads every one again
        spider.skip_unchanged = spider.limits.sitemap_skip_unchanged and not backfill.enabled(crawler.settings)
        spider.sitemaps_read = {}
        crawler.signals.connect(spider.robots_parsed, signal=signals.robots_parsed)
        crawler.signals.connect(spider.request_dropped, signal=signals.request_dropped)
        # a back-fill's requests wait on disk (crawler.fetch.backfill): its folder goes once Scrapy is done with it
        jobdir, data_dir = crawler.settings.get("JOBDIR"), ArchiveConfig.from_settings(crawler.settings).data_dir
        crawler.signals.connect(lambda: backfill.drop_queue(jobdir, data_dir), signal=signals.engine_stopped,
                                weak=False)
        return spider

    @cached_property
    def session(self) -> ArchiveSession:
        """The crawl's session. Scrapy builds the spider before the extension that opens it
        (crawler.extensions.ArchiveSessionOwner), so it is read on first use, from ``spider_opened`` on."""
        return archive_session(self.crawler)

    @property
    def outlets(self) -> list[Outlet]:
        """The outlets this crawl covers (the session's, read once from the seeds)."""
        return self.session.outlets

    @cached_property
    def allowed_domains(self) -> list[str]:
        """The outlets' domains (OffsiteMiddleware reads them when the spider opens)."""
        return sorted(self.outlet_domains())

    def outlet_domains(self) -> set[str]:
        """Every domain of the crawl's outlets."""
        return {d for o in self.outlets for d in o.domains()}

    async def start(self) -> AsyncIterator[Request]:
        """Every outlet's first requests: what earlier crawls found but did not archive, then feeds, sitemaps and
        start pages (robots.txt comes with the first).

        A URL no request can be made of (a port over 65535 raises in canonicalisation) is a ``bad-url`` failure of
        its outlet, and the others go on: an exception out of this generator ends Scrapy's reading of every outlet's
        start requests (stop 37: one feed on port 99999 left the next outlet with nothing, the crawl exit 0)."""
        for row in self.session.reader.pending([o.name for o in self.outlets]):
            try:
                request = self._pending(row)
            except Exception as exc:  # noqa: BLE001 (any: one URL must not cost every outlet its crawl)
                self._bad_start(row["outlet"], row["url"], exc)
                self.session.settle(row["url"], "done", "bad-url")
                continue
            if request is not None:
                yield request
        for outlet in self.outlets:
            # one URL named by two outlets (two sections of a site) is fetched once and read for both
            feed, listing = {"callback": self.parse_feed, "kind": "feed"}, {"callback": self.parse_listing,
                                                                            "kind": "listing"}
            firsts = [(url, self._request, feed) for url in outlet.feeds]
            firsts += [(url, self._sitemap, {"depth": 0}) for url in outlet.sitemaps]
            firsts += [(url, self._request, listing) for url in outlet.start_urls]
            for url, make, how in firsts:
                try:
                    request = self._join(make(url, outlet, **how))
                except Exception as exc:  # noqa: BLE001 (as above)
                    self._bad_start(outlet.name, url, exc)
                    continue
                if request is not None:
                    yield request

    def _pending(self, row: dict[str, Any]) -> Request | None:
        """The request of a URL an earlier crawl left pending, or None (settled instead)."""
        # accepted as an article when it was discovered; its canonical form need not match article_urls
        outlet = self.session.by_name[row["outlet"]]
        if entries.denied(outlet, row["url"]):  # deny_urls added (or, before stop 36, not applied) since
            self.session.settle(row["url"], "done", "denied")
            return None
        if (row.get("kind") == "article" and row.get("reason") != refetch.LOST_REASON  # every capture missing
                and self.session.known_article(row["url"])):
            # archived under this URL since it was queued (a redirect's target, an alias), as discovery says
            self.session.settle(row["url"], "done", "known-article")
            return None
        request = self._article(row["url"], outlet, matched=True)
        if canonicalize(row["url"], self.session.session_params(outlet.name)) != row["url"]:
            # its canonical form changed since (a session parameter learned, new URL rules): that form is
            # the frontier's URL now, so this row is settled rather than left pending for ever
            self.session.settle(row["url"], "done", "canonical form changed")
        return request

    def _bad_start(self, outlet: str, url: str, exc: Exception) -> None:
        """Record a start URL no request can be made of, as its outlet's failure, and say so in the log."""
        detail = f"no request can be made of this URL: {type(exc).__name__}: {exc}"
        logger.error("%s: start URL %s skipped (%s); recorded as bad-url, the other start requests go on", outlet,
                     url[:300], detail)
        self.session.record_failure(outlet, url, "discover", "bad-url", detail)

    # -- callbacks --------------------------------------------------------------------------------

    def robots_parsed(self, robotparser: Any, request: Request) -> None:
        """Follow the ``Sitemap:`` lines of a robots.txt that RobotsTxtMiddleware fetched (and we archived).

        Reading them from the middleware's parser, rather than requesting robots.txt a second time, is one
        request and one WARC record less per site and crawl.
        """
        sitemaps = getattr(getattr(robotparser, "rp", None), "sitemaps", None)  # Protego, Scrapy's default
        if sitemaps is None:
            logger.warning("robots.txt parser %s gives no Sitemap lines; set ROBOTSTXT_PARSER to Protego",
                           type(robotparser).__name__)
            return
        # a "Sitemap: http://[x/" line is no URL: skipped, not raised inside the signal handler (the rest lost)
        urls = [url for url in (discovery.absolute_url(request.url, u.strip()) for u in sitemaps) if url]
        for outlet in self.outlets:
            if not outlet.robots_sitemaps or not outlet.owns(request.url):
                continue
            for url in urls:
                if outlet.owns(url):
                    sitemap = self._join(self._sitemap(url, outlet, depth=0))  # read once for every outlet
                    if sitemap is not None:
                        self.crawler.engine.crawl(sitemap)

    def request_dropped(self, request: Request, spider: Spider | None = None) -> None:
        """Settle an article whose redirect the duplicate filter dropped
        (crawler.middlewares.dupefilter.RedirectAwareDupeFilter).

        Its target was asked for already in this crawl: the home page a retired story is sent to (a soft 404, as a
        search engine counts it), or a URL of its own chain. Nothing reached ``parse_article`` or ``on_error``, so
        the URL stayed pending and every later crawl fetched the redirect again.
        """
        meta = request.meta
        chain = meta.get("redirect_urls")
        if meta.get("kind") != "article" or not chain or "frontier_url" not in meta:
            return
        home = urlsplit(request.url).path in ("", "/")
        reason = "soft-404" if home else "redirect-loop"
        detail = f"redirected to {'the home page' if home else 'a URL of its own chain'} {request.url}, which this " \
                 "crawl asked for already"
        self.session.record_failure(meta.get("outlet"), meta["frontier_url"], "fetch", reason, detail,
                                    meta.get("capture_id"))
        self.session.settle(meta["frontier_url"], "done", reason)

    def parse_article(self, response: Response) -> Iterator[PageItem | Request]:
        """Hand the article page to the pipeline (extraction runs there, off the reactor thread); an article split
        over pages goes once its later pages are in (crawler/spiders/parts.py)."""
        outlet = response.meta["outlet"]
        frontier_url = response.meta.get("frontier_url", response.url)
        first_page = self.first_page_request(response)  # a later page of a stored article: its first page instead
        if first_page is not None:
            yield first_page
            return
        # reached through a redirect from a URL not yet known as the article's: extracted even when unchanged, so
        # ingest records that URL as an alias
        if response.meta.get("revisit_of") is not None and not response.meta.get("force") \
                and not (response.meta.get("redirect_urls") and self.session.article_for_url(frontier_url) is None) \
                and not self.joined_from_parts(response.url) and self._seen_unchanged(response.url, frontier_url):
            return  # byte-identical to a capture whose article is stored: nothing to extract again
        served = response.headers.get("Content-Type", b"").decode("latin-1")
        # not shown as HTML by a browser (text/plain, JSON, a WARC file ...): archived, not read (served_type)
        refused = not_html(served, response.body) if isinstance(response, TextResponse) else served
        if refused is not None:
            self.session.record_failure(outlet, response.url, "extract", "not-html", refused,
                                        response.meta.get("capture_id"))
            self.session.settle(frontier_url, "done", "not-html")
            return
        # the bytes as they came: the extraction worker decodes them (crawler.capture.prepare), so the crawl process
        # holds no decoded copy of each page waiting for a worker (issue 10, tree RSS)
        content_type = response.headers.get("Content-Type", b"").decode("latin-1")
        yield from self.paged(response, PageItem(outlet=outlet, url=response.url, body=response.body,
                                                 content_type=content_type, capture_id=response.meta.get("capture_id"),
                                                 listed_date=response.meta.get("listed_date"), request_url=frontier_url))

    def _seen_unchanged(self, url: str, frontier_url: str) -> bool:
        """Touch the stored article of an unchanged page; False when there is none (extract it then)."""
        row = self.session.article_for_url(url)
        if row is None:
            return False
        self.session.touch_article(row["id"], datetime.now(UTC).isoformat(timespec="seconds"))
        self.session.settle(frontier_url, "done")
        self.session.count(row["outlet"], "articles_unchanged")
        return True

    def on_error(self, failure: Failure) -> None:
        """Record a request that gave no usable response: HTTP error, refusal, robots.txt, network failure."""
        request = failure.request if hasattr(failure, "request") else None
        if failure.check(HttpError):
            response = failure.value.response
            request = response.request
            reason, detail, url = f"http-{response.status}", "", response.url
            capture_id = response.meta.get("capture_id")
        else:
            request = request or getattr(failure.value, "request", None)
            url = request.url if request is not None else "?"
            capture_id = request.meta.get("capture_id") if request is not None else None
            reason, detail = classify(failure, installed_resolver())
        meta = request.meta if request is not None else {}
        outlet, kind = meta.get("outlet"), meta.get("kind")
        if reason == "http-304":
            # not modified since the capture we asked about: a revisit record was written, nothing else to do
            if kind == "article" and self._seen_unchanged(url, meta.get("frontier_url", url)):
                return
            # a 304 to a request that was not conditional (nothing stored to be unchanged from): recorded and
            # settled below; it used to return here unrecorded, the URL pending and fetched again by every crawl
            detail = "304 Not Modified, but nothing of this URL is stored to be unchanged from"
        # a feed, sitemap or listing: a failure of each outlet it was to be read for
        names = [r.outlet for r in self._readers(meta, url)] if kind in DOCUMENT_KINDS and outlet else [outlet]
        for name in names:
            self.session.record_failure(name, url, "fetch", reason, detail, capture_id)  # counted in the stats too
        if kind == "article" and reason not in BUDGET_REASONS:
            # permanent refusals settle the URL; transient ones stay pending for a few crawls, then fail
            self.session.settle(meta.get("frontier_url", url),
                                          "retry" if is_transient(reason) else "done", reason)


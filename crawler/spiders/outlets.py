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

from crawler.capture import sitemap_reads
from crawler.capture.config import ArchiveConfig
from crawler.capture.operations import CaptureRef
from crawler.capture.session import ArchiveSession
from crawler.config.outlets import Outlet, load_outlets, select_outlets
from crawler.discovery import parsers as discovery
from crawler.discovery.urls import canonicalize
from crawler.extensions import archive_session
from crawler.extraction.decode import decode_html
from crawler.fetch import backfill
from crawler.fetch.limits import BUDGET_REASONS, Limits, is_transient
from crawler.items import PageItem
from crawler.netguard import classify
from crawler.resolver import installed_resolver

logger = logging.getLogger(__name__)


class OutletSpider(Spider):
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
        spider.refused_once = set()
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
        start pages (robots.txt comes with the first)."""
        for row in self.session.reader.pending([o.name for o in self.outlets]):
            # accepted as an article when it was discovered; its canonical form need not match article_urls
            outlet = self.session.by_name[row["outlet"]]
            if row.get("kind") == "article" and self.session.known_article(row["url"]):
                # archived under this URL since it was queued (a redirect's target, an alias), as discovery says
                self.session.settle(row["url"], "done", "known-article")
                continue
            request = self._article(row["url"], outlet, matched=True)
            if canonicalize(row["url"], self.session.session_params(outlet.name)) != row["url"]:
                # its canonical form changed since (a session parameter learned, new URL rules): that form is
                # the frontier's URL now, so this row is settled rather than left pending for ever
                self.session.settle(row["url"], "done", "canonical form changed")
            if request is not None:
                yield request
        for outlet in self.outlets:
            for url in outlet.feeds:
                yield self._request(url, outlet, self.parse_feed, kind="feed")
            for url in outlet.sitemaps:
                request = self._sitemap(url, outlet, depth=0)
                if request is not None:
                    yield request
            for url in outlet.start_urls:
                yield self._request(url, outlet, self.parse_listing, kind="listing", depth=0)

    def _request(self, url: str, outlet: Outlet, callback: Any, *, kind: str, depth: int = 0,
                 priority: int = 0, link: discovery.Link | None = None) -> Request:
        url = canonicalize(url, self.session.session_params(outlet.name))  # learned session tokens dropped
        meta = {"outlet": outlet.name, "kind": kind, "depth": depth, "frontier_url": url}
        if link is not None and link.published:
            meta["listed_date"] = link.published
        return Request(url, callback=callback, errback=self.on_error, meta=meta, priority=priority)

    def _sitemap(self, url: str, outlet: Outlet, *, depth: int, parent: str = "",
                 lastmod: str | None = None) -> Request | None:
        """A sitemap request, or None: past CRAWL_SITEMAP_MAX_DEPTH or CRAWL_SITEMAP_MAX_FETCHES (recorded), or a
        child whose index ``lastmod`` ended before an earlier crawl fetched it and read it whole (counted)."""
        if depth > self.limits.sitemap_max_depth:
            self._refuse_once((outlet.name, "sitemap-depth", parent), outlet, url, "sitemap-depth",
                              f"listed by {parent} at nesting depth {depth}; CRAWL_SITEMAP_MAX_DEPTH is "
                              f"{self.limits.sitemap_max_depth}")
            return None
        if lastmod and self._unchanged(outlet, url, lastmod):
            # before the fetch cap: an unchanged child costs none of it, so the cap goes to new and changed ones
            self.crawler.stats.inc_value("newsarchive/discovery/sitemap-unchanged")
            return None
        if self.sitemap_fetches[outlet.name] >= self.limits.sitemap_max_fetches:
            self._refuse_once((outlet.name, "sitemap-limit"), outlet, url, "sitemap-limit",
                              f"{self.sitemap_fetches[outlet.name]} sitemaps of {outlet.name} in this crawl; "
                              f"CRAWL_SITEMAP_MAX_FETCHES is {self.limits.sitemap_max_fetches}")
            return None
        self.sitemap_fetches[outlet.name] += 1
        request = self._request(url, outlet, self.parse_sitemap, kind="sitemap")
        request.meta["sitemap_depth"] = depth
        if lastmod:
            request.meta["sitemap_lastmod"] = lastmod  # remembered with the child once it is read whole
            # before the fetch, so no later than it: what the child holds is at least as new as this
            request.meta["sitemap_asked_at"] = datetime.now(UTC).isoformat()
        return request

    def _unchanged(self, outlet: Outlet, url: str, lastmod: str) -> bool:
        """Whether an earlier crawl read this child sitemap whole from a fetch made after the end of ``lastmod``,
        its index's word for when it last changed (a bare date's end is the next day's start: URLs are added to a
        daily sitemap all day). Never in a back-fill, nor with CRAWL_SITEMAP_SKIP_UNCHANGED off."""
        if not self.skip_unchanged:
            return False
        end = discovery.w3c_end(lastmod)
        read = self.sitemaps_read.get(outlet.name)
        if read is None:
            read = self.sitemaps_read[outlet.name] = sitemap_reads.read_whole(self.session, outlet)
        fetched = read.get(canonicalize(url, self.session.session_params(outlet.name)))
        return end is not None and fetched is not None and end < fetched

    def _refuse(self, outlet: Outlet, url: str, reason: str, detail: str, capture_id: CaptureRef = None) -> None:
        self.session.record_failure(outlet.name, url, "discover", reason, detail, capture_id)  # counted in stats

    def _refuse_once(self, key: tuple[str, ...], outlet: Outlet, url: str, reason: str, detail: str) -> None:
        """Record the first sitemap a limit refuses (per outlet, or per index for the depth) and count the rest.

        A sitemap index of 20,000 children wrote 19,995 failure rows per crawl, one per child past
        CRAWL_SITEMAP_MAX_FETCHES: the catalogue grew by what a hostile index lists, not by what was fetched.
        """
        self.crawler.stats.inc_value(f"newsarchive/discovery/{reason}")
        if key in self.refused_once:
            return
        self.refused_once.add(key)
        self._refuse(outlet, url, reason, f"{detail} (further sitemaps refused for this are counted in the stats "
                                          f"newsarchive/discovery/{reason}, not recorded one by one)")

    def _article(self, url: str, outlet: Outlet, link: discovery.Link | None = None, *,
                 matched: bool = False) -> Request | None:
        if not outlet.owns(url):
            return None
        # a user copies patterns from the links as the site prints them; the canonical form may differ
        # (sorted query, re-encoded slug), so either may match
        if not matched and outlet.article_urls and not (outlet.is_article(url)
                                                        or outlet.is_article(canonicalize(url))):
            return None
        # articles first: a crawl cut short should have archived articles, not only listings
        request = self._request(url, outlet, self.parse_article, kind="article", priority=10, link=link)
        status = self.session.discover(request.url, outlet.name, "article")
        if status != "pending":
            # archived (or refused) by an earlier crawl: edits are caught by the age-based re-checks
            # (`recrawl --due`), so discovery does not fetch every known article again
            self.crawler.stats.inc_value("newsarchive/discovery/known")
            return None
        return request

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
                    sitemap = self._sitemap(url, outlet, depth=0)
                    if sitemap is not None:
                        self.crawler.engine.crawl(sitemap)

    def request_dropped(self, request: Request, spider: Spider | None = None) -> None:
        """Settle an article whose redirect the duplicate filter dropped (crawler.middlewares.RedirectAwareDupeFilter).

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

    def parse_feed(self, response: Response) -> Iterator[Request]:
        """Every entry of an RSS/Atom/JSON feed is a candidate article."""
        outlet = self.session.by_name[response.meta["outlet"]]
        links = discovery.parse_feed(response.body, response.url)
        if not links:
            reason, detail = discovery.empty_reason(response.body, "feed", "no RSS/Atom/JSON Feed entries found")
            self._refuse(outlet, response.url, reason, detail, response.meta.get("capture_id"))
        limit = self.session.config.sitemap_max_urls
        if len(links) > limit:  # a feed of 200,000 items: capped as a sitemap file is, newest first
            links = sorted(links, key=lambda link: link.published or "", reverse=True)[:limit]
        for link in links:
            request = self._article(link.url, outlet, link)
            if request is not None:
                yield request

    def parse_sitemap(self, response: Response) -> Iterator[Request]:
        """Follow a sitemap index's sitemaps; take a urlset's URLs as candidate articles."""
        outlet = self.session.by_name[response.meta["outlet"]]
        try:
            doc = discovery.parse_sitemap(response.body, response.url)
        except ValueError as exc:
            self._refuse(outlet, response.url, "bad-sitemap", str(exc), response.meta.get("capture_id"))
            return
        if not doc.links:
            reason, detail = discovery.empty_reason(response.body, "sitemap", "no <url> or <sitemap> entries found")
            self._refuse(outlet, response.url, reason, detail, response.meta.get("capture_id"))
        elif doc.error:  # what came before the error is taken; what came after it may be lost: say so
            self.crawler.stats.inc_value("newsarchive/discovery/sitemap-xml-error")
            logger.warning("%s: %d entries read, the XML has an error (%s): entries after it may be lost",
                           response.url, len(doc.links), doc.error)
        if doc.is_index:
            depth = response.meta.get("sitemap_depth", 0) + 1
            # newest lastmod first (as a urlset's URLs), so CRAWL_SITEMAP_MAX_FETCHES goes to the recent children
            for link in discovery.newest_first(doc.links):
                if outlet.owns(link.url):
                    # only a W3C date is compared: a constant junk <lastmod> ("yesterday") would skip a child for ever
                    lastmod = link.published if discovery.w3c_end(link.published) else None
                    request = self._sitemap(link.url, outlet, depth=depth, parent=response.url, lastmod=lastmod)
                    if request is not None:
                        yield request
            return
        limit = self.session.config.sitemap_max_urls
        # newest first, so a capped sitemap yields the recent articles
        links = sorted(doc.links, key=lambda link: link.published or "", reverse=True)[:limit]
        for link in links:
            request = self._article(link.url, outlet, link)
            if request is not None:
                yield request
        lastmod, asked_at = response.meta.get("sitemap_lastmod"), response.meta.get("sitemap_asked_at")
        cut = {"dataloss", "partial"} & set(response.flags)  # a body shorter than its Content-Length
        if lastmod and asked_at and links and len(doc.links) <= limit and doc.complete and not cut:
            # read whole, each of its article URLs discovered above (queued for the writer before this): a later
            # crawl skips it while its index lastmod ends before this fetch. Not a capped one, whose rest is still
            # unread, nor one cut short (a gzip or XML that stops part-way), whose rest was never seen
            fetched_at = sitemap_reads.fetch_time(asked_at, _header(response, b"Date"), _header(response, b"Age"))
            sitemap_reads.remember(self.session, response.meta["frontier_url"], outlet, lastmod, fetched_at)

    def parse_listing(self, response: Response) -> Iterator[Request]:
        """A section or home page: queue its article links and walk ``follow_urls`` pages up to ``max_depth``."""
        outlet = self.session.by_name[response.meta["outlet"]]
        if not isinstance(response, TextResponse):
            return
        depth = response.meta.get("depth", 0)
        # the one decoder (a UTF-8 listing served as ISO-8859-1 gives its Arabic slugs whole, as its articles get)
        content_type = response.headers.get("Content-Type", b"").decode("latin-1")
        # at most CRAWL_PAGE_MAX_LINKS new articles and as many listing pages from one page, as a sitemap or feed
        # file is capped: a page of 100,000 links queued them all (each a frontier row and a Request in memory)
        limit, articles, listings = self.session.config.page_max_links, 0, 0
        for url in discovery.page_links(decode_html(response.body, content_type), response.url):
            if not outlet.owns(url):
                continue
            if outlet.is_article(url):
                request = self._article(url, outlet) if articles < limit else None
                if request is not None:
                    articles += 1
                    yield request
                elif articles >= limit:
                    self.crawler.stats.inc_value("newsarchive/discovery/page-links-left")
            elif outlet.is_followed(url) and depth < outlet.max_depth:
                if listings >= limit:
                    self.crawler.stats.inc_value("newsarchive/discovery/page-links-left")
                    continue
                listings += 1
                yield self._request(url, outlet, self.parse_listing, kind="listing", depth=depth + 1)

    def parse_article(self, response: Response) -> Iterator[PageItem]:
        """Hand the article page to the pipeline (extraction runs there, off the reactor thread)."""
        outlet = response.meta["outlet"]
        frontier_url = response.meta.get("frontier_url", response.url)
        # reached through a redirect from a URL not yet known as the article's: extracted even when unchanged, so
        # ingest records that URL as an alias
        if response.meta.get("revisit_of") is not None and not response.meta.get("force") \
                and not (response.meta.get("redirect_urls") and self.session.article_for_url(frontier_url) is None) \
                and self._seen_unchanged(response.url, frontier_url):
            return  # byte-identical to a capture whose article is stored: nothing to extract again
        if not isinstance(response, TextResponse):
            self.session.record_failure(outlet, response.url, "extract", "not-html",
                                        response.headers.get("Content-Type", b"").decode("latin-1"),
                                        response.meta.get("capture_id"))
            self.session.settle(frontier_url, "done", "not-html")
            return
        # the bytes as they came: the extraction worker decodes them (crawler.capture.prepare), so the crawl process
        # holds no decoded copy of each page waiting for a worker (issue 10, tree RSS)
        content_type = response.headers.get("Content-Type", b"").decode("latin-1")
        yield PageItem(outlet=outlet, url=response.url, body=response.body, content_type=content_type,
                       capture_id=response.meta.get("capture_id"), listed_date=response.meta.get("listed_date"),
                       request_url=frontier_url)

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
        self.session.record_failure(outlet, url, "fetch", reason, detail, capture_id)  # counted in the stats too
        if kind == "article" and reason not in BUDGET_REASONS:
            # permanent refusals settle the URL; transient ones stay pending for a few crawls, then fail
            self.session.settle(meta.get("frontier_url", url),
                                          "retry" if is_transient(reason) else "done", reason)


def _header(response: Response, name: bytes) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None

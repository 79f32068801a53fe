"""The outlet spider's reading of discovery documents (feeds, sitemaps, listing pages) and the article requests they
give. A document is fetched once and read for every outlet that asked for it (``crawler.discovery.readers``)."""

from __future__ import annotations

import logging
from collections.abc import Generator, Iterable, Iterator
from datetime import UTC, datetime
from functools import cached_property
from typing import Any

from scrapy import Request, Spider
from scrapy.http import Response, TextResponse

from crawler.capture import sitemap_reads
from crawler.capture.operations import CaptureRef
from crawler.config.outlets import Outlet
from crawler.discovery import entries
from crawler.discovery import parsers as discovery
from crawler.discovery.lastmod import changed_after
from crawler.discovery.readers import Reader, Readers
from crawler.discovery.urls import canonicalize
from crawler.extraction.challenge import challenge_in
from crawler.extraction.decode import decode_html
from crawler.extraction.giant_markup import TAG_MAX_ATTRIBUTES, more_attributes_than

logger = logging.getLogger(__name__)

DOCUMENT_KINDS = frozenset({"feed", "sitemap", "listing"})


class DocumentSpider(Spider):
    """Feeds, sitemaps and listings for OutletSpider, which adds the crawl's start, its signals, ``parse_article``
    (the callback of article requests) and ``on_error`` (every request's errback)."""

    @cached_property
    def readers(self) -> Readers:
        """Which outlets each discovery document of this crawl is read for."""
        return Readers()

    def _request(self, url: str, outlet: Outlet, callback: Any, *, kind: str, depth: int = 0,
                 priority: int = 0, link: discovery.Link | None = None) -> Request:
        url = canonicalize(url, self.session.session_params(outlet.name))  # learned session tokens dropped
        meta = {"outlet": outlet.name, "kind": kind, "depth": depth, "frontier_url": url}
        if link is not None and link.published:
            meta["listed_date"] = link.published
        return Request(url, callback=callback, errback=self.on_error, meta=meta, priority=priority)

    def _join(self, request: Request | None) -> Request | None:
        """``request`` (a feed, sitemap or listing) if it is to be made; None where a fetch of its document is on its
        way (its reading is offered to this outlet too) or this outlet has the document already."""
        if request is None:
            return None
        verdict, round_ = self.readers.join(_key(request.meta, request.url), _reader(request.meta))
        if verdict != "fetch":
            return None
        if round_:
            request.meta["read_round"] = round_  # read before this outlet asked: fetched again, past the dupefilter
        return request

    def _readers(self, meta: dict[str, Any], url: str) -> list[Reader]:
        """The outlets a fetched (or failed) document is read for, first asker first."""
        return self.readers.take(_key(meta, url), meta.get("read_round", 0), _reader(meta))

    def _sitemap(self, url: str, outlet: Outlet, *, depth: int, parent: str = "",
                 lastmod: str | None = None) -> Request | None:
        """A sitemap request, or None: past CRAWL_SITEMAP_MAX_DEPTH or CRAWL_SITEMAP_MAX_FETCHES (recorded), a
        child whose index ``lastmod`` ended before an earlier crawl fetched it and read it whole (counted). The
        caller hands it to ``_join``, which makes one fetch of it for every outlet that asks."""
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
        self.sitemap_fetches[outlet.name] += 1  # fetched for it, or read from another outlet's fetch (_join)
        request = self._request(url, outlet, self.parse_sitemap, kind="sitemap")
        request.meta["sitemap_depth"] = depth
        if lastmod:
            request.meta["sitemap_lastmod"] = lastmod  # remembered with the child once it is read whole
        # before the fetch, so no later than it: what the child holds is at least as new as this (for each outlet it
        # is read for: one that asks later joins this fetch, or one of its own)
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
        self._refuse(outlet, url, reason, f"{detail} (further ones refused for this are counted in the stats "
                                          f"newsarchive/discovery/{reason}, not recorded one by one)")

    def _article(self, url: str, outlet: Outlet, link: discovery.Link | None = None, *,
                 matched: bool = False) -> Request | None:
        if not outlet.owns(url):
            return None
        # article_urls (every entry where there are none) and deny_urls, on the link as printed or canonicalised
        if not matched and not entries.takes(outlet, url):
            return None
        # articles first: a crawl cut short should have archived articles, not only listings
        request = self._request(url, outlet, self.parse_article, kind="article", priority=10, link=link)
        status = self.session.discover(request.url, outlet.name, "article")
        if status != "pending":
            if link is not None and self._edited(outlet, request.url, link.modified):
                # its entry says it changed after our latest capture (a live blog, a correction): asked again,
                # conditionally (the capture middleware sends its validators), after the new articles
                request = request.replace(priority=5)
                request.meta["lastmod_recheck"] = True
                return request if self._within_budget(outlet, request.url) else None
            # archived (or refused) by an earlier crawl, and no entry says it changed since: edits are caught by the
            # age-based re-checks (`recrawl --due`), so discovery does not fetch every known article again
            self.crawler.stats.inc_value("newsarchive/discovery/known")
            return None
        return request if self._within_budget(outlet, request.url) else None  # else pending for the next crawl

    def _edited(self, outlet: Outlet, url: str, modified: str | None) -> bool:
        """Whether the stored article at ``url`` is to be fetched again because its sitemap ``<lastmod>`` (or feed
        ``<updated>``) ``modified`` is later than its latest capture (``last_seen``, a later re-check, or the URL's
        latest answer of any status), once a crawl, and at most CRAWL_LASTMOD_RECHECKS of the outlet's in a crawl
        (an outlet that marks every URL changed every hour must not turn each crawl into a full re-crawl: the rest
        are counted and left to the next crawl or the edit watch)."""
        now = datetime.now(UTC)
        if not changed_after(modified, datetime.min.replace(tzinfo=UTC), now) or url in self.rechecked:
            return False  # no date, or one no server can have written: no database lookup
        row = self.session.article_for_url(url)
        seen = _seen(row) if row is not None else None
        if seen is None or not changed_after(modified, seen, now):
            return False
        # the URL's latest answer of any status too: a 404, a 5xx or a redirect moves neither time of the row, and
        # an article deleted under a moved lastmod was fetched again by every crawl (stop 42's review)
        capture = self.session.reader.latest_capture(url, status=None)
        fetched = _seen({"last_seen": capture.get("fetched_at")}) if capture is not None else None
        if fetched is not None and not changed_after(modified, fetched, now):
            return False
        if self.lastmod_rechecks[outlet.name] >= self.session.config.lastmod_rechecks:
            self.crawler.stats.inc_value("newsarchive/discovery/lastmod-recheck-capped")
            if self.lastmod_rechecks[outlet.name] == self.session.config.lastmod_rechecks:
                self.lastmod_rechecks[outlet.name] += 1  # logged once an outlet
                logger.info("%s: %d known articles whose sitemap or feed date moved are fetched again in this crawl "
                            "(CRAWL_LASTMOD_RECHECKS); the others are left to a later crawl", outlet.name,
                            self.session.config.lastmod_rechecks)
            return False
        self.lastmod_rechecks[outlet.name] += 1
        self.rechecked.add(url)
        self.crawler.stats.inc_value("newsarchive/discovery/lastmod-rechecks")
        return True

    def _within_budget(self, outlet: Outlet, url: str) -> bool:
        """Whether one more article or listing request may be made for ``outlet`` in this crawl: at most
        CRAWL_OUTLET_MAX_PAGES of them, as no more can be sent. Each request sent counts one of that budget, so one
        made past it only waited in memory to be refused: a listing that links 200 new listings (a calendar's or a
        search's endless pages) queued 4,000 requests and wrote as many ``outlet-limit`` rows on a budget of 40
        (hostile web round ten). The first refused is recorded, the rest counted; an article stays pending."""
        if self.requests_made[outlet.name] < self.limits.outlet_max_pages:
            self.requests_made[outlet.name] += 1
            return True
        self._refuse_once((outlet.name, "outlet-limit"), outlet, url, "outlet-limit",
                          f"{self.limits.outlet_max_pages} article and listing requests of {outlet.name} made in "
                          "this crawl; CRAWL_OUTLET_MAX_PAGES is as many (articles left stay pending)")
        return False

    def _take(self, ordered: list[discovery.Link], outlet: Outlet, url: str) -> Generator[Request, None, int]:
        """Requests for the outlet's articles among a feed's or sitemap's entries, in the order given, at most
        CRAWL_SITEMAP_MAX_URLS of them; returns how many entries the cap left. Entries known already (archived,
        refused) count for nothing, as on a listing (CRAWL_PAGE_MAX_LINKS): the cap took the first entries whether
        known or not, and a file without dates (every text sitemap) gave the same ones every crawl, so the stories
        added after them were never reached."""
        limit, taken = self.session.config.sitemap_max_urls, 0
        for n, link in enumerate(ordered):
            if taken >= limit:
                self.crawler.stats.inc_value("newsarchive/discovery/sitemap-capped")
                logger.info("%s: %d new articles taken for %s (CRAWL_SITEMAP_MAX_URLS); the %d entries after them "
                            "are left to a later crawl", url, limit, outlet.name, len(ordered) - n)
                return len(ordered) - n
            request = self._article(link.url, outlet, link)
            if request is not None:
                taken += 0 if request.meta.get("lastmod_recheck") else 1  # only new articles count
                yield request
        return 0

    # -- callbacks --------------------------------------------------------------------------------

    def parse_feed(self, response: Response) -> Iterator[Request]:
        """Every entry of an RSS/Atom/JSON feed is a candidate article of each outlet the feed is read for."""
        readers = self._readers(response.meta, response.url)
        links = discovery.parse_feed(response.body, response.url)
        empty = None if links else discovery.empty_reason(response.body, "feed", "no RSS/Atom/JSON Feed entries found")
        if empty and (why := challenge_in(response.body, _content_type(response))):
            empty = ("challenge-page", f"a bot-protection challenge answered instead of the feed: {why}")
        if len(links) > self.session.config.sitemap_max_urls:  # a feed of 200,000 items: newest first, as a sitemap
            links = _newest(links)
        for reader in readers:
            outlet = self.session.by_name[reader.outlet]
            if empty:
                self._refuse(outlet, response.url, *empty, response.meta.get("capture_id"))
            yield from self._take(links, outlet, response.url)

    def parse_sitemap(self, response: Response) -> Iterator[Request]:
        """Follow a sitemap index's sitemaps; take a urlset's URLs as candidate articles (for each outlet it is read
        for)."""
        outlets = [(r, self.session.by_name[r.outlet]) for r in self._readers(response.meta, response.url)]
        capture_id = response.meta.get("capture_id")
        try:
            doc = discovery.parse_sitemap(response.body, response.url)
        except ValueError as exc:
            for _, outlet in outlets:
                self._refuse(outlet, response.url, "bad-sitemap", str(exc), capture_id)
            return
        if not doc.links:
            reason, detail = discovery.empty_reason(response.body, "sitemap", "no <url> or <sitemap> entries found")
            if why := challenge_in(response.body, _content_type(response)):
                reason, detail = "challenge-page", f"a bot-protection challenge answered instead of the sitemap: {why}"
            for _, outlet in outlets:
                self._refuse(outlet, response.url, reason, detail, capture_id)
        elif doc.error:  # what came before the error is taken; what came after it may be lost: say so
            self.crawler.stats.inc_value("newsarchive/discovery/sitemap-xml-error")
            logger.warning("%s: %d entries read, the XML has an error (%s): entries after it may be lost",
                           response.url, len(doc.links), doc.error)
        if doc.is_index:
            # newest lastmod first (as a urlset's URLs), so CRAWL_SITEMAP_MAX_FETCHES goes to the recent children;
            # each child asked for by every outlet in turn, so the others join the first one's fetch
            for link in discovery.newest_first(doc.links):
                # only a W3C date is compared: a constant junk <lastmod> ("yesterday") would skip a child for ever
                lastmod = link.published if discovery.w3c_end(link.published) else None
                for reader, outlet in outlets:
                    if outlet.owns(link.url):
                        request = self._join(self._sitemap(link.url, outlet, depth=reader.depth + 1,
                                                           parent=response.url, lastmod=lastmod))
                        if request is not None:
                            yield request
            return
        cut = {"dataloss", "partial"} & set(response.flags)  # a body shorter than its Content-Length
        links = _newest(doc.links)  # so a capped sitemap yields the recent articles
        for reader, outlet in outlets:
            left = yield from self._take(links, outlet, response.url)
            if not left and not cut:
                self._remember(response, reader, outlet, doc)

    def _remember(self, response: Response, reader: Reader, outlet: Outlet, doc: discovery.SitemapDoc) -> None:
        """Remember a child read whole for ``outlet``, each of its article URLs discovered (queued for the writer
        before this): a later crawl skips it while its index lastmod ends before this fetch. Not one the cap left
        entries of (its rest is still unread), nor one cut short (a gzip or XML that stops part-way)."""
        asked_at = response.meta.get("sitemap_asked_at")
        if reader.lastmod and asked_at and doc.links and doc.complete:
            fetched_at = sitemap_reads.fetch_time(asked_at, _header(response, b"Date"), _header(response, b"Age"))
            sitemap_reads.remember(self.session, response.meta["frontier_url"], outlet, reader.lastmod, fetched_at)

    def parse_listing(self, response: Response) -> Iterator[Request]:
        """A section or home page: queue its article links and walk ``follow_urls`` pages up to ``max_depth``, for
        each outlet it is read for."""
        readers = self._readers(response.meta, response.url)
        if not isinstance(response, TextResponse):
            return
        # the one decoder (a UTF-8 listing served as ISO-8859-1 gives its Arabic slugs whole, as its articles get)
        content_type = response.headers.get("Content-Type", b"").decode("latin-1")
        # each link with the date stamp its anchor holds, if any: the story's listed date where its page prints none
        html = decode_html(response.body, content_type)
        if more_attributes_than(html):  # libxml2 reads such a tag in quadratic time, in C, here in the reactor
            for reader in readers:
                self._refuse(self.session.by_name[reader.outlet], response.url, "too-many-attributes",
                             f"a tag with more than {TAG_MAX_ATTRIBUTES:,} attributes (the listing is not read for "
                             "links: the HTML parser reads them in quadratic time)", response.meta.get("capture_id"))
            return
        links = discovery.dated_page_links(html, response.url)
        why = None if links else challenge_in(response.body, content_type)  # a start page behind a challenge: say so
        for reader in readers:
            if why:
                self._refuse(self.session.by_name[reader.outlet], response.url, "challenge-page",
                             f"a bot-protection challenge answered instead of the page: {why}",
                             response.meta.get("capture_id"))
            yield from self._listing_links(links, self.session.by_name[reader.outlet], reader.depth)

    def _listing_links(self, links: list[discovery.Link], outlet: Outlet, depth: int) -> Iterator[Request]:
        # at most CRAWL_PAGE_MAX_LINKS new articles and as many listing pages from one page, as a sitemap or feed
        # file is capped: a page of 100,000 links queued them all (each a frontier row and a Request in memory)
        limit, articles, listings = self.session.config.page_max_links, 0, 0
        for link in links:
            url = link.url
            if not outlet.owns(url):
                continue
            if outlet.is_article(url):
                request = self._article(url, outlet, link if link.published else None) if articles < limit else None
                if request is not None:
                    articles += 1
                    yield request
                elif articles >= limit:
                    self.crawler.stats.inc_value("newsarchive/discovery/page-links-left")
            elif outlet.is_followed(url) and depth < outlet.max_depth:
                if listings >= limit:
                    self.crawler.stats.inc_value("newsarchive/discovery/page-links-left")
                    continue
                if not self._within_budget(outlet, url):
                    continue
                listings += 1
                request = self._join(self._request(url, outlet, self.parse_listing, kind="listing", depth=depth + 1))
                if request is not None:
                    yield request
                else:
                    self.requests_made[outlet.name] -= 1  # read already, or on its way: no request made


def _seen(row: dict[str, Any]) -> datetime | None:
    """When a stored article was last captured or re-checked (its ``last_seen``, or a later ``last_checked_at``), as
    an aware datetime; None when neither parses (it is not fetched again on a date's word then)."""
    times = []
    for text in (row.get("last_seen"), row.get("last_checked_at")):
        try:
            when = datetime.fromisoformat(text or "")
        except ValueError:
            continue
        times.append(when if when.tzinfo else when.replace(tzinfo=UTC))
    return max(times, default=None)


def _newest(links: Iterable[discovery.Link]) -> list[discovery.Link]:
    """Entries newest first by their date as written; those without one after, in document order (a stable sort)."""
    return sorted(links, key=lambda link: link.published or "", reverse=True)


def _key(meta: dict[str, Any], url: str) -> str:
    """A document's key among the readers: its kind and its canonical URL (a feed and a sitemap are read apart)."""
    return f"{meta.get('kind')} {meta.get('frontier_url', url)}"


def _reader(meta: dict[str, Any]) -> Reader:
    """The outlet a request is for, as a reader of its document: a sitemap's nesting depth (a listing's walk) and the
    child's lastmod in its index."""
    depth = meta.get("sitemap_depth" if meta.get("kind") == "sitemap" else "depth", 0)
    return Reader(meta["outlet"], depth, meta.get("sitemap_lastmod"))


def _header(response: Response, name: bytes) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None


def _content_type(response: Response) -> str:
    """The response's Content-Type header as text."""
    return response.headers.get("Content-Type", b"").decode("latin-1")

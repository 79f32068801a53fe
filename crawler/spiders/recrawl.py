"""The spider that fetches given URLs now (``newsarchive recrawl``), whatever dedup would say."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from functools import cached_property
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.http import Response

from archive.catalogue import lookups
from crawler.discovery.urls import canonicalize
from crawler.items import PageItem
from crawler.spiders.outlets import OutletSpider
from crawler.spiders.part_checks import PartRechecks

logger = logging.getLogger(__name__)

KEEP_STATUSES = [304, 404, 410]  # answers the re-crawl handles itself instead of treating as errors


class RecrawlSpider(PartRechecks, OutletSpider):
    """Fetch the URLs in ``RECRAWL_TARGETS`` ([[url, outlet], ...]) now, whatever was fetched before."""

    name = "recrawl"

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> RecrawlSpider:
        """Scrapy entry point: the targets come from the settings."""
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.targets = [(str(u), str(o)) for u, o in crawler.settings.getlist("RECRAWL_TARGETS")]
        spider.conditional = crawler.settings.getbool("RECRAWL_CONDITIONAL", False)
        return spider

    @cached_property
    def allowed_domains(self) -> list[str]:
        """The outlets' domains and the targets' hosts (a target is fetched even off its outlet)."""
        hosts = {urlsplit(u).hostname for u, _ in self.targets}
        return sorted(self.outlet_domains() | {h for h in hosts if h})

    async def start(self) -> AsyncIterator[Request]:
        """One request per target, never filtered as a duplicate; conditional when asked."""
        for url, outlet_name in self.targets:
            yield self.target_request(url, outlet_name, self.conditional)

    def target_request(self, url: str, outlet_name: str, conditional: bool) -> Request:
        """The request for one target (also an article joined from parts fetched again whole: part_checks)."""
        request = self._request(url, self.session.by_name[outlet_name], self.parse_recheck, kind="article",
                                priority=10)
        # "force" turns off the capture middleware's conditional headers and the spider's skipping of
        # unchanged pages; an unchanged answer is still archived as a revisit (ArchiveSession.archive)
        meta = {**request.meta, "handle_httpstatus_list": KEEP_STATUSES, "force": not conditional}
        return request.replace(dont_filter=True, meta=meta)

    def robots_parsed(self, robotparser: Any, request: Request) -> None:
        """A re-crawl fetches its targets and nothing else: the ``Sitemap:`` lines of the robots.txt it reads to
        obey it are left for the next crawl (following them archived new articles of the outlet unasked)."""

    def parse_recheck(self, response: Response) -> Iterator[PageItem | Request]:
        """Extract the page again; a 304 means unchanged (an article joined from parts has its later pages checked
        too: part_checks), a 404/410 is recorded (the deletion event follows)."""
        outlet = response.meta["outlet"]
        if response.status == 304:
            yield from self.recheck_parts(response)
            return
        if response.status in (404, 410):
            self.session.record_failure(outlet, response.url, "fetch", f"http-{response.status}", "",
                                        response.meta.get("capture_id"))
            yield from self.moved_checks(response, outlet)
            return
        yield from self.moved_checks(response, outlet)
        yield from self.parse_article(response)

    def moved_checks(self, response: Response, outlet_name: str) -> Iterator[Request]:
        """When an article's URL answers 404/410, or redirects to another article, the other URLs the article was
        fetched under (an alias with a capture of its own: the page whose rel=canonical the row took, a same-body
        URL), asked again: one that answers with the article becomes its row's URL (crawler.capture.claims
        ``live_row``) instead of a deletion being recorded, or an edit being missed. Each asked once, not again
        from there."""
        if response.meta.get("moved_check"):
            return
        start = (response.meta.get("redirect_urls") or [response.url])[0]
        row = self.session.article_for_url(start)
        if row is None or row["url"] != canonicalize(start, self.session.session_params(outlet_name)) or (
                response.status not in (404, 410) and start == response.url):
            return  # only a row's own URL: an alias that died is no news of the article
        if response.status not in (404, 410):
            landed = self.session.article_for_url(response.url)
            if landed is None or landed["id"] == row["id"]:
                return  # an old URL redirecting to the article itself: nothing moved
        for url in lookups.fetched_urls(self.session.reader.db, row):
            request = self.target_request(url, outlet_name, False)
            yield request.replace(meta={**request.meta, "moved_check": True})

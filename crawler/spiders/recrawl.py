"""The spider that fetches given URLs now (``newsarchive recrawl``), and the capture middleware that writes revisits."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request, Spider
from scrapy.crawler import CrawlerProcess
from scrapy.http import Response
from scrapy.settings import Settings

from archive.warc import sha1_digest, warc_date
from crawler.items import PageItem
from crawler.middlewares import WarcCaptureMiddleware, exchange_from
from crawler.spiders.outlets import OutletSpider

logger = logging.getLogger(__name__)

CAPTURE = "crawler.middlewares.WarcCaptureMiddleware"
REVISIT_CAPTURE = "crawler.spiders.recrawl.RevisitCaptureMiddleware"
KEEP_STATUSES = [304, 404, 410]  # answers the re-crawl handles itself instead of treating as errors


class RevisitCaptureMiddleware(WarcCaptureMiddleware):
    """Like WarcCaptureMiddleware, but an unchanged answer (304, or the same payload) becomes a revisit record."""

    def process_response(self, request: Request, response: Response, spider: Spider | None = None) -> Response:
        """Write a revisit when the response repeats the capture in ``meta["revisit_of"]``, else a full record."""
        prev = request.meta.get("revisit_of")
        if prev is None or request.url != prev["url"] or not prev.get("payload_digest"):
            return super().process_response(request, response, spider)
        if response.status == 304:
            profile = "server-not-modified"
        elif response.status == 200 and sha1_digest(response.body) == prev["payload_digest"]:
            profile = "identical-payload-digest"
        else:
            return super().process_response(request, response, spider)
        outlet = self.session.outlet_for(response.url, request.meta.get("outlet"))
        name = outlet.name if outlet else None
        ex = exchange_from(request, response)
        location = self.session.warc.write_revisit(
            ex, refers_to_uri=prev["url"], refers_to_date=warc_date(datetime.fromisoformat(prev["fetched_at"])),
            refers_to_record_id=prev["warc_record_id"], payload_digest=prev["payload_digest"], profile=profile)
        capture_id = self.session.catalogue.add_capture(self.session.crawl_id, name, ex, location,
                                                        refers_to=prev["id"])
        self.session.count(name, "pages_fetched")
        request.meta["capture_id"] = capture_id
        self.crawler.stats.inc_value(f"newsarchive/revisits/{profile}")
        return response


class RecrawlSpider(OutletSpider):
    """Fetch the URLs in ``RECRAWL_TARGETS`` ([[url, outlet], ...]) now, whatever was fetched before."""

    name = "recrawl"

    @classmethod
    def update_settings(cls, settings: Any) -> None:
        """The outlet spider's settings, with the capture middleware swapped for the revisit-aware one."""
        super().update_settings(settings)
        middlewares = dict(settings.getdict("DOWNLOADER_MIDDLEWARES"))
        position = middlewares.pop(CAPTURE, None) or 950
        middlewares[CAPTURE] = None
        middlewares[REVISIT_CAPTURE] = position
        settings.set("DOWNLOADER_MIDDLEWARES", middlewares, priority="spider")

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> RecrawlSpider:
        """Scrapy entry point: the targets come from the settings; their hosts are allowed even off-outlet."""
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.targets = [(str(u), str(o)) for u, o in crawler.settings.getlist("RECRAWL_TARGETS")]
        spider.conditional = crawler.settings.getbool("RECRAWL_CONDITIONAL", False)
        hosts = {urlsplit(u).hostname for u, _ in spider.targets}
        spider.allowed_domains = sorted(set(spider.allowed_domains) | {h for h in hosts if h})
        return spider

    async def start(self) -> AsyncIterator[Request]:
        """One request per target, never filtered as a duplicate; conditional when asked."""
        for url, outlet_name in self.targets:
            outlet = self.session.by_name[outlet_name]
            request = self._request(url, outlet, self.parse_recheck, kind="article", priority=10)
            prev = self.session.catalogue.latest_capture(request.url)
            headers = {}
            if prev is not None and self.conditional:
                if prev.get("etag"):
                    headers["If-None-Match"] = prev["etag"]
                if prev.get("last_modified"):
                    headers["If-Modified-Since"] = prev["last_modified"]
            meta = {**request.meta, "handle_httpstatus_list": KEEP_STATUSES, "revisit_of": prev}
            yield request.replace(dont_filter=True, headers=headers or None, meta=meta)

    def parse_recheck(self, response: Response) -> Iterator[PageItem]:
        """Extract the page again; a 304 means unchanged, a 404/410 is recorded (the deletion event follows)."""
        outlet = response.meta["outlet"]
        if response.status == 304:
            return
        if response.status in (404, 410):
            self.session.record_failure(outlet, response.url, "fetch", f"http-{response.status}", "",
                                        response.meta.get("capture_id"))
            return
        yield from self.parse_article(response)


def run_recrawl(settings: Settings) -> int:
    """Fetch the targets in ``settings`` in this process; return the id of the crawl row (reactor runs once)."""
    process = CrawlerProcess(settings, install_root_handler=False)
    crawler = process.create_crawler(RecrawlSpider)
    process.crawl(crawler)
    process.start()
    session = getattr(crawler, "_newsarchive_session", None)
    if session is None:
        raise RuntimeError("the re-crawl did not start; see the log above")
    return session.crawl_id

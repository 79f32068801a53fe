"""A conditional re-check (``recrawl --conditional``, ``recrawl --due``) of an article joined from the pages it was
split over: its first page's 304 says nothing of its later pages, so each is checked too.

The later pages are the article's ``page-part`` aliases (crawler/capture/part_aliases.py). Each is asked for in turn,
conditionally where its latest capture gave validators (``If-None-Match``, ``If-Modified-Since``); a 304, or a 200
whose payload is byte-identical to the page's latest capture (archived as a revisit), is unchanged. The first later
page that answers otherwise (changed, gone, failed) ends the check: the article is fetched again whole from its first
page (crawler/spiders/parts.py chains every part), and the joined text is compared as any text is, so a changed part
is a new version and a page that changed only around the story (an advertisement, a date) is none. When every later
page is unchanged, nothing more is fetched and nothing is stored.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from scrapy import Request
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from archive.catalogue import aliases
from crawler.discovery.urls import canonicalize
from crawler.fetch.validators import VALIDATED_URL

logger = logging.getLogger(__name__)

CHECK_KIND = "page-part-check"  # the request's kind: never an article of its own, never chained


@dataclass
class PartCheck:
    """The later pages of one article still to check after its first page answered 304."""

    first_url: str
    outlet: str
    todo: list[str]
    total: int


class PartRechecks:
    """Mixin of the re-crawl spider (``crawler.spiders.recrawl.RecrawlSpider``): the later pages' re-check."""

    session: Any
    crawler: Any
    target_request: Any  # (url, outlet name, conditional) -> the re-crawl's request for a target

    def recheck_parts(self, response: Response) -> Iterator[Request]:
        """After a 304 for an article's first page: the request for its first later page, when it has any."""
        outlet = response.meta["outlet"]
        url = canonicalize(response.url, self.session.session_params(outlet))
        row = self.session.article_for_url(url)
        if row is None or row["url"] != url:
            return  # not the first page of a stored article (a later page's 304 is its own answer)
        parts = aliases.article_urls(self.session.reader.db, row["id"], ("page-part",))[1:]
        if not parts:
            return
        self.crawler.stats.inc_value("newsarchive/paged/rechecks")
        yield from self._check_next(PartCheck(row["url"], outlet, parts, len(parts)))

    def _check_next(self, check: PartCheck) -> Iterator[Request]:
        if not check.todo:
            logger.info("%s: its first page and its %d later pages are unchanged", check.first_url, check.total)
            self.crawler.stats.inc_value("newsarchive/paged/rechecks_unchanged")
            return
        url = check.todo.pop(0)
        # the capture middleware makes only article requests conditional: a later page's validators are set here
        headers = self.session.validators(url)
        meta = {"outlet": check.outlet, "kind": CHECK_KIND, "check": check, "frontier_url": url, VALIDATED_URL: url,
                "handle_httpstatus_list": [304]}
        yield Request(url, headers=headers, callback=self.parse_part_check, errback=self.part_check_failed, meta=meta,
                      priority=20, dont_filter=True)

    def parse_part_check(self, response: Response) -> Iterator[Request]:
        """A later page's answer: unchanged (304, or the same bytes), the next one; changed, the article again."""
        check: PartCheck = response.meta["check"]
        if response.status == 304 or response.meta.get("revisit_of") is not None:
            yield from self._check_next(check)
            return
        yield self._again(check, f"{response.meta['frontier_url']} answered {response.status} with a new body")

    def part_check_failed(self, failure: Failure) -> Iterator[Request]:
        """A later page that gave no page (gone, refused, a network failure): the article is fetched again whole,
        whose chain records the part's failure and stores the article with the parts that came."""
        request = failure.request if hasattr(failure, "request") else getattr(failure.value, "request", None)
        if failure.check(HttpError):
            request = failure.value.response.request
        check = request.meta.get("check") if request is not None else None
        if check is None:
            return
        yield self._again(check, f"{request.meta.get('frontier_url', request.url)} failed ({failure.getErrorMessage()})")

    def _again(self, check: PartCheck, why: str) -> Request:
        logger.info("%s: a later page changed (%s): the article is fetched again whole", check.first_url, why)
        self.crawler.stats.inc_value("newsarchive/paged/rechecks_changed")
        return self.target_request(check.first_url, check.outlet, False)

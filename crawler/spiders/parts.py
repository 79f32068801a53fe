"""Fetching the later pages of an article split over pages, as Scrapy projects chain them: each part's callback
carries the article so far in its request's meta and requests the next; the last yields one item with every part.

The first page's links to its own later pages are found by ``crawler.discovery.paged`` (a later page's links too: a
site that links only the next page is walked one page at a time). Each part is a request of the crawl like any other:
robots.txt, the outlet's download slot and delay, the address guards and the WARC capture middleware (every exchange
archived) apply. At most ``paged.MAX_PARTS`` parts and ``paged.MAX_BYTES`` of their bodies. A part that fails (an
error status, robots.txt, a network failure) is recorded as a ``fetch`` failure naming it and the article it belongs
to, and the article is stored with the parts that came. Nothing is stored before the last part is in: a crawl that
stops mid-way leaves the first page's URL pending (its captures are archived), and the next crawl fetches it again.
A part is named by the URL its article linked, where a redirect led said in a failure's detail. A part that adds
nothing (its runs of text all on the pages before it, or the first page's story again: ``paged.adds_nothing``,
``paged.repeats_first``) is recorded ``not-a-part`` and ends the chain: no page after it is fetched or kept.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import Any

from scrapy import Request
from scrapy.http import Response, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from archive.catalogue import aliases
from crawler.discovery import paged
from crawler.discovery.urls import canonicalize
from crawler.extraction.giant_markup import more_attributes_than, more_elements_than
from crawler.extraction.served_type import not_html
from crawler.items import PageItem
from crawler.netguard import classify
from crawler.resolver import installed_resolver

logger = logging.getLogger(__name__)

PART_KIND = "page-part"  # the request's kind: never conditional, never an article of its own


@dataclass
class Chain:
    """An article being fetched part by part: its first page's item, the parts to fetch and those fetched."""

    item: PageItem
    first_url: str
    todo: list[paged.Part]
    seen: set[tuple[str, int]] = field(default_factory=set)
    parts: list[tuple[str, bytes, str | None, int | None]] = field(default_factory=list)
    size: int = 0
    tries: int = 0
    first_blocks: paged.Blocks = paged.Blocks((), False)  # the first page's runs of text (paged.text_blocks)
    blocks: set[str] = field(default_factory=set)  # every run of text of the pages kept so far


class PagedArticles:
    """Mixin of the outlets spider (``crawler.spiders.outlets.OutletSpider``): the article's later pages."""

    session: Any
    crawler: Any
    parse_article: Any

    def paged(self, response: Response, item: PageItem) -> Iterator[Request | PageItem]:
        """The item itself, or the request for its article's second page (the item travels with it)."""
        parts = self._parts_of(response, response.url, None)
        if not parts:
            yield item
            return
        chain = Chain(item, response.url, parts, {(p.marker, p.number) for p in parts}, size=len(response.body))
        chain.first_blocks = self._blocks(response)
        chain.blocks = set(chain.first_blocks.runs)
        self.crawler.stats.inc_value("newsarchive/paged/articles")
        yield from self._next(chain)

    def joined_from_parts(self, url: str) -> bool:
        """Whether the stored article of ``url`` was joined from several pages: an unchanged first page then says
        nothing of its later pages, which are fetched again (a changed part is a new version of the article)."""
        row = self.session.article_for_url(url)
        return row is not None and aliases.has_parts(self.session.reader.db, row["id"])

    def first_page_request(self, response: Response) -> Request | None:
        """A page stored as a later page of an article (a ``page-part`` alias) met as an article of its own (a
        ``recrawl`` of it, a link to it): the request for the article's first page instead, whole, which fetches
        every part again. Stored as the article, the part would replace the article's text with its later pages."""
        url = canonicalize(response.url, self.session.session_params(response.meta["outlet"]))
        row = self.session.article_for_url(url)
        if row is None or row["url"] == url or response.meta.get("part_of") or not aliases.has_parts(
                self.session.reader.db, row["id"], url):
            return None
        logger.info("%s is a later page of %s: the article is fetched from its first page", response.url, row["url"])
        keep = ("outlet", "kind", "frontier_url", "listed_date", "handle_httpstatus_list", "depth")
        meta = {**{k: v for k, v in response.meta.items() if k in keep}, "force": True, "part_of": url}
        return Request(row["url"], callback=response.request.callback or self.parse_article,
                       errback=response.request.errback, meta=meta, priority=response.request.priority, dont_filter=True)

    def _parts_of(self, response: Response, url: str, first: str | None) -> list[paged.Part]:
        if not isinstance(response, TextResponse) or not paged.maybe_paged(response.body, first or url) \
                or unreadable(response):
            return []
        try:
            return paged.continuation_parts(url, response.text, first)
        except (ValueError, TypeError) as exc:  # lxml refuses an empty or odd document: no parts, the page stands
            logger.debug("%s: links to later pages not read (%s)", url, exc)
            return []

    def _blocks(self, response: Response) -> paged.Blocks:
        try:
            if isinstance(response, TextResponse) and not unreadable(response):
                return paged.text_blocks(response.text)
        except (ValueError, TypeError):  # lxml refuses an empty or odd document: nothing to compare
            pass
        return paged.Blocks((), False)

    def _repeats(self, response: Response, chain: Chain, linked: str) -> bool:
        """Whether the part adds nothing: its text is that of the pages before it (a site that shows page 1 for every
        page number with a "next" link), or it repeats the first page's story (a comments or reviews pager outside
        any comments block: the same story, other comments). Recorded; the chain stops there, so no further page is
        fetched and none of them becomes an alias of the article."""
        blocks = self._blocks(response)
        if not blocks.runs:
            return False  # no text to compare (a page of pictures): the join judges it
        if paged.adds_nothing(blocks, chain.blocks, chain.first_blocks):
            why = "its text is that of the pages before it"
        elif paged.repeats_first(blocks, chain.first_blocks):
            why = "it repeats the first page's story (a comments or reviews page of it)"
        else:
            chain.blocks.update(blocks.runs)
            return False
        part: paged.Part = response.meta["part"]
        if part.number <= 1 and chain.todo:
            # page 1 under its own number ("?page=1" beside "?page=2" in a pager that links every page): the first
            # page again, which ends nothing (a site whose page numbers all show page 1 is told at the next part).
            # Not left unfetched: Joomla's "?start=1" is its second page
            logger.debug("%s is the first page of %s again", linked, chain.first_url)
            return True
        left = f"; {len(chain.todo)} more not fetched" if chain.todo else ""
        self.session.record_failure(chain.item.outlet, linked, "extract", "not-a-part",
                                    f"linked as a later page of {chain.first_url}, but {why}{_led(linked, response)}"
                                    f"{left}", response.meta.get("capture_id"))
        self.crawler.stats.inc_value("newsarchive/paged/parts_repeated")
        chain.todo.clear()
        return True

    def _next(self, chain: Chain) -> Iterator[Request | PageItem]:
        """The next part's request, or the joined item when none is left (or a cap is reached)."""
        while chain.todo and chain.tries < paged.MAX_PARTS and chain.size < paged.MAX_BYTES:
            part = chain.todo.pop(0)
            chain.tries += 1
            part = replace(part, url=canonicalize(part.url, self.session.session_params(chain.item.outlet)))
            meta = {"outlet": chain.item.outlet, "kind": PART_KIND, "chain": chain, "part": part,
                    "frontier_url": part.url}
            # dont_filter: a part the duplicate filter dropped would leave its article waiting for ever; the
            # chain's own `seen` keeps each page once. Priority above articles: a started article finishes first
            yield Request(part.url, callback=self.parse_part, errback=self.part_failed, meta=meta, priority=20,
                          dont_filter=True)
            return
        if chain.todo:
            left = ", ".join(p.url for p in chain.todo[:5])
            self.session.record_failure(chain.item.outlet, chain.todo[0].url, "fetch", "parts-capped",
                                        f"{chain.first_url} is stored without its pages from here on (at most "
                                        f"{paged.MAX_PARTS} pages, {paged.MAX_BYTES} bytes): {left}")
        yield replace(chain.item, parts=tuple(chain.parts))

    def parse_part(self, response: Response) -> Iterator[Request | PageItem]:
        """A later page of an article: kept, its own links to later pages added, then the next one."""
        chain: Chain = response.meta["chain"]
        # named by the URL the article linked, which a reader sees, not by where a redirect led (kept in the detail)
        linked: str = response.meta["part"].url
        served = response.headers.get("Content-Type", b"").decode("latin-1")
        # a part a browser would not show as HTML (text/plain, JSON, a WARC file): archived, not joined, as an article
        # page is not read (crawler.extraction.served_type; before, its markup was joined into the article)
        refused = not_html(served, response.body) if isinstance(response, TextResponse) else served
        if refused is None and self._repeats(response, chain, linked):
            yield from self._next(chain)
            return
        if refused is None:
            chain.parts.append((linked, response.body, response.headers.get("Content-Type", b"").decode(
                "latin-1"), response.meta.get("capture_id")))
            chain.size += len(response.body)
            for part in self._parts_of(response, response.url, chain.first_url):
                if (part.marker, part.number) not in chain.seen:
                    chain.seen.add((part.marker, part.number))
                    chain.todo.append(part)
            chain.todo.sort(key=lambda p: p.number)
        else:
            self.session.record_failure(chain.item.outlet, linked, "extract", "not-html",
                                        f"a later page of {chain.first_url}, stored without it{_led(linked, response)}"
                                        f"; {refused}", response.meta.get("capture_id"))
        yield from self._next(chain)

    def part_failed(self, failure: Failure) -> Iterator[Request | PageItem]:
        """A part that gave no page: a failure row naming it and its article; the article goes on without it."""
        request = failure.request if hasattr(failure, "request") else getattr(failure.value, "request", None)
        if failure.check(HttpError):
            response = failure.value.response
            request, reason, capture_id = response.request, f"http-{response.status}", response.meta.get("capture_id")
            detail = _led(request.meta["part"].url, response).lstrip(", ") if "part" in request.meta else ""
        else:
            reason, detail = classify(failure, installed_resolver())
            capture_id = request.meta.get("capture_id") if request is not None else None
        if request is None or "chain" not in request.meta:
            return
        chain: Chain = request.meta["chain"]
        if not failure.check(HttpError) and request.meta.get("redirect_urls"):
            detail = f"{detail}; redirected to {request.url}".lstrip("; ")
        self.session.record_failure(chain.item.outlet, request.meta["part"].url, "fetch", reason,
                                    f"a later page of {chain.first_url}, stored without it; {detail}".rstrip("; "),
                                    capture_id)
        self.crawler.stats.inc_value("newsarchive/paged/parts_failed")
        yield from self._next(chain)


def unreadable(response: TextResponse) -> bool:
    """Whether the extraction refuses to read the page (more elements than ``PAGE_MAX_ELEMENTS``, or a tag of more
    attributes than ``TAG_MAX_ATTRIBUTES``): it is not parsed for its article's later pages or its runs of text
    either. Both are read in the crawl's reactor: an article page of 25 MB, a million links and one ``?page=2`` held
    it for 63 s of CPU and raised the crawl process by 878 MB (a tree, and an escape of every link; hostile web, round
    twelve), and one tag of 60,000 attributes held it 17 s (libxml2 compares each attribute with those before it, in
    C; round thirteen), where the extraction refuses the page. Remembered on the response: each part is asked twice."""
    if (known := response.meta.get("unreadable")) is None:
        text = response.text
        known = response.meta["unreadable"] = more_elements_than(text) or more_attributes_than(text)
    return known


def _led(linked: str, response: Response) -> str:
    """", redirected to <where it led>" when the part's URL redirected, else nothing: the part is named by the URL its
    article linked (the one a reader sees) and where it led is said in the detail."""
    return f", redirected to {response.url}" if response.meta.get("redirect_urls") and response.url != linked else ""

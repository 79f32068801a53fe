"""Meta refresh read from the head of an HTML page, checked as a redirect is."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware
from scrapy.http import HtmlResponse, Response

from crawler.fetch.chain_cookies import new_cookies_for
from crawler.fetch.head import HEAD_BYTES, SCANNED_CHARS, page_head
from crawler.fetch.limits import Limits
from crawler.fetch.refresh import gate_refresh
from crawler.netguard import check_redirect

logger = logging.getLogger(__name__)


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

"""The duplicate filter that lets an article's old, redirecting URL through, and a discovery document read again for
another outlet."""

from __future__ import annotations

from urllib.parse import urlsplit

from scrapy import Request
from scrapy.dupefilters import RFPDupeFilter

from crawler.fetch.chain_cookies import new_cookies_for


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

"""Which URLs of a feed, sitemap or listing an outlet takes as its articles (no scrapy imports)."""

from __future__ import annotations

import re

from crawler.config.outlets import Outlet, url_spellings
from crawler.discovery.urls import canonicalize


def denied(outlet: Outlet, url: str) -> bool:
    """Whether a spelling of ``url`` (``url_spellings``: as written, decoded, escaped) matches a ``deny_urls``
    pattern."""
    if not outlet.deny_urls:
        return False
    spellings = url_spellings(url, lower=True)
    return any(re.search(pattern, u) for pattern in outlet.deny_urls for u in spellings)


def takes(outlet: Outlet, url: str) -> bool:
    """Whether ``url`` is one of the outlet's articles: it matches ``article_urls`` as the link prints it or
    canonicalised (a user copies patterns from the links; the canonical form may sort a query or re-encode a slug), any
    URL where there are none (every feed and sitemap entry), and neither form is denied. ``deny_urls`` held only
    where ``article_urls`` was set before stop 36: an outlet without them fetched and stored its denied entries."""
    canonical = canonicalize(url)
    if denied(outlet, url) or denied(outlet, canonical):
        return False
    return not outlet.article_urls or outlet.is_article(url) or outlet.is_article(canonical)

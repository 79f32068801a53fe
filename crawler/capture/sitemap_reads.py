"""Child sitemaps read whole: what earlier crawls remembered of them, and remembering one more (no scrapy imports).

The spider skips a child of a sitemap index whose ``<lastmod>`` in the index is the one it had when an earlier crawl
read it whole (README "Discovery"; table ``sitemap_reads``, archive.catalogue.sitemaps). Losing nothing comes before
saving fetches, so a child is remembered through the writer, after the frontier rows of its article URLs: it commits
in their batch or a later one, never before them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from archive.catalogue import sitemaps
from crawler.capture.operations import SitemapReadOp
from crawler.config.outlets import Outlet

if TYPE_CHECKING:
    from crawler.capture.session import ArchiveSession


def read_whole(session: ArchiveSession, outlet: Outlet) -> dict[str, str]:
    """URL -> index lastmod of ``outlet``'s child sitemaps that earlier crawls read whole under its current config
    (committed rows: a scale-out worker reads the coordinator's catalogue)."""
    return sitemaps.read_whole(session.reader.db, outlet.name, outlet.digest())


def remember(session: ArchiveSession, url: str, outlet: Outlet, lastmod: str) -> None:
    """Remember that the child sitemap ``url`` was read whole under index lastmod ``lastmod``.

    Call it once every article URL the sitemap gave went through ``session.discover``: the writer applies
    operations in order and commits them in batches, so the sitemap is remembered only with its URLs or after them.
    """
    session.writer.put(SitemapReadOp(url, outlet.name, lastmod, outlet.digest(), session.crawl_id))

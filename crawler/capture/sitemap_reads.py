"""Child sitemaps read whole: what earlier crawls remembered of them, and remembering one more (no scrapy imports).

The spider skips a child of a sitemap index whose ``<lastmod>`` in the index ended before an earlier crawl fetched
it and read it whole (README "Discovery"; table ``sitemap_reads``, archive.catalogue.sitemaps). Losing nothing
comes before saving fetches, so a child is remembered through the writer, after the frontier rows of its article
URLs: it commits in their batch or a later one, never before them.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from archive.catalogue import sitemaps
from crawler.capture.operations import SitemapReadOp
from crawler.config.outlets import Outlet
from crawler.fetch.limits import http_date

if TYPE_CHECKING:
    from crawler.capture.session import ArchiveSession


def read_whole(session: ArchiveSession, outlet: Outlet) -> dict[str, datetime]:
    """URL -> fetch time of ``outlet``'s child sitemaps that earlier crawls read whole under its current config
    (committed rows: a scale-out worker reads the coordinator's catalogue). A time that does not parse is left out:
    that child is fetched."""
    read = {}
    for url, fetched_at in sitemaps.read_whole(session.reader.db, outlet.name, outlet.digest()).items():
        try:
            when = datetime.fromisoformat(fetched_at or "")
        except ValueError:
            continue
        read[url] = when if when.tzinfo else when.replace(tzinfo=UTC)
    return read


def fetch_time(asked_at: str, date: str | None, age: str | None) -> str:
    """When the copy of a sitemap that a response holds was made, no later than it can have been: the earlier of
    ``asked_at`` (ISO 8601, our clock, taken when the request was made, before it was sent) and the response's
    ``Date`` less its ``Age`` (the server's clock, which also writes its lastmods; a cache's copy is older than the
    response). A Date that does not parse is ignored."""
    when = datetime.fromisoformat(asked_at)
    made = http_date(date or "")  # the one HTTP-date parser (a year past datetime's range is no date either)
    if made is not None:
        seconds = (age or "").strip()
        digits = seconds.isascii() and seconds.isdigit()  # "²" passes isdigit() alone, and int() raises on it
        made -= timedelta(seconds=min(int(seconds), 10**9) if digits else 0)  # 10**9 s: 31 years
        when = min(when, made)
    return when.astimezone(UTC).isoformat()


def remember(session: ArchiveSession, url: str, outlet: Outlet, lastmod: str, fetched_at: str) -> None:
    """Remember that the child sitemap ``url``, fetched at ``fetched_at`` (``fetch_time``), was read whole when its
    index gave it ``lastmod``.

    Call it once every article URL the sitemap gave went through ``session.discover``: the writer applies
    operations in order and commits them in batches, so the sitemap is remembered only with its URLs or after them.
    """
    session.writer.put(
        SitemapReadOp(url, outlet.name, lastmod, outlet.digest(), session.crawl_id, fetched_at)
    )

"""Child sitemaps read whole, and the ``<lastmod>`` their index gave them then (table ``sitemap_reads``, m015).

An hourly crawl of an outlet whose index lists 10-20 years of monthly or daily sitemaps fetched every one of them
again each hour. An index's ``<lastmod>`` "identifies the time that the corresponding Sitemap file was modified"
(https://www.sitemaps.org/protocol.html#index), and search engines read it to decide which child to fetch again
(Google, https://developers.google.com/search/blog/2023/06/sitemaps-lastmod-ping#the-lastmod-element); the crawl
does the same from what is remembered here.
"""

from __future__ import annotations

import sqlite_utils

from archive.catalogue.aliases import now_iso
from archive.catalogue.reading import table_exists


def remember(
    db: sqlite_utils.Database, outlet: str, url: str, lastmod: str, config_digest: str, crawl_id: int | None
) -> None:
    """Remember that ``outlet``'s child sitemap ``url`` was read whole under index lastmod ``lastmod``, with the
    outlet's config ``config_digest`` (replacing what was remembered of it). The caller commits."""
    db.execute(
        "insert into sitemap_reads (outlet, url, lastmod, config_digest, crawl_id, read_at) "
        "values (?, ?, ?, ?, ?, ?) on conflict (outlet, url) do update set lastmod = excluded.lastmod, "
        "config_digest = excluded.config_digest, crawl_id = excluded.crawl_id, read_at = excluded.read_at",
        [outlet, url, lastmod, config_digest, crawl_id, now_iso()],
    )


def read_whole(db: sqlite_utils.Database, outlet: str, config_digest: str) -> dict[str, str]:
    """URL -> index lastmod of the child sitemaps of ``outlet`` read whole under its config ``config_digest``.

    Empty on a catalogue before m015 (a scale-out worker may read an older copy): every child is fetched then.
    """
    if not table_exists(db.conn, "sitemap_reads"):
        return {}
    return {
        url: lastmod
        for url, lastmod in db.execute(
            "select url, lastmod from sitemap_reads where outlet = ? and config_digest = ?",
            [outlet, config_digest],
        )
    }

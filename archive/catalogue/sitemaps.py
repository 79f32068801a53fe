"""Child sitemaps read whole, when they were fetched, and the ``<lastmod>`` their index gave them then (table
``sitemap_reads``, m015).

An hourly crawl of an outlet whose index lists 10-20 years of monthly or daily sitemaps fetched every one of them
again each hour. An index's ``<lastmod>`` "identifies the time that the corresponding Sitemap file was modified"
(https://www.sitemaps.org/protocol.html#index), and search engines read it to decide which child to fetch again
(Google, https://developers.google.com/search/blog/2023/06/sitemaps-lastmod-ping#the-lastmod-element); the crawl
does the same from what is remembered here: a child whose index lastmod (its end: a bare date holds all day) came
before the remembered fetch has not changed since (crawler.spiders.outlets).
"""

from __future__ import annotations

import sqlite_utils

from archive.catalogue.aliases import now_iso
from archive.catalogue.reading import table_exists


def remember(
    db: sqlite_utils.Database,
    outlet: str,
    url: str,
    lastmod: str,
    config_digest: str,
    crawl_id: int | None,
    fetched_at: str,
) -> None:
    """Remember that ``outlet``'s child sitemap ``url``, fetched at ``fetched_at`` (ISO 8601 with its zone), was
    read whole when its index gave it lastmod ``lastmod``, with the outlet's config ``config_digest`` (replacing
    what was remembered of it). The caller commits."""
    db.execute(
        "insert into sitemap_reads (outlet, url, lastmod, fetched_at, config_digest, crawl_id, read_at) "
        "values (?, ?, ?, ?, ?, ?, ?) on conflict (outlet, url) do update set lastmod = excluded.lastmod, "
        "fetched_at = excluded.fetched_at, config_digest = excluded.config_digest, crawl_id = excluded.crawl_id, "
        "read_at = excluded.read_at",
        [outlet, url, lastmod, fetched_at, config_digest, crawl_id, now_iso()],
    )


def read_whole(db: sqlite_utils.Database, outlet: str, config_digest: str) -> dict[str, str]:
    """URL -> fetch time (ISO 8601) of the child sitemaps of ``outlet`` read whole under its config
    ``config_digest``.

    Empty on a catalogue before m015 (a scale-out worker may read an older copy): every child is fetched then.
    """
    if not table_exists(db.conn, "sitemap_reads"):
        return {}
    return {
        url: fetched_at
        for url, fetched_at in db.execute(
            "select url, fetched_at from sitemap_reads where outlet = ? and config_digest = ?",
            [outlet, config_digest],
        )
    }

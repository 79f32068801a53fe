"""The catalogue's migrations from m019 on, registered on ``schema.migrations`` after m018 (schema.py, which imports
this module at its end, reached the house's 400 lines). Never edit one that has shipped."""

from __future__ import annotations

import sqlite_utils

from archive.catalogue.schema import migrations


@migrations()
def m019_published_time(db: sqlite_utils.Database) -> None:
    """``articles.published_time``: a time ("HH:MM") printed with no zone (crawler.capture.clock); in articles_view."""
    db["articles"].add_column("published_time", str)
    db.execute("drop view if exists articles_view")
    db.create_view("articles_view", """
        select a.title, a.outlet, a.published, a.relevance_score as relevance, substr(a.text, 1, 300) as excerpt,
          a.matched_terms as evidence, a.relevant, a.url, a.language, a.versions,
          a.status, a.first_seen, substr(coalesce(a.published, a.first_seen), 1, 10) as day,
          case when length(a.published) <= 10 then a.published
            else strftime('%Y-%m-%dT%H:%M:%SZ', a.published) end as published_utc, a.published_time,
          a.id, a.rowid as article_rowid
        from articles a""")


@migrations()
def m020_article_renderings(db: sqlite_utils.Database) -> None:
    """The bodies (title and text digest) of an article's lesser renderings: a page stored as one more capture of a
    row that keeps a fuller text (a teaser met after its story, a print view that pads it: crawler.capture.ingest
    ``fuller_rendering``). Its body was nowhere, so a plain copy of the teaser met after it (or before it) stayed an
    article of its own: the same-body rule and ``dedupe`` read these as they read a row's earlier versions (issue 13).
    """
    db["article_renderings"].create({"article_id": str, "text_digest": str, "capture_id": int, "first_seen": str},
                                    pk=("article_id", "text_digest"),
                                    foreign_keys=[("article_id", "articles", "id"), ("capture_id", "captures", "id")])
    db["article_renderings"].create_index(["text_digest"])

"""Catalogue rows of stories: LSH band keys, band candidates, story membership and each story's summary row.

The grouping itself (shingles, MinHash, the similarity rules) is archive.corpus.stories; this module holds its SQL.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

import sqlite_utils

logger = logging.getLogger(__name__)


def story_id_taken(db: sqlite_utils.Database, story_id: str) -> bool:
    """True when a story row with this id exists."""
    return bool(list(db.query("select 1 from stories where id = ?", [story_id])))


def refresh_story(db: sqlite_utils.Database, story_id: str) -> None:
    """Recompute a story's row from its articles (counts, first seen, title of its first article); drop it if empty."""
    rows = list(db.query(
        "select count(*) as articles, count(distinct outlet) as outlets, min(first_seen) as first_seen, "
        "max(last_seen) as last_seen, min(published) as published, sum(relevant) as relevant "
        "from articles where story_id = ?", [story_id]))
    agg = rows[0]
    if not agg["articles"]:
        db.execute("delete from stories where id = ?", [story_id])
        return
    first = next(db.query(
        "select id, title from articles where story_id = ? order by first_seen, seq is null, seq, id limit 1",
        [story_id]))
    db["stories"].upsert({
        "id": story_id, "first_seen": agg["first_seen"], "last_seen": agg["last_seen"],
        "published": agg["published"], "articles": agg["articles"], "outlets": agg["outlets"],
        "relevant_articles": agg["relevant"] or 0, "title": first["title"], "first_article": first["id"],
    }, pk="id")


def band_candidates(db: sqlite_utils.Database, article_id: str, keys: list[int], limit: int) -> list[dict[str, Any]]:
    """For up to ``limit`` stories, the article sharing the most LSH band keys with this one, with its body.

    Most shared bands first. One article per story: a wire story copied a thousand times would otherwise fill the
    list with copies of one story and have every body compared (issue 10's 20,000-page run). Only the chosen
    articles' bodies are read; the band counts come from the story_bands index alone.
    """
    if not keys:
        return []
    marks = ", ".join("?" for _ in keys)
    ranked = db.execute(
        f"select a.rowid, a.story_id from (select b.article, count(*) as bands from story_bands b "
        f"where b.band in ({marks}) and b.article != (select rowid from articles where id = ?) "
        f"group by b.article order by bands desc, b.article limit ?) c "
        f"join articles a on a.rowid = c.article where a.story_id is not null order by c.bands desc, c.article",
        [*keys, article_id, limit * 8]).fetchall()
    best: dict[str, int] = {}
    for rowid, story in ranked:
        if story not in best:
            best[story] = rowid
            if len(best) == limit:
                break
    if not best:
        return []
    order = {rowid: n for n, rowid in enumerate(best.values())}
    rows = list(db.query(f"select rowid, id, story_id, text, first_seen from articles where rowid in "
                         f"({', '.join('?' for _ in order)})", list(order)))
    return sorted(rows, key=lambda r: order[r.pop("rowid")])


def article_body(db: sqlite_utils.Database, article_id: str) -> dict[str, Any] | None:
    """``id, text, story_id`` of one article, or None."""
    return next(db.query("select id, text, story_id from articles where id = ?", [article_id]), None)


def replace_bands(db: sqlite_utils.Database, article_id: str, keys: Iterable[int]) -> None:
    """Store the article's LSH band keys in place of its old ones (``story_bands.article`` is the article's rowid)."""
    (rowid,) = db.execute("select rowid from articles where id = ?", [article_id]).fetchone()
    db.execute("delete from story_bands where article = ?", [rowid])
    db.conn.executemany("insert or ignore into story_bands (band, article) values (?, ?)", [(k, rowid) for k in keys])


def story_has_others(db: sqlite_utils.Database, story_id: str, article_id: str) -> bool:
    """True when story ``story_id`` holds an article other than ``article_id``."""
    return bool(list(db.query("select 1 from articles where story_id = ? and id != ? limit 1",
                              [story_id, article_id])))


def set_article_story(db: sqlite_utils.Database, article_id: str, story_id: str, matched: str | None,
                      score: float | None) -> None:
    """Put an article in a story, with the article it matched and their resemblance."""
    db["articles"].update(article_id, {"story_id": story_id, "story_match": matched, "story_score": score})

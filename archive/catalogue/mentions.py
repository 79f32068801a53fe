"""Who and where the coverage talks about: the ``mentions`` table, one row per article and Libya lexicon term.

Filled from an article's relevance evidence (``articles.matched_terms``: term, lexicon category, weight,
count), never by reading the text again, so a mention is exactly what the relevance judgement counted.
Only the lexicon categories that name something are kept, under a reader's name for them:

    libya_place -> place, libya_actor -> actor, libya_armed -> armed group, libya_political -> institution

Each row also carries the article's outlet, relevance flag, day and ISO week (Monday), so "mentions of X per week
per outlet" is one indexed ``group by`` over this table, with no join, even on a large catalogue.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from typing import Any

import sqlite_utils

from archive.catalogue.transactions import immediate

logger = logging.getLogger(__name__)

__all__ = ["CATEGORIES", "TABLE", "backfill", "create_table", "mention_rows", "record", "week_of"]

TABLE = "mentions"
#: Lexicon category -> the category a reader sees. Conflict vocabulary, foreign theatres and sport are evidence,
#: not mentions of anyone, and are left out.
CATEGORIES: Mapping[str, str] = {
    "libya_place": "place", "libya_actor": "actor", "libya_armed": "armed group", "libya_political": "institution",
}
COLUMNS: dict[str, type] = {"article_id": str, "term": str, "category": str, "count": int, "outlet": str,
                            "relevant": int, "day": str, "week": str}


def create_table(db: sqlite_utils.Database) -> None:
    """Create the ``mentions`` table and the indexes the mentions page and the outlet comparison use."""
    db[TABLE].create(COLUMNS, pk=("article_id", "term"), foreign_keys=[("article_id", "articles", "id")],
                     not_null={"term", "category"}, if_not_exists=True)
    # the mentions page: one term's counts per week per outlet, answered from the index alone
    db[TABLE].create_index(["term", "week", "outlet", "relevant", "count"], if_not_exists=True)
    # the outlet comparison: per outlet, first and last day, from the index alone
    db[TABLE].create_index(["term", "outlet", "relevant", "day", "count"], if_not_exists=True)
    db[TABLE].create_index(["category", "term"], if_not_exists=True)


def week_of(day: str | None) -> tuple[str | None, str | None]:
    """``(day, Monday of its ISO week)`` for an ISO date or datetime, ``(None, None)`` when it does not parse."""
    try:
        d = date.fromisoformat((day or "")[:10])
    except ValueError:
        return None, None
    return d.isoformat(), (d - timedelta(days=d.weekday())).isoformat()


def _evidence(matched_terms: str | None) -> Iterable[tuple[str, str, int]]:
    """``(term, lexicon category, count)`` of a ``matched_terms`` JSON value; bad JSON yields nothing (logged)."""
    if not matched_terms:
        return
    try:
        items = json.loads(matched_terms)
    except ValueError:
        logger.warning("matched_terms is not JSON: %.80r", matched_terms)
        return
    for item in items if isinstance(items, list) else []:
        if isinstance(item, list) and len(item) >= 2 and isinstance(item[0], str) and isinstance(item[1], str):
            count = item[3] if len(item) > 3 and isinstance(item[3], int) else 1
            yield item[0], item[1], count


def mention_rows(article: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The ``mentions`` rows of one article row (id, outlet, relevant, published, first_seen, matched_terms)."""
    day, week = week_of(article.get("published") or article.get("first_seen"))
    rows: dict[str, dict[str, Any]] = {}
    for term, lexicon_category, count in _evidence(article.get("matched_terms")):
        category = CATEGORIES.get(lexicon_category)
        if category is None or count < 1:
            continue
        if term in rows:  # one term listed twice (should not happen): add up
            rows[term]["count"] += count
            continue
        rows[term] = {"article_id": article["id"], "term": term, "category": category, "count": count,
                      "outlet": article.get("outlet"), "relevant": article.get("relevant"), "day": day,
                      "week": week}
    return list(rows.values())


def record(db: sqlite_utils.Database, article: Mapping[str, Any]) -> int:
    """Replace the article's mentions with those of its current evidence; return how many it has now.

    Does nothing (returns 0) on a catalogue whose schema has no ``mentions`` table yet.
    """
    if TABLE not in db.table_names():
        return 0
    rows = mention_rows(article)
    with immediate(db):
        db.execute(f"delete from {TABLE} where article_id = ?", [article["id"]])
        if rows:
            db[TABLE].insert_all(rows)
    return len(rows)


def backfill(db: sqlite_utils.Database, *, batch: int = 2000) -> int:
    """Fill ``mentions`` from every article's evidence (for catalogues made before the table existed)."""
    total = 0
    sql = ("select rowid, id, outlet, relevant, published, first_seen, matched_terms from articles "
           "where rowid > ? order by rowid limit ?")
    last = 0
    while True:
        found = db.execute(sql, [last, batch]).fetchall()
        if not found:
            break
        rows: list[dict[str, Any]] = []
        for rowid, aid, outlet, relevant, published, first_seen, matched in found:
            rows.extend(mention_rows({"id": aid, "outlet": outlet, "relevant": relevant, "published": published,
                                      "first_seen": first_seen, "matched_terms": matched}))
            last = rowid
        if rows:
            db[TABLE].insert_all(rows, replace=True)
        total += len(rows)
    logger.debug("mentions backfilled: %d rows", total)
    return total

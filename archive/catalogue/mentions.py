"""Who and where the coverage talks about: the ``mentions`` table, one row per article and Libya lexicon term.

Filled from an article's relevance evidence (``articles.matched_terms``: term, lexicon category, weight,
count), never by reading the text again, so a mention is exactly what the relevance judgement counted.
Only the lexicon categories that name something are kept, under a reader's name for them:

    libya_place -> place, libya_actor -> actor, libya_armed -> armed group, libya_political -> institution

Each row also carries the article's outlet, relevance flag, day and ISO week (Monday), so "mentions of X per week
per outlet" is one ``group by`` over one term's run of this table (ordered by term), with no join, even on a
large catalogue.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from typing import Any

import sqlite_utils

from archive.catalogue import reading, statements
from archive.catalogue.transactions import immediate

logger = logging.getLogger(__name__)

__all__ = ["CATEGORIES", "TABLE", "backfill", "cluster", "create_table", "mention_rows", "record", "week_of"]

TABLE = "mentions"
#: Lexicon category -> the category a reader sees. Conflict vocabulary, foreign theatres and sport are evidence,
#: not mentions of anyone, and are left out.
CATEGORIES: Mapping[str, str] = {
    "libya_place": "place", "libya_actor": "actor", "libya_armed": "armed group", "libya_political": "institution",
}
COLUMNS: dict[str, type] = {"article_id": str, "term": str, "category": str, "count": int, "outlet": str,
                            "relevant": int, "day": str, "week": str}


def create_table(db: sqlite_utils.Database) -> None:
    """Create m008's ``mentions`` table and its term-first indexes (m011 rebuilds it: ``cluster``)."""
    db[TABLE].create(COLUMNS, pk=("article_id", "term"), foreign_keys=[("article_id", "articles", "id")],
                     not_null={"term", "category"}, if_not_exists=True)
    # the mentions page: one term's counts per week per outlet, answered from the index alone
    db[TABLE].create_index(["term", "week", "outlet", "relevant", "count"], if_not_exists=True)
    # the outlet comparison: per outlet, first and last day, from the index alone
    db[TABLE].create_index(["term", "outlet", "relevant", "day", "count"], if_not_exists=True)
    db[TABLE].create_index(["category", "term"], if_not_exists=True)


# m011: one B-tree ordered by term, then by the article's rowid, which grows with each new article. A batch of new
# articles adds its rows at the end of each named term's run: the pages a commit rewrites are bounded by the
# lexicon, not by the size of the table. m008's table (keyed by the random article id, plus three term-first
# indexes) had every row land on a random leaf page of four B-trees; on issue 10's 3,000-page benchmark crawl its
# pages were 43 % of the WAL frames, and 18 MB of the 82 MB catalogue (6 KB per article; 2 KB now).
# NOT NULL only on the key's columns (implied there): SQLite 3.40's integrity_check reports every NOT NULL column
# that comes before a WITHOUT ROWID table's key columns as NULL (a false report, reproduced here on 3.40.1)
CLUSTERED_SQL = (
    f"""create table {TABLE}_m011 (article_id text, term text not null, category text, count integer,
      outlet text, relevant integer, day text, week text, article integer not null,
      primary key (term, article)) without rowid""",
    f"""insert or ignore into {TABLE}_m011
      select m.article_id, m.term, m.category, m.count, m.outlet, m.relevant, m.day, m.week, a.rowid
      from {TABLE} m join articles a on a.id = m.article_id""",
    f"drop table {TABLE}",
    f"alter table {TABLE}_m011 rename to {TABLE}",
    # replacing or deleting one article's rows; appended to as well, the rowid growing
    f"create index idx_{TABLE}_article on {TABLE} (article)",
    f"""create trigger {TABLE}_ad after delete on articles begin
      delete from {TABLE} where article = old.rowid;
    end""",
)


def cluster(db: sqlite_utils.Database) -> None:
    """Rebuild m008's ``mentions`` as one B-tree by (term, article rowid) (migration m011)."""
    for statement in CLUSTERED_SQL:
        db.execute(statement)


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
    if not reading.table_exists(db.conn, TABLE):
        return 0
    found = db.execute("select rowid from articles where id = ?", [article["id"]]).fetchone()
    if found is None:  # rows are keyed by the article's rowid: no article, no mentions
        return 0
    rowid = found[0]
    rows = [{**r, "article": rowid} for r in mention_rows(article)]
    with immediate(db):
        db.execute(f"delete from {TABLE} where article = ?", [rowid])
        statements.insert_many(db, TABLE, rows)  # not Table.insert_all: see archive/catalogue/statements.py
    return len(rows)


def backfill(db: sqlite_utils.Database, *, batch: int = 2000) -> int:
    """Fill ``mentions`` from every article's evidence (for catalogues made before the table existed)."""
    keyed = "article" in db[TABLE].columns_dict  # m011's layout; m008 backfills its own, which has no rowid column
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
            found_rows = mention_rows({"id": aid, "outlet": outlet, "relevant": relevant, "published": published,
                                       "first_seen": first_seen, "matched_terms": matched})
            rows.extend({**r, "article": rowid} if keyed else r for r in found_rows)
            last = rowid
        if rows:
            db[TABLE].insert_all(rows, replace=True)
        total += len(rows)
    logger.debug("mentions backfilled: %d rows", total)
    return total

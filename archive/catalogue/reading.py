"""Catalogue reads for the reading room's pages: an article with its versions and captures, charts, the landing page.

Plain functions over a ``sqlite3.Connection`` (Datasette runs them on its own read connection with
``Database.execute_fn``), so the web layer holds no SQL.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from archive.catalogue import opening
from archive.catalogue.versions import VERSIONS_SQL

logger = logging.getLogger(__name__)

CAPTURE_COLUMNS = ("id", "url", "status", "fetched_at", "record_type", "warc_file", "warc_offset", "warc_length",
                   "warc_record_id", "payload_digest", "content_type", "crawl_id")
HEALTH_SQL = """
select j.key as outlet, count(*) as crawls,
  max(case when c.status = 'finished' and coalesce(json_extract(j.value, '$.pages_fetched'), 0) > 0
      then coalesce(c.ended_at, c.started_at) end) as last_success
from crawls c, json_each(case when json_valid(c.counts) then c.counts else '{}' end) j
group by j.key
"""
LANDING_SQL = """
select id, title, outlet, published, relevance_score, substr(text, 1, 400) as excerpt
from articles where relevant = 1 and published is not null
order by published desc limit 8"""
WEEKLY_MENTIONS_SQL = """
select week, outlet, count(*) as articles, sum(count) as occurrences
from mentions where term = :term{relevant}
group by week, outlet"""
TOP_TERMS_SQL = """
select category, term, articles from (
  select category, term, count(*) as articles,
    row_number() over (partition by category order by count(*) desc, term) as n
  from mentions group by category, term)
where n <= :top order by category, articles desc"""

# every distinct term, one index seek each (a skip scan of the term-first index: SQLite's DISTINCT would read
# every row of the index, one per article and term)
MENTION_TERMS_SQL = """
with recursive t(term) as (
  select min(term) from mentions
  union all
  select (select min(term) from mentions where term > t.term) from t where t.term is not null)
select term from t where term is not null"""


def rows(conn: sqlite3.Connection, sql: str, params: Any = ()) -> list[dict[str, Any]]:
    """The rows of one query as dicts (whatever the connection's row factory)."""
    cursor = conn.execute(sql, params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]


def table_exists(conn: sqlite3.Connection, table: str) -> bool:
    """True when the catalogue has this table (older catalogues lack the newer ones)."""
    return bool(rows(conn, "select 1 from sqlite_master where type = 'table' and name = ?", [table]))


def _columns(conn: sqlite3.Connection, table: str) -> list[str]:
    return [r["name"] for r in rows(conn, f"pragma table_info([{table}])")]


def article_row(conn: sqlite3.Connection, aid: str) -> dict[str, Any] | None:
    """The ``articles`` row with this id, or None."""
    found = rows(conn, "select * from articles where id = ?", [aid])
    return found[0] if found else None


def outlet_row(conn: sqlite3.Connection, name: str | None) -> dict[str, Any] | None:
    """The ``outlets`` row with this name, or None."""
    found = rows(conn, "select * from outlets where name = ?", [name])
    return found[0] if found else None


def article_versions(conn: sqlite3.Connection, aid: str) -> list[dict[str, Any]]:
    """The article's ``article_versions`` rows, oldest first, each with its full text (archive.catalogue.versions)."""
    return rows(conn, VERSIONS_SQL, [aid])


def captures_by_id(conn: sqlite3.Connection, ids: Iterable[int | None]) -> dict[int, dict[str, Any]]:
    """The capture rows (``CAPTURE_COLUMNS``) with these ids, by id; None ids are skipped."""
    wanted = sorted({i for i in ids if i is not None})
    if not wanted:
        return {}
    marks = ",".join("?" * len(wanted))
    found = rows(conn, f"select {', '.join(CAPTURE_COLUMNS)} from captures where id in ({marks})", wanted)
    return {r["id"]: r for r in found}


def article_events(conn: sqlite3.Connection, aid: str) -> tuple[list[str], list[dict[str, Any]]] | None:
    """The article's ``article_events`` columns (less ``article_id``) and rows, or None without that table."""
    if not table_exists(conn, "article_events"):
        return None
    columns = _columns(conn, "article_events")
    if "article_id" not in columns:
        return None
    order = "at, rowid" if "at" in columns else "rowid"
    found = rows(conn, f"select * from article_events where article_id = ? order by {order}", [aid])
    return [c for c in columns if c != "article_id"], found


def story_copies(conn: sqlite3.Connection, story_id: str | None, limit: int = 200) -> list[dict[str, Any]]:
    """The articles of a story (``id, outlet, title, published, url, status``), first seen first, at most ``limit``."""
    if not story_id:
        return []
    return rows(conn, "select id, outlet, title, published, url, status from articles where story_id = ? "
                      "order by first_seen, id limit ?", [story_id, limit])


def merged_into(conn: sqlite3.Connection, aid: str) -> str | None:
    """The article an alias URL's id (a merged-away row's id) now leads to, if ``aid`` is no article itself."""
    if not table_exists(conn, "article_aliases") or rows(conn, "select 1 from articles where id = ?", [aid]):
        return None
    found = rows(conn, "select article_id from article_aliases where url_id = ? limit 1", [aid])
    return found[0]["article_id"] if found else None


def capture_pointer(conn: sqlite3.Connection, capture_id: int) -> dict[str, Any] | None:
    """``id, warc_file, warc_offset, warc_length, record_type, refers_to`` of one capture, or None.

    ``refers_to``: for a revisit, the capture whose record holds the payload (None otherwise).
    """
    found = rows(conn, "select id, warc_file, warc_offset, warc_length, record_type, refers_to from captures "
                 "where id = ?", [capture_id])
    return found[0] if found else None


def outlet_health(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    """Per outlet, by name: ``outlet, crawls, pages, articles, failures, last_success`` (last successful crawl)."""
    names = {r["name"] for r in rows(conn, "select name from outlets")}
    per: dict[str, dict[str, Any]] = {}
    for table, key in (("captures", "pages"), ("failures", "failures"), ("articles", "articles")):
        for r in rows(conn, f"select outlet, count(*) as n from {table} where outlet is not null group by outlet"):
            per.setdefault(r["outlet"], {})[key] = r["n"]
    for r in rows(conn, HEALTH_SQL):
        per.setdefault(r["outlet"], {}).update(crawls=r["crawls"], last_success=r["last_success"])
    names |= {n for n in per if n != "-"}
    return [{"outlet": n, "crawls": per.get(n, {}).get("crawls", 0), "pages": per.get(n, {}).get("pages", 0),
             "articles": per.get(n, {}).get("articles", 0), "failures": per.get(n, {}).get("failures", 0),
             "last_success": per.get(n, {}).get("last_success")} for n in sorted(names)]


def articles_per_day(conn: sqlite3.Connection, *, relevant_only: bool = False) -> list[dict[str, Any]]:
    """``day, outlet, n``: articles per publication day (or first-seen day) and outlet, by day."""
    where = "where relevant = 1" if relevant_only else ""
    return rows(conn, f"""
        select substr(coalesce(published, first_seen), 1, 10) as day, outlet, count(*) as n
        from articles {where} group by day, outlet order by day""")


def latest_relevant(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    """The eight newest relevant articles with a publication date, with a 400-character excerpt."""
    return rows(conn, LANDING_SQL)


def top_mentioned_terms(conn: sqlite3.Connection, top: int) -> list[dict[str, Any]]:
    """``category, term, articles``: the ``top`` terms named in most articles, per category."""
    return rows(conn, TOP_TERMS_SQL, {"top": top})


def weekly_mentions(conn: sqlite3.Connection, term: str, *, relevant_only: bool = False) -> list[dict[str, Any]]:
    """``week, outlet, articles, occurrences`` of one term (relevant articles only when asked)."""
    where = " and relevant = 1" if relevant_only else ""
    return rows(conn, WEEKLY_MENTIONS_SQL.format(relevant=where), {"term": term})


def mention_terms(conn: sqlite3.Connection) -> list[str]:
    """Every term the ``mentions`` table holds, in term order."""
    return [r["term"] for r in rows(conn, MENTION_TERMS_SQL)]


#: A revisit refers to the capture holding its payload, itself a response; a longer chain is a corrupt row.
MAX_REVISIT_HOPS = 4


def record_chain(conn: sqlite3.Connection, capture_id: int) -> list[dict[str, Any]]:
    """``capture_pointer`` of a capture and, for a revisit, of the record it refers to (its payload), in that order.

    Empty when there is no such capture; ends early at a missing row, a loop or ``MAX_REVISIT_HOPS``.
    """
    chain: list[dict[str, Any]] = []
    wanted: int | None = capture_id
    while wanted is not None and len(chain) <= MAX_REVISIT_HOPS and all(r["id"] != wanted for r in chain):
        row = capture_pointer(conn, wanted)
        if row is None:
            break
        chain.append(row)
        wanted = row["refers_to"] if row["record_type"] == "revisit" else None
    return chain


def replay_chain(db_path: Path, capture_id: int) -> list[dict[str, Any]]:
    """``record_chain`` of an archived capture (one with a WARC file), read on a read-only connection."""
    conn = opening.connect_read_only(db_path)  # immutable on read-only media (a WAL reader needs its -shm)
    try:
        chain = record_chain(conn, capture_id)
    finally:
        conn.close()
    return chain if chain and chain[0]["warc_file"] else []


def capture_url(db_path: Path, capture_id: int) -> str | None:
    """The URL a capture was fetched from (the base its page's links resolve against), or None."""
    conn = opening.connect_read_only(db_path)
    try:
        found = rows(conn, "select url from captures where id = ?", [capture_id])
    finally:
        conn.close()
    return found[0]["url"] if found else None


def capture_of_url(db_path: Path, url: str, near: int | None = None, *, after: bool = False) -> int | None:
    """The archived capture of ``url`` a replayed link leads to: the last one fetched at or before capture ``near``
    was (the site as it was then), else the earliest after it; None when the URL was never archived.

    ``after``: the next hop of a redirect ``near`` archived, fetched after it: the earliest capture at or after
    ``near``, else the latest before (an older hop would be a page of another crawl)."""
    conn = opening.connect_read_only(db_path)
    near_at = "coalesce((select fetched_at from captures where id = :near), c.fetched_at)"
    order = (f"c.fetched_at >= {near_at} desc, case when c.fetched_at >= {near_at} then c.fetched_at end, "
             "c.fetched_at desc, c.id") if after else \
        (f"c.fetched_at <= {near_at} desc, case when c.fetched_at <= {near_at} then c.fetched_at end desc, "
         "c.fetched_at, c.id")
    try:
        found = rows(conn, f"""
            select c.id from captures c
            where c.url = :url and c.warc_file is not null and c.record_type in ('response', 'revisit')
            order by {order}
            limit 1""", {"url": url, "near": near})
    finally:
        conn.close()
    return found[0]["id"] if found else None

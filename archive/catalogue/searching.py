"""Catalogue reads for ranked search (FTS5 bm25 over ``articles_fts``, filtered on ``article_facets``).

Plain functions over a ``sqlite3.Connection``, run by the reading room on Datasette's read connection.
"""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass
from typing import Any

from archive.catalogue.reading import rows

logger = logging.getLogger(__name__)

#: bm25 weights of the FTS columns (title, search_text): a hit in the headline counts most. Before m010 the
#: index also held the raw body (weight 1.0, besides 2.0 for search_text): 3.0 keeps the headline-to-body balance.
BM25 = "bm25(10.0, 3.0)"


@dataclass(frozen=True)
class Facets:
    """The filters of a search besides its words: outlet, publication dates, relevance, language."""

    outlet: str = ""
    since: str = ""  # YYYY, YYYY-MM or YYYY-MM-DD, compared with the publication date's prefix
    until: str = ""
    relevant: bool = False
    language: str = ""

    def where(self) -> tuple[str, dict[str, Any]]:
        """The SQL conditions on ``article_facets s`` (besides the match) and their parameters."""
        clauses, params = [], {}
        if self.outlet:
            clauses.append("s.outlet = :outlet")
            params["outlet"] = self.outlet
        if self.since:
            clauses.append("s.published >= :since")
            params["since"] = self.since
        if self.until:
            # "2019-08" must keep 2019-08-31T23:00: compare the same number of characters
            clauses.append("substr(s.published, 1, length(:until)) <= :until")
            params["until"] = self.until
        if self.relevant:
            clauses.append("s.relevant = 1")
        if self.language:
            clauses.append("s.language = :language")
            params["language"] = self.language
        return "".join(f" and {c}" for c in clauses), params


def results_sql(where: str, *, windowed: bool = True) -> str:
    """Ranked hits of one page, best first, among the ``:window`` most recently archived hits.

    bm25 is computed for every row it ranks (FTS5 has no top-k pruning): 5-15 µs a row here, so ranking all
    190,000 hits of a word found in nearly every article takes one to three seconds. So the newest
    ``:window`` hits are ranked: FTS5 walks its rowids newest first without sorting, the lowest rowid of
    the window becomes a ``rowid >=`` bound that FTS5 applies itself (the "bound" join, see EXPLAIN QUERY
    PLAN: ``INDEX 32:rM3>``), and only the rows above it are scored. A query with fewer hits is ranked in full.
    """
    # CROSS JOIN keeps the FTS table the outer loop: looked up the other way round, every facet row would cost an
    # FTS rowid lookup (seconds on a large catalogue)
    join = " cross join article_facets s on s.article_rowid = f.rowid" if where else ""
    tail = """
        select a.id, a.title, a.outlet, a.published, a.relevant, a.relevance_score, a.language, a.url,
          a.text, hits.rank
        from hits join articles a on a.rowid = hits.rowid
        order by hits.rank"""
    if not windowed:  # few enough hits: rank them all, in one pass
        return f"""
        with hits as (
          select f.rowid as rowid, f.rank as rank from articles_fts f{join}
          where f.articles_fts match :match and f.rank match '{BM25}'{where}
          order by f.rank limit :limit offset :offset)""" + tail
    return f"""
        with recent as (
          select f.rowid as rowid from articles_fts f cross join article_facets s on s.article_rowid = f.rowid
          where f.articles_fts match :match{where}
          order by f.rowid desc limit :window),
        bound as (select coalesce(min(rowid), 0) as lo from recent),
        hits as (
          select f.rowid as rowid, f.rank as rank from bound cross join articles_fts f{join}
          where f.articles_fts match :match and f.rank match '{BM25}' and f.rowid >= bound.lo{where}
          order by f.rank limit :limit offset :offset)""" + tail


COUNTS_SQL = """
    select s.outlet as outlet, s.month as month, count(*) as n
    from articles_fts f cross join article_facets s on s.article_rowid = f.rowid
    where f.articles_fts match :match{where}
    group by s.outlet, s.month"""


def hit_counts(conn: sqlite3.Connection, match: str, facets: Facets) -> list[dict[str, Any]]:
    """``outlet, month, n``: how many articles match, per outlet and month."""
    where, params = facets.where()
    return rows(conn, COUNTS_SQL.format(where=where), {**params, "match": match})


def ranked_hits(conn: sqlite3.Connection, match: str, facets: Facets, *, window: int, limit: int, offset: int,
                windowed: bool) -> list[dict[str, Any]]:
    """One page of hits, best bm25 rank first; ``windowed`` ranks only the ``window`` newest (see results_sql)."""
    where, params = facets.where()
    return rows(conn, results_sql(where, windowed=windowed),
                {**params, "match": match, "window": window, "limit": limit, "offset": offset})


def article_languages(conn: sqlite3.Connection) -> list[str]:
    """The languages of the catalogue's articles, sorted."""
    return [r["language"] for r in rows(
        conn, "select distinct language from article_facets where language is not null order by language")]


def outlet_names(conn: sqlite3.Connection) -> list[str]:
    """The names of the catalogue's outlets, sorted."""
    return [r["name"] for r in rows(conn, "select name from outlets order by name")]

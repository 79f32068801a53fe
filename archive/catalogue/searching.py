"""Catalogue reads for ranked search (FTS5 bm25 over ``articles_fts``, filtered on ``article_facets``).

Plain functions over a ``sqlite3.Connection``, run by the reading room on Datasette's read connection.
"""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass
from typing import Any

from archive.catalogue.reading import rows
from archive.corpus.phrases import phrase_hit
from archive.corpus.search import parse_query

logger = logging.getLogger(__name__)

#: The SQL function that checks a phrase search's candidates against the article's title and body
#: (``archive.corpus.phrases.phrase_hit``: the words in order, adjacent). ``register`` adds it to a connection.
PHRASE_FUNCTION = "search_phrase_hit"
#: A phrase search checks the text of this many candidates at most (the articles that hold its words near each
#: other, newest first), as ranking takes the 5,000 newest hits: some 0.1 ms each (mostly folding the text), so
#: about half a second the first time (``phrase_hit`` remembers its answers). With more candidates, a phrase's
#: hits are the phrase hits among these, and the search page says so.
PHRASE_WINDOW = 5_000
# The condition on a candidate (``f``: the FTS row, ``a``: its article) when the query holds a phrase
_PHRASE_CHECK = f" and f.rowid >= :phrase_lo and {PHRASE_FUNCTION}(:phrase, a.title, a.text)"
_ARTICLE_JOIN = " cross join articles a on a.rowid = f.rowid"


def register(conn: sqlite3.Connection) -> None:
    """Add the SQL function ``search_phrase_hit(query, title, text)`` to ``conn`` (idempotent)."""
    conn.create_function(PHRASE_FUNCTION, 3, phrase_hit, deterministic=True)


def needs_text(query: str | None) -> bool:
    """True when the hits of ``query`` (as typed) must be checked against their text: it holds a phrase."""
    return parse_query(query or "").has_phrase


@dataclass(frozen=True)
class PhraseCheck:
    """The text check of a phrase search: the query as typed, and the oldest candidate (rowid) it checks."""

    query: str
    lo: int = 0
    capped: bool = False  # more candidates than PHRASE_WINDOW: only the newest are checked

    def params(self) -> dict[str, Any]:
        """The SQL parameters of ``_PHRASE_CHECK``."""
        return {"phrase": self.query, "phrase_lo": self.lo}


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


def results_sql(where: str, *, windowed: bool = True, phrase: bool = False) -> str:
    """Ranked hits of one page, best first, among the ``:window`` most recently archived hits.

    bm25 is computed for every row it ranks (FTS5 has no top-k pruning): 5-15 µs a row here, so ranking all
    190,000 hits of a word found in nearly every article takes one to three seconds. So the newest
    ``:window`` hits are ranked: FTS5 walks its rowids newest first without sorting, the lowest rowid of
    the window becomes a ``rowid >=`` bound that FTS5 applies itself (the "bound" join, see EXPLAIN QUERY
    PLAN: ``INDEX 32:rM3>``), and only the rows above it are scored. A query with fewer hits is ranked in full.
    ``phrase``: the MATCH found candidates (the words near each other); each is checked on its text.
    """
    # CROSS JOIN keeps the FTS table the outer loop: looked up the other way round, every facet row would cost an
    # FTS rowid lookup (seconds on a large catalogue)
    join = " cross join article_facets s on s.article_rowid = f.rowid" if where else ""
    check = _ARTICLE_JOIN if phrase else ""
    where += _PHRASE_CHECK if phrase else ""
    tail = """
        select a.id, a.title, a.outlet, a.published, a.relevant, a.relevance_score, a.language, a.url,
          a.text, hits.rank
        from hits join articles a on a.rowid = hits.rowid
        order by hits.rank"""
    if not windowed:  # few enough hits: rank them all, in one pass
        return f"""
        with hits as (
          select f.rowid as rowid, f.rank as rank from articles_fts f{join}{check}
          where f.articles_fts match :match and f.rank match '{BM25}'{where}
          order by f.rank limit :limit offset :offset)""" + tail
    return f"""
        with recent as (
          select f.rowid as rowid from articles_fts f cross join article_facets s on s.article_rowid = f.rowid{check}
          where f.articles_fts match :match{where}
          order by f.rowid desc limit :window),
        bound as (select coalesce(min(rowid), 0) as lo from recent),
        hits as (
          select f.rowid as rowid, f.rank as rank from bound cross join articles_fts f{join}{check}
          where f.articles_fts match :match and f.rank match '{BM25}' and f.rowid >= bound.lo{where}
          order by f.rank limit :limit offset :offset)""" + tail


COUNTS_SQL = """
    select s.outlet as outlet, s.month as month, count(*) as n
    from articles_fts f cross join article_facets s on s.article_rowid = f.rowid{join}
    where f.articles_fts match :match{where}
    group by s.outlet, s.month"""


WINDOW_SQL = """
    select f.rowid as rowid from articles_fts f cross join article_facets s on s.article_rowid = f.rowid
    where f.articles_fts match :match{where}
    order by f.rowid desc limit :limit"""


def phrase_check(conn: sqlite3.Connection, match: str, facets: Facets, query: str) -> PhraseCheck | None:
    """The check a search for ``query`` (as typed) needs, on its ``PHRASE_WINDOW`` newest candidates; None when
    it holds no phrase. Registers ``search_phrase_hit`` on ``conn``."""
    if not needs_text(query):
        return None
    register(conn)
    where, params = facets.where()
    ids = [r["rowid"] for r in rows(conn, WINDOW_SQL.format(where=where),
                                    {**params, "match": match, "limit": PHRASE_WINDOW + 1})]
    return PhraseCheck(query, ids[min(len(ids), PHRASE_WINDOW) - 1] if ids else 0, len(ids) > PHRASE_WINDOW)


def hit_counts(conn: sqlite3.Connection, match: str, facets: Facets, *,
               phrase: PhraseCheck | None = None) -> list[dict[str, Any]]:
    """``outlet, month, n``: how many articles match, per outlet and month (with ``phrase``: hold the phrase)."""
    where, params = facets.where()
    sql = COUNTS_SQL.format(join=_ARTICLE_JOIN if phrase else "", where=where + (_PHRASE_CHECK if phrase else ""))
    return rows(conn, sql, {**params, **(phrase.params() if phrase else {}), "match": match})


def ranked_hits(conn: sqlite3.Connection, match: str, facets: Facets, *, window: int, limit: int, offset: int,
                windowed: bool, phrase: PhraseCheck | None = None) -> list[dict[str, Any]]:
    """One page of hits, best bm25 rank first; ``windowed`` ranks only the ``window`` newest (see results_sql).

    ``phrase``: the candidates are checked on their text (``phrase_check``).
    """
    where, params = facets.where()
    return rows(conn, results_sql(where, windowed=windowed, phrase=phrase is not None),
                {**params, **(phrase.params() if phrase else {}), "match": match, "window": window, "limit": limit,
                 "offset": offset})


def table_search_check(table: str) -> str | None:
    """The condition that keeps a Datasette table search's phrase hits (``:na_phrase`` the query), or None.

    For ``?_search=`` on the articles table or its reading view, besides Datasette's own MATCH clause: the
    ``PHRASE_WINDOW`` newest candidates, checked on their text.
    """
    rowid = {"articles": "rowid", "articles_view": "article_rowid"}.get(table)
    if rowid is None:
        return None
    # one set, made once per query: the window's candidates whose text holds the phrase
    return (f"{rowid} in (select f.rowid from articles_fts f cross join articles a on a.rowid = f.rowid "
            "where f.articles_fts match escape_fts(:na_phrase) and f.rowid >= (select coalesce(min(rowid), 0) from "
            "(select rowid from articles_fts where articles_fts match escape_fts(:na_phrase) order by rowid desc "
            f"limit {PHRASE_WINDOW})) and {PHRASE_FUNCTION}(:na_phrase, a.title, a.text))")


def article_languages(conn: sqlite3.Connection) -> list[str]:
    """The languages of the catalogue's articles, sorted."""
    return [r["language"] for r in rows(
        conn, "select distinct language from article_facets where language is not null order by language")]


def outlet_names(conn: sqlite3.Connection) -> list[str]:
    """The names of the catalogue's outlets, sorted."""
    return [r["name"] for r in rows(conn, "select name from outlets order by name")]

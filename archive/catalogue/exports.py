"""Catalogue reads for exports: the corpus rows with their provenance and versions, a crawl's WARC files and pages."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import sqlite_utils

logger = logging.getLogger(__name__)

_ARTICLES_SQL = """
select a.id, a.seq, a.url, a.outlet, coalesce(o.display_name, a.outlet) as outlet_name, a.title, a.text,
       a.published, a.author, a.language, a.relevant, a.relevance_score, a.matched_terms, a.first_seen,
       a.last_seen, c.fetched_at as captured_at, c.status as http_status, c.warc_file, c.warc_offset,
       c.warc_length, c.warc_record_id, c.payload_digest, a.text_file, a.versions, a.published_time,
       coalesce(a.status, 'live') as status,
       case when a.status = 'deleted' then (select max(e.at) from article_events e
                                            where e.article_id = a.id and e.kind = 'deleted') end as deleted_at
from articles a
left join captures c on c.id = a.capture_id
left join outlets o on o.name = a.outlet
{where}
order by a.seq is null, a.seq, a.first_seen, a.id
"""
_VERSIONS_SQL = """
select v.article_id, v.version, v.first_seen, v.title, v.published, v.text_digest, v.changed, c.warc_file,
       c.warc_offset, c.warc_record_id
from article_versions v left join captures c on c.id = v.capture_id
where v.article_id in ({marks})
order by v.article_id, v.version
"""


def _where(relevant_only: bool, outlets: tuple[str, ...], since: str | None, until: str | None = None,
           language: str | None = None) -> tuple[str, list[Any]]:
    clauses: list[str] = []
    params: list[Any] = []
    if relevant_only:
        clauses.append("a.relevant = 1")
    if outlets:
        clauses.append(f"a.outlet in ({', '.join('?' for _ in outlets)})")
        params += list(outlets)
    if since:
        # articles without a publication date are placed by when they were first archived
        clauses.append("coalesce(nullif(a.published, ''), a.first_seen) >= ?")
        params.append(since)
    if until:
        # "2019-08" keeps 2019-08-31T23:00: compare as many characters as it has (as the search page does)
        clauses.append("substr(coalesce(nullif(a.published, ''), a.first_seen), 1, length(?)) <= ?")
        params += [until, until]
    if language:
        clauses.append("a.language = ?")
        params.append(language)
    return ("where " + " and ".join(clauses) if clauses else ""), params


def export_article_batches(db: sqlite_utils.Database, *, relevant_only: bool = False, outlets: tuple[str, ...] = (),
                           since: str | None = None, until: str | None = None, language: str | None = None,
                           batch: int = 2000) -> Iterator[list[dict[str, Any]]]:
    """The articles to export with their current capture's provenance, in corpus order, ``batch`` rows at a time.

    ``since`` and ``until`` compare with the publication date, or the first-seen date of an article without one.
    """
    where, params = _where(relevant_only, outlets, since, until, language)
    cursor = db.execute(_ARTICLES_SQL.format(where=where), params)
    names = [d[0] for d in cursor.description]
    while rows := cursor.fetchmany(batch):
        yield [dict(zip(names, r, strict=True)) for r in rows]


def versions_with_provenance(db: sqlite_utils.Database, ids: list[str]) -> dict[str, list[dict[str, Any]]]:
    """Each article's versions (oldest first) with the WARC record they came from, by article id."""
    found: dict[str, list[dict[str, Any]]] = {}
    cursor = db.execute(_VERSIONS_SQL.format(marks=", ".join("?" for _ in ids)), ids)
    names = [d[0] for d in cursor.description]
    for values in cursor:
        row = dict(zip(names, values, strict=True))
        found.setdefault(row.pop("article_id"), []).append(row)
    return found


def known_outlets(db: sqlite_utils.Database) -> set[str]:
    """Every outlet name the catalogue knows: configured outlets and those that have articles."""
    return {r[0] for r in db.execute("select name from outlets")} | \
        {r[0] for r in db.execute("select distinct outlet from articles")}


def outlet_display_names(db: sqlite_utils.Database) -> dict[str, str]:
    """Each configured outlet's display name (None when it has none), by short name."""
    return dict(db.execute("select name, display_name from outlets").fetchall())


def crawl_row(db: sqlite_utils.Database, crawl_id: int) -> dict[str, Any] | None:
    """The ``crawls`` row with this id, or None."""
    return next(db["crawls"].rows_where("id = ?", [crawl_id]), None)


def crawl_warc_files(db: sqlite_utils.Database, crawl_id: int) -> set[str]:
    """The WARC files (relative to the data folder) of a crawl's captures and of the records its revisits refer to."""
    names = {r["warc_file"] for r in db.query(
        "select distinct warc_file from captures where crawl_id = ? and warc_file is not null", [crawl_id])}
    names |= {r["warc_file"] for r in db.query(
        "select distinct o.warc_file from captures c join captures o on o.id = c.refers_to "
        "where c.crawl_id = ? and o.warc_file is not null", [crawl_id])}
    return names


def archive_warc_files(db: sqlite_utils.Database) -> set[str]:
    """The WARC files (relative to the data folder) that the catalogue's archived captures point at."""
    return {r["warc_file"] for r in db.query("select distinct warc_file from captures where warc_file is not null")}


def crawl_own_warc_files(db: sqlite_utils.Database, crawl_id: int) -> set[str]:
    """The WARC files (relative to the data folder) that hold a crawl's own captures."""
    return {r["warc_file"] for r in db.query(
        "select distinct warc_file from captures where crawl_id = ? and warc_file is not null", [crawl_id])}


def crawl_referred_records(db: sqlite_utils.Database, crawl_id: int) -> list[dict[str, Any]]:
    """The archived records a crawl's revisits refer to that lie outside its own files (an earlier crawl's
    responses): ``warc_file, warc_offset, warc_length, warc_record_id``, in file order."""
    return list(db.query(
        "select distinct o.warc_file, o.warc_offset, o.warc_length, o.warc_record_id from captures c "
        "join captures o on o.id = c.refers_to where c.crawl_id = :crawl and o.warc_file is not null "
        "and o.warc_file not in (select warc_file from captures where crawl_id = :crawl and warc_file is not null) "
        "order by o.warc_file, o.warc_offset", {"crawl": crawl_id}))


# Every archived capture of an article version (a version's own, and the article's current one should a merge have
# left it outside its versions), titled and worded as that version: WACZ pages are a package's entry points
# (pages/pages.jsonl, https://specs.webrecorder.net/wacz/1.1.1/), and a researcher replays each version, not only the
# latest (before stop 36 only the article's current capture was a page: a crawl that archived an earlier version
# had none). Revisits are not pages: they archived no new version.
ARTICLE_PAGES_SQL = """
select c.id as id, c.url as url, c.fetched_at as fetched_at, v.title as title, coalesce(v.text, a.text) as text
from article_versions v join articles a on a.id = v.article_id join captures c on c.id = v.capture_id
where c.warc_file is not null{crawl}
union all
select c.id, c.url, c.fetched_at, a.title, a.text
from articles a join captures c on c.id = a.capture_id
where c.warc_file is not null{crawl}
  and a.capture_id not in (select capture_id from article_versions where article_id = a.id and capture_id is not null)
order by fetched_at, id"""


def archived_article_pages(db: sqlite_utils.Database, crawl_id: int | None = None) -> list[dict[str, Any]]:
    """``id, url, fetched_at, title, text`` of each archived capture of an article version (of one crawl), oldest
    first: the title and text are that version's."""
    if crawl_id is None:
        return list(db.query(ARTICLE_PAGES_SQL.format(crawl="")))
    return list(db.query(ARTICLE_PAGES_SQL.format(crawl=" and c.crawl_id = :crawl"), {"crawl": crawl_id}))

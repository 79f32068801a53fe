"""Catalogue reads for re-crawls, dedupe and the CLI: articles by capture or URL, a crawl's captures and failures."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

import sqlite_utils

from archive.catalogue import reading
from archive.corpus import history

logger = logging.getLogger(__name__)


# The crawl process asks these two for every page it fetches (the revisit test, the conditional-request check), so
# they are plain SQL through reading.rows: ``db["captures"].rows_where`` read sqlite_master three times before its
# query (35 of the 45 us it cost), and ``Database.query`` wraps a read in a savepoint, two more statements (issue 10).
def latest_capture(db: sqlite_utils.Database, url: str, status: int | None = 200) -> dict[str, Any] | None:
    """The most recent full (non-revisit) capture of ``url``, optionally with a given status."""
    where = "url = ? and record_type = 'response'" + (" and status = ?" if status is not None else "")
    found = reading.rows(db.conn, f"select * from captures where {where} order by id desc limit 1",
                         [url] if status is None else [url, status])
    return found[0] if found else None


def validator_rows(db: sqlite_utils.Database, prior: dict[str, Any]) -> list[dict[str, Any]]:
    """The URL's latest full capture ``prior`` and the revisits that refer to it, newest first: where a conditional
    request's validators are. A site that began sending ETags names its first in a 304 or an unchanged 200, whose
    revisit refers to ``prior`` (the same payload); ``recrawl --conditional`` read only ``prior`` (stop 37's probe)."""
    if prior.get("id") is None:  # this crawl's, not committed yet: no revisit refers to it
        return [prior]
    return reading.rows(db.conn, "select id, etag, last_modified, fetched_at from captures where id = ? or "
                                 "(record_type = 'revisit' and refers_to = ?) order by id desc",
                        [prior["id"], prior["id"]]) or [prior]


def article_of_url(db: sqlite_utils.Database, url: str) -> dict[str, Any] | None:
    """The article stored from the latest capture of ``url``, or None (Catalogue.article_for_url asks aliases then)."""
    found = reading.rows(db.conn, "select a.* from articles a join captures c on a.capture_id = c.id where c.url = ? "
                                  "order by c.id desc limit 1", [url])
    return found[0] if found else None


def outlet_schedules(db: sqlite_utils.Database) -> dict[str, str | None]:
    """Every outlet the catalogue knows, by name, with the schedule it last had."""
    return {r["name"]: r["schedule"] for r in reading.rows(db.conn, "select name, schedule from outlets order by name")}


def first_crawl_uid(db: sqlite_utils.Database) -> str | None:
    """The uid of the catalogue's first crawl: which archive this is (a copy of the catalogue keeps it), or None."""
    found = reading.rows(db.conn, "select uid from crawls order by id limit 1", [])
    return found[0]["uid"] if found else None


def watching_count(db: sqlite_utils.Database) -> int:
    """How many articles are still watched for edits and deletions."""
    return int(db.execute("select count(*) from articles where watch = 'watching'").fetchone()[0])


def article_of_capture(db: sqlite_utils.Database, capture_id: int) -> dict[str, Any] | None:
    """The article whose current text comes from capture ``capture_id``, or None."""
    return next(db["articles"].rows_where("capture_id = ?", [capture_id], limit=1), None)


def versions_before(db: sqlite_utils.Database, article_id: str, crawl_id: int) -> list[dict[str, Any]]:
    """The versions of an article made before crawl ``crawl_id`` (those whose capture is another crawl's), in order."""
    return reading.rows(db.conn, "select v.* from article_versions v left join captures c on c.id = v.capture_id "
                                 "where v.article_id = ? and (c.crawl_id is null or c.crawl_id != ?) "
                                 "order by v.version", [article_id, crawl_id])


def crawl_captures(db: sqlite_utils.Database, crawl_id: int) -> list[dict[str, Any]]:
    """Every capture row of crawl ``crawl_id``, in the order they were made."""
    return list(db["captures"].rows_where("crawl_id = ?", [crawl_id], order_by="id"))


def crawl_failures(db: sqlite_utils.Database, crawl_id: int, urls: tuple[str, ...]) -> list[dict[str, Any]]:
    """The failure rows of crawl ``crawl_id`` for any of ``urls`` (a target, where its redirects ended, and the forms
    a failure row stores them in)."""
    marks = ", ".join("?" * len(urls))
    return list(db["failures"].rows_where(f"crawl_id = ? and url in ({marks})", [crawl_id, *urls]))


def same_body_groups(db: sqlite_utils.Database) -> list[dict[str, Any]]:
    """Per outlet, each body (text digest) stored under more than one URL: ``outlet, text_digest, urls`` (newline-joined).

    A row's earlier versions count as its bodies too: a plain copy of the teaser a row grew from is that row."""
    return list(db.query(
        "select outlet, text_digest, group_concat(url, char(10)) as urls from ("
        "select outlet, text_digest, url from articles where text_digest is not null union "
        "select a.outlet, v.text_digest, a.url from article_versions v join articles a on a.id = v.article_id "
        "where v.text_digest is not null) group by outlet, text_digest having count(*) > 1"))


def outlets_with_session_params(db: sqlite_utils.Database) -> list[str]:
    """The outlets that have learned at least one session parameter."""
    return [r["outlet"] for r in db.query("select distinct outlet from session_params")]


def archived_redirects(db: sqlite_utils.Database) -> list[dict[str, Any]]:
    """Every archived redirect with a target: ``url, outlet, location, id``, in capture order."""
    return list(db.query(
        "select url, outlet, location, id from captures where status in (301, 302, 303, 307, 308) "
        "and location is not null and location != '' order by id"))


def articles_with_param(db: sqlite_utils.Database, outlet: str, name: str) -> list[dict[str, Any]]:
    """``id, url`` of the outlet's articles whose URL carries query parameter ``name``."""
    return list(db.query("select id, url from articles where outlet = ? and url like ?", [outlet, f"%{name}=%"]))


def aliases_with_param(db: sqlite_utils.Database, outlet: str, name: str) -> list[dict[str, Any]]:
    """``url, article_id, how`` of the outlet's alias URLs that carry query parameter ``name``."""
    return list(db.query("select url, article_id, how from article_aliases where outlet = ? and url like ?",
                         [outlet, f"%{name}=%"]))


def due_by_plan(db: sqlite_utils.Database, now: datetime, rules: tuple[history.DeltaRule, ...],
                limit: int) -> list[dict[str, Any]]:
    """The watched articles due under ``rules`` (``recrawl --due --backoff``), most overdue first: each is due at its
    last re-check (or first capture) plus the interval of its age band then, whatever ``next_check_at`` the crawl
    or the last re-check planned by another back-off."""
    due = []
    for row in reading.rows(db.conn, "select id, url, outlet, status, first_seen, published, next_check_at, "
                                     "last_checked_at from articles where watch = 'watching'", []):
        checked = history.parse_when(row["last_checked_at"] or row["first_seen"])
        when = history.next_check(history.article_born(row["first_seen"], row["published"]), checked, rules) \
            if checked else None
        if when is not None and when <= now:
            due.append((when, row))
    return [row for _, row in sorted(due, key=lambda pair: pair[0])[:limit]]


def part_owner(db: sqlite_utils.Database, urls: list[str]) -> tuple[str, str] | None:
    """``(article_id, article url)`` of the article one of ``urls`` is a later page of (a ``page-part`` alias)."""
    marks = ", ".join("?" for _ in urls)
    found = db.execute(f"select al.article_id, a.url from article_aliases al join articles a on a.id = al.article_id "
                       f"where al.url in ({marks}) and al.how = 'page-part' limit 1", urls).fetchone()
    return (found[0], found[1]) if found else None


def parts_of_their_own(db: sqlite_utils.Database) -> list[tuple[str, str]]:
    """``(article_id, part_id)`` of each article row whose URL is a ``page-part`` alias of another article: a later
    page of that article stored as an article of its own."""
    return [(r[0], r[1]) for r in db.execute(
        "select al.article_id, a.id from article_aliases al join articles a on a.id = al.url_id "
        "where al.how = 'page-part' and a.id != al.article_id order by al.rowid")]


def gone_status(db: sqlite_utils.Database, url: str) -> int | None:
    """The status of the latest full capture of ``url`` when it says the article is not there (404, 410, or a
    redirect elsewhere), else None: a URL a row should not keep when the article answers at another of its URLs."""
    row = db.execute("select status from captures where url = ? and record_type = 'response' order by id desc "
                     "limit 1", [url]).fetchone()
    return row[0] if row and (row[0] in (404, 410) or 300 <= (row[0] or 0) < 400) else None


def fetched_urls(db: sqlite_utils.Database, article: dict[str, Any]) -> list[str]:
    """The URLs other than its row's that the article was fetched under with a 200 (a version's capture, its
    latest, or an alias's own capture at that alias; never a later page of it), newest first: where to look for it
    when its URL is gone."""
    return [r[0] for r in db.execute(
        "select c.url from captures c where c.status = 200 and c.url != :url and (c.id = :capture or c.id in "
        "(select capture_id from article_versions where article_id = :id) or c.id in (select al.capture_id from "
        "article_aliases al where al.article_id = :id and al.url = c.url and al.how != 'page-part')) group by c.url order by max(c.id) desc",
        {"url": article["url"], "capture": article["capture_id"], "id": article["id"]})]


def record_move(db: sqlite_utils.Database, article_id: str, gone_url: str, status: int, capture_id: int | None) -> None:
    """An ``article_events`` row of kind ``moved``: the article's URL ``gone_url`` answered ``status`` while the
    article answers at its row's URL now (capture ``capture_id``, now the row's capture: a deletion is recorded
    at the end of the crawl for a 404 of a URL whose 200 capture is the row's); no deletion is recorded. The caller
    commits."""
    db.execute("update articles set capture_id = ? where id = ?", [capture_id, article_id])
    row = db.execute("select url, fetched_at, crawl_id from captures where id = ?", [capture_id]).fetchone()
    if row is None:
        return
    db["article_events"].insert({"article_id": article_id, "kind": "moved", "url": row[0], "at": row[1],
                                 "crawl_id": row[2], "capture_id": capture_id, "http_status": 200,
                                 "detail": f"{gone_url} answered {status}; the article answers here"})

"""Catalogue reads for re-crawls, dedupe and the CLI: articles by capture or URL, a crawl's captures and failures."""

from __future__ import annotations

import logging
from typing import Any

import sqlite_utils

logger = logging.getLogger(__name__)


def watching_count(db: sqlite_utils.Database) -> int:
    """How many articles are still watched for edits and deletions."""
    return int(db.execute("select count(*) from articles where watch = 'watching'").fetchone()[0])


def article_of_capture(db: sqlite_utils.Database, capture_id: int) -> dict[str, Any] | None:
    """The article whose current text comes from capture ``capture_id``, or None."""
    return next(db["articles"].rows_where("capture_id = ?", [capture_id], limit=1), None)


def crawl_captures(db: sqlite_utils.Database, crawl_id: int) -> list[dict[str, Any]]:
    """Every capture row of crawl ``crawl_id``, in the order they were made."""
    return list(db["captures"].rows_where("crawl_id = ?", [crawl_id], order_by="id"))


def crawl_failures(db: sqlite_utils.Database, crawl_id: int, urls: tuple[str, str]) -> list[dict[str, Any]]:
    """The failure rows of crawl ``crawl_id`` for either of two URLs (a target and where its redirects ended)."""
    return list(db["failures"].rows_where("crawl_id = ? and url in (?, ?)", [crawl_id, *urls]))


def same_body_groups(db: sqlite_utils.Database) -> list[dict[str, Any]]:
    """Per outlet, each body (text digest) stored under more than one URL: ``outlet, text_digest, urls`` (newline-joined)."""
    return list(db.query(
        "select outlet, text_digest, group_concat(url, char(10)) as urls from articles where text_digest is not null "
        "group by outlet, text_digest having count(*) > 1"))


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


"""What `check --repair` asks the catalogue about rows a fault left behind: articles whose every capture is lost
(their WARC deleted or cut) and the frontier rows that fetch them again; rows merged away, whose text file a killed
merge can leave.

``check --repair`` marks a capture whose WARC record is gone as ``missing``. An article whose URL then has no archived
response at all is not archived any more, whatever its frontier row says: ``queue_lost`` puts the URL its page came
from back in the frontier (reason ``LOST_REASON``), and the next crawl fetches it whole: the URL's latest full capture
is the missing one, so no conditional request is built from it (catalogue.lookups.latest_capture reads responses only),
and the page is stored on the article row it belongs to (same id, same corpus sequence number).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import sqlite_utils

from archive.catalogue.transactions import immediate

logger = logging.getLogger(__name__)

#: frontier.reason of a URL queued again because every capture of its article is missing
LOST_REASON = "capture-missing"

# An article whose current capture is missing and whose URLs (the article's own, the lost capture's) have no response
# record of the same payload left in any WARC; ``frontier`` is the state of the URL that fetches it again (pending
# first), ``older`` whether an earlier version's response is left. Before stop 40 any response of those URLs counted
# as the article's archive: an edited article whose current version's record was lost (a flipped byte, then
# ``--repair``) kept its text, text file and export row cited by a record no WARC held, and no check said so.
_LOST_SQL = """
with lost as (
  select a.id, a.url, a.outlet, a.seq, c.url as fetch_url, exists (
    select 1 from captures k where k.url in (c.url, a.url) and k.record_type = 'response' and k.warc_file is not null
  ) as older
  from articles a join captures c on c.id = a.capture_id
  where c.record_type = 'missing' and not exists (
    select 1 from captures k where k.url in (c.url, a.url) and k.record_type = 'response' and k.warc_file is not null
      and k.payload_digest = c.payload_digest))
select lost.*, coalesce(p.status, f.status) as frontier, coalesce(p.reason, f.reason) as frontier_reason
from lost left join frontier f on f.url = lost.fetch_url
  left join frontier p on p.url = lost.url and p.status = 'pending'
order by lost.seq, lost.id"""


def lost_articles(db: sqlite_utils.Database) -> list[dict[str, Any]]:
    """Articles whose current version has no archived record left: ``id, url, outlet, seq, fetch_url, older,
    frontier, frontier_reason`` (``older``: an earlier version's record is left).

    ``frontier`` is ``pending`` when a crawl will fetch the URL again, ``failed`` when a re-fetch gave up, else the
    URL's earlier state (``done``) or None.
    """
    return list(db.query(_LOST_SQL))


def queue_lost(db: sqlite_utils.Database) -> list[str]:
    """Put the URL of every lost article back in the frontier (pending, reason ``LOST_REASON``); return those URLs.

    A URL already pending is left as it is; one whose re-fetch failed (``failed``) is not queued again (``check``
    names it: the file must come from a replica). Commits.
    """
    queued = [row for row in lost_articles(db) if row["frontier"] not in ("pending", "failed")]
    if not queued:
        return []
    now = datetime.now(UTC).isoformat(timespec="seconds")
    with immediate(db):
        for row in queued:
            db.execute(
                "insert into frontier (url, outlet, kind, discovered_at, crawl_id, status, attempts, reason) "
                "values (?, ?, 'article', ?, null, 'pending', 0, ?) on conflict(url) do update set "
                "status = 'pending', attempts = 0, reason = excluded.reason, done_at = null",
                [row["fetch_url"], row["outlet"], now, LOST_REASON])
    for row in queued:
        logger.warning("article %s (%s) has no archived record of its current version left: %s queued, the next "
                       "crawl fetches it again",
                       row["id"], row["url"], row["fetch_url"])
    return [row["fetch_url"] for row in queued]


def relink(db: sqlite_utils.Database, article_id: str, capture_id: int | None) -> None:
    """Point an article whose current capture is missing at ``capture_id``, the unchanged page fetched again.

    The re-fetched page is the same text (no new version), so only the pointers move: the row's and its current
    version's, each only while it names a missing capture. Runs inside the caller's transaction.
    """
    if capture_id is None:
        return
    lost = "select id from captures where record_type = 'missing'"
    db.execute(f"update articles set capture_id = ? where id = ? and capture_id in ({lost})", [capture_id, article_id])
    db.execute(f"update article_versions set capture_id = ? where article_id = ? and capture_id in ({lost}) and "
               "version = (select versions from articles where id = ?)", [capture_id, article_id, article_id])


def merged_into(db: sqlite_utils.Database, article_id: str) -> str | None:
    """The article a merged-away row ``article_id`` went into (its URL is that article's alias), or None.

    None as well when ``article_id`` is a row of its own still.
    """
    if db.execute("select 1 from articles where id = ?", [article_id]).fetchone():
        return None
    row = db.execute("select al.article_id from article_aliases al join articles a on a.id = al.article_id "
                     "where al.url_id = ? order by al.rowid limit 1", [article_id]).fetchone()
    return str(row[0]) if row else None


def text_file_of(db: sqlite_utils.Database, article_id: str) -> str | None:
    """The text file an article row names (None when there is no such row or it names none)."""
    row = db.execute("select text_file from articles where id = ?", [article_id]).fetchone()
    return str(row[0]) if row and row[0] else None


def is_irrelevant(db: sqlite_utils.Database, article_id: str) -> bool:
    """True when the article has a row and its current version is not relevant."""
    row = db.execute("select relevant from articles where id = ?", [article_id]).fetchone()
    return row is not None and not row[0]


#: frontier.reason of a URL queued again because a fault of the data folder was recorded as its row's store-error
STORE_FAULT_REASON = "store-fault"


def store_failed(db: sqlite_utils.Database) -> list[dict[str, Any]]:
    """URLs settled ``done`` as ``store failed`` with their ``store-error`` details: ``url, outlet, detail``."""
    return list(db.query("select fr.url, fr.outlet, f.detail from frontier fr join failures f on f.url = fr.url "
                         "where fr.status = 'done' and fr.reason = 'store failed' and f.reason = 'store-error' "
                         "order by f.id"))


def queue_store_faults(db: sqlite_utils.Database, is_fault: Callable[[str | None], bool]) -> list[str]:
    """Put back in the frontier (pending, reason ``STORE_FAULT_REASON``) every URL settled as ``store failed`` whose
    store-error ``is_fault`` says was the folder's, not the row's (archive.integrity.storefaults); return them.

    Before stop 39 a read-only or vanished text folder was recorded row by row and the URLs settled, so no crawl
    fetched them again. Commits.
    """
    urls = list(dict.fromkeys(row["url"] for row in store_failed(db) if is_fault(row["detail"])))
    if not urls:
        return []
    with immediate(db):
        for url in urls:
            db.execute("update frontier set status = 'pending', attempts = 0, reason = ?, done_at = null "
                       "where url = ? and status = 'done'", [STORE_FAULT_REASON, url])
    logger.warning("%d URL(s) whose articles a fault of the data folder kept from being stored are queued again: "
                   "the next crawl fetches them", len(urls))
    return urls

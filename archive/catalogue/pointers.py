"""Catalogue reads for the archive check and crash recovery: WARC pointers of captures, text files, crawl uids."""

from __future__ import annotations

import logging
from typing import Any

import sqlite_utils

logger = logging.getLogger(__name__)

# The capture columns a WARC pointer is checked with (archive.integrity.inventory.pointer_mismatch).
POINTER_COLUMNS = (
    "id, crawl_id, url, warc_file, warc_offset, warc_length, warc_record_id, record_type, payload_digest"
)


def capture_pointers(db: sqlite_utils.Database, *, archived_only: bool = False) -> list[dict[str, Any]]:
    """Every capture's WARC pointer (``POINTER_COLUMNS``) by id; with ``archived_only``, those with a WARC file."""
    where = " where warc_file is not null" if archived_only else ""
    return list(db.query(f"select {POINTER_COLUMNS} from captures{where} order by id"))


def crawl_ids_by_uid(db: sqlite_utils.Database) -> dict[str, int]:
    """Each crawl's row id by its uid (the ``crawl-id`` of its WARCs' warcinfo)."""
    return {r["uid"]: r["id"] for r in db.query("select id, uid from crawls")}


def outlet_domains(db: sqlite_utils.Database) -> list[dict[str, Any]]:
    """``name, domains`` (comma-separated) of every outlet, by name."""
    return list(db.query("select name, domains from outlets order by name"))


def capture_with_record_id(db: sqlite_utils.Database, record_id: str) -> int | None:
    """The id of the capture row of WARC record ``record_id``, or None."""
    # the crawl writer asks it once for every capture it stores (is it stored already?): one statement, not
    # Database.query's three (a savepoint around the read; issue 10)
    row = db.execute("select id from captures where warc_record_id = ? order by id limit 1", [record_id]).fetchone()
    return int(row[0]) if row else None


def latest_response_with_digest(db: sqlite_utils.Database, url: str, payload_digest: str | None) -> int | None:
    """The id of the newest response capture of ``url`` with this payload digest (what a revisit refers to)."""
    rows = list(db.query(
        "select id from captures where url = ? and payload_digest = ? and record_type = 'response' "
        "order by id desc limit 1", [url, payload_digest]))
    return int(rows[0]["id"]) if rows else None


def text_file_rows(db: sqlite_utils.Database) -> list[dict[str, Any]]:
    """Article rows that have a text file or should have one (relevant), in file order."""
    return list(db.query(
        "select id, seq, title, text, relevant, text_file from articles where text_file is not null or relevant = 1 "
        "order by seq, id"))


def capture_of_record(db: sqlite_utils.Database, record_id: str) -> dict[str, Any] | None:
    """The capture row (``POINTER_COLUMNS``) of WARC record ``record_id``, one that points somewhere first (its
    pointer may be gone: marked missing), or None."""
    rows = list(db.query(f"select {POINTER_COLUMNS} from captures where warc_record_id = ? "
                         "order by (warc_file is null), id limit 1", [record_id]))
    return rows[0] if rows else None


def point_capture(db: sqlite_utils.Database, capture_id: int, warc_file: str, offset: int, length: int,
                  record_type: str) -> None:
    """Point capture ``capture_id`` at its record in ``warc_file`` again. The caller commits."""
    db.execute("update captures set warc_file = ?, warc_offset = ?, warc_length = ?, record_type = ? where id = ?",
               [warc_file, offset, length, record_type, capture_id])


def settle_lost(db: sqlite_utils.Database, urls: list[str], reason: str, now: str) -> None:
    """Frontier rows of ``urls`` queued again under ``reason`` (their record was lost) settled ``done`` again: the
    record came back before any crawl fetched them. The caller commits."""
    for url in urls:
        db.execute("update frontier set status = 'done', reason = null, done_at = ? where url = ? "
                   "and status = 'pending' and reason = ?", [now, url, reason])

"""The bodies of an article's lesser renderings (table ``article_renderings``, m020): a teaser, a padded print view
or a copy of an earlier version met after the row took the fuller text, kept as one more capture of the row, and
remembered by text digest so that the same-body rule and ``dedupe`` find the row by them (issue 13)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlite_utils

from archive.catalogue import reading

# the row one of whose lesser renderings had this body (the index on text_digest)
RENDERING_SQL = ("select a.* from article_renderings r join articles a on a.id = r.article_id where r.text_digest = ? "
                 "and a.outlet = ? and a.id != ? order by a.first_seen, a.id limit 1")


def record(db: sqlite_utils.Database, article_id: str, digest: str, capture_id: int | None) -> None:
    """Remember that a page with this body was stored as a lesser rendering of the article (the first capture that
    showed it is kept). The caller commits."""
    db.execute("insert or ignore into article_renderings (article_id, text_digest, capture_id, first_seen) "
               "values (?, ?, ?, ?)", [article_id, digest, capture_id,
                                        datetime.now(UTC).isoformat(timespec="seconds")])


def has(db: sqlite_utils.Database, article_id: str, digest: str) -> bool:
    """Whether a lesser rendering of the article had this body."""
    return db.execute("select 1 from article_renderings where article_id = ? and text_digest = ? limit 1",
                      [article_id, digest]).fetchone() is not None


def article_with(db: sqlite_utils.Database, outlet: str, digest: str, exclude: str) -> dict[str, Any] | None:
    """Another article of the outlet one of whose lesser renderings had this body."""
    found = reading.rows(db.conn, RENDERING_SQL, [digest, outlet, exclude])
    return found[0] if found else None

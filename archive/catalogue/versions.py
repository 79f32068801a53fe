"""Article versions with each text stored once: the current version's body is the article row's (m010).

``article_versions.text`` is NULL on an article's latest version: that text is ``articles.text``. When a new
version arrives, the one it replaces gets its text written out first. Readers take ``coalesce(v.text, a.text)``
(``VERSIONS_SQL``), so every version still reads in full and diffs as before.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

import sqlite_utils

from archive.catalogue import statements

logger = logging.getLogger(__name__)

#: An article's versions, oldest first, each with its full text.
VERSIONS_SQL = """
select v.id, v.article_id, v.version, v.capture_id, v.title, coalesce(v.text, a.text) as text, v.published,
  v.text_digest, v.first_seen, v.diff, v.changed
from article_versions v join articles a on a.id = v.article_id
where v.article_id = ? order by v.version"""


def add(db: sqlite_utils.Database, row: dict[str, Any], previous_text: str | None) -> None:
    """Insert the new current version ``row`` (its text is the article's); the one before keeps ``previous_text``."""
    if previous_text is not None:
        db.execute("update article_versions set text = ? where article_id = ? and text is null",
                   [previous_text, row["article_id"]])
    statements.insert(db, "article_versions", {**row, "text": None})


def write_out(db: sqlite_utils.Database, article_ids: Iterable[str]) -> None:
    """Give these articles' current versions their text (before their versions move to another article)."""
    for aid in article_ids:
        db.execute("update article_versions set text = (select text from articles where id = ?) "
                   "where article_id = ? and text is null", [aid, aid])


def share_current(db: sqlite_utils.Database, aid: str) -> None:
    """Drop the latest version's copy of the text when it is the article's own (after a merge rewrote the row)."""
    db.execute("""update article_versions set text = null
      where article_id = :aid and version = (select max(version) from article_versions where article_id = :aid)
        and text = (select text from articles where id = :aid)""", {"aid": aid})


def set_current_published(db: sqlite_utils.Database, aid: str, published: str) -> None:
    """Give the article's current version the publication time its row now holds (a later rendering of unchanged
    text told the time of day where the first printed only the day: crawler.capture.ingest.richer_metadata)."""
    db.execute("update article_versions set published = ? where article_id = ? and version = "
               "(select max(version) from article_versions where article_id = ?)", [published, aid, aid])


def drop_all(db: sqlite_utils.Database, aid: str) -> None:
    """Forget every version of article ``aid``, and the bodies of its lesser renderings (a later page of a split
    article stored first as an article of its own, folded into the article it is a page of: its text was never a
    version of that article)."""
    db.execute("delete from article_versions where article_id = ?", [aid])
    db.execute("delete from article_renderings where article_id = ?", [aid])


def set_part_aside(db: sqlite_utils.Database, part_id: str, article_id: str) -> None:
    """Ready a later page stored as an article of its own to be folded into its article (``aliases.merge_articles``,
    which keeps the text of the row seen last): its versions forgotten (``drop_all``) and its ``last_seen`` no later
    than the article's, so the article's joined text is the one kept. The caller commits."""
    drop_all(db, part_id)
    db.execute("update articles set last_seen = min(coalesce(last_seen, ''), "
               "coalesce((select last_seen from articles where id = ?), '')) where id = ?", [article_id, part_id])

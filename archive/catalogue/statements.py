"""Plain SQL for the crawl writer's hot path: an INSERT or UPDATE built from a row's keys, a read as dicts.

Why not sqlite-utils' ``Table.insert`` / ``Table.update``: each call reads the table's schema (``table_names``,
``PRAGMA table_info``, its primary keys) and passes every value through ``jsonify_if_needed`` before the one
statement it runs; on issue 10's writer profile that was a third of the time of the article insert and most of
the time of the small updates (sequence number, text file). The rows written here hold plain values (str, int,
float, None) only, so the statement is the same one sqlite-utils would run, and its text repeats from row to row,
so sqlite3's statement cache prepares it once. Reads go through ``archive.catalogue.reading.rows`` (``Database.query``
wraps every read in a savepoint: two more statements).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from typing import Any

import sqlite_utils
from sqlite_utils.db import NotFoundError

logger = logging.getLogger(__name__)


def insert(db: sqlite_utils.Database, table: str, row: Mapping[str, Any]) -> int:
    """Insert one row; return its rowid."""
    names = ", ".join(f"[{name}]" for name in row)
    marks = ", ".join("?" for _ in row)
    cursor = db.conn.execute(f"insert into [{table}] ({names}) values ({marks})", list(row.values()))
    return int(cursor.lastrowid or 0)


def insert_many(db: sqlite_utils.Database, table: str, rows: Iterable[Mapping[str, Any]]) -> None:
    """Insert rows that all have the same keys, in one ``executemany``."""
    rows = list(rows)
    if not rows:
        return
    names = ", ".join(f"[{name}]" for name in rows[0])
    marks = ", ".join("?" for _ in rows[0])
    db.conn.executemany(f"insert into [{table}] ({names}) values ({marks})", [list(r.values()) for r in rows])


def update(db: sqlite_utils.Database, table: str, key: str, value: Any, columns: Mapping[str, Any]) -> None:
    """Set ``columns`` on the row whose ``key`` column is ``value``; no such row: NotFoundError, as Table.update."""
    sets = ", ".join(f"[{name}] = ?" for name in columns)
    cursor = db.conn.execute(f"update [{table}] set {sets} where [{key}] = ?", [*columns.values(), value])
    if cursor.rowcount == 0:
        raise NotFoundError(f"no row in {table} with {key} = {value!r}")


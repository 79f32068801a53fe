"""Write transactions on the catalogue that take SQLite's write lock when they begin."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


@contextmanager
def immediate(db: Any) -> Iterator[None]:
    """A write transaction on ``db`` (a sqlite-utils Database) begun with ``BEGIN IMMEDIATE``; commits or rolls back.

    Why not ``with db.conn:``: sqlite-utils' own writes begin a deferred transaction ("BEGIN"), and an insert into
    ``articles`` fires the FTS5 triggers, whose first act is to read the FTS config table. The transaction then holds
    a read lock when it asks for the write lock, and SQLite answers SQLITE_BUSY at once, without waiting the busy
    timeout, whenever another program holds the write lock: a two-second lock from a `sqlite3` shell stopped a crawl.
    Taking the write lock first lets the busy timeout do its job (https://www.sqlite.org/lang_transaction.html).
    Inside an open transaction it joins it, as ``with db.conn:`` did.
    """
    conn: sqlite3.Connection = db.conn
    if conn.in_transaction:
        with conn:
            yield
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        if conn.in_transaction:
            conn.rollback()
        raise
    else:
        conn.commit()

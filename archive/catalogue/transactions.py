"""Write transactions and locks on the catalogue: BEGIN IMMEDIATE, group-commit batches, the migration lock."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

try:
    import fcntl
except ImportError:  # Windows: no advisory locks; concurrent first runs are then the user's to avoid
    fcntl = None  # type: ignore[assignment]


_BATCHES: set[int] = set()  # id() of the connections inside ``batch`` (sqlite3.Connection takes no attributes)


@contextmanager
def batch(db: Any) -> Iterator[None]:
    """One write transaction for many writes (the crawl writer's group commit): ``immediate`` blocks inside it
    become savepoints, and everything commits once at the end (or rolls back on an error)."""
    with immediate(db):
        _BATCHES.add(id(db.conn))
        try:
            yield
        finally:
            _BATCHES.discard(id(db.conn))


@contextmanager
def immediate(db: Any) -> Iterator[None]:
    """A write transaction on ``db`` (a sqlite-utils Database) begun with ``BEGIN IMMEDIATE``; commits or rolls back.

    Why not ``with db.conn:``: sqlite-utils' own writes begin a deferred transaction ("BEGIN"), and an insert into
    ``articles`` fires the FTS5 triggers, whose first act is to read the FTS config table. The transaction then holds
    a read lock when it asks for the write lock, and SQLite answers SQLITE_BUSY at once, without waiting the busy
    timeout, whenever another program holds the write lock: a two-second lock from a `sqlite3` shell stopped a crawl.
    Taking the write lock first lets the busy timeout do its job (https://www.sqlite.org/lang_transaction.html).
    Inside an open transaction it joins it, as ``with db.conn:`` did; inside a ``batch`` it is a savepoint of the
    batch's transaction instead, so it neither commits the batch early nor rolls back more than its own writes.
    """
    conn: sqlite3.Connection = db.conn
    if id(conn) in _BATCHES:
        with savepoint(db):
            yield
        return
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


@contextmanager
def savepoint(db: Any) -> Iterator[None]:
    """A savepoint inside the open transaction: its writes roll back alone on an error, and stay otherwise.

    sqlite-utils' ``Database.atomic`` does the same under a fresh random name each time (``secrets.token_hex``: a
    system call, and statement text sqlite3's cache never sees twice); a writer batch opens a dozen per article
    (issue 10). One name serves every level: RELEASE and ROLLBACK TO act on the most recent savepoint of that name
    (https://www.sqlite.org/lang_savepoint.html), which is this block's own.
    """
    conn: sqlite3.Connection = db.conn
    conn.execute("SAVEPOINT batch_part")
    try:
        yield
    except BaseException:
        # an error such as a RAISE(ROLLBACK) trigger can end the whole transaction, savepoints included
        if conn.in_transaction:
            conn.execute("ROLLBACK TO SAVEPOINT batch_part")
            conn.execute("RELEASE SAVEPOINT batch_part")
        raise
    else:
        conn.execute("RELEASE SAVEPOINT batch_part")


@contextmanager
def migration_lock(db_path: Path) -> Iterator[None]:
    """An exclusive lock beside the database, so two processes never migrate one catalogue at once."""
    if str(db_path) == ":memory:" or fcntl is None:
        yield
        return
    with open(f"{db_path}.migrate.lock", "a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)

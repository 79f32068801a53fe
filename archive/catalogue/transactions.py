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
# A group-commit writer's page cache, not SQLite's 2 MB: a crawl writer's batch holds hundreds of operations, whose
# dirty pages (rows, indexes, search segments) outgrew 2 MB, so SQLite spilled them into the WAL before the commit
# and wrote them again when they changed (https://www.sqlite.org/pragma.html#pragma_cache_spill). Replaying a
# 2,000-page crawl's writes in batches of 500 operations: 118.5 -> 80.8 KB passed to write() per article (batches
# of 110: 130.9 -> 106.4; of 1,000: 116.9 -> 76.4; 16 MB: 74.4), the same rows (issue 10's bytes written).
BATCH_CACHE_KIB = 8192


def batch_cache(db: Any) -> None:
    """Give the connection of a writer that commits in ``batch``-es a page cache that holds a batch (up to 8 MB)."""
    db.conn.execute(f"PRAGMA cache_size=-{BATCH_CACHE_KIB}")


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


def immediate(db: Any) -> _Immediate:
    """A write transaction on ``db`` (a sqlite-utils Database) begun with ``BEGIN IMMEDIATE``; commits or rolls back.

    Why not ``with db.conn:``: sqlite-utils' own writes begin a deferred transaction ("BEGIN"), and an insert into
    ``articles`` fires the FTS5 triggers, whose first act is to read the FTS config table. The transaction then holds
    a read lock when it asks for the write lock, and SQLite answers SQLITE_BUSY at once, without waiting the busy
    timeout, whenever another program holds the write lock: a two-second lock from a `sqlite3` shell stopped a crawl.
    Taking the write lock first lets the busy timeout do its job (https://www.sqlite.org/lang_transaction.html).
    Inside an open transaction it joins it, as ``with db.conn:`` did; inside a ``batch`` it is a savepoint of the
    batch's transaction instead, so it neither commits the batch early nor rolls back more than its own writes.
    """
    return _Immediate(db.conn)


def savepoint(db: Any) -> _Savepoint:
    """A savepoint inside the open transaction: its writes roll back alone on an error, and stay otherwise.

    sqlite-utils' ``Database.atomic`` does the same under a fresh random name each time (``secrets.token_hex``: a
    system call, and statement text sqlite3's cache never sees twice); a writer batch opens a dozen per article
    (issue 10). One name serves every level: RELEASE and ROLLBACK TO act on the most recent savepoint of that name
    (https://www.sqlite.org/lang_savepoint.html), which is this block's own.
    """
    return _Savepoint(db.conn)


# Classes, not @contextmanager generators: the writer enters about twenty of these per article, and a generator's
# set-up, send and throw cost more than the two statements of a savepoint (issue 10's writer profile)
class _Savepoint:
    """``savepoint``'s context manager."""

    __slots__ = ("conn",)

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def __enter__(self) -> None:
        self.conn.execute("SAVEPOINT batch_part")

    def __exit__(self, kind: type[BaseException] | None, *exc: object) -> bool:
        _leave_savepoint(self.conn, kind is None)
        return False


def _leave_savepoint(conn: sqlite3.Connection, ok: bool) -> None:
    """Release the savepoint, its writes kept; after an error, roll them back first."""
    if ok:
        conn.execute("RELEASE SAVEPOINT batch_part")
    elif conn.in_transaction:
        # an error such as a RAISE(ROLLBACK) trigger can end the whole transaction, savepoints included
        conn.execute("ROLLBACK TO SAVEPOINT batch_part")
        conn.execute("RELEASE SAVEPOINT batch_part")


class _Immediate:
    """``immediate``'s context manager: a savepoint in a batch, the open transaction joined, or BEGIN IMMEDIATE."""

    __slots__ = ("conn", "how")

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.how = ""

    def __enter__(self) -> None:
        conn = self.conn
        if id(conn) in _BATCHES:
            self.how = "savepoint"
            conn.execute("SAVEPOINT batch_part")
        elif conn.in_transaction:
            self.how = "join"
            conn.__enter__()
        else:
            self.how = "begin"
            conn.execute("BEGIN IMMEDIATE")

    def __exit__(self, kind: type[BaseException] | None, *exc: object) -> bool:
        conn = self.conn
        if self.how == "savepoint":
            _leave_savepoint(conn, kind is None)
            return False
        if self.how == "join":
            return bool(conn.__exit__(kind, *exc))
        if kind is None:
            conn.commit()
        elif conn.in_transaction:
            conn.rollback()
        return False


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

"""Run a catalogue reader (archive.catalogue.reading / searching) on Datasette's connection, under its time limit."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from typing import Any, TypeVar

from datasette.database import QueryInterrupted
from datasette.utils import sqlite_timelimit

logger = logging.getLogger(__name__)

T = TypeVar("T")


async def read(db: Any, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """``fn(conn, *args, **kwargs)`` on one of ``db``'s read connections (``Database.execute_fn``).

    ``execute_fn`` sets no time limit, unlike ``Database.execute``: the same ``sql_time_limit_ms`` is applied
    here with Datasette's own ``sqlite_timelimit``, and an interrupted query raises ``QueryInterrupted`` as there.
    """
    limit = db.ds.setting("sql_time_limit_ms")

    def run(conn: sqlite3.Connection) -> T:
        with sqlite_timelimit(conn, limit):
            try:
                return fn(conn, *args, **kwargs)
            except sqlite3.OperationalError as exc:
                if exc.args == ("interrupted",):
                    raise QueryInterrupted(exc, getattr(fn, "__name__", repr(fn)), args) from exc
                raise

    return await db.execute_fn(run)

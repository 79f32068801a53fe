"""crawler.web.reads: catalogue readers run on Datasette's connection, under Datasette's SQL time limit."""

from __future__ import annotations

import asyncio
import sqlite3

import pytest
from datasette.app import Datasette
from datasette.database import QueryInterrupted

from crawler.web.reads import read


def _endless(conn: sqlite3.Connection) -> int:
    return conn.execute("with recursive n(i) as (select 1 union all select i + 1 from n) "
                        "select count(*) from n").fetchone()[0]


def _answer(conn: sqlite3.Connection, plus: int) -> int:
    return conn.execute("select 41 + ?", [plus]).fetchone()[0]


def test_read_returns_what_the_reader_returns_and_stops_a_runaway_query(tmp_path):
    path = tmp_path / "catalogue.db"
    sqlite3.connect(path).close()
    ds = Datasette([str(path)], settings={"sql_time_limit_ms": 50})
    db = ds.get_database("catalogue")
    assert asyncio.run(read(db, _answer, 1)) == 42
    with pytest.raises(QueryInterrupted):
        asyncio.run(read(db, _endless))

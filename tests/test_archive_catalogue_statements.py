"""The writer's plain SQL statements: the rows sqlite-utils' Table.insert / update / Database.query would give."""

from __future__ import annotations

import pytest
import sqlite_utils
from sqlite_utils.db import NotFoundError

from archive.catalogue import reading, statements
from archive.catalogue.transactions import batch, batch_cache, immediate, savepoint


@pytest.fixture
def db():
    d = sqlite_utils.Database(memory=True)
    d["t"].create({"id": int, "name": str, "score": float, "note": str}, pk="id")
    yield d
    d.close()


def test_insert_update_and_rows_match_sqlite_utils(db):
    other = sqlite_utils.Database(memory=True)
    other["t"].create({"id": int, "name": str, "score": float, "note": str}, pk="id")
    rows = [{"name": "طرابلس", "score": 1.5, "note": None}, {"name": "x", "score": 2.0, "note": "[1]"}]
    assert [statements.insert(db, "t", r) for r in rows] == [other["t"].insert(r).last_pk for r in rows] == [1, 2]
    more = [{"id": 7, "name": "a", "score": 0.0, "note": ""}, {"id": 8, "name": "b", "score": 1.0, "note": None}]
    statements.insert_many(db, "t", more)
    other["t"].insert_all(more)
    statements.update(db, "t", "id", 2, {"score": 3.25, "note": None})
    other["t"].update(2, {"score": 3.25, "note": None})
    assert reading.rows(db.conn, "select * from t order by id") == list(other.query("select * from t order by id"))
    assert reading.rows(db.conn, "select name from t where id = ?", [99]) == []


def test_update_of_a_missing_row_fails_as_table_update_does(db):
    with pytest.raises(NotFoundError):
        statements.update(db, "t", "id", 5, {"name": "y"})
    with pytest.raises(NotFoundError):
        db["t"].update(5, {"name": "y"})


def test_nested_savepoints_of_one_name_roll_back_only_their_own_writes(db):
    with batch(db):
        statements.insert(db, "t", {"id": 1, "name": "kept"})
        with savepoint(db):
            statements.insert(db, "t", {"id": 2, "name": "kept too"})
            with pytest.raises(ZeroDivisionError), savepoint(db):
                statements.insert(db, "t", {"id": 3, "name": "rolled back"})
                1 / 0  # noqa: B018
            statements.insert(db, "t", {"id": 4, "name": "after the inner one"})
        with pytest.raises(KeyError), savepoint(db):
            statements.insert(db, "t", {"id": 5, "name": "rolled back"})
            raise KeyError("x")
    assert [r["id"] for r in reading.rows(db.conn, "select id from t order by id")] == [1, 2, 4]
    assert not db.conn.in_transaction


def test_immediate_commits_rolls_back_joins_or_is_a_savepoint_in_a_batch(db):
    with immediate(db):
        statements.insert(db, "t", {"id": 1, "name": "committed"})
    assert not db.conn.in_transaction
    with pytest.raises(KeyError), immediate(db):
        statements.insert(db, "t", {"id": 2, "name": "rolled back"})
        raise KeyError("x")
    db.conn.execute("BEGIN")
    with immediate(db):  # joins the open transaction and, as ``with conn:``, commits it
        statements.insert(db, "t", {"id": 3, "name": "joined"})
    assert not db.conn.in_transaction
    with batch(db):
        statements.insert(db, "t", {"id": 4, "name": "batch"})
        with pytest.raises(KeyError), immediate(db):
            statements.insert(db, "t", {"id": 5, "name": "its own writes only"})
            raise KeyError("y")
        assert db.conn.in_transaction  # a savepoint's error does not end the batch
    assert [r["id"] for r in reading.rows(db.conn, "select id from t order by id")] == [1, 3, 4]


@pytest.mark.parametrize("cached", [False, True])
def test_a_batch_cache_keeps_a_large_batch_out_of_the_wal_until_it_commits(tmp_path, cached):
    path = tmp_path / "c.db"
    db = sqlite_utils.Database(path)
    db.conn.execute("PRAGMA journal_mode=WAL")
    db["t"].create({"id": int, "body": str}, pk="id")
    db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    if cached:
        batch_cache(db)
    with batch(db):
        for n in range(1500):  # 6 MB of rows: three times SQLite's default cache
            statements.insert(db, "t", {"id": n, "body": "ليبيا " * 400})
        wal_before_commit = path.with_name("c.db-wal").stat().st_size
    assert (wal_before_commit == 0) == cached  # without the cache, pages spilled into the WAL mid-batch
    assert db.execute("select count(*) from t").fetchone()[0] == 1500
    db.close()

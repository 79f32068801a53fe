"""The writer's plain SQL statements: the rows sqlite-utils' Table.insert / update / Database.query would give."""

from __future__ import annotations

import pytest
import sqlite_utils
from sqlite_utils.db import NotFoundError

from archive.catalogue import reading, statements
from archive.catalogue.transactions import batch, savepoint


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

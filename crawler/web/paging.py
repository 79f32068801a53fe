"""Every page of a sorted catalogue table in one order, so paging and ``?_stream=on`` give each row once.

Datasette 0.65 (``datasette/views/table.py``) pages a table by keyset: the page after one ending on row R asks for
``sort_col < R.sort_col or (sort_col = R.sort_col and pk > R.pk)`` ordered by ``sort_col desc, pk``. But it adds
the primary key tie-breaker to ``ORDER BY`` only when ``?_next=`` is given: the first page is ordered by the sort
column alone (``order by first_seen desc limit 51``), so among rows that share the last sort value SQLite picks any
order (index order, i.e. rowid). The next page then starts after the last row *in primary-key order*: rows of that
tie already shown come again, and rows of it the first page did not reach are skipped. ``first_seen`` ties are the
rule (a crawl batch shares one second), so the default ``articles`` pages, its JSON ``next_url`` and its streamed
CSV (which walks the same pages) repeated and lost articles. A view is paged by offset, with no tie-breaker at all.

No Datasette hook reaches ``ORDER BY``, so this module finishes what Datasette starts: while a table page of the
catalogue is being built (``TableView.data``, which the HTML, ``.json`` and streamed ``.csv`` all call), its main
query (``select ... from <table> [where ...] [order by <one column>[ desc]] limit N[ offset M]``, the exact shape
Datasette writes) gets the tie-breaker Datasette uses on later pages: the primary key (rowid for a table without
one), or for a view the unique column named in ``VIEW_KEYS``. The SQL the page shows (``query.sql``) is the SQL
that ran. Hand-written SQL (``?sql=``), canned queries, counts and facets are never touched.
"""

from __future__ import annotations

import contextvars
import re
import sqlite3
from collections.abc import Callable
from typing import Any

from datasette.database import Database
from datasette.utils import escape_sqlite, tilde_decode
from datasette.views.base import DatasetteError
from datasette.views.table import TableView

from archive.catalogue import ordering

#: A unique column of each catalogue view that Datasette may sort (metadata ``sort``/``sort_desc`` or ``?_sort=``).
VIEW_KEYS = {"articles_view": "article_rowid"}

#: The catalogue table (or view) whose page is being built, or None outside TableView.data.
_PAGE: contextvars.ContextVar[str | None] = contextvars.ContextVar("na_table_page", default=None)

_installed = False


def tie_broken(sql: str, table: str, keys: list[str]) -> str:
    """``sql`` with ``keys`` as the last ``ORDER BY`` terms when it is Datasette's main query of ``table``."""
    return ordering.tie_broken(sql, escape_sqlite(table), [k if k == "rowid" else escape_sqlite(k) for k in keys])


async def _keys(db: Database, table: str) -> list[str]:
    if table in VIEW_KEYS:
        return [VIEW_KEYS[table]]
    if await db.table_exists(table):
        return list(await db.primary_keys(table)) or ["rowid"]
    return []


def install(is_catalogue: Callable[[Any, str | None], bool]) -> None:
    """Wrap ``TableView.data`` and ``Database.execute`` once; only pages of a catalogue database are changed."""
    global _installed
    if _installed:
        return
    _installed = True
    original_data, original_execute = TableView.data, Database.execute

    async def data(self: TableView, request: Any, *args: Any, **kwargs: Any) -> Any:
        route, table = request.url_vars.get("database"), request.url_vars.get("table")
        try:
            db = self.ds.get_database(route=tilde_decode(route)) if route and table else None
        except KeyError:
            db = None
        if db is None or not is_catalogue(self.ds, db.name):
            return await original_data(self, request, *args, **kwargs)
        token = _PAGE.set(tilde_decode(table))
        try:
            result = await original_data(self, request, *args, **kwargs)
        finally:
            _PAGE.reset(token)
        body = result[0] if isinstance(result, tuple) and result else None
        query = body.get("query") if isinstance(body, dict) else None
        if isinstance(query, dict) and isinstance(query.get("sql"), str) and body.get("table"):
            query["sql"] = tie_broken(query["sql"], body["table"], await _keys(db, body["table"]))
        return result

    async def execute(self: Database, sql: str, *args: Any, **kwargs: Any) -> Any:
        table = _PAGE.get()
        if table is not None and ordering.is_main_query(sql) and is_catalogue(self.ds, self.name):
            sql = tie_broken(sql, table, await _keys(self, table))
        return await original_execute(self, sql, *args, **kwargs)

    TableView.data = data  # type: ignore[method-assign]
    Database.execute = execute  # type: ignore[method-assign]


_NO_SORT = re.compile(r"Cannot sort table by (?P<column>.+)$", re.S)


def bad_request(request: Any, exception: Exception) -> str | None:
    """What is wrong with a table address whose parameters Datasette 0.65 answers with a 500, or None.

    Datasette raises its own error (status 500) for a sort by a column the table lacks and for ``_sort`` beside
    ``_sort_desc``; a view's ``?_next=`` (an offset) that is not a number fails in ``int()``, one past SQLite's
    integers in SQLite ("datatype mismatch").
    """
    table = tilde_decode(request.url_vars.get("table") or "") if request is not None else ""
    if not table:
        return None
    text = str(exception)
    status = getattr(exception, "status", 500)
    wrong_sort = _NO_SORT.match(text)
    if isinstance(exception, DatasetteError) and status == 500 and wrong_sort:
        column = wrong_sort.group("column")
        hint = ("; search results are ranked on the search page (/search?q=…) and by the search_articles query"
                if column == "rank" else "")
        return f"Cannot sort {table} by {column}: it is not a column of {table} that can be sorted{hint}."
    if isinstance(exception, DatasetteError) and status == 500 and text.startswith("Cannot use _sort and _sort_desc"):
        return "Use either _sort or _sort_desc, not both."
    next_value = request.args.get("_next")
    offset_error = (isinstance(exception, ValueError) and "invalid literal for int()" in text) or (
        isinstance(exception, (sqlite3.Error, DatasetteError)) and "datatype mismatch" in text)
    if next_value is not None and offset_error:
        return (f"_next={next_value} is not a page of {table}: on a view it is the number of rows to skip, "
                f"a whole number below {2 ** 63}; follow the page's own next link.")
    return None

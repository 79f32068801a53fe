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
one). The SQL the page shows (``query.sql``) is the SQL that ran. Hand-written SQL (``?sql=``), canned queries,
counts and facets are never touched.

A view is paged by key too. Datasette 0.65 pages a view by offset (``?_next=100``: ``limit 51 offset 100``), so a
row written between two page requests moved every later row by one: an article crawled while a researcher walked
``articles_view`` (newest first) showed the last row of a page again at the top of the next, and a version written
into ``article_history`` (ordered by article) before the cursor did the same, one deleted hid a row. Upstream has
no way to name a view's key yet (https://github.com/simonw/datasette/issues/778, open: "Ability to configure keyset
pagination for views"). The choices were: (1) serve the history as a table, kept by triggers, which Datasette pages
by key itself in every version: a second copy of every diff, written on every version, and no answer for
``articles_view`` (a copy of the articles); (2) a canned query taking the last row's key: a query returns at most
2,000 rows and is neither paged nor streamed (https://github.com/simonw/datasette/issues/856), so a researcher
could not take the history away as one CSV; (3) this: each catalogue view names its key columns (``VIEW_KEYS``, the
last ones unique and never NULL), its page is ordered by the sort and then the key, ``?_next=`` is the page's last
row (its sort and key values, JSON in base64url), and the query keeps only the rows after it
(``archive.catalogue.ordering.keyset_query``). The HTML next link, ``.json``'s ``next``/``next_url`` and the
streamed CSV (which asks for each ``next`` in turn) all read the same token. It rests on the same two Datasette
internals as the tie-breaker above (``TableView.data``, the main query's shape), and a change in either fails
loudly (a 500 naming it) and in ``tests/test_history_paging38.py``, never as rows silently repeated or lost.
Every page names its whole order, never leaning on a view's own ORDER BY (SQL promises an outer query nothing of
it). For ``article_history`` (a UNION ALL) that costs a sort of the rows after the cursor per page: 100-340 ms on
a synthetic 210,000-row history, where the offset took 0.2 ms on the first pages (SQLite merging the view's own
order from its indexes) and 200 ms 100,000 rows deep.
"""

from __future__ import annotations

import base64
import binascii
import contextvars
import json
import re
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode

from datasette.database import Database
from datasette.utils import escape_sqlite, path_with_replaced_args, tilde_decode
from datasette.utils.asgi import Request
from datasette.views.base import DatasetteError
from datasette.views.table import TableView

from archive.catalogue import ordering

#: Each catalogue view's key: its order when no sort is asked for, the tie-breaker after one. The columns together
#: are unique, and the last ones are never NULL (``article_history``: ``ref`` is an id of ``ref_table``, m018).
VIEW_KEYS = {"articles_view": ("article_rowid",), "article_history": ("article_id", "at", "ref_table", "ref")}

#: The catalogue table (or view) whose page is being built, or None outside TableView.data.
_PAGE: contextvars.ContextVar[str | None] = contextvars.ContextVar("na_table_page", default=None)


@dataclass
class _ViewPage:
    """A view's page being built: its order (column SQL, descending), the last row of the page before, the SQL run."""

    table: str
    order_by: str  # the ORDER BY Datasette writes for the sort asked for ("" for none)
    terms: list[tuple[str, bool]]
    after: list[Any] | None
    sql: str | None = None
    params: dict[str, Any] = field(default_factory=dict)


_VIEW_PAGE: contextvars.ContextVar[_ViewPage | None] = contextvars.ContextVar("na_view_page", default=None)

_installed = False


def tie_broken(sql: str, table: str, keys: list[str]) -> str:
    """``sql`` with ``keys`` as the last ``ORDER BY`` terms when it is Datasette's main query of ``table``."""
    return ordering.tie_broken(sql, escape_sqlite(table), [k if k == "rowid" else escape_sqlite(k) for k in keys])


async def _keys(db: Database, table: str) -> list[str]:
    if await db.table_exists(table):
        return list(await db.primary_keys(table)) or ["rowid"]
    return []


async def _view_keys(db: Database, table: str) -> list[str]:
    """The key of a catalogue view (``VIEW_KEYS``), or [] for a table or a view without one."""
    keys = list(VIEW_KEYS.get(table, ()))
    if not keys or await db.table_exists(table) or table not in await db.view_names():
        return []
    return keys if set(keys) <= set(await db.table_columns(table)) else []


def encode_after(values: list[Any]) -> str:
    """A page's last row (its values of the page's order) as a ``?_next=`` token: JSON in unpadded base64url."""
    plain = [{"hex": v.hex()} if isinstance(v, bytes) else v for v in values]
    return base64.urlsafe_b64encode(json.dumps(plain, separators=(",", ":")).encode()).decode().rstrip("=")


def decode_after(token: str, size: int, table: str) -> list[Any]:
    """The values ``encode_after`` wrote, ``size`` of them; a 400 that says what is wrong for anything else."""
    try:
        values = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        if isinstance(values, list):
            values = [bytes.fromhex(v["hex"]) if isinstance(v, dict) and isinstance(v.get("hex"), str) else v
                      for v in values]
    except (ValueError, binascii.Error):
        values = None
    if isinstance(values, list) and len(values) == size:
        if all(v is None or isinstance(v, (str, float, bytes)) or (isinstance(v, int) and -2 ** 63 <= v < 2 ** 63)
               for v in values):
            return values
    raise DatasetteError(f"_next={token} is not a page of {table}: its pages are keyed by the last row shown (not a "
                         "whole number of rows to skip, as before stop 38); follow the page's own next link.",
                         title="Bad request", status=400)


def _view_order(ds: Any, database: str, table: str, request: Any, keys: list[str]) -> tuple[str, list[tuple[str, bool]]]:
    """The ORDER BY Datasette writes for the page's sort (read as ``TableView`` reads it) and the page's whole order:
    the sort's column, then the view's key (column names, descending or not)."""
    sort, sort_desc = request.args.get("_sort"), request.args.get("_sort_desc")
    if not sort and not sort_desc:
        meta = ds.table_metadata(database, table) or {}
        sort, sort_desc = meta.get("sort"), meta.get("sort_desc")
    column = sort or sort_desc
    if not column:
        return "", [(k, False) for k in keys]
    order_by = escape_sqlite(column) + ("" if sort else " desc")
    return order_by, [(column, not sort)] + [(k, False) for k in keys if k != column]


def _inner_request(request: Any, needed: list[str]) -> Any:
    """``request`` without ``_next`` (the page is cut in the SQL), and with the order's columns always selected."""
    pairs = [(k, v) for k, v in parse_qsl(request.query_string, keep_blank_values=True)
             if k != "_next" and not (k == "_nocol" and v in needed)]
    if any(k == "_col" for k, _ in pairs):
        chosen = {v for k, v in pairs if k == "_col"}
        pairs += [("_col", c) for c in needed if c not in chosen]
    return Request({**request.scope, "query_string": urlencode(pairs).encode("latin-1")}, request.receive)


async def _view_page(original: Callable[..., Any], view: TableView, request: Any, args: tuple[Any, ...],
                     kwargs: dict[str, Any], database: str, table: str, keys: list[str]) -> Any:
    """A page of a catalogue view cut by key: its rows come after the ``?_next=`` row; ``next`` names its last."""
    if len(args) >= 2:  # data(request, default_labels, _next, _size) called by position
        kwargs, args = {**kwargs, "_next": args[1]}, (args[0], None, *args[2:])
    token = kwargs.pop("_next", None) or request.args.get("_next")
    order_by, order = _view_order(view.ds, database, table, request, keys)
    page = _ViewPage(table, order_by, [(escape_sqlite(c), desc) for c, desc in order],
                     decode_after(token, len(order), table) if token else None)
    reset = _VIEW_PAGE.set(page)
    try:
        result = await original(view, _inner_request(request, [c for c, _ in order]), *args, **kwargs)
    finally:
        _VIEW_PAGE.reset(reset)
    body = result[0] if isinstance(result, tuple) and result else None
    if not isinstance(body, dict):
        return result
    if page.sql is None:
        raise DatasetteError(f"The page of {table} could not be cut by key: this Datasette's query of a view is not "
                             "the one crawler.web.paging knows (Datasette 0.65).", status=500)
    body["query"] = {"sql": page.sql, "params": {**(body.get("query") or {}).get("params", {}), **page.params}}
    rows = body.get("rows") or []
    if body.get("next") is not None and rows:  # Datasette's offset, set when there is a further page
        body["next"] = encode_after([rows[-1][c] for c, _ in order])
        body["next_url"] = view.ds.absolute_url(
            request, view.ds.urls.path(path_with_replaced_args(request, {"_next": body["next"]})))
    return result


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
            keys = await _view_keys(db, tilde_decode(table))
            if keys:
                return await _view_page(original_data, self, request, args, kwargs, db.name, tilde_decode(table), keys)
            result = await original_data(self, request, *args, **kwargs)
        finally:
            _PAGE.reset(token)
        body = result[0] if isinstance(result, tuple) and result else None
        query = body.get("query") if isinstance(body, dict) else None
        if isinstance(query, dict) and isinstance(query.get("sql"), str) and body.get("table"):
            query["sql"] = tie_broken(query["sql"], body["table"], await _keys(db, body["table"]))
        return result

    async def execute(self: Database, sql: str, *args: Any, **kwargs: Any) -> Any:
        table, view = _PAGE.get(), _VIEW_PAGE.get()
        if view is not None and view.sql is None and is_catalogue(self.ds, self.name):
            cut = ordering.keyset_query(sql, escape_sqlite(view.table), view.order_by, view.terms, view.after)
            if cut is not None:
                view.sql, view.params = cut[0], cut[1]
                given = args[0] if args else kwargs.pop("params", None)
                params = {**(given or {}), **view.params}
                return await original_execute(self, view.sql, params, *args[1:], **kwargs)
        elif table is not None and ordering.is_main_query(sql) and is_catalogue(self.ds, self.name):
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

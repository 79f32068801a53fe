"""The newsarchive Datasette plugin: ranked Arabic search, readable cells, article pages, charts, mentions, WARC records.

Search: Datasette's escaped search mode (the default for ``?_search=`` and ``?_search_<column>=``, HTML and
JSON alike) runs ``... match escape_fts(:search)``. This plugin registers its own ``escape_fts`` on the
catalogue's connections, after Datasette's own (``trylast``), so the same SQL now runs
``archive.corpus.search.fts_query``: the query is normalised and expanded exactly like the index. The URL,
the search box and the page's "search matches" line keep what the user typed. ``?_searchmode=raw``
still passes raw FTS5 syntax through untouched. Datasette 0.65 lists table search hits in table order, so
the HTML articles pages send a search to ``/search`` (ranked by bm25, with snippets); ``&_view=table`` keeps
Datasette's table with its facets, and the ``.json``/``.csv`` forms are never redirected.
"""

from __future__ import annotations

import logging
import re
import sqlite3
from html import escape
from typing import Any
from urllib.parse import parse_qsl, urlencode

from datasette import hookimpl
from markupsafe import Markup

from archive.corpus.arabic import normalise
from archive.corpus.search import fts_query, snippet_html, title_similarity
from crawler.web import cells
from crawler.web.cells import CELL_CHARS, EXCERPT_CHARS, is_rtl
from crawler.web.mentions import mentions_page
from crawler.web.pages import (
    PluginSettings,
    article_page,
    charts_page,
    landing_page,
    warc_record,
)
from crawler.web.search import search_match, search_page

logger = logging.getLogger(__name__)

__all__ = ["CELL_CHARS", "is_rtl"]

_ARTICLE_ID_RE = re.compile(r"^[0-9a-f]{16}$")
LONG_COLUMNS = frozenset({"text", "detail", "error", "counts", "diff"})
ARTICLE_TABLES = (None, "articles", "articles_view")
DATE_COLUMNS = frozenset({"published", "first_seen", "last_seen", "fetched_at", "started_at", "ended_at", "at",
                          "discovered_at", "done_at", "next_check_at", "last_checked_at"})
_SEARCH_REDIRECT_TABLES = ("articles", "articles_view")


def _is_catalogue(datasette: Any, database: str | None) -> bool:
    return database == PluginSettings.from_datasette(datasette).database


@hookimpl(trylast=True)
def prepare_connection(conn: sqlite3.Connection, database: str, datasette: Any) -> None:
    """Register the Arabic search functions; on the catalogue, ``escape_fts`` becomes ``fts_query``."""
    conn.create_function("arabic_fts", 1, fts_query, deterministic=True)
    conn.create_function("arabic_normalise", 1, lambda s: normalise(s) if s else s, deterministic=True)
    conn.create_function("title_similarity", 2, title_similarity, deterministic=True)
    conn.create_function("search_match", 1, search_match, deterministic=True)
    conn.create_function("search_snippet", 2, lambda text, q: snippet_html(text, q or ""), deterministic=True)
    if _is_catalogue(datasette, database):
        # trylast: runs after Datasette's own prepare_connection, so this definition is the one that stays
        conn.create_function("escape_fts", 1, fts_query, deterministic=True)


@hookimpl
def prepare_jinja2_environment(env: Any, datasette: Any) -> None:
    """``|isolate``: escape text and put its dates, numbers and Latin runs in ``<bdi dir="ltr">``."""
    env.filters["isolate"] = cells.isolate


@hookimpl
def register_routes(datasette: Any) -> list[tuple[str, Any]]:
    """The landing page, search, the article page, charts, mentions and WARC record downloads."""
    return [
        (r"^/$", landing_page),
        (r"^/search$", search_page),
        (r"^/article/(?P<id>[^/]+)$", article_page),
        (r"^/charts$", charts_page),
        (r"^/mentions$", mentions_page),
        (r"^/warc-record/(?P<capture_id>\d+)(?:\.warc\.gz)?$", warc_record),
    ]


@hookimpl
def menu_links(datasette: Any, actor: Any, request: Any) -> list[dict[str, str]]:
    """Links to search, charts and mentions in Datasette's menu."""
    return [{"href": datasette.urls.path("/search"), "label": "Search the archive (ranked)"},
            {"href": datasette.urls.path("/mentions"), "label": "Mentions over time"},
            {"href": datasette.urls.path("/charts"), "label": "Charts: articles per day, crawl health"}]


@hookimpl
def asgi_wrapper(datasette: Any) -> Any:
    """Send an HTML search of the articles table (or view) to the ranked ``/search`` page."""

    def wrap(app: Any) -> Any:
        async def redirect_search(scope: dict[str, Any], receive: Any, send: Any) -> None:
            target = _search_redirect(datasette, scope) if scope.get("type") == "http" else None
            if target is None:
                await app(scope, receive, send)
                return
            await send({"type": "http.response.start", "status": 302,
                        "headers": [(b"location", target.encode()), (b"content-type", b"text/plain")]})
            await send({"type": "http.response.body", "body": b""})

        return redirect_search

    return wrap


def _search_redirect(datasette: Any, scope: dict[str, Any]) -> str | None:
    """``/search?q=…`` for ``/<catalogue>/articles?_search=…`` (HTML, escaped mode, no ``_view=table``)."""
    database = PluginSettings.from_datasette(datasette).database
    path = scope.get("path", "")
    if path not in {datasette.urls.table(database, t) for t in _SEARCH_REDIRECT_TABLES}:
        return None
    args = dict(parse_qsl(scope.get("query_string", b"").decode("utf-8", "replace")))
    if not args.get("_search") or args.get("_searchmode") == "raw" or args.get("_view") == "table":
        return None
    mapped = {"q": args["_search"], "outlet": args.get("outlet", ""), "language": args.get("language", ""),
              "relevant": args.get("relevant", "")}
    return datasette.urls.path("/search") + "?" + urlencode({k: v for k, v in mapped.items() if v})


@hookimpl
def render_cell(row: Any, value: Any, column: str, table: str | None, database: str, datasette: Any) -> Any:
    """Catalogue cells: titles link to the article page, Arabic reads right to left, long values stay short."""
    if not _is_catalogue(datasette, database) or not isinstance(value, str) or not value:
        return None
    keys = row.keys() if hasattr(row, "keys") else []
    if column == "search_text":
        return Markup(f'<span class="na-muted">{len(value.split())} index terms</span>')
    if column == "title" and table in ARTICLE_TABLES and "id" in keys:
        aid = row["id"]
        if isinstance(aid, str) and _ARTICLE_ID_RE.match(aid):
            return cells.title_link(value, datasette.urls.path(f"/article/{aid}"))
    if column == "snippet" and table is None:
        # search_snippet() returns escaped text with <mark> tags; any SQL can name a column "snippet", so
        # escape it all again and let only <mark> through (a crafted query link must not inject markup)
        safe = escape(value).replace("&lt;mark&gt;", "<mark>").replace("&lt;/mark&gt;", "</mark>")
        safe = safe.replace("&amp;", "&")  # undo the double escaping of the entities search_snippet wrote
        return Markup(f'<div class="na-cell na-snippet" dir="rtl" lang="ar">{safe}</div>')
    if column in ("matched_terms", "evidence") and value.startswith("["):
        chips = cells.evidence_cell(value)
        if chips is not None:
            return chips
    if column in ("url", "location") and value.startswith(("http://", "https://")):
        return cells.url_cell(value)
    if column in DATE_COLUMNS:
        when = cells.datetime_cell(value)
        if when is not None:
            return when
    if column == "excerpt":
        return cells.text_cell(value, limit=EXCERPT_CHARS, long=True)
    if column in LONG_COLUMNS:
        return cells.text_cell(value, limit=CELL_CHARS, long=True)
    if cells._ARABIC_RE.search(value):
        return cells.text_cell(value)
    return None

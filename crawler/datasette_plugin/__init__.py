"""The newsarchive Datasette plugin: Arabic-aware search, right-to-left cells, article pages, charts, WARC records.

Search: Datasette's escaped search mode (the default for ``?_search=`` and ``?_search_<column>=``, HTML and
JSON alike) runs ``... match escape_fts(:search)``. This plugin registers its own ``escape_fts`` on the
catalogue's connections, after Datasette's own (``trylast``), so the same SQL now runs
``archive.search.fts_query``: the query is normalised and expanded exactly like the index. The URL,
the search box and the page's "search matches" line keep what the user typed. ``?_searchmode=raw``
still passes raw FTS5 syntax through untouched.
"""

from __future__ import annotations

import logging
import re
import sqlite3
from html import escape
from typing import Any

from datasette import hookimpl
from markupsafe import Markup

from archive.arabic import normalise
from archive.search import fts_query, title_similarity
from crawler.datasette_plugin.pages import PluginSettings, article_page, charts_page, warc_record

logger = logging.getLogger(__name__)

_ARABIC_RE = re.compile("[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]")
_STRONG_LTR_RE = re.compile(r"[A-Za-z\u00c0-\u024f]")
_ARTICLE_ID_RE = re.compile(r"^[0-9a-f]{16}$")
#: Cells longer than this are cut in table views (the article page shows the whole text).
CELL_CHARS = 280
LONG_COLUMNS = frozenset({"text", "detail", "error", "counts"})


def is_rtl(text: str) -> bool:
    """True when the first strong letter of ``text`` is Arabic script (so it reads right to left)."""
    arabic = _ARABIC_RE.search(text)
    if arabic is None:
        return False
    latin = _STRONG_LTR_RE.search(text)
    return latin is None or arabic.start() < latin.start()


def _is_catalogue(datasette: Any, database: str | None) -> bool:
    return database == PluginSettings.from_datasette(datasette).database


@hookimpl(trylast=True)
def prepare_connection(conn: sqlite3.Connection, database: str, datasette: Any) -> None:
    """Register the Arabic search functions; on the catalogue, ``escape_fts`` becomes ``fts_query``."""
    conn.create_function("arabic_fts", 1, fts_query, deterministic=True)
    conn.create_function("arabic_normalise", 1, lambda s: normalise(s) if s else s, deterministic=True)
    conn.create_function("title_similarity", 2, title_similarity, deterministic=True)
    if _is_catalogue(datasette, database):
        # trylast: runs after Datasette's own prepare_connection, so this definition is the one that stays
        conn.create_function("escape_fts", 1, fts_query, deterministic=True)


@hookimpl
def register_routes(datasette: Any) -> list[tuple[str, Any]]:
    """The article page, the charts page and WARC record downloads."""
    return [
        (r"^/article/(?P<id>[^/]+)$", article_page),
        (r"^/charts$", charts_page),
        (r"^/warc-record/(?P<capture_id>\d+)(?:\.warc\.gz)?$", warc_record),
    ]


@hookimpl
def menu_links(datasette: Any, actor: Any, request: Any) -> list[dict[str, str]]:
    """A link to the charts page in Datasette's menu."""
    return [{"href": datasette.urls.path("/charts"), "label": "Charts: articles per day, crawl health"}]


def _text_cell(value: str, column: str) -> Markup:
    """A text cell with its reading direction set, long text cut to ``CELL_CHARS``."""
    shown = value
    if column in LONG_COLUMNS and len(value) > CELL_CHARS:
        shown = value[:CELL_CHARS].rsplit(" ", 1)[0] + " …"
    direction = 'dir="rtl" lang="ar"' if is_rtl(value) else 'dir="auto"'
    css = "na-cell na-long" if column in LONG_COLUMNS else "na-cell"
    return Markup(f'<div class="{css}" {direction}>{escape(shown)}</div>')


@hookimpl
def render_cell(row: Any, value: Any, column: str, table: str | None, database: str, datasette: Any) -> Any:
    """Catalogue cells: article titles link to the article page; Arabic reads right to left; long text is cut."""
    if not _is_catalogue(datasette, database) or not isinstance(value, str) or not value:
        return None
    keys = row.keys() if hasattr(row, "keys") else []
    if column == "search_text":
        return Markup(f'<span class="na-muted">{len(value.split())} index terms</span>')
    if column == "title" and (table in (None, "articles")) and "id" in keys:
        aid = row["id"]
        if isinstance(aid, str) and _ARTICLE_ID_RE.match(aid):
            href = datasette.urls.path(f"/article/{aid}")
            direction = 'dir="rtl" lang="ar"' if is_rtl(value) else 'dir="auto"'
            return Markup(f'<a class="na-title" {direction} href="{escape(href)}">{escape(value)}</a>')
    if _ARABIC_RE.search(value) or column in LONG_COLUMNS:
        return _text_cell(value, column)
    return None

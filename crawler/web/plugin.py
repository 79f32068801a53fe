"""The newsarchive Datasette plugin: ranked Arabic search, readable cells, article pages, charts, mentions, WARC records.

Search: Datasette's escaped search mode (the default for ``?_search=`` and ``?_search_<column>=``, HTML and
JSON alike) runs ``... match escape_fts(:search)``. This plugin registers its own ``escape_fts`` on the
catalogue's connections, after Datasette's own (``trylast``), so the same SQL now runs
``crawler.web.search.search_match`` (``archive.corpus.search.fts_query``, or a match of nothing for a query
without a word): the query is normalised and expanded exactly like the index. A ``"phrase"`` search also gets
the check of its hits' text (``filters_from_request``), as on ``/search``. The URL, the search box and the
page's "search matches" line keep what the user typed. ``?_searchmode=raw`` still passes raw FTS5 syntax
through untouched. Datasette 0.65 lists table search hits in table order, so the HTML articles pages send a
search to ``/search`` (ranked by bm25, with snippets); ``&_view=table`` keeps Datasette's table with its facets,
and the ``.json``/``.csv`` forms are never redirected. The canned searches read their filters with the search
page's parser (``_canned_filters``).
"""

from __future__ import annotations

import csv
import io
import json
import logging
import re
import sqlite3
from html import escape
from typing import Any
from urllib.parse import parse_qsl, urlencode

from datasette import hookimpl
from datasette.filters import FilterArguments
from datasette.handle_exception import handle_exception as datasette_handle_exception
from datasette.utils import tilde_decode
from datasette.views.base import DatasetteError
from markupsafe import Markup

from archive.catalogue import reading, searching
from archive.corpus.arabic import normalise
from archive.corpus.phrases import phrase_hit
from archive.corpus.search import fts_query, snippet_html, title_similarity
from archive.export.corpus import spreadsheet_safe
from crawler.web import cells, paging
from crawler.web.cells import CELL_CHARS, EXCERPT_CHARS, is_rtl
from crawler.web.mentions import mentions_page
from crawler.web.pages import (
    PluginSettings,
    article_page,
    charts_page,
    landing_page,
    warc_record,
)
from crawler.web.reads import read
from crawler.web.search import FILTERS, SearchRequest, search_match, search_page

logger = logging.getLogger(__name__)

__all__ = ["CELL_CHARS", "is_rtl"]

_ARTICLE_ID_RE = re.compile(r"^[0-9a-f]{16}$")
LONG_COLUMNS = frozenset({"text", "detail", "error", "counts", "diff"})
ARTICLE_TABLES = (None, "articles", "articles_view")
DATE_COLUMNS = frozenset({"published", "first_seen", "last_seen", "fetched_at", "started_at", "ended_at", "at",
                          "discovered_at", "done_at", "next_check_at", "last_checked_at"})
_SEARCH_REDIRECT_TABLES = ("articles", "articles_view")
#: Canned queries whose since, until (and relevant) are read as the search page reads them (metadata.yaml).
CANNED_SEARCHES = ("search_articles", "search_counts", "articles_per_outlet_per_day")


def _is_catalogue(datasette: Any, database: str | None) -> bool:
    return database == PluginSettings.from_datasette(datasette).database


paging.install(_is_catalogue)  # every page of a sorted table in one order (crawler/web/paging.py)


@hookimpl(trylast=True)
def prepare_connection(conn: sqlite3.Connection, database: str, datasette: Any) -> None:
    """Register the Arabic search functions; on the catalogue, ``escape_fts`` becomes ``fts_query``."""
    conn.create_function("arabic_fts", 1, fts_query, deterministic=True)
    conn.create_function("arabic_normalise", 1, lambda s: normalise(s) if s else s, deterministic=True)
    conn.create_function("title_similarity", 2, title_similarity, deterministic=True)
    conn.create_function("search_match", 1, search_match, deterministic=True)
    conn.create_function("search_snippet", 2, lambda text, q: snippet_html(text, q or ""), deterministic=True)
    conn.create_function("search_needs_text", 1, searching.needs_text, deterministic=True)
    conn.create_function(searching.PHRASE_FUNCTION, 3, phrase_hit, deterministic=True)
    if _is_catalogue(datasette, database):
        # trylast: runs after Datasette's own prepare_connection, so this definition is the one that stays;
        # search_match, not fts_query: "" (a query of no word: "؟", "-", "NOT x") is an FTS5 syntax error
        conn.create_function("escape_fts", 1, search_match, deterministic=True)


@hookimpl
def filters_from_request(request: Any, database: str, table: str, datasette: Any) -> FilterArguments | None:
    """A ``?_search=`` phrase on the articles table or view: keep the hits whose text holds it, as ``/search`` does.

    Datasette's own clause finds the candidates (``escape_fts``: the words near each other); this one checks them.
    """
    search = request.args.get("_search")
    if not search or request.args.get("_searchmode") == "raw" or not _is_catalogue(datasette, database):
        return None
    check = searching.table_search_check(table)
    if check is None or not searching.needs_text(search):
        return None
    return FilterArguments([check], {"na_phrase": search})


@hookimpl
def prepare_jinja2_environment(env: Any, datasette: Any) -> None:
    """``|isolate``: escape text and put its dates, numbers and Latin runs in ``<bdi dir="ltr">``."""
    env.filters["isolate"] = cells.isolate


@hookimpl
def extra_template_vars(view_name: str, table: str | None, database: str | None, request: Any,
                        datasette: Any) -> Any:
    """A story's row page gets the story's copies (``na_story``), listed with links to their article pages."""

    async def story() -> dict[str, Any]:
        if view_name != "row" or table != "stories" or not _is_catalogue(datasette, database) or request is None:
            return {"na_story": None}
        db = datasette.get_database(database)
        return {"na_story": await read(db, reading.story_copies, tilde_decode(request.url_vars.get("pks") or ""))}

    return story


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
            target = _search_redirect(datasette, scope) or _facets_once(datasette, scope) \
                if scope.get("type") == "http" else None
            if target is not None:
                await send({"type": "http.response.start", "status": 302,
                            "headers": [(b"location", target.encode()), (b"content-type", b"text/plain")]})
                await send({"type": "http.response.body", "body": b""})
                return
            canned = _canned_filters(datasette, scope) if scope.get("type") == "http" else None
            if isinstance(canned, bytes):
                scope = {**scope, "query_string": canned}
            elif canned is not None:
                status, kind, body = canned
                await send({"type": "http.response.start", "status": status,
                            "headers": [(b"content-type", kind.encode())]})
                await send({"type": "http.response.body", "body": body.encode()})
                return
            guarded = _is_catalogue_csv(datasette, scope) if scope.get("type") == "http" else False
            await app(scope, receive, GuardedCsv(send) if guarded else send)

        return redirect_search

    return wrap


@hookimpl
def handle_exception(datasette: Any, request: Any, exception: Exception) -> Any:
    """A bad address is a 400 that says what is wrong, not a 500 (``crawler.web.paging.bad_request``).

    A number too large for SQLite's integers (``?id__gt=99999999999999999999``), a sort by a column the table
    lacks (``?_sort=nosuchcolumn``, ``_sort=rank`` beside ``_search``), ``_sort`` with ``_sort_desc``, and a view's
    ``?_next=`` that is not an offset (``abc``, ``99999999999999999999``).
    """
    if isinstance(exception, OverflowError) and "SQLite INTEGER" in str(exception):
        error = DatasetteError(f"A number in this address is too large ({exception}).", title="Number too large",
                               status=400)
        return datasette_handle_exception(datasette=datasette, request=request, exception=error)
    message = paging.bad_request(request, exception)
    if message is not None:
        error = DatasetteError(message, title="Bad request", status=400)
        return datasette_handle_exception(datasette=datasette, request=request, exception=error)
    return None


def _is_catalogue_csv(datasette: Any, scope: dict[str, Any]) -> bool:
    """Whether ``scope`` asks Datasette for a CSV of the catalogue (a table, a view, a canned or typed query)."""
    base = datasette.urls.database(PluginSettings.from_datasette(datasette).database)
    path = scope.get("path", "")
    if not path.startswith((base + "/", base + ".")):
        return False
    return path.endswith(".csv") or ("_format", "csv") in parse_qsl(scope.get("query_string", b"").decode("latin-1"))


#: How Datasette writes a number into CSV (an integer or a float's repr); text is anything else.
_CSV_NUMBER_RE = re.compile(r"-?\d+(?:\.\d+)?(?:e[-+]?\d+)?")


class GuardedCsv:
    """The ``send`` of a catalogue CSV: Datasette's CSV written as ``newsarchive export --format csv`` writes it.

    A UTF-8 BOM first (spreadsheet programs read the Arabic right) and each text cell through export's
    ``spreadsheet_safe`` (a leading apostrophe on ``=HYPERLINK(...)``: CSV injection), numbers as they are.
    Datasette 0.65 writes its CSV itself (no hook replaces it, and ``register_output_renderer`` cannot take
    ``.csv``), streamed a row a body message; whole records (a line end outside quotes: its writer doubles
    quotes inside a field) are read back with ``csv``, guarded and written again.
    """

    def __init__(self, send: Any) -> None:
        self.send, self.active, self.bom, self.buffer, self.quotes = send, False, True, b"", 0

    async def __call__(self, message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            headers = message.get("headers") or []
            kind = next((bytes(v) for k, v in headers if bytes(k).lower() == b"content-type"), b"")
            self.active = message.get("status") == 200 and kind.startswith((b"text/plain", b"text/csv"))
            if self.active:  # the body grows by the BOM and the apostrophes
                message = {**message, "headers": [(k, v) for k, v in headers if bytes(k).lower() != b"content-length"]}
        elif message["type"] == "http.response.body" and self.active:
            chunk = message.get("body", b"")
            self.buffer += chunk
            self.quotes += chunk.count(b'"')
            body = b"\xef\xbb\xbf" if self.bom else b""
            self.bom = False
            if not message.get("more_body") or (self.buffer.endswith(b"\n") and self.quotes % 2 == 0):
                body += self._guarded(self.buffer.decode("utf-8", "replace")).encode("utf-8")
                self.buffer, self.quotes = b"", 0
            message = {**message, "body": body}
        await self.send(message)

    @staticmethod
    def _guarded(text: str) -> str:
        out = io.StringIO()
        writer = csv.writer(out)
        for row in csv.reader(io.StringIO(text, newline="")):
            writer.writerow([c if _CSV_NUMBER_RE.fullmatch(c) else spreadsheet_safe(c) for c in row])
        return out.getvalue()


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


def _facets_once(datasette: Any, scope: dict[str, Any]) -> str | None:
    """The address without a ``_facet=`` the table's metadata (or an earlier ``_facet=``) already asks for.

    Datasette 0.65 shows a facet once per time it is asked for: ``articles_view?_facet=outlet`` showed the outlet
    counts twice, and every link on the page carried the extra ``_facet=outlet`` on (stop 37's probe).
    """
    raw = scope.get("query_string", b"")
    if b"_facet=" not in raw:
        return None
    database = PluginSettings.from_datasette(datasette).database
    base = datasette.urls.database(database) + "/"
    path = scope.get("path", "")
    if not path.startswith(base):
        return None
    table = path[len(base):].removesuffix(".json").removesuffix(".csv")
    meta = datasette.table_metadata(database, table) if "/" not in table else {}
    seen = {f for f in (meta or {}).get("facets", []) if isinstance(f, str)}
    pairs, kept = parse_qsl(raw.decode("utf-8", "replace"), keep_blank_values=True), []
    for key, value in pairs:
        if key == "_facet" and value in seen:
            continue
        seen.add(value) if key == "_facet" else None
        kept.append((key, value))
    return None if len(kept) == len(pairs) else path + ("?" + urlencode(kept) if kept else "")


def _canned_filters(datasette: Any, scope: dict[str, Any]) -> bytes | tuple[int, str, str] | None:
    """The filters of a canned search read as ``/search`` reads them (``crawler.web.search.parse_filters``).

    Returns the query string with each filter in its canonical form (``since=٢٠١٩-٨`` -> ``2019-08``,
    ``relevant=yes`` -> ``1``, ``relevant=0`` -> every article), or, when a value is none the page accepts,
    an HTTP 400 answer (status, content type, body) that says why, in the words of the page's warning.
    """
    database = PluginSettings.from_datasette(datasette).database
    path = scope.get("path", "")
    base = next((b for b in (datasette.urls.query(database, q) for q in CANNED_SEARCHES)
                 if path == b or path.startswith(b + ".")), None)
    raw = scope.get("query_string", b"")
    if base is None or not any(f.encode() + b"=" in raw for f in FILTERS):
        return None
    pairs = parse_qsl(raw.decode("utf-8", "replace"), keep_blank_values=True)
    search = SearchRequest.from_args(dict(pairs))
    if search.errors:
        message = "; ".join(search.errors)
        if path.endswith(".json") or dict(pairs).get("_format") == "json":
            body = json.dumps({"ok": False, "error": message, "status": 400, "title": "Invalid filter"})
            return 400, "application/json; charset=utf-8", body
        return 400, "text/plain; charset=utf-8", message + "\n"
    canonical = {"since": search.since, "until": search.until, "relevant": "1" if search.relevant else ""}
    return urlencode([(k, canonical[k] if k in canonical else v) for k, v in pairs]).encode()


#: Cells naming a story (a link to its copies) or an article (a link to its page), by table (None: a query).
_STORY_CELLS = {("stories", "id"), (None, "story"), (None, "story_id"), ("articles", "story_id")}
_ARTICLE_CELLS = {("stories", "first_article"), (None, "first_article"), (None, "story_match"),
                  ("articles", "story_match")}


def _story_link(datasette: Any, database: str, table: str | None, column: str, value: str) -> Markup | None:
    """A story id as a link to the story's copies (``story_copies``), an article id as one to its page."""
    if not _ARTICLE_ID_RE.match(value):
        return None
    if (table, column) in _ARTICLE_CELLS:
        return Markup(f'<a href="{escape(datasette.urls.path("/article/" + value))}">{escape(value)}</a>')
    if (table, column) not in _STORY_CELLS:
        return None
    copies = datasette.urls.query(database, "story_copies") + "?" + urlencode({"story": value})
    row = datasette.urls.row(database, "stories", value)
    return Markup(f'<a href="{escape(row)}">{escape(value)}</a> <a class="na-story-copies" href="{escape(copies)}">'
                  "copies</a>")


@hookimpl
def render_cell(row: Any, value: Any, column: str, table: str | None, database: str, datasette: Any) -> Any:
    """Catalogue cells: titles link to the article page, Arabic reads right to left, long values stay short."""
    if not _is_catalogue(datasette, database) or not isinstance(value, str) or not value:
        return None
    keys = row.keys() if hasattr(row, "keys") else []
    story_link = _story_link(datasette, database, table, column, value)
    if story_link is not None:
        return story_link
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
    if column in DATE_COLUMNS:  # a day with the time printed beside it and no zone (published_time), as one
        clock = row["published_time"] if column == "published" and "published_time" in keys else None
        when = cells.datetime_cell(f"{value}T{clock}" if clock and len(value) == 10 else value)
        if when is not None:
            return when
    if column == "excerpt":
        return cells.text_cell(value, limit=EXCERPT_CHARS, long=True)
    if column in LONG_COLUMNS:
        return cells.text_cell(value, limit=CELL_CHARS, long=True)
    if cells._ARABIC_RE.search(value):
        return cells.text_cell(value)
    return None

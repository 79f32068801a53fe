"""``/search``: ranked Arabic search (FTS5 bm25) with highlighted snippets, filters and counts per outlet and month."""

from __future__ import annotations

import logging
import re
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from datasette.utils.asgi import Response
from markupsafe import Markup

from archive.catalogue import searching
from archive.corpus.search import fts_query, highlight_html, query_terms, snippet_html
from crawler.web.cells import isolate
from crawler.web.reads import read

logger = logging.getLogger(__name__)

PAGE_SIZE = 20
#: Hits ranked by bm25 at most: the most recently archived ones (see archive.catalogue.searching.results_sql).
RANK_WINDOW = 5_000
_DAY_RE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


def search_match(query: str | None) -> str:
    """The MATCH expression of a query; ``'""'`` (matches nothing, no error) when it has no searchable word."""
    return fts_query(query or "") or '""'


@dataclass(frozen=True)
class SearchRequest(searching.Facets):
    """A search as the page and the canned query take it: the query and its filters (the Facets), validated."""

    q: str = ""
    page: int = 1
    errors: list[str] = field(default_factory=list)

    @classmethod
    def from_args(cls, args: Any) -> SearchRequest:
        """Read ``q, outlet, since, until, relevant, language, page`` from a request's query string."""
        errors = []
        dates = {}
        for name in ("since", "until"):
            value = (args.get(name) or "").strip()
            if value and not _DAY_RE.match(value):
                errors.append(f"{name}: {value!r} is not a date (YYYY-MM-DD, YYYY-MM or YYYY)")
                value = ""
            dates[name] = value
        try:
            page = max(1, int(args.get("page") or 1))
        except ValueError:
            page = 1
        return cls(q=(args.get("q") or "").strip(), outlet=(args.get("outlet") or "").strip(),
                   relevant=(args.get("relevant") or "") in ("1", "on", "true"),
                   language=(args.get("language") or "").strip(), page=page, errors=errors, **dates)

    def query_string(self, **changes: Any) -> str:
        """This search as a query string, with ``changes`` applied (empty values left out)."""
        values = {"q": self.q, "outlet": self.outlet, "since": self.since, "until": self.until,
                  "relevant": "1" if self.relevant else "", "language": self.language, "page": self.page}
        values.update(changes)
        return urlencode({k: v for k, v in values.items() if v not in ("", None) and not (k == "page" and v == 1)})


async def run_search(db: Any, search: SearchRequest) -> dict[str, Any]:
    """Hits of one page, the total, and the counts per outlet and per month (one pass over the hits)."""
    match = search_match(search.q)
    per_outlet: Counter[str] = Counter()
    per_month: Counter[str] = Counter()
    for r in await read(db, searching.hit_counts, match, search):
        per_outlet[r["outlet"] or "?"] += r["n"]
        per_month[r["month"] or "undated"] += r["n"]
    total = sum(per_outlet.values())
    # the window's newest-first walk is cheap when most hits pass the filters, and a full walk when few do: so
    # a search whose hits (the counts just gave their number) fit the window is ranked whole instead
    rows = await read(db, searching.ranked_hits, match, search, window=RANK_WINDOW, limit=PAGE_SIZE,
                      offset=(search.page - 1) * PAGE_SIZE, windowed=total > RANK_WINDOW) if total else []
    terms = query_terms(search.q)
    # dates, numbers and Latin words inside the right-to-left hit are isolated, as everywhere else (cells.isolate)
    hits = [{**r, "title_html": Markup(highlight_html(r["title"], terms, render=isolate)),
             "snippet_html": Markup(snippet_html(r["text"], terms, render=isolate)), "rank": -r["rank"]}
            for r in rows]
    return {"hits": hits, "total": total, "ranked": min(total, RANK_WINDOW), "per_outlet": sorted(per_outlet.items()),
            "per_month": sorted(per_month.items())}


_languages_cache: dict[str, tuple[float, list[str]]] = {}
LANGUAGES_TTL = 300.0  # seconds; listing them reads an index entry per article


async def _languages(db: Any) -> list[str]:
    """The languages of the catalogue's articles, for the filter (cached for ``LANGUAGES_TTL`` seconds)."""
    now = time.monotonic()
    cached = _languages_cache.get(str(db.path))
    if cached and now - cached[0] < LANGUAGES_TTL:
        return cached[1]
    _languages_cache[str(db.path)] = (now, await read(db, searching.article_languages))
    return _languages_cache[str(db.path)][1]


def export_command(search: SearchRequest) -> str:
    """The ``newsarchive export`` command line that takes this search's outlet, date and relevance filters away."""
    parts = ["newsarchive export --format csv --out articles.csv"]
    if search.relevant:
        parts.append("--relevant")
    if search.outlet:
        parts.append(f"--outlet {search.outlet}")
    if search.since:
        parts.append(f"--since {search.since}")
    return " ".join(parts)


async def search_page(datasette: Any, request: Any) -> Response:
    """``/search?q=…&outlet=…&since=…&until=…&relevant=1&language=…&page=N``."""
    from crawler.web.pages import PluginSettings

    conf = PluginSettings.from_datasette(datasette)
    db = datasette.get_database(conf.database)
    search = SearchRequest.from_args(request.args)
    outlets = await read(db, searching.outlet_names)
    languages = await _languages(db)
    found = await run_search(db, search) if search.q else {"hits": [], "total": 0, "ranked": 0, "per_outlet": [],
                                                           "per_month": []}
    filters = {"q": search.q, "outlet": search.outlet, "since": search.since, "until": search.until,
               "relevant": "1" if search.relevant else "", "language": search.language}
    filters = {k: v for k, v in filters.items() if v}
    base = datasette.urls.path(f"/{conf.database}/search_articles")
    api = {"json": f"{base}.json?" + urlencode({**filters, "_shape": "array"}),
           "csv": f"{base}.csv?" + urlencode({**filters, "_size": "max"}),
           "table": f"{base}?" + urlencode(filters)}
    context = {
        "search": search, "outlets": outlets, "languages": languages, **found,
        "page_size": PAGE_SIZE, "pages": (found["ranked"] + PAGE_SIZE - 1) // PAGE_SIZE, "window": RANK_WINDOW,
        "next_url": "?" + search.query_string(page=search.page + 1),
        "prev_url": "?" + search.query_string(page=search.page - 1),
        "outlet_url": lambda o: "?" + search.query_string(outlet=o, page=1),
        "month_url": lambda m: "?" + search.query_string(since=m, until=m, page=1),
        "api": api, "database": conf.database, "export_command": export_command(search),
    }
    return Response.html(await datasette.render_template("search.html", context, request=request))

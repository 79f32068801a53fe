"""``/search``: ranked Arabic search (FTS5 bm25) with highlighted snippets, filters and counts per outlet and month."""

from __future__ import annotations

import logging
import re
import shlex
import time
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from datasette.utils.asgi import Response
from markupsafe import Markup

from archive.catalogue import searching
from archive.corpus.arabic import normalise
from archive.corpus.search import fts_query, highlight_html, query_terms, snippet_html
from crawler.web.cells import isolate
from crawler.web.reads import read

logger = logging.getLogger(__name__)

PAGE_SIZE = 20
#: Hits ranked by bm25 at most: the most recently archived ones (see archive.catalogue.searching.results_sql).
RANK_WINDOW = 5_000
#: The last page that can hold hits: a larger ``page=`` is read as this one (and then as the search's last page).
MAX_PAGE = -(-RANK_WINDOW // PAGE_SIZE)
# A day, a month or a year after ``normalise`` (Arabic-Indic and Persian digits are ASCII then): 2019-08-09,
# 2019-8-9, 2019/08/09, 2019-08, 2019; or the ISO 8601 basic 20190809
_DAY_RE = re.compile(r"^(\d{4})(?:[-/.](\d{1,2})(?:[-/.](\d{1,2}))?)?$|^(\d{4})(\d{2})(\d{2})$")
#: What ``relevant=`` accepts: relevant articles only, or every article (the page's "relevant only" box).
RELEVANT_VALUES = {"1": True, "true": True, "on": True, "yes": True, "0": False, "false": False, "off": False,
                   "no": False, "": False}
#: The filters a search reads from a query string, the page and the canned queries alike.
FILTERS = ("since", "until", "relevant")


def search_match(query: str | None) -> str:
    """The MATCH expression of a query; ``'""'`` (matches nothing, no error) when it has no searchable word."""
    return fts_query(query or "") or '""'


def parse_day(value: str | None) -> str | None:
    """A date filter as ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` in ASCII digits; ``""`` when empty, None when no date.

    Digits are folded as search folds them (``normalise``: ٢٠١٩-٠٨ and ۲۰۱۹-۰۸ are 2019-08), month and day may
    have one digit, and the month and day must exist (``2019-02-30`` is no date).
    """
    m = _DAY_RE.match(normalise(value or ""))
    if m is None:
        return "" if not (value or "").strip() else None
    year, month, day = m.groups()[:3] if m.group(1) else m.groups()[3:]
    try:
        date(int(year), int(month or 1), int(day or 1))
    except ValueError:
        return None
    return year + (f"-{int(month):02d}" if month else "") + (f"-{int(day):02d}" if day else "")


def parse_filters(args: Any) -> tuple[dict[str, Any], list[str]]:
    """``since``, ``until`` (``parse_day``) and ``relevant`` (``RELEVANT_VALUES``) read from a query string, and
    a message for each value that is none of those (that filter is then left out), and for a ``since`` after
    ``until``."""
    values: dict[str, Any] = {}
    errors = []
    for name in ("since", "until"):
        raw = args.get(name) or ""
        values[name] = parse_day(raw)
        if values[name] is None:
            errors.append(f"{name}: {raw.strip()!r} is not a date (YYYY-MM-DD, YYYY-MM or YYYY)")
            values[name] = ""
    since, until = values["since"], values["until"]
    span = min(len(since), len(until))
    if since and until and since[:span] > until[:span]:
        # both are dates, but no day is in the range: say so rather than show an empty result (stop 40's third
        # probe: since=2020&until=2019 found nothing, with no word why); the filters stay as typed
        errors.append(f"since {since} is after until {until}: no article can be in that range")
    raw = args.get("relevant") or ""
    values["relevant"] = RELEVANT_VALUES.get(normalise(raw))
    if values["relevant"] is None:
        errors.append(f"relevant: {raw.strip()!r} is not 1 or 0 (also yes/no, true/false, on/off)")
        values["relevant"] = False
    return values, errors


@dataclass(frozen=True)
class SearchRequest(searching.Facets):
    """A search as the page and the canned query take it: the query and its filters (the Facets), validated."""

    q: str = ""
    page: int = 1
    errors: list[str] = field(default_factory=list)

    @classmethod
    def from_args(cls, args: Any) -> SearchRequest:
        """Read ``q, outlet, since, until, relevant, language, page`` from a request's query string."""
        filters, errors = parse_filters(args)
        raw = (args.get("page") or "1").strip()
        try:
            # never past MAX_PAGE: page=9223372036854775807 would make an offset SQLite cannot hold (a 500), and
            # int() refuses more than 4,300 digits
            long = raw.isascii() and raw.isdigit() and len(raw.lstrip("0")) > len(str(MAX_PAGE))
            page = MAX_PAGE if long else min(MAX_PAGE, max(1, int(raw)))
        except ValueError:
            page = 1
        return cls(q=(args.get("q") or "").strip(), outlet=(args.get("outlet") or "").strip(),
                   language=(args.get("language") or "").strip(), page=page, errors=errors, **filters)

    def query_string(self, **changes: Any) -> str:
        """This search as a query string, with ``changes`` applied (empty values left out)."""
        values = {"q": self.q, "outlet": self.outlet, "since": self.since, "until": self.until,
                  "relevant": "1" if self.relevant else "", "language": self.language, "page": self.page}
        values.update(changes)
        return urlencode({k: v for k, v in values.items() if v not in ("", None) and not (k == "page" and v == 1)})


async def run_search(db: Any, search: SearchRequest) -> dict[str, Any]:
    """Hits of one page, the total, and the counts per outlet and per month (one pass over the hits)."""
    match = search_match(search.q)
    # a "phrase": its candidates (the words near each other) are checked on their text, the newest PHRASE_WINDOW
    phrase = None
    if searching.needs_text(search.q):
        phrase = await read(db, searching.phrase_check, match, search, search.q)
    per_outlet: Counter[str] = Counter()
    per_month: Counter[str] = Counter()
    for r in await read(db, searching.hit_counts, match, search, phrase=phrase):
        per_outlet[r["outlet"] or "?"] += r["n"]
        per_month[r["month"] or "undated"] += r["n"]
    total = sum(per_outlet.values())
    # a page past the last one shows the last one
    page = min(search.page, max(1, -(-min(total, RANK_WINDOW) // PAGE_SIZE)))
    # the window's newest-first walk is cheap when most hits pass the filters, and a full walk when few do: so
    # a search whose hits (the counts just gave their number) fit the window is ranked whole instead
    rows = await read(db, searching.ranked_hits, match, search, window=RANK_WINDOW, limit=PAGE_SIZE,
                      offset=(page - 1) * PAGE_SIZE, windowed=total > RANK_WINDOW,
                      phrase=phrase) if total else []
    terms = query_terms(search.q)
    # dates, numbers and Latin words inside the right-to-left hit are isolated, as everywhere else (cells.isolate)
    hits = [{**r, "title_html": Markup(highlight_html(r["title"], terms, render=isolate)),
             "snippet_html": Markup(snippet_html(r["text"], terms, render=isolate)), "rank": -r["rank"]}
            for r in rows]
    return {"hits": hits, "page": page, "total": total, "ranked": min(total, RANK_WINDOW),
            "per_outlet": sorted(per_outlet.items()), "per_month": sorted(per_month.items()), "phrase_capped": bool(phrase and phrase.capped)}


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


def export_command(search: SearchRequest, data_dir: Path | None = None) -> str:
    """The ``newsarchive export`` command line that takes this search's outlet, date, relevance and language filters
    away, run from where ``serve`` was started: ``--data`` names the served folder (relative to there when it is
    below it) unless it is the default ./data (before stop 37 it was always left out, and the command failed for
    any other)."""
    parts = ["newsarchive export --format csv --out articles.csv"]
    if data_dir is not None:
        here = Path.cwd()
        folder = data_dir.resolve()
        shown = str(folder.relative_to(here)) if folder.is_relative_to(here) else str(folder)
        if shown != "data":
            parts.append(f"--data {shlex.quote(shown)}")
    if search.relevant:
        parts.append("--relevant")
    if search.outlet:
        parts.append(f"--outlet {shlex.quote(search.outlet)}")
    # the dates as parse_day gave them (ASCII digits, YYYY[-MM[-DD]]), which export reads as the page does; before
    # stop 40's third probe `until` and `language` were left out (the command took more than the page showed) and
    # `since` was copied as typed (2019-07, ٢٠١٩, 2019/08/09), which export refused
    if search.since:
        parts.append(f"--since {search.since}")
    if search.until:
        parts.append(f"--until {search.until}")
    if search.language:
        parts.append(f"--language {shlex.quote(search.language)}")
    return " ".join(parts)


async def search_page(datasette: Any, request: Any) -> Response:
    """``/search?q=…&outlet=…&since=…&until=…&relevant=1&language=…&page=N``."""
    from crawler.web.pages import PluginSettings

    conf = PluginSettings.from_datasette(datasette)
    db = datasette.get_database(conf.database)
    search = SearchRequest.from_args(request.args)
    outlets = await read(db, searching.outlet_names)
    languages = await _languages(db)
    found = await run_search(db, search) if search.q else {"hits": [], "page": 1, "total": 0, "ranked": 0,
                                                           "per_outlet": [], "per_month": [], "phrase_capped": False}
    search = replace(search, page=found["page"])
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
        "phrase_window": searching.PHRASE_WINDOW,
        "next_url": "?" + search.query_string(page=search.page + 1),
        "prev_url": "?" + search.query_string(page=search.page - 1),
        "outlet_url": lambda o: "?" + search.query_string(outlet=o, page=1),
        "month_url": lambda m: "?" + search.query_string(since=m, until=m, page=1),
        "api": api, "database": conf.database, "export_command": export_command(search, conf.data_dir),
    }
    return Response.html(await datasette.render_template("search.html", context, request=request))

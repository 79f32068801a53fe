"""``/mentions``: how often the coverage names a chosen place, actor, armed group or institution, per week per outlet."""

from __future__ import annotations

import logging
import time
from typing import Any

from datasette.utils.asgi import Response
from markupsafe import Markup

from archive.catalogue import reading
from archive.corpus.arabic import normalise
from crawler.web.charts import colour, mentions_per_week_svg
from crawler.web.reads import read

logger = logging.getLogger(__name__)

TOP_TERMS = 12  # terms offered per category
TOP_TERMS_TTL = 300.0  # seconds the list of most-named terms is kept: counting them reads the whole index
_top_cache: dict[str, tuple[float, list[dict[str, Any]]]] = {}
_terms_cache: dict[str, tuple[float, dict[str, list[str]]]] = {}

async def top_terms(db: Any, key: str) -> list[dict[str, Any]]:
    """The most-named terms of each category (cached for ``TOP_TERMS_TTL`` seconds per database)."""
    now = time.monotonic()
    cached = _top_cache.get(key)
    if cached and now - cached[0] < TOP_TERMS_TTL:
        return cached[1]
    rows = await read(db, reading.top_mentioned_terms, TOP_TERMS)
    _top_cache[key] = (now, rows)
    return rows


def _per_outlet(weekly: list[Any]) -> list[dict[str, Any]]:
    """Totals per outlet (articles, mentions, first and last week) from the weekly rows, most articles first."""
    per: dict[str, dict[str, Any]] = {}
    for r in weekly:
        o = per.setdefault(r["outlet"] or "?", {"outlet": r["outlet"] or "?", "articles": 0, "occurrences": 0,
                                                 "first": r["week"], "last": r["week"]})
        o["articles"] += r["articles"]
        o["occurrences"] += r["occurrences"]
        o["first"] = min(filter(None, (o["first"], r["week"])), default=None)
        o["last"] = max(filter(None, (o["last"], r["week"])), default=None)
    names = sorted(per)
    for name, o in per.items():
        o["colour"] = colour(names.index(name))
    return sorted(per.values(), key=lambda o: (-o["articles"], o["outlet"]))


async def spellings(db: Any, key: str) -> dict[str, list[str]]:
    """The stored terms by their folded form (``normalise``), cached for ``TOP_TERMS_TTL`` seconds per database."""
    now = time.monotonic()
    cached = _terms_cache.get(key)
    if cached and now - cached[0] < TOP_TERMS_TTL:
        return cached[1]
    folded: dict[str, list[str]] = {}
    for term in await read(db, reading.mention_terms):
        folded.setdefault(normalise(term), []).append(term)
    _terms_cache[key] = (now, folded)
    return folded


async def weekly_for(db: Any, key: str, typed: str, relevant: bool) -> tuple[str, list[dict[str, Any]]]:
    """The term to chart and its weekly rows: ``typed`` itself when stored, else the stored term it names as search
    reads Arabic (tashkeel, tatweel, hamza, ة/ه, ى/ي folded; the one in most articles when several fold alike).

    The terms are the lexicon's spellings: before stop 40's third probe ``طرابلُس`` or ``مصراته`` named no article
    while ``/search`` found them (the mentions table stores the term as the lexicon writes it).
    """
    weekly = await read(db, reading.weekly_mentions, typed, relevant_only=relevant)
    if weekly or not typed:
        return typed, weekly
    best: tuple[int, str, list[dict[str, Any]]] | None = None
    for term in (await spellings(db, key)).get(normalise(typed), []):
        if term == typed:
            continue
        found = await read(db, reading.weekly_mentions, term, relevant_only=relevant)
        articles = sum(r["articles"] for r in found)
        if found and (best is None or articles > best[0]):
            best = (articles, term, found)
    return (best[1], best[2]) if best else (typed, weekly)


async def mentions_page(datasette: Any, request: Any) -> Response:
    """``/mentions?term=…&relevant=1``: a chart of the articles naming the term, per week per outlet."""
    from crawler.web.pages import PluginSettings

    conf = PluginSettings.from_datasette(datasette)
    db = datasette.get_database(conf.database)
    if not await db.table_exists("mentions"):
        return Response.html(await datasette.render_template("mentions.html", {
            "missing": True, "database": conf.database}, request=request))
    terms = await top_terms(db, f"{conf.database}:{db.path}")
    term = (request.args.get("term") or "").strip()
    if not term and terms:
        term = max(terms, key=lambda r: r["articles"])["term"]
    relevant = request.args.get("relevant") == "1"
    typed = term
    term, weekly = await weekly_for(db, f"{conf.database}:{db.path}", typed, relevant)
    per_outlet = _per_outlet(weekly)
    by_category: dict[str, list[dict[str, Any]]] = {}
    for r in terms:
        by_category.setdefault(r["category"], []).append(r)
    context = {
        "missing": False, "term": term, "typed": typed, "relevant_only": relevant, "database": conf.database,
        "svg": Markup(mentions_per_week_svg(((r["week"], r["outlet"] or "?", r["articles"], r["occurrences"])
                                             for r in weekly), term)),
        "per_outlet": per_outlet, "by_category": sorted(by_category.items()),
        "compare_url": datasette.urls.path(f"/{conf.database}/mentions_by_outlet") + "?term=",
    }
    return Response.html(await datasette.render_template("mentions.html", context, request=request))

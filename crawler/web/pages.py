"""The catalogue's own pages: an article with its history and provenance, charts, and WARC record downloads."""

from __future__ import annotations

import itertools
import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from datasette.utils.asgi import NotFound, Response
from markupsafe import Markup

from archive.catalogue import reading
from archive.corpus.bounded import DIFF_STEPS, Steps
from archive.corpus.history import Snapshot
from archive.errors import ArchiveIntegrityError
from crawler.web.charts import OutletHealth, articles_per_day_svg, chart_unit, crawl_health_svg
from crawler.web.diffs import diff_rows
from crawler.web.reads import read
from crawler.web.records import parse_capture_id, record_bytes

logger = logging.getLogger(__name__)

PLUGIN_NAME = "newsarchive"


@dataclass(frozen=True)
class PluginSettings:
    """What the pages need to know: which database is the catalogue, where WARCs live, where replay is served."""

    database: str = "catalogue"
    data_dir: Path | None = None  # WARC pointers are relative to this; None disables downloads
    replay_url: str | None = None  # e.g. "http://127.0.0.1:8002"; None hides replay links

    @classmethod
    def from_datasette(cls, datasette: Any) -> PluginSettings:
        """Read the ``plugins.newsarchive`` block of the Datasette metadata."""
        conf = datasette.plugin_config(PLUGIN_NAME) or {}
        data_dir = conf.get("data_dir")
        return cls(database=conf.get("database", "catalogue"), data_dir=Path(data_dir) if data_dir else None,
                   replay_url=(conf.get("replay_url") or "").rstrip("/") or None)


def _terms(value: str | None) -> list[dict[str, Any]]:
    """``matched_terms`` JSON ([term, category, weight, count] lists) as dicts; bad JSON shows as one raw row."""
    if not value:
        return []
    try:
        items = json.loads(value)
    except ValueError:
        return [{"term": value, "category": "?", "weight": None, "count": None}]
    out = []
    for item in items:
        item = list(item) + [None] * 4
        out.append({"term": item[0], "category": item[1], "weight": item[2], "count": item[3]})
    return out


async def article_context(datasette: Any, aid: str) -> dict[str, Any]:
    """Everything the article page shows, read from the catalogue."""
    conf = PluginSettings.from_datasette(datasette)
    db = datasette.get_database(conf.database)
    article = await read(db, reading.article_row, aid)
    if article is None:
        raise NotFound(f"No article {aid}")
    outlet = await read(db, reading.outlet_row, article["outlet"])
    versions = await read(db, reading.article_versions, aid)
    captures = await read(db, reading.captures_by_id, [article.get("capture_id")] + [v.get("capture_id")
                                                                                       for v in versions])
    steps = Steps(DIFF_STEPS)  # one budget for the page: N hostile versions cost what one does (stop 37's probe)
    for older, newer in reversed(list(itertools.pairwise(versions))):  # the newest first, as the page shows them
        newer["diff"] = [(kind, Markup(html)) for kind, html in diff_rows(
            Snapshot.from_row(older), Snapshot.from_row(newer), steps)]
        newer["date_change"] = (older.get("published"), newer.get("published")) \
            if older.get("published") != newer.get("published") else None
    for i, v in enumerate(versions):
        v["capture"] = captures.get(v.get("capture_id"))
        v["is_first"] = i == 0
        v.setdefault("diff", [])
        v.setdefault("date_change", None)
    return {
        "article": article,
        "outlet": outlet,
        "paragraphs": [p for p in (article.get("text") or "").splitlines() if p.strip()],
        "terms": _terms(article.get("matched_terms")),
        "versions": versions,
        "capture": captures.get(article.get("capture_id")),
        "timeline": _timeline(versions, await read(db, reading.article_events, aid)),
        "story": await read(db, reading.story_copies, article.get("story_id")),
        "replay_url": conf.replay_url,
        "downloads": conf.data_dir is not None,
        "database": conf.database,
    }


def _timeline(versions: list[dict[str, Any]], events: Any) -> list[dict[str, Any]]:
    """What happened to the article, oldest first: each later version (an edit: what changed) and each event.

    ``article_events`` holds deletions and returns (and, in newer catalogues, more); edits are the versions after
    the first, which the article's history shows with their differences.
    """
    out = []
    for older, newer in itertools.pairwise(versions):
        changed = newer.get("changed") or ",".join(k for k in ("title", "text", "published")
                                                     if older.get(k) != newer.get(k)) or "nothing visible"
        out.append({"at": newer.get("first_seen"), "what": f"edited: version {newer.get('version')}",
                    "detail": "changed: " + changed.replace(",", ", "), "link": f"#version-{newer.get('version')}"})
    for row in (events[1] if events else []):
        status = row.get("http_status")
        detail = " · ".join(str(x) for x in (f"HTTP {status}" if status else None, row.get("detail")) if x)
        out.append({"at": row.get("at"), "what": row.get("kind") or row.get("event") or "event", "detail": detail,
                    "link": None})
    return sorted(out, key=lambda e: e["at"] or "")


async def _merged_into(datasette: Any, aid: str) -> str | None:
    """The article that an alias URL's id (a merged-away row's id) now leads to, if ``aid`` is no article itself."""
    db = datasette.get_database(PluginSettings.from_datasette(datasette).database)
    return await read(db, reading.merged_into, aid)


async def article_page(datasette: Any, request: Any) -> Response:
    """``/article/<id>``: the article, its relevance evidence, versions with diffs, events and WARC provenance."""
    merged_into = await _merged_into(datasette, request.url_vars["id"])
    if merged_into is not None:  # the id of a row merged into another (archive/catalogue/aliases.py): that article
        return Response.redirect(datasette.urls.path(f"/article/{merged_into}"), status=301)
    context = await article_context(datasette, request.url_vars["id"])
    html = await datasette.render_template("article.html", context, request=request)
    return Response.html(html)


async def warc_record(datasette: Any, request: Any) -> Response:
    """``/warc-record/<capture id>``: download the exact gzip member that holds the capture's WARC record.

    A revisit comes with the response record it refers to, the member after its own: the revisit alone holds no
    page, and the two members are one valid ``.warc.gz`` a replay tool reads as the page as it was served.
    """
    conf = PluginSettings.from_datasette(datasette)
    if conf.data_dir is None:
        raise NotFound("WARC downloads are not configured (no data folder)")
    wanted = parse_capture_id(request.url_vars["capture_id"])
    db = datasette.get_database(conf.database)
    chain = [] if wanted is None else await read(db, reading.record_chain, wanted)
    chain = list(itertools.takewhile(lambda r: r["warc_file"], chain))
    if not chain:
        raise NotFound("No such capture")
    try:
        data = b"".join(record_bytes(conf.data_dir, r["warc_file"], int(r["warc_offset"]), int(r["warc_length"]))
                        for r in chain)
    except ArchiveIntegrityError as exc:
        logger.warning("capture %s: %s", chain[0]["id"], exc)
        return Response.text(f"WARC record unavailable: {exc}", status=404)
    name = f"capture-{chain[0]['id']}.warc.gz"
    return Response(data, content_type="application/warc", headers={
        "Content-Disposition": f'attachment; filename="{name}"', "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "sandbox; default-src 'none'"})


async def health_rows(db: Any) -> list[OutletHealth]:
    """Crawl health per outlet: crawls, pages archived, new articles, failures, last successful crawl."""
    return [OutletHealth(outlet=r["outlet"], crawls=r["crawls"], pages_fetched=r["pages"], articles_new=r["articles"],
                         failures=r["failures"], last_success=r["last_success"])
            for r in await read(db, reading.outlet_health)]


async def charts_page(datasette: Any, request: Any) -> Response:
    """``/charts``: articles per day per outlet (``?relevant=1`` for relevant only) and crawl health per outlet."""
    conf = PluginSettings.from_datasette(datasette)
    db = datasette.get_database(conf.database)
    relevant_only = request.args.get("relevant") == "1"
    per_day = await read(db, reading.articles_per_day, relevant_only=relevant_only)
    health = await health_rows(db)
    context = {
        "per_day_svg": Markup(articles_per_day_svg((r["day"], r["outlet"] or "?", r["n"]) for r in per_day)),
        "unit": chart_unit(r["day"] for r in per_day),
        "health_svg": Markup(crawl_health_svg(health)),
        "health": health,
        "relevant_only": relevant_only,
        "database": conf.database,
    }
    return Response.html(await datasette.render_template("charts.html", context, request=request))


#: The catalogue's tables in the order a researcher needs them (Datasette lists them alphabetically).
TABLE_ORDER = ("articles_view", "articles", "article_versions", "stories", "mentions", "outlets", "crawls",
               "captures", "failures", "article_events", "article_history", "frontier", "schedules", "story_bands",
               "counters")


async def landing_page(datasette: Any, request: Any) -> Response:
    """``/``: search first, then the latest relevant articles, then the tables in a researcher's order."""
    conf = PluginSettings.from_datasette(datasette)
    db = datasette.get_database(conf.database)
    names = set(await db.table_names()) | set(await db.view_names())
    meta = (datasette.metadata("tables", database=conf.database) or {})
    tables = [{"name": n, "description": (meta.get(n) or {}).get("description", "")}
              for n in TABLE_ORDER if n in names]
    tables += [{"name": n, "description": ""} for n in sorted(names)
               if n not in TABLE_ORDER and not n.startswith(("articles_fts", "_"))]
    latest = await read(db, reading.latest_relevant) if "articles" in names else []
    queries = await datasette.get_canned_queries(conf.database, request.actor)
    context = {"latest": latest, "tables": tables, "database": conf.database, "metadata": datasette.metadata() or {},
               "queries": [{"name": k, "title": v.get("title") or k} for k, v in queries.items()]}
    return Response.html(await datasette.render_template("landing.html", context, request=request))

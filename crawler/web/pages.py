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

from archive.errors import ArchiveIntegrityError
from crawler.web.charts import OutletHealth, articles_per_day_svg, chart_unit, crawl_health_svg
from crawler.web.diffs import diff_rows
from crawler.web.records import record_bytes

logger = logging.getLogger(__name__)

PLUGIN_NAME = "newsarchive"
CAPTURE_COLUMNS = ("id", "url", "status", "fetched_at", "record_type", "warc_file", "warc_offset", "warc_length",
                   "warc_record_id", "payload_digest", "content_type", "crawl_id")


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


async def _rows(db: Any, sql: str, params: Any = ()) -> list[dict[str, Any]]:
    result = await db.execute(sql, params)
    return [dict(r) for r in result.rows]


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


async def _captures(db: Any, ids: list[int]) -> dict[int, dict[str, Any]]:
    ids = sorted({i for i in ids if i is not None})
    if not ids:
        return {}
    marks = ",".join("?" * len(ids))
    rows = await _rows(db, f"select {', '.join(CAPTURE_COLUMNS)} from captures where id in ({marks})", ids)
    return {r["id"]: r for r in rows}


async def _events(db: Any, aid: str) -> tuple[list[str], list[dict[str, Any]]] | None:
    """The article's rows of ``article_events`` (edits, deletions) when that table exists, else None."""
    if not await db.table_exists("article_events"):
        return None
    columns = await db.table_columns("article_events")
    if "article_id" not in columns:
        return None
    order = "at, rowid" if "at" in columns else "rowid"
    rows = await _rows(db, f"select * from article_events where article_id = ? order by {order}", [aid])
    return [c for c in columns if c != "article_id"], rows


async def article_context(datasette: Any, aid: str) -> dict[str, Any]:
    """Everything the article page shows, read from the catalogue."""
    conf = PluginSettings.from_datasette(datasette)
    db = datasette.get_database(conf.database)
    found = await _rows(db, "select * from articles where id = ?", [aid])
    if not found:
        raise NotFound(f"No article {aid}")
    article = found[0]
    outlet = await _rows(db, "select * from outlets where name = ?", [article["outlet"]])
    versions = await _rows(db, "select * from article_versions where article_id = ? order by version", [aid])
    captures = await _captures(db, [article.get("capture_id")] + [v.get("capture_id") for v in versions])
    for older, newer in itertools.pairwise(versions):
        newer["diff"] = [(kind, Markup(html)) for kind, html in diff_rows(
            older["title"] or "", older["text"] or "", newer["title"] or "", newer["text"] or "")]
        newer["date_change"] = (older.get("published"), newer.get("published")) \
            if older.get("published") != newer.get("published") else None
    for i, v in enumerate(versions):
        v["capture"] = captures.get(v.get("capture_id"))
        v["is_first"] = i == 0
        v.setdefault("diff", [])
        v.setdefault("date_change", None)
    return {
        "article": article,
        "outlet": outlet[0] if outlet else None,
        "paragraphs": [p for p in (article.get("text") or "").splitlines() if p.strip()],
        "terms": _terms(article.get("matched_terms")),
        "versions": versions,
        "capture": captures.get(article.get("capture_id")),
        "events": await _events(db, aid),
        "replay_url": conf.replay_url,
        "downloads": conf.data_dir is not None,
        "database": conf.database,
    }


async def _merged_into(datasette: Any, aid: str) -> str | None:
    """The article that an alias URL's id (a merged-away row's id) now leads to, if ``aid`` is no article itself."""
    db = datasette.get_database(PluginSettings.from_datasette(datasette).database)
    if not await db.table_exists("article_aliases") or await _rows(db, "select 1 from articles where id = ?", [aid]):
        return None
    found = await _rows(db, "select article_id from article_aliases where url_id = ? limit 1", [aid])
    return found[0]["article_id"] if found else None


async def article_page(datasette: Any, request: Any) -> Response:
    """``/article/<id>``: the article, its relevance evidence, versions with diffs, events and WARC provenance."""
    merged_into = await _merged_into(datasette, request.url_vars["id"])
    if merged_into is not None:  # the id of a row merged into another (archive/catalogue/aliases.py): that article
        return Response.redirect(datasette.urls.path(f"/article/{merged_into}"), status=301)
    context = await article_context(datasette, request.url_vars["id"])
    html = await datasette.render_template("article.html", context, request=request)
    return Response.html(html)


async def warc_record(datasette: Any, request: Any) -> Response:
    """``/warc-record/<capture id>``: download the exact gzip member that holds the capture's WARC record."""
    conf = PluginSettings.from_datasette(datasette)
    if conf.data_dir is None:
        raise NotFound("WARC downloads are not configured (no data folder)")
    db = datasette.get_database(conf.database)
    rows = await _rows(db, "select id, warc_file, warc_offset, warc_length from captures where id = ?",
                       [int(request.url_vars["capture_id"])])
    if not rows or not rows[0]["warc_file"]:
        raise NotFound("No such capture")
    row = rows[0]
    try:
        data = record_bytes(conf.data_dir, row["warc_file"], int(row["warc_offset"]), int(row["warc_length"]))
    except ArchiveIntegrityError as exc:
        logger.warning("capture %s: %s", row["id"], exc)
        return Response.text(f"WARC record unavailable: {exc}", status=404)
    name = f"capture-{row['id']}.warc.gz"
    return Response(data, content_type="application/warc", headers={
        "Content-Disposition": f'attachment; filename="{name}"', "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "sandbox; default-src 'none'"})


HEALTH_SQL = """
select j.key as outlet, count(*) as crawls,
  max(case when c.status = 'finished' and coalesce(json_extract(j.value, '$.pages_fetched'), 0) > 0
      then coalesce(c.ended_at, c.started_at) end) as last_success
from crawls c, json_each(case when json_valid(c.counts) then c.counts else '{}' end) j
group by j.key
"""


async def health_rows(db: Any) -> list[OutletHealth]:
    """Crawl health per outlet: crawls, pages archived, new articles, failures, last successful crawl."""
    names = {r["name"] for r in await _rows(db, "select name from outlets")}
    per: dict[str, dict[str, Any]] = {}
    for table, key in (("captures", "pages"), ("failures", "failures"), ("articles", "articles")):
        for r in await _rows(db, f"select outlet, count(*) as n from {table} where outlet is not null group by outlet"):
            per.setdefault(r["outlet"], {})[key] = r["n"]
    for r in await _rows(db, HEALTH_SQL):
        per.setdefault(r["outlet"], {}).update(crawls=r["crawls"], last_success=r["last_success"])
    names |= {n for n in per if n != "-"}
    return [OutletHealth(outlet=n, crawls=per.get(n, {}).get("crawls", 0), pages_fetched=per.get(n, {}).get("pages", 0),
                         articles_new=per.get(n, {}).get("articles", 0), failures=per.get(n, {}).get("failures", 0),
                         last_success=per.get(n, {}).get("last_success")) for n in sorted(names)]


async def charts_page(datasette: Any, request: Any) -> Response:
    """``/charts``: articles per day per outlet (``?relevant=1`` for relevant only) and crawl health per outlet."""
    conf = PluginSettings.from_datasette(datasette)
    db = datasette.get_database(conf.database)
    relevant_only = request.args.get("relevant") == "1"
    where = "where relevant = 1" if relevant_only else ""
    per_day = await _rows(db, f"""
        select substr(coalesce(published, first_seen), 1, 10) as day, outlet, count(*) as n
        from articles {where} group by day, outlet order by day""")
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
LANDING_SQL = """
select id, title, outlet, published, relevance_score, substr(text, 1, 400) as excerpt
from articles where relevant = 1 and published is not null
order by published desc limit 8"""


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
    latest = await _rows(db, LANDING_SQL) if "articles" in names else []
    queries = await datasette.get_canned_queries(conf.database, request.actor)
    context = {"latest": latest, "tables": tables, "database": conf.database, "metadata": datasette.metadata() or {},
               "queries": [{"name": k, "title": v.get("title") or k} for k, v in queries.items()]}
    return Response.html(await datasette.render_template("landing.html", context, request=request))

"""Article aliases: the other URLs of one article, learned session parameters, and merging duplicate rows."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlite_utils

from archive.catalogue import mentions, reading, renderings, story_rows, versions
from archive.catalogue.reading import article_row
from archive.catalogue.transactions import immediate
from archive.corpus import stories
from archive.corpus import textfiles as textexport

logger = logging.getLogger(__name__)

# How an alias was learned (article_aliases.how)
HOW = ("redirect", "canonical", "url-rule", "default-document", "session-param", "same-body", "page-part")
# Columns that hold an article's current content: on a merge they come from the more recently seen row
CONTENT_COLUMNS = ("title", "text", "published", "published_source", "author", "language", "relevant",
                   "relevance_score", "libya_score", "conflict_score", "matched_terms", "capture_id",
                   "text_digest", "status", "search_text")


def url_id(url: str) -> str:
    """The article id a canonical URL gives: the first 16 hex digits of its sha256 (catalogue.article_id)."""
    return hashlib.sha256(url.encode("utf-8")).hexdigest()[:16]


def now_iso() -> str:
    """The current UTC time as ISO 8601 with seconds."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def find_article(db: sqlite_utils.Database, urls: Iterable[str]) -> dict[str, Any] | None:
    """The article any of ``urls`` names: by its own id first (in the order given), then as a recorded alias."""
    urls = [u for u in dict.fromkeys(urls) if u]
    for url in urls:
        row = article_row(db.conn, url_id(url))
        if row is not None:
            return row
    if not urls:
        return None
    marks = ", ".join("?" for _ in urls)
    found = reading.rows(db.conn, f"select a.* from article_aliases al join articles a on a.id = al.article_id "
                                f"where al.url in ({marks}) order by al.rowid limit 1", urls)
    return found[0] if found else None


def add_alias(db: sqlite_utils.Database, url: str, article_id: str, how: str, *, outlet: str | None = None,
              capture_id: int | None = None, detail: str = "") -> bool:
    """Record ``url`` as another address of an article; False when it is the article's own URL or another article's.

    An alias already recorded keeps how it was first learned. The caller commits.
    """
    if how not in HOW:
        raise ValueError(f"unknown alias kind {how!r}; one of {', '.join(HOW)}")
    uid = url_id(url)
    if uid == article_id:
        return False
    if article_row(db.conn, uid) is not None:
        # a row of its own: only a merge (newsarchive dedupe) may fold it in, never a silent alias
        logger.info("%s is article %s of its own, not recorded as an alias of %s", url, uid, article_id)
        return False
    db.execute("insert or ignore into article_aliases (url, url_id, article_id, outlet, how, first_seen, capture_id, "
               "detail) values (?, ?, ?, ?, ?, ?, ?, ?)",
               [url, uid, article_id, outlet, how, now_iso(), capture_id, detail[:500]])
    return True


def has_parts(db: sqlite_utils.Database, article_id: str, url: str | None = None) -> bool:
    """Whether the article was joined from pages it was split over (aliases learned as ``page-part``); with ``url``,
    whether ``url`` is one of its later pages."""
    where, params = ("and url = ?", [article_id, url]) if url else ("", [article_id])
    return db.execute(f"select 1 from article_aliases where article_id = ? and how = 'page-part' {where} limit 1",
                      params).fetchone() is not None


def article_urls(db: sqlite_utils.Database, article_id: str, hows: Iterable[str] = HOW) -> list[str]:
    """An article's URL, then its aliases learned in one of ``hows`` ways, in the order they were recorded."""
    row = article_row(db.conn, article_id)
    urls = [row["url"]] if row is not None else []
    hows = list(hows)
    marks = ", ".join("?" for _ in hows)
    return urls + [r["url"] for r in db.query(f"select url from article_aliases where article_id = ? and how in "
                                               f"({marks}) order by rowid", [article_id, *hows])]


def all_article_urls(db: sqlite_utils.Database) -> list[dict[str, Any]]:
    """``id, url`` of every article, oldest first."""
    return list(db.query("select id, url from articles order by first_seen, id"))


def forget_alias(db: sqlite_utils.Database, url: str, article_id: str) -> None:
    """Drop ``url`` as an alias of an article (a contested ``rel=canonical``). The caller commits."""
    db.execute("delete from article_aliases where url = ? and article_id = ?", [url, article_id])


def mark_contested(db: sqlite_utils.Database, url: str, outlet: str) -> None:
    """Remember that different articles declare ``url`` as their canonical (table ``contested_canonicals``, m014),
    so no later page takes it as its row's URL; discovery and fetching are not affected. The caller commits."""
    db.execute("insert or ignore into contested_canonicals (url, outlet, first_seen) values (?, ?, ?)",
               [url, outlet, now_iso()])


def is_contested(db: sqlite_utils.Database, url: str) -> bool:
    """Whether ``url`` was found to be declared as their canonical by different articles (``mark_contested``)."""
    return db.execute("select 1 from contested_canonicals where url = ?", [url]).fetchone() is not None


def captured_urls(db: sqlite_utils.Database, article: dict[str, Any]) -> list[str]:
    """The URLs the article's versions (and its latest capture) were fetched under, in capture order."""
    return [r["url"] for r in db.query(
        "select c.url from captures c where c.id in (select capture_id from article_versions where article_id = ?) "
        "or c.id = ? group by c.url order by min(c.id)", [article["id"], article["capture_id"]])]


def capture_url(db: sqlite_utils.Database, capture_id: int | None) -> str | None:
    """The URL capture ``capture_id`` was fetched under, or None."""
    row = db.execute("select url from captures where id = ?", [capture_id]).fetchone() if capture_id else None
    return row[0] if row else None


def redirect_location(db: sqlite_utils.Database, url: str) -> str | None:
    """The ``Location`` of the latest archived redirect (301, 302, 303, 307, 308) from ``url``, or None."""
    row = db.execute("select location from captures where url = ? and status in (301, 302, 303, 307, 308) "
                     "and location is not null and location != '' order by id desc limit 1", [url]).fetchone()
    return row[0] if row else None


def learned_params(db: sqlite_utils.Database, outlet: str) -> tuple[str, ...]:
    """The query parameters learned to be session tokens on this outlet, sorted."""
    return tuple(r["name"] for r in db.query("select name from session_params where outlet = ? order by name",
                                              [outlet]))


def learn_params(db: sqlite_utils.Database, outlet: str, names: Iterable[str], evidence: str) -> list[str]:
    """Remember parameters as session tokens of an outlet; return the ones new to it. The caller commits."""
    new = []
    for name in names:
        cur = db.execute("insert or ignore into session_params (outlet, name, learned_at, evidence) values (?, ?, ?, ?)",
                         [outlet, name.lower(), now_iso(), evidence[:500]])
        if cur.rowcount:
            new.append(name.lower())
            logger.info("outlet %s: %r learned as a session parameter (%s)", outlet, name, evidence)
    return new


def release_stale_same_body(db: sqlite_utils.Database, article: dict[str, Any], urls: Iterable[str],
                            digest: str) -> bool:
    """Forget ``urls`` as aliases of ``article`` when only the same-body rule tied them and their body now differs.

    The same-body rule is evidence at one moment: a page that later shows another text is its own article, not a
    new version of this one (else a site's passing glitch would overwrite an article). Returns True when released.
    """
    urls = [u for u in dict.fromkeys(urls) if u]
    if not urls or has_body(db, article, digest) or any(url_id(u) == article["id"] for u in urls):
        return False  # the body of one of its versions is no other body (a copy of the teaser it grew from)
    marks = ", ".join("?" for _ in urls)
    hows = {r["how"] for r in db.query(f"select how from article_aliases where article_id = ? and url in ({marks})",
                                        [article["id"], *urls])}
    if hows != {"same-body"}:
        return False
    with immediate(db):
        db.execute(f"delete from article_aliases where article_id = ? and url in ({marks})", [article["id"], *urls])
    logger.info("%s no longer serves the body of article %s: released as its own article", urls[0], article["id"])
    return True


def has_body(db: sqlite_utils.Database, article: dict[str, Any], digest: str) -> bool:
    """Whether the article's text, one of its earlier versions or one of its lesser renderings (a teaser met after
    the story: archive.catalogue.renderings) has this text digest (title and body)."""
    return article["text_digest"] == digest or db.execute(
        "select 1 from article_versions where article_id = ? and text_digest = ? limit 1",
        [article["id"], digest]).fetchone() is not None or renderings.has(db, article["id"], digest)


# the same-body rule: an article whose text has the digest, else one with a version that had it (m016's index)
SAME_BODY_SQL = ("select * from articles where outlet = ? and text_digest = ? and id != ? order by first_seen, id "
                 "limit 1",
                 "select a.* from article_versions v join articles a on a.id = v.article_id where v.text_digest = ? "
                 "and a.outlet = ? and a.id != ? order by a.first_seen, a.id limit 1")


def same_body_article(db: sqlite_utils.Database, outlet: str, digest: str, exclude: str) -> dict[str, Any] | None:
    """Another article of the outlet whose title and body have (or once had: an earlier version's; or a lesser
    rendering of it had) this text digest: one article under two URLs (a plain copy of a teaser is its story's row)."""
    found = reading.rows(db.conn, SAME_BODY_SQL[0], [outlet, digest, exclude]) or reading.rows(
        db.conn, SAME_BODY_SQL[1], [digest, outlet, exclude])
    return found[0] if found else renderings.article_with(db, outlet, digest, exclude)


# -- merging --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Merge:
    """One article folded into another."""

    kept: str
    dropped: str
    dropped_url: str
    how: str
    seq: int | None
    versions_moved: int
    versions_folded: int
    text_file: str | None
    removed_files: tuple[str, ...] = ()


def _renumber_versions(db: sqlite_utils.Database, keep: str, drop: str) -> tuple[int, int]:
    """Move the dropped article's distinct versions to the kept one, renumbered in time order; identical ones fold."""
    kept = list(db.query("select * from article_versions where article_id = ? order by version", [keep]))
    dropped = list(db.query("select * from article_versions where article_id = ? order by version", [drop]))
    digests = {v["text_digest"] for v in kept}
    moved, folded = [], []
    for v in dropped:
        (folded if v["text_digest"] in digests else moved).append(v)
        digests.add(v["text_digest"])
    for v in folded:
        # the same text as a version the kept article has: its capture stays in `captures` and the alias names it
        db.execute("delete from article_versions where id = ?", [v["id"]])
    merged = sorted(kept + moved, key=lambda v: (v["first_seen"] or "", v["id"]))
    # negative numbers first, so the unique (article_id, version) index never sees two rows at once
    for v in merged:
        db.execute("update article_versions set article_id = ?, version = ? where id = ?", [keep, -v["id"], v["id"]])
    for n, v in enumerate(merged, start=1):
        # diffs are between neighbours, which may have changed: Catalogue.reconcile_history writes them again
        db.execute("update article_versions set version = ?, diff = null, changed = null where id = ?", [n, v["id"]])
    return len(moved), len(folded)


#: writes an article's text file and returns its path under the data folder (textfiles.write_text's signature)
WriteText = Callable[[Path, int, str, str, list[str]], str]


def merge_articles(db: sqlite_utils.Database, data_dir: Path, keep: str, drop: str, how: str, *,
                   stale: list[str] | None = None, write: WriteText = textexport.write_text) -> Merge:
    """Fold article ``drop`` into ``keep``: versions, events, aliases, the lowest seq, one text file.

    Every capture stays (captures are never touched); the dropped URL becomes an alias of the kept article.
    The text file is rewritten as ``NNN_<keep>.txt`` with the lower of the two sequence numbers and the other
    file is removed (after the catalogue commit, so a crash leaves at worst a stray file that `check` names).
    Runs in one transaction. Inside a bigger one (the crawl's writer batch: crawler.capture.apply) the caller
    commits: ``write`` stages the kept file with the batch's other text files (published in order once it commits,
    dropped should it roll back) and the files it makes unused go to ``stale`` instead of being removed (removed
    once the batch has committed).
    """
    a, b = article_row(db.conn, keep), article_row(db.conn, drop)
    if a is None or b is None:
        raise KeyError(f"cannot merge {drop!r} into {keep!r}: no such article")
    if keep == drop:
        raise ValueError("an article cannot be merged into itself")
    newer = b if (b["last_seen"] or "") > (a["last_seen"] or "") else a
    older = a if newer is b else b
    if newer["text_digest"] != older["text_digest"] and has_body(db, older, newer["text_digest"]):
        newer = older  # seen later, but a copy of an earlier version of the other: that one's text is the later
    seqs = [s for s in (a["seq"], b["seq"]) if s is not None]
    seq = min(seqs) if seqs else None
    old_files = [f for f in (a["text_file"], b["text_file"]) if f]
    with immediate(db):
        versions.write_out(db, [keep, drop])  # the versions move; the rows' texts change below
        moved, folded = _renumber_versions(db, keep, drop)
        # every other table that refers to articles by article_id (events, mentions, ...), in one query
        tables = [r[0] for r in db.execute(
            "select m.name from sqlite_master m join pragma_table_info(m.name) p where m.type = 'table' "
            "and p.name = 'article_id' and m.name not in ('article_versions', 'article_aliases', 'mentions')")]
        for table in tables:
            # rows derived per article (one per article and term, say) that the kept one has already: dropped
            db.execute(f"update or ignore [{table}] set article_id = ? where article_id = ?", [keep, drop])
            db.execute(f"delete from [{table}] where article_id = ?", [drop])
        db.execute("update article_aliases set article_id = ? where article_id = ?", [keep, drop])
        # an alias of the dropped row that is the kept row's own URL (a re-key to a URL first seen as an alias)
        db.execute("delete from article_aliases where article_id = ? and url = ?", [keep, a["url"]])
        db.execute("delete from articles where id = ?", [drop])
        update = {k: newer[k] for k in CONTENT_COLUMNS if k in newer}
        relevant = bool(update.get("relevant", a["relevant"]))
        update.update(
            seq=seq, first_seen=min((s for s in (a["first_seen"], b["first_seen"]) if s), default=None),
            last_seen=max((s for s in (a["last_seen"], b["last_seen"]) if s), default=None),
            versions=db.execute("select count(*) from article_versions where article_id = ?", [keep]).fetchone()[0],
        )
        text_file = None
        if relevant and seq is not None:
            text_file = write(data_dir, seq, keep, update["title"] or "", (update["text"] or "").split("\n"))
        update["text_file"] = text_file
        db["articles"].update(keep, update)
        # keyed by the article's rowid (m011): the dropped row's went with it; the kept one's follow its evidence
        mentions.record(db, article_row(db.conn, keep) or {"id": keep})
        versions.share_current(db, keep)
        add_alias(db, b["url"], keep, how, outlet=b["outlet"], capture_id=b["capture_id"],
                  detail=f"merged article {drop} (seq {b['seq']})")
        stories.assign(db, keep)
        if b["story_id"] and b["story_id"] != a["story_id"]:
            story_rows.refresh_story(db, b["story_id"])
    removed = []
    for rel in old_files:
        if rel != text_file:
            if stale is None:
                (Path(data_dir) / rel).unlink(missing_ok=True)
            else:
                stale.append(rel)
            removed.append(rel)
    logger.info("merged article %s (%s) into %s (%s): seq %s", drop, b["url"], keep, how, seq)
    return Merge(keep, drop, b["url"], how, seq, moved, folded, text_file, tuple(removed))


def rekey_article(db: sqlite_utils.Database, data_dir: Path, aid: str, new_url: str, how: str, *,
                  stale: list[str] | None = None, write: WriteText = textexport.write_text) -> Merge:
    """Give an article a cleaner URL (and so a new id): a copy under the new id, then the old one merged into it
    (``stale``, ``write``: see merge_articles)."""
    row = article_row(db.conn, aid)
    if row is None:
        raise KeyError(f"no article {aid!r}")
    new_id = url_id(new_url)
    with immediate(db):
        copy = {**row, "id": new_id, "url": new_url, "seq": None, "text_file": None, "story_id": None,
                "story_match": None, "story_score": None}
        db["articles"].insert(copy)
    return merge_articles(db, data_dir, new_id, aid, how, stale=stale, write=write)


# -- finding duplicates in an existing catalogue ----------------------------------------------------


@dataclass
class DedupePlan:
    """Groups of rows that are one article: the row kept and the rows folded into it, with why."""

    groups: list[tuple[dict[str, Any], list[tuple[dict[str, Any], str]]]] = field(default_factory=list)

    @property
    def merges(self) -> int:
        """How many rows would be folded away."""
        return sum(len(drops) for _, drops in self.groups)


def plan_dedupe(db: sqlite_utils.Database, key_of: Callable[[str, str], str],
                rank: Callable[[dict[str, Any]], Any],
                how_of: Callable[[dict[str, Any], dict[str, Any]], str]) -> DedupePlan:
    """Group the articles that are one: the same URL key (``key_of(url, outlet)``) or, within an outlet, the same body
    (a row's text or one of its earlier versions').

    ``rank`` orders a group's rows (the first is kept); ``how_of(kept, dropped)`` says why they are one.
    """
    rows = list(db.query("select id, url, outlet, seq, first_seen, last_seen, text_digest, title, text, "
                         "relevant from articles order by first_seen, id"))
    parent = {r["id"]: r["id"] for r in rows}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(x: str, y: str) -> None:
        parent[find(x)] = find(y)

    earlier: dict[str, list[str]] = {}  # the bodies of each row's earlier versions and lesser renderings: a copy
    for v in db.query("select distinct v.article_id, v.text_digest from article_versions v join articles a on "
                      "a.id = v.article_id where v.text_digest != a.text_digest and trim(v.text) != '' union "
                      "select r.article_id, r.text_digest from article_renderings r join articles a on "
                      "a.id = r.article_id where r.text_digest != a.text_digest"):
        earlier.setdefault(v["article_id"], []).append(v["text_digest"])
    first: dict[tuple[str, str], str] = {}
    for r in rows:
        keys = [("url", key_of(r["url"], r["outlet"]))]
        if r["text_digest"] and (r["text"] or "").strip():
            keys.append(("body", f"{r['outlet']}\n{r['text_digest']}"))
        keys += [("body", f"{r['outlet']}\n{d}") for d in earlier.get(r["id"], ())]
        for k in keys:
            if k in first:
                union(r["id"], first[k])
            else:
                first[k] = r["id"]
    groups: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        groups.setdefault(find(r["id"]), []).append(r)
    plan = DedupePlan()
    for members in groups.values():
        if len(members) < 2:
            continue
        members.sort(key=rank)
        kept = members[0]
        plan.groups.append((kept, [(m, how_of(kept, m)) for m in members[1:]]))
    plan.groups.sort(key=lambda g: (g[0]["first_seen"] or "", g[0]["id"]))
    return plan


def apply_dedupe(db: sqlite_utils.Database, data_dir: Path, plan: DedupePlan) -> list[Merge]:
    """Carry out a plan: each group's rows merged into the kept one."""
    return [merge_articles(db, data_dir, kept["id"], row["id"], how)
            for kept, drops in plan.groups for row, how in drops]

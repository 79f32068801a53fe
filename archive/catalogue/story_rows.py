"""Catalogue rows of stories: LSH band keys, band candidates, story membership and each story's summary row.

The grouping itself (shingles, MinHash, the similarity rules) is archive.corpus.stories; this module holds its SQL.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

import sqlite_utils

from archive.catalogue import reading

logger = logging.getLogger(__name__)


def story_id_taken(db: sqlite_utils.Database, story_id: str) -> bool:
    """True when a story row with this id exists."""
    return db.execute("select 1 from stories where id = ?", [story_id]).fetchone() is not None


def refresh_story(db: sqlite_utils.Database, story_id: str) -> None:
    """Recompute a story's row from its articles (counts, first seen, title of its first article); drop it if empty."""
    rows = reading.rows(db.conn, (
        "select count(*) as articles, count(distinct outlet) as outlets, min(first_seen) as first_seen, "
        "max(last_seen) as last_seen, min(published) as published, sum(relevant) as relevant "
        "from articles where story_id = ?"), [story_id])
    agg = rows[0]
    if not agg["articles"]:
        db.execute("delete from stories where id = ?", [story_id])
        return
    [first] = reading.rows(
        db.conn, "select id, title from articles where story_id = ? order by first_seen, seq is null, seq, id limit 1",
        [story_id])
    # plain SQL, not Table.upsert: sqlite-utils reads the table's schema on every call (issue 10's writer profile)
    db.execute(
        "insert into stories (id, first_seen, last_seen, published, articles, outlets, relevant_articles, title, "
        "first_article) values (?, ?, ?, ?, ?, ?, ?, ?, ?) on conflict (id) do update set "
        "first_seen = excluded.first_seen, last_seen = excluded.last_seen, published = excluded.published, "
        "articles = excluded.articles, outlets = excluded.outlets, relevant_articles = excluded.relevant_articles, "
        "title = excluded.title, first_article = excluded.first_article",
        [story_id, agg["first_seen"], agg["last_seen"], agg["published"], agg["articles"], agg["outlets"],
         agg["relevant"] or 0, first["title"], first["id"]])


def join_story(db: sqlite_utils.Database, story_id: str, article_id: str) -> None:
    """Count an article that was in no story into the row of the story it joined (what refresh_story would give).

    Why not refresh_story: its aggregates read every member's row, and the columns they need come after the body, so
    SQLite walks each member's overflow pages; on issue 10's 20,000-page crawl, whose largest stories held 700
    copies, that was 2.1 ms per new article and growing. Here: the story's row, the new article's and the story's
    first article's, and one look for another member from the same outlet. The story's row stays what a refresh
    would make of it: a member's first_seen never changes, a new article's last_seen is the latest, and anything
    that edits or removes a member (a new version, a merge) goes through refresh_story.
    """
    story = db.execute("select articles, outlets, first_seen, last_seen, published, relevant_articles, "
                       "first_article from stories where id = ?", [story_id]).fetchone()
    new = db.execute("select outlet, first_seen, last_seen, published, relevant, seq, title from articles "
                     "where id = ? and story_id = ?", [article_id, story_id]).fetchone()
    first = story and db.execute("select first_seen, seq from articles where id = ? and story_id = ?",
                                 [story[6], story_id]).fetchone()
    if not story or not new or not first or first[1] is None:
        # no row yet, its first article is gone, or has no number: a member numbered since the row was made may now
        # come first (seq is given after grouping; numbers only grow, so under a numbered first none can)
        refresh_story(db, story_id)
        return
    articles, outlets, first_seen, last_seen, published, relevant, first_article = story
    outlet, new_first_seen, new_last_seen, new_published, new_relevant, seq, title = new
    # "+outlet": through the story's index, not the outlet's (a third of the catalogue)
    if outlet is not None and db.execute("select 1 from articles where story_id = ? and +outlet = ? and id != ? "
                                         "limit 1", [story_id, outlet, article_id]).fetchone() is None:
        outlets += 1
    leads = _first_key(new_first_seen, seq, article_id) < _first_key(first[0], first[1], first_article)
    db.execute(
        "update stories set articles = ?, outlets = ?, first_seen = ?, last_seen = ?, published = ?, "
        "relevant_articles = ?, first_article = ?, title = case when ? then ? else title end where id = ?",
        [articles + 1, outlets, _least(first_seen, new_first_seen), _most(last_seen, new_last_seen),
         _least(published, new_published), (relevant or 0) + (new_relevant or 0),
         article_id if leads else first_article, leads, title, story_id])


def _first_key(first_seen: str | None, seq: int | None, article_id: str) -> tuple[Any, ...]:
    """refresh_story's order of a story's articles (``first_seen, seq is null, seq, id``; NULL first) as a key."""
    return (first_seen is not None, first_seen or "", seq is None, seq or 0, article_id)


def _least(a: Any, b: Any) -> Any:
    """SQL's aggregate min of two values: NULL only when both are."""
    return b if a is None else a if b is None else min(a, b)


def _most(a: Any, b: Any) -> Any:
    """SQL's aggregate max of two values: NULL only when both are."""
    return b if a is None else a if b is None else max(a, b)


# m011: an article's LSH band keys in one row of ``story_bands`` (keyed by the article's rowid, so new rows are
# appended), looked up through ``story_band_index``, an FTS5 index with the keys as tokens. FTS5 writes each
# transaction's keys as one new small segment and merges segments in the background (an LSM tree). m010's table
# keyed by (band, article) put every key of a batch on a random leaf page: once it outgrew one batch, 50 keys per
# article cost up to 50 rewritten 4 KB pages in the WAL and again at the checkpoint (14 % of the WAL frames on
# issue 10's 3,000-page benchmark crawl, growing with the catalogue; with mentions, m011 took the crawl from 257 to
# 150 KB written per page).
BANDS_SQL = (
    "drop trigger if exists story_bands_ad",  # it names story_bands, which is replaced below
    "create table story_bands_m011 (article integer primary key, bands text not null)",
    """insert into story_bands_m011 (article, bands)
      select article, group_concat(printf('%016x', band), ' ') from story_bands group by article""",
    "drop table story_bands",
    "alter table story_bands_m011 rename to story_bands",
    # detail=none: the rowids of the articles holding a key, nothing else (no positions, no column sizes)
    """create virtual table story_band_index using fts5(bands, content='story_bands', content_rowid='article',
      detail=none, columnsize=0, tokenize='ascii')""",
    "insert into story_band_index (story_band_index) values ('rebuild')",
    """create trigger story_bands_ai after insert on story_bands begin
      insert into story_band_index (rowid, bands) values (new.article, new.bands);
    end""",
    """create trigger story_bands_bd before delete on story_bands begin
      insert into story_band_index (story_band_index, rowid, bands) values ('delete', old.article, old.bands);
    end""",
    """create trigger story_bands_ad after delete on articles begin
      delete from story_bands where article = old.rowid;
    end""",
)


def index_bands(db: sqlite_utils.Database) -> None:
    """Move m010's ``story_bands`` rows (one per key) to one row per article and the FTS5 index (migration m011)."""
    for statement in BANDS_SQL:
        db.execute(statement)


# m013: each band row also names its article's story, kept equal to ``articles.story_id`` by a trigger on the
# articles, whoever writes them (grouping, merges, re-keyed rows). The candidate look-up ranks up to 80 articles by
# shared bands and needs their stories; ``articles.story_id`` comes after the body in the row, so reading it walked
# each candidate's overflow pages: 0.3-0.4 ms of the writer's CPU per new article on issue 10's 2,000-page mirror
# catalogue (a third of the look-up), where a band row (850 bytes) sits on one page.
STORY_SQL = (
    "alter table story_bands add column story text",
    "update story_bands set story = (select a.story_id from articles a where a.rowid = story_bands.article)",
    """create trigger story_bands_story after update of story_id on articles
      when old.story_id is not new.story_id begin
      update story_bands set story = new.story_id where article = new.rowid;
    end""",
)


def name_stories(db: sqlite_utils.Database) -> None:
    """Give every ``story_bands`` row its article's story, and keep it so (migration m013)."""
    for statement in STORY_SQL:
        db.execute(statement)


def band_token(key: int) -> str:
    """A band key as its index token: 16 hex digits of the key as an unsigned 64-bit number (SQL's printf('%016x'))."""
    return format(key & 0xFFFF_FFFF_FFFF_FFFF, "016x")


# A body as the bytes the catalogue stores, not decoded into a str: the story grouping's shingle cache
# (archive.corpus.stories) only needs to tell whether a candidate's body is the one it has shingles of, which a
# hash of these bytes tells as surely as one of the text. Decoding ten bodies of ~17 KB of UTF-8 and hashing the
# strings was 0.3 ms of the writer's CPU per new article on issue 10's benchmark mirror, the bytes and their hash
# 0.12; the text itself is read only for a body the cache does not hold (``article_text``).
STORED_TEXT = "cast(text as blob)"


def band_candidates(db: sqlite_utils.Database, article_id: str, keys: list[int], limit: int) -> list[dict[str, Any]]:
    """For up to ``limit`` stories, the article sharing the most LSH band keys with this one: ``id, story_id`` and
    ``body``, its text as the bytes the catalogue holds (``STORED_TEXT``; ``b""`` for none).

    Most shared bands first. One article per story: a wire story copied a thousand times would otherwise fill the
    list with copies of one story and have every body compared (issue 10's 20,000-page run). Only the chosen
    articles' bodies are read; the band counts come from the band index alone (one FTS5 lookup per key), the
    stories of the best-placed from their ``story_bands`` rows (m013).
    """
    tokens = sorted({band_token(k) for k in keys})
    if not tokens:
        return []
    hits = " union all ".join("select rowid from story_band_index where story_band_index match ?" for _ in tokens)
    ranked = db.execute(
        f"with hits (article) as ({hits}) "
        f"select b.article, b.story from (select article, count(*) as bands from hits "
        f"where article != (select rowid from articles where id = ?) "
        f"group by article order by bands desc, article limit ?) c "
        f"join story_bands b on b.article = c.article where b.story is not null order by c.bands desc, c.article",
        [*(f'"{t}"' for t in tokens), article_id, limit * 8]).fetchall()
    best: dict[str, int] = {}
    for rowid, story in ranked:
        if story not in best:
            best[story] = rowid
            if len(best) == limit:
                break
    if not best:
        return []
    order = {rowid: n for n, rowid in enumerate(best.values())}
    rows = db.execute(f"select rowid, id, story_id, {STORED_TEXT} from articles where rowid in "
                      f"({', '.join('?' for _ in order)})", list(order)).fetchall()
    return [{"id": aid, "story_id": story, "body": body or b""}
            for _, aid, story, body in sorted(rows, key=lambda r: order[r[0]])]


def article_text(db: sqlite_utils.Database, article_id: str) -> tuple[str, bytes]:
    """One article's body as a str and as stored (``STORED_TEXT``); ``("", b"")`` for none or no such article."""
    row = db.execute(f"select text, {STORED_TEXT} from articles where id = ?", [article_id]).fetchone()
    return (row[0] or "", row[1] or b"") if row else ("", b"")


def article_body(db: sqlite_utils.Database, article_id: str) -> dict[str, Any] | None:
    """``id, text, story_id`` of one article and ``body``, its text as stored (``STORED_TEXT``), or None."""
    return next(iter(reading.rows(db.conn, f"select id, text, story_id, {STORED_TEXT} as body from articles "
                                           f"where id = ?", [article_id])), None)


def replace_bands(db: sqlite_utils.Database, article_id: str, keys: Iterable[int]) -> None:
    """Store the article's LSH band keys in place of its old ones (one ``story_bands`` row, by the article's rowid)."""
    (rowid,) = db.execute("select rowid from articles where id = ?", [article_id]).fetchone()
    db.execute("delete from story_bands where article = ?", [rowid])  # its trigger takes the old keys out of the index
    tokens = " ".join(dict.fromkeys(band_token(k) for k in keys))
    if tokens:  # with the article's story as it is now; STORY_SQL's trigger follows it from here
        db.execute("insert into story_bands (article, bands, story) "
                   "values (?, ?, (select story_id from articles where rowid = ?))", [rowid, tokens, rowid])


def story_has_others(db: sqlite_utils.Database, story_id: str, article_id: str) -> bool:
    """True when story ``story_id`` holds an article other than ``article_id``."""
    return db.execute("select 1 from articles where story_id = ? and id != ? limit 1",
                      [story_id, article_id]).fetchone() is not None


def set_article_story(db: sqlite_utils.Database, article_id: str, story_id: str, matched: str | None,
                      score: float | None) -> None:
    """Put an article in a story, with the article it matched and their resemblance."""
    # plain SQL, not Table.update: sqlite-utils reads the row and the table's schema first (issue 10's writer profile)
    db.execute("update articles set story_id = ?, story_match = ?, story_score = ? where id = ?",
               [story_id, matched, score, article_id])

"""The SQLite catalogue: outlets, crawls, captures, articles, their versions and failures (sqlite-utils)."""

from __future__ import annotations

import json
import logging
import os
import sqlite3
from array import array
from collections.abc import Iterable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import sqlite_utils

from archive.catalogue import aliases, crawls, fts, lookups, opening, reading, reconcile, statements, versions
from archive.catalogue.aliases import now_iso
from archive.catalogue.refetch import relink
from archive.catalogue.schema import migrations
from archive.catalogue.transactions import immediate, migration_lock
from archive.corpus import history, stories, textfiles
from archive.records import Exchange, ExtractedArticle, Relevance, WarcLocation

logger = logging.getLogger(__name__)


# Statement journals and sorting scratch in memory, not in temporary files: a 500-page benchmark crawl
# (benchmarks/bench_throughput.py) wrote 380 MB to SQLite's temporary files (statement journals of the writer's
# batch transactions, 2 KB at a time), against 66 MB of WAL; with this, 0.2 MB (issue 10).
TEMP_STORE = "PRAGMA temp_store=MEMORY"
# Checkpoint when the WAL holds this many bytes of pages, not SQLite's default 1,000 pages (4 MB): a page that
# several group commits rewrite (the end of a term's run in mentions, the search index's newest segments) is
# copied into the database once per checkpoint, not once per commit: 16 MB took issue 10's 3,000-page benchmark
# crawl from 150 to 136 KB written per page, 64 MB its 5,000-page crawl from 136-140 to 132, 128 MB a 10,000-page
# crawl's replayed writes from 185.8 to 181.9 KB per article. The WAL is cut back to JOURNAL_SIZE_LIMIT after each
# checkpoint (tests/test_soak.py). Not taken: 1 KB pages (no fewer bytes), FTS5 automerge 8 (no change).
WAL_CHECKPOINT_BYTES = 128 << 20
JOURNAL_SIZE_LIMIT = 256 << 20


def article_id(canonical_url: str) -> str:
    """The article id: the first 16 hex digits of sha256 of the canonical URL."""
    return aliases.url_id(canonical_url)


class Catalogue:
    """The catalogue database of one data folder; every write commits at once, so a crash loses no finished row."""

    def __init__(self, path: Path | str, *, busy_timeout: float = 30.0, threads: bool = False):
        self.path = Path(path)
        if str(path) == ":memory:":
            self.db = sqlite_utils.Database(memory=True)
        else:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # threads: the connection may be handed from one thread to another (never used by two at once)
            self.db = sqlite_utils.Database(sqlite3.connect(self.path, check_same_thread=not threads))
        with opening.translated(self.path):  # a damaged file, or one no database: say which and the fix
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.execute(TEMP_STORE)
            (page_size,) = self.db.execute("PRAGMA page_size").fetchone()
            self.db.execute(f"PRAGMA wal_autocheckpoint={WAL_CHECKPOINT_BYTES // page_size}")
            self.db.execute(f"PRAGMA journal_size_limit={JOURNAL_SIZE_LIMIT}")
            self.set_busy_timeout(busy_timeout)
            if migrations.pending(self.db):
                with migration_lock(self.path):
                    migrations.apply(self.db)  # re-checks what is pending, under the lock
        # index texts made by extraction workers, taken by the search-index trigger (archive.catalogue.fts);
        # registered after the migrations, which register the function without them
        self._index_texts: dict[tuple[str, str], str] = {}
        fts.register(self.db.conn, self._index_texts)
        self.watch_backoff: tuple[history.DeltaRule, ...] | None = None  # see _watch_plan

    @classmethod
    def read_only(cls, path: Path | str, *, busy_timeout: float = 30.0, current: bool = False) -> Catalogue:
        """A read-only connection to an existing catalogue (WAL: it reads committed rows while a writer writes;
        immutable on read-only media, archive.catalogue.opening); ``current``: refuse one that needs migrating."""
        self = cls.__new__(cls)
        self.path = Path(path)
        self.db = sqlite_utils.Database(opening.connect_read_only(self.path, check_same_thread=False))
        self.db.execute(TEMP_STORE)
        self.set_busy_timeout(busy_timeout)
        if current and (pending := [m.name for m in migrations.pending(self.db)]):
            self.close()
            raise opening.outdated(self.path, pending, not os.access(self.path.parent, os.W_OK))
        return self

    def close(self) -> None:
        """Close the connection."""
        self.db.close()

    def __enter__(self) -> Catalogue:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def set_busy_timeout(self, seconds: float) -> None:
        """How long a write waits for another connection's lock before failing with "database is locked"."""
        self.db.execute(f"PRAGMA busy_timeout={max(0, int(seconds * 1000))}")

    # -- outlets and crawls -------------------------------------------------------------------------

    def upsert_outlets(self, outlets: Iterable[dict[str, Any]]) -> None:
        """Insert or refresh outlet rows (plain dicts with the outlets table's columns)."""
        with immediate(self.db):
            for row in outlets:
                self.db["outlets"].upsert({**row, "updated_at": now_iso()}, pk="name")

    def start_crawl(self, uid: str, trigger: str, outlets: list[str], pid: int | None = None, **ended: Any) -> int:
        """Record the start of a crawl and return its id (``ended``: the columns of one that ended already)."""
        with immediate(self.db):
            table = self.db["crawls"].insert({
                "uid": uid, "trigger": trigger, "outlets": json.dumps(outlets), "started_at": now_iso(),
                "status": "running", "pid": pid, **dict.fromkeys(crawls.COUNT_KEYS, 0), "warc_bytes": 0,
                **ended,
            })
        return int(table.last_pk)

    def finish_crawl(self, crawl_id: int, status: str, totals: dict[str, int],
                     per_outlet: dict[str, dict[str, int]] | None = None, error: str | None = None,
                     exit_code: int | None = None) -> None:
        """Record the end of a crawl with its outcome, its totals and its counts per outlet."""
        with immediate(self.db):
            self.db["crawls"].update(crawl_id, {
                **totals, "status": status, "ended_at": now_iso(), "error": error, "exit_code": exit_code,
                "counts": json.dumps(per_outlet or {}, sort_keys=True),
            })

    # -- captures and failures ----------------------------------------------------------------------

    def add_capture(self, crawl_id: int | None, outlet: str | None, ex: Exchange, loc: WarcLocation,
                    refers_to: int | None = None) -> int:
        """Record one archived response (or revisit) and return the capture id."""
        row = {
            "crawl_id": crawl_id, "outlet": outlet, "url": ex.url, "method": ex.method, "status": ex.status,
            "fetched_at": ex.fetched_at.astimezone(timezone.utc).isoformat(timespec="microseconds"),
            "content_type": ex.header("Content-Type"), "warc_file": loc.warc_file,
            "warc_offset": loc.offset, "warc_length": loc.length, "warc_record_id": loc.record_id,
            "record_type": loc.record_type, "payload_digest": loc.payload_digest, "refers_to": refers_to,
            "location": ex.header("Location"), "ip_address": ex.ip_address, "etag": ex.header("ETag"),
            "last_modified": ex.header("Last-Modified"),
        }
        with immediate(self.db):
            return statements.insert(self.db, "captures", row)

    def latest_capture(self, url: str, status: int | None = 200) -> dict[str, Any] | None:
        """The most recent full (non-revisit) capture of ``url``, optionally with a given status."""
        return lookups.latest_capture(self.db, url, status)

    def record_failure(self, crawl_id: int | None, outlet: str | None, url: str, stage: str, reason: str,
                       detail: str = "", capture_id: int | None = None) -> None:
        """Record why a page yielded no article (fetch error, HTTP error, extraction failure)."""
        with immediate(self.db):
            self.db["failures"].insert({
                "crawl_id": crawl_id, "outlet": outlet, "url": url, "stage": stage, "reason": reason,
                "detail": detail[:2000], "capture_id": capture_id, "at": now_iso(),
            })

    # -- articles -----------------------------------------------------------------------------------

    def get_article(self, aid: str) -> dict[str, Any] | None:
        """The article row with id ``aid``, or None."""
        return reading.article_row(self.db.conn, aid)

    def save_article(self, *, outlet: str, canonical_url: str, article: ExtractedArticle, relevance: Relevance,
                     capture_id: int | None, fetched_at: str, search_text: str | None = None,
                     published_time: str | None = None) -> tuple[str, dict[str, Any]]:
        """Insert or update an article and its versions; return (outcome, row).

        outcome is "new", "updated" (title, body or date changed: a new version), "unchanged" or "irrelevant"
        (only for new articles the topic filter rejects; they are kept in the catalogue with relevant = 0).
        ``search_text``: the article's index text when a worker made it already (else the index trigger does);
        ``published_time``: the time of day ("HH:MM") printed with no zone (crawler.capture.clock).
        """
        aid = article_id(canonical_url)
        digest = history.text_digest(article.title, article.text)
        existing = self.get_article(aid)
        fields = {
            "url": canonical_url, "outlet": outlet, "title": article.title, "text": article.text,
            "published": article.published, "published_source": article.published_source,
            "published_time": published_time, "author": article.author, "language": article.language,
            "relevant": int(relevance.relevant), "relevance_score": round(relevance.score, 4),
            "libya_score": round(relevance.libya_score, 4), "conflict_score": round(relevance.conflict_score, 4),
            "matched_terms": json.dumps([list(t) for t in relevance.matched_terms], ensure_ascii=False),
            "last_seen": fetched_at, "capture_id": capture_id, "text_digest": digest, "status": "live",
        }
        key = (article.title or "", article.text or "")
        if search_text is not None:
            self._index_texts[key] = search_text
        try:
            with immediate(self.db):
                if existing is None:
                    plan = self._watch_plan(fetched_at, article.published)
                    statements.insert(self.db, "articles", {"id": aid, "first_seen": fetched_at, "versions": 1,
                                                            **fields, **plan})
                    self._add_version(aid, 1, article, digest, capture_id, fetched_at, None)
                    outcome = "new" if relevance.relevant else "irrelevant"
                elif history.is_new_version(existing,
                                            history.Snapshot(article.title, article.text, article.published)):
                    version = (existing["versions"] or 0) + 1
                    dropped = None if relevance.relevant else existing.get("text_file")  # leaves the corpus, seq kept
                    statements.update(self.db, "articles", "id", aid, {**fields, "versions": version, "text_file":
                                                                       None if dropped else existing.get("text_file")})
                    self._add_version(aid, version, article, digest, capture_id, fetched_at, existing["text"])
                    outcome = "updated"
                else:
                    statements.update(self.db, "articles", "id", aid, {"last_seen": fetched_at, "status": "live"})
                    relink(self.db, aid, capture_id)  # a lost record's page, fetched again unchanged
                    outcome = "unchanged"
        finally:
            self._index_texts.pop(key, None)  # not taken when the indexed words did not change
        if outcome == "updated" and dropped:  # a rolled-back batch leaves its row naming a missing file: check --repair
            textfiles.drop_text(self.path.parent, dropped)
        return outcome, self.get_article(aid) or {}

    def _watch_plan(self, first_seen: str, published: str | None) -> dict[str, Any]:
        """A new article's re-check plan (``watch``, ``next_check_at``) by ``watch_backoff``, when it is set.

        Planned in the row's insert rather than by reconcile_history at the end of the crawl: an UPDATE that
        changes a row's size rewrites the whole record, body and overflow pages included, so planning every new
        article at the end wrote the crawl's article text to the WAL and the database once more (issue 10).
        """
        if self.watch_backoff is None:
            return {}
        due = history.next_check(history.article_born(first_seen, published), datetime.now(timezone.utc),
                                 self.watch_backoff)
        return {"watch": "watching" if due else "done",
                "next_check_at": due.isoformat(timespec="seconds") if due else None}

    def _add_version(self, aid: str, version: int, article: ExtractedArticle, digest: str,
                     capture_id: int | None, fetched_at: str, previous_text: str | None) -> None:
        versions.add(self.db, {
            "article_id": aid, "version": version, "capture_id": capture_id, "title": article.title,
            "published": article.published, "text_digest": digest, "first_seen": fetched_at,
        }, previous_text)

    def assign_seq(self, aid: str) -> int:
        """The article's corpus sequence number, assigned once and never reused."""
        row = self.db.execute("select seq from articles where id = ?", [aid]).fetchone()
        if row and row[0] is not None:
            return int(row[0])
        with immediate(self.db):
            # a counter, not max(seq) + 1: a number stays given even if its article row is deleted
            self.db.execute("insert or ignore into counters (name, value) "
                            "select 'corpus_seq', coalesce(max(seq), -1) from articles")
            (seq,) = self.db.execute("update counters set value = value + 1 where name = 'corpus_seq' "
                                     "returning value").fetchone()
            statements.update(self.db, "articles", "id", aid, {"seq": int(seq)})
        return int(seq)

    def set_text_file(self, aid: str, relpath: str | None) -> None:
        """Remember which corpus file holds the article (None: none, its current version not relevant)."""
        with immediate(self.db):
            statements.update(self.db, "articles", "id", aid, {"text_file": relpath})

    # -- frontier, revisits -------------------------------------------------------------------------

    def add_frontier(self, url: str, outlet: str, kind: str, crawl_id: int | None, status: str = "pending",
                     reason: str | None = None) -> None:
        """Add a frontier row for ``url`` unless it has one (insert or ignore)."""
        with immediate(self.db):
            self.db.execute(
                "insert or ignore into frontier (url, outlet, kind, discovered_at, crawl_id, status, attempts, "
                "reason) values (?, ?, ?, ?, ?, ?, 0, ?)", [url, outlet, kind, now_iso(), crawl_id, status, reason])

    def settle(self, url: str, status: str = "done", reason: str | None = None, give_up_after: int = 3) -> None:
        """Mark a frontier URL as archived ("done") or refused; a "retry" stays pending for a few attempts."""
        with immediate(self.db):
            if status == "retry":
                self.db.execute(
                    "update frontier set attempts = attempts + 1, reason = ?, "
                    "status = case when attempts + 1 >= ? then 'failed' else 'pending' end where url = ?",
                    [reason, give_up_after, url])
            else:
                self.db.execute("update frontier set status = ?, reason = ?, done_at = ? where url = ?",
                                [status, reason, now_iso(), url])

    def frontier_status(self, url: str) -> str | None:
        """The frontier status of ``url`` (pending, done, failed), or None when it was never discovered."""
        row = self.db.execute("select status from frontier where url = ?", [url]).fetchone()
        return str(row[0]) if row else None

    def pending(self, outlets: Iterable[str]) -> list[dict[str, Any]]:
        """The discovered but not yet archived URLs of these outlets (``reason``: why one is queued again)."""
        names = list(outlets)
        marks = ", ".join("?" for _ in names)
        return [dict(r) for r in self.db.query(
            f"select url, outlet, kind, reason from frontier where status = 'pending' and outlet in ({marks})", names)]

    def article_for_url(self, url: str) -> dict[str, Any] | None:
        """The article ``url`` leads to: one stored from a capture of it, its own URL, or an alias (article_aliases)."""
        return lookups.article_of_url(self.db, url) or aliases.find_article(self.db, [url])

    def touch_article(self, aid: str, seen_at: str) -> None:
        """Note that an unchanged article was seen again."""
        with immediate(self.db):
            statements.update(self.db, "articles", "id", aid, {"last_seen": seen_at, "status": "live"})

    # -- schedules, crawl outcomes and article history (archive.corpus.history) ------------------------------

    def last_crawl(self, outlet: str, triggers: tuple[str, ...] = ("schedule", "cli")) -> dict[str, Any] | None:
        """The most recent crawl of ``outlet`` started by one of ``triggers`` (any outcome), or None."""
        marks = ", ".join("?" for _ in triggers)
        return next(self.db.query(
            f"select * from crawls where trigger in ({marks}) and exists "
            "(select 1 from json_each(crawls.outlets) where value = ?) order by started_at desc, id desc limit 1",
            [*triggers, outlet]), None)

    def running_crawls(self, outlet: str | None = None) -> list[dict[str, Any]]:
        """Crawl rows still marked running (of ``outlet`` when given); their pid may or may not be alive."""
        sql = "select * from crawls where status = 'running'"
        params: list[Any] = []
        if outlet is not None:
            sql += " and exists (select 1 from json_each(crawls.outlets) where value = ?)"
            params.append(outlet)
        return list(self.db.query(sql + " order by id", params))

    def crawl_of_pid(self, pid: int, since: str) -> dict[str, Any] | None:
        """The crawl row a process with ``pid`` started at or after ``since`` (ISO), or None."""
        return next(self.db.query("select * from crawls where pid = ? and started_at >= ? order by id desc limit 1",
                                  [pid, since]), None)

    def set_crawl_exit(self, crawl_id: int, exit_code: int | None, *, status: str | None = None,
                       error: str | None = None, log_file: str | None = None) -> None:
        """Record how a crawl's process ended; a status replaces the row's (e.g. "failed" for a crash)."""
        given = {"error": None if error is None else error[-4000:], "log_file": log_file}
        row: dict[str, Any] = {"exit_code": exit_code, **{k: v for k, v in given.items() if v is not None}}
        if status is not None:
            row.update(status=status, ended_at=now_iso())
        with immediate(self.db):
            self.db["crawls"].update(crawl_id, row)

    def record_failed_crawl(self, uid: str, trigger: str, outlets: list[str], *, started_at: str, pid: int | None,
                            exit_code: int | None, error: str, log_file: str | None = None) -> int:
        """Record a crawl whose process died before it could write its own row; return the row id."""
        return self.start_crawl(uid, trigger, outlets, pid, started_at=started_at, ended_at=now_iso(),
                                status="failed", exit_code=exit_code, error=error[-4000:], log_file=log_file)

    def set_schedule(self, outlet: str, schedule: str, next_run_at: str | None, scheduler_pid: int | None) -> None:
        """Remember an outlet's schedule and next run as the running scheduler sees them (for ``status``)."""
        with immediate(self.db):
            self.db["schedules"].upsert({"outlet": outlet, "schedule": schedule, "next_run_at": next_run_at,
                                         "scheduler_pid": scheduler_pid, "updated_at": now_iso()}, pk="outlet")

    def schedules(self) -> dict[str, dict[str, Any]]:
        """The schedules table by outlet name."""
        return {r["outlet"]: r for r in self.db["schedules"].rows}

    def events(self, article_id: str) -> list[dict[str, Any]]:
        """An article's events, oldest first."""
        return list(self.db["article_events"].rows_where("article_id = ?", [article_id], order_by="at, id"))

    def versions(self, article_id: str) -> list[dict[str, Any]]:
        """An article's versions, oldest first, each with its full text."""
        return reading.article_versions(self.db.conn, article_id)

    def reconcile_history(self, crawl_id: int | None = None,
                          backoff: tuple[history.DeltaRule, ...] = history.DEFAULT_BACKOFF) -> dict[str, int]:
        """After a crawl: diff new versions, record deletions (404/410) and returns, plan re-checks (archive.catalogue.reconcile)."""
        return reconcile.reconcile_history(self.db, crawl_id, backoff)

    def due_articles(self, now: str, limit: int = 500) -> list[dict[str, Any]]:
        """Articles being watched whose next re-check is due at ``now`` (ISO), most overdue first."""
        return list(self.db.query(
            "select id, url, outlet, status, first_seen, published, next_check_at from articles "
            "where watch = 'watching' and next_check_at <= ? order by next_check_at limit ?", [now, limit]))

    def mark_checked(self, article_ids: Iterable[str], at: datetime,
                     backoff: tuple[history.DeltaRule, ...] = history.DEFAULT_BACKOFF) -> None:
        """Record a re-check of each article and plan its next one by the back-off rule (or stop watching)."""
        with immediate(self.db):
            for aid in article_ids:
                row = self.get_article(aid)
                if row is None:
                    continue
                due = history.next_check(history.article_born(row["first_seen"], row["published"]), at, backoff)
                self.db["articles"].update(aid, {
                    "last_checked_at": at.isoformat(timespec="seconds"), "watch": "watching" if due else "done",
                    "next_check_at": due.isoformat(timespec="seconds") if due else None})

    # -- integrity (archive.integrity.check) ----------------------------------------------------------------

    def mark_capture_missing(self, capture_id: int, reason: str) -> None:
        """Mark a capture whose WARC record is gone: record_type 'missing', no WARC pointer (the URL is re-fetched)."""
        row = self.db["captures"].get(capture_id)
        logger.warning("capture %d (%s) points at %s@%s, which is gone (%s); marking it missing", capture_id,
                       row["url"], row["warc_file"], row["warc_offset"], reason)
        with immediate(self.db):
            self.db["captures"].update(capture_id, {"record_type": "missing", "warc_file": None, "warc_offset": None,
                                                    "warc_length": None})

    # -- syndicated and duplicate stories (archive.corpus.stories) --------------------------------------------

    def assign_story(self, aid: str, params: stories.StoryParams = stories.DEFAULT_PARAMS, *,
                     shingles: list[int] | array[int] | None = None, keys: list[int] | None = None) -> str:
        """Group a new or changed article with its copies (other outlets, other URLs); return its story id."""
        with immediate(self.db):
            return stories.assign(self.db, aid, params, shingles=shingles, keys=keys).story_id

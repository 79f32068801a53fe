"""The SQLite catalogue: outlets, crawls, captures, articles, their versions and failures (sqlite-utils)."""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import sqlite_utils

try:
    import fcntl
except ImportError:  # Windows: no advisory locks; concurrent first runs are then the user's to avoid
    fcntl = None  # type: ignore[assignment]

from archive.catalogue import aliases

from archive.corpus import history, stories
from archive.records import Exchange, ExtractedArticle, Relevance, WarcLocation
from archive.catalogue.schema import migrations
from archive.corpus.search import index_text
from archive.catalogue.transactions import immediate

logger = logging.getLogger(__name__)



def article_id(canonical_url: str) -> str:
    """The article id: the first 16 hex digits of sha256 of the canonical URL."""
    return aliases.url_id(canonical_url)


def text_digest(title: str, text: str) -> str:
    """A digest of title and body that ignores whitespace-only changes."""
    norm = " ".join(title.split()) + "\n" + " ".join(text.split())
    return "sha256:" + hashlib.sha256(norm.encode("utf-8")).hexdigest()


def now_iso() -> str:
    """The current UTC time as ISO 8601 with seconds."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


@contextmanager
def _migration_lock(db_path: Path) -> Iterator[None]:
    """An exclusive lock beside the database, so two processes never migrate one catalogue at once."""
    if str(db_path) == ":memory:" or fcntl is None:
        yield
        return
    with open(f"{db_path}.migrate.lock", "a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


class Catalogue:
    """The catalogue database of one data folder; every write commits at once, so a crash loses no finished row."""

    def __init__(self, path: Path | str, *, busy_timeout: float = 30.0):
        self.path = Path(path)
        if str(path) == ":memory:":
            self.db = sqlite_utils.Database(memory=True)
        else:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite_utils.Database(self.path)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.set_busy_timeout(busy_timeout)
        if migrations.pending(self.db):
            with _migration_lock(self.path):
                migrations.apply(self.db)  # re-checks what is pending, under the lock

    def close(self) -> None:
        """Close the connection."""
        self.db.close()

    def set_busy_timeout(self, seconds: float) -> None:
        """How long a write waits for another connection's lock before failing with "database is locked"."""
        self.db.execute(f"PRAGMA busy_timeout={max(0, int(seconds * 1000))}")

    # -- outlets and crawls -------------------------------------------------------------------------

    def upsert_outlets(self, outlets: Iterable[dict[str, Any]]) -> None:
        """Insert or refresh outlet rows (plain dicts with the outlets table's columns)."""
        with immediate(self.db):
            for row in outlets:
                self.db["outlets"].upsert({**row, "updated_at": now_iso()}, pk="name")

    def start_crawl(self, uid: str, trigger: str, outlets: list[str], pid: int | None = None) -> int:
        """Record the start of a crawl and return its id."""
        with immediate(self.db):
            table = self.db["crawls"].insert({
                "uid": uid, "trigger": trigger, "outlets": json.dumps(outlets), "started_at": now_iso(),
                "status": "running", "pid": pid, "pages_fetched": 0, "articles_new": 0, "articles_updated": 0,
                "articles_unchanged": 0, "articles_irrelevant": 0, "failures": 0, "warc_bytes": 0,
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
            table = self.db["captures"].insert(row)
        return int(table.last_pk)

    def latest_capture(self, url: str, status: int | None = 200) -> dict[str, Any] | None:
        """The most recent full (non-revisit) capture of ``url``, optionally with a given status."""
        where = "url = ? and record_type = 'response'"
        params: list[Any] = [url]
        if status is not None:
            where += " and status = ?"
            params.append(status)
        rows = list(self.db["captures"].rows_where(where, params, order_by="id desc", limit=1))
        return rows[0] if rows else None

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
        rows = list(self.db["articles"].rows_where("id = ?", [aid]))
        return rows[0] if rows else None

    def save_article(self, *, outlet: str, canonical_url: str, article: ExtractedArticle, relevance: Relevance,
                     capture_id: int | None, fetched_at: str) -> tuple[str, dict[str, Any]]:
        """Insert or update an article and its versions; return (outcome, row).

        outcome is "new", "updated" (title, body or date changed: a new version), "unchanged" or "irrelevant"
        (only for new articles the topic filter rejects; they are kept in the catalogue with relevant = 0).
        """
        aid = article_id(canonical_url)
        digest = text_digest(article.title, article.text)
        existing = self.get_article(aid)
        fields = {
            "url": canonical_url, "outlet": outlet, "title": article.title, "text": article.text,
            "published": article.published, "published_source": article.published_source,
            "author": article.author, "language": article.language, "relevant": int(relevance.relevant),
            "relevance_score": round(relevance.score, 4), "libya_score": round(relevance.libya_score, 4),
            "conflict_score": round(relevance.conflict_score, 4),
            "matched_terms": json.dumps([list(t) for t in relevance.matched_terms], ensure_ascii=False),
            "last_seen": fetched_at, "capture_id": capture_id, "text_digest": digest, "status": "live",
            "search_text": index_text(article.title, article.text),
        }
        with immediate(self.db):
            if existing is None:
                self.db["articles"].insert({"id": aid, "first_seen": fetched_at, "versions": 1, **fields})
                self._add_version(aid, 1, article, digest, capture_id, fetched_at)
                outcome = "new" if relevance.relevant else "irrelevant"
            elif history.is_new_version(existing, history.Snapshot(article.title, article.text, article.published)):
                version = (existing["versions"] or 0) + 1
                self.db["articles"].update(aid, {**fields, "versions": version})
                self._add_version(aid, version, article, digest, capture_id, fetched_at)
                outcome = "updated"
            else:
                self.db["articles"].update(aid, {"last_seen": fetched_at, "status": "live"})
                outcome = "unchanged"
        return outcome, self.get_article(aid) or {}

    def _add_version(self, aid: str, version: int, article: ExtractedArticle, digest: str,
                     capture_id: int | None, fetched_at: str) -> None:
        self.db["article_versions"].insert({
            "article_id": aid, "version": version, "capture_id": capture_id, "title": article.title,
            "text": article.text, "published": article.published, "text_digest": digest, "first_seen": fetched_at,
        })

    def assign_seq(self, aid: str) -> int:
        """The article's corpus sequence number, assigned once and never reused."""
        row = self.get_article(aid)
        if row and row["seq"] is not None:
            return int(row["seq"])
        with immediate(self.db):
            # a counter, not max(seq) + 1: a number stays given even if its article row is deleted
            self.db.execute("insert or ignore into counters (name, value) "
                            "select 'corpus_seq', coalesce(max(seq), -1) from articles")
            (seq,) = self.db.execute("update counters set value = value + 1 where name = 'corpus_seq' "
                                     "returning value").fetchone()
            self.db["articles"].update(aid, {"seq": int(seq)})
        return int(seq)

    def set_text_file(self, aid: str, relpath: str) -> None:
        """Remember which corpus file holds the article."""
        with immediate(self.db):
            self.db["articles"].update(aid, {"text_file": relpath})

    # -- frontier, revisits -------------------------------------------------------------------------

    def discover(self, url: str, outlet: str, kind: str, crawl_id: int | None) -> str:
        """Remember a discovered URL as pending unless it is known already; return its frontier status."""
        # a URL already known as an article or one of its aliases is archived: not fetched again by discovery
        known = kind == "article" and aliases.find_article(self.db, [url]) is not None
        with immediate(self.db):
            self.db.execute(
                "insert or ignore into frontier (url, outlet, kind, discovered_at, crawl_id, status, attempts, "
                "reason) values (?, ?, ?, ?, ?, ?, 0, ?)",
                [url, outlet, kind, now_iso(), crawl_id, "done" if known else "pending",
                 "known-article" if known else None])
        row = self.db.execute("select status from frontier where url = ?", [url]).fetchone()
        return str(row[0])

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

    def pending(self, outlets: Iterable[str]) -> list[dict[str, Any]]:
        """The discovered but not yet archived URLs of these outlets."""
        names = list(outlets)
        marks = ", ".join("?" for _ in names)
        return [dict(r) for r in self.db.query(
            f"select url, outlet, kind from frontier where status = 'pending' and outlet in ({marks})", names)]

    def article_for_url(self, url: str) -> dict[str, Any] | None:
        """The article ``url`` leads to: one stored from a capture of it, its own URL, or an alias (article_aliases)."""
        rows = list(self.db.query(
            "select a.* from articles a join captures c on a.capture_id = c.id where c.url = ? "
            "order by c.id desc limit 1", [url]))
        return rows[0] if rows else aliases.find_article(self.db, [url])

    def touch_article(self, aid: str, seen_at: str) -> None:
        """Note that an unchanged article was seen again."""
        with immediate(self.db):
            self.db["articles"].update(aid, {"last_seen": seen_at, "status": "live"})

    # -- schedules, crawl outcomes and article history (archive.corpus.history) ------------------------------

    def last_crawl(self, outlet: str, triggers: tuple[str, ...] = ("schedule", "cli")) -> dict[str, Any] | None:
        """The most recent crawl of ``outlet`` started by one of ``triggers`` (any outcome), or None."""
        marks = ", ".join("?" for _ in triggers)
        rows = list(self.db.query(
            f"select * from crawls where trigger in ({marks}) and exists "
            "(select 1 from json_each(crawls.outlets) where value = ?) order by started_at desc, id desc limit 1",
            [*triggers, outlet]))
        return rows[0] if rows else None

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
        rows = list(self.db.query("select * from crawls where pid = ? and started_at >= ? order by id desc limit 1",
                                  [pid, since]))
        return rows[0] if rows else None

    def set_crawl_exit(self, crawl_id: int, exit_code: int | None, *, status: str | None = None,
                       error: str | None = None, log_file: str | None = None) -> None:
        """Record how a crawl's process ended; a status replaces the row's (e.g. "failed" for a crash)."""
        row: dict[str, Any] = {"exit_code": exit_code}
        if status is not None:
            row["status"] = status
            row["ended_at"] = now_iso()
        if error is not None:
            row["error"] = error[-4000:]
        if log_file is not None:
            row["log_file"] = log_file
        with immediate(self.db):
            self.db["crawls"].update(crawl_id, row)

    def record_failed_crawl(self, uid: str, trigger: str, outlets: list[str], *, started_at: str, pid: int | None,
                            exit_code: int | None, error: str, log_file: str | None = None) -> int:
        """Record a crawl whose process died before it could write its own row; return the row id."""
        with immediate(self.db):
            table = self.db["crawls"].insert({
                "uid": uid, "trigger": trigger, "outlets": json.dumps(outlets), "started_at": started_at,
                "ended_at": now_iso(), "status": "failed", "exit_code": exit_code, "pid": pid, "error": error[-4000:],
                "log_file": log_file, "pages_fetched": 0, "articles_new": 0, "articles_updated": 0,
                "articles_unchanged": 0, "articles_irrelevant": 0, "failures": 0, "warc_bytes": 0,
            })
        return int(table.last_pk)

    def set_schedule(self, outlet: str, schedule: str, next_run_at: str | None, scheduler_pid: int | None) -> None:
        """Remember an outlet's schedule and next run as the running scheduler sees them (for ``status``)."""
        with immediate(self.db):
            self.db["schedules"].upsert({"outlet": outlet, "schedule": schedule, "next_run_at": next_run_at,
                                         "scheduler_pid": scheduler_pid, "updated_at": now_iso()}, pk="outlet")

    def schedules(self) -> dict[str, dict[str, Any]]:
        """The schedules table by outlet name."""
        return {r["outlet"]: r for r in self.db["schedules"].rows}

    def add_event(self, article_id: str, kind: str, *, url: str, at: str, crawl_id: int | None = None,
                  capture_id: int | None = None, http_status: int | None = None, detail: str = "") -> None:
        """Record a deletion or return of an article."""
        with immediate(self.db):
            self.db["article_events"].insert({
                "article_id": article_id, "kind": kind, "url": url, "at": at, "crawl_id": crawl_id,
                "capture_id": capture_id, "http_status": http_status, "detail": detail})

    def events(self, article_id: str) -> list[dict[str, Any]]:
        """An article's events, oldest first."""
        return list(self.db["article_events"].rows_where("article_id = ?", [article_id], order_by="at, id"))

    def versions(self, article_id: str) -> list[dict[str, Any]]:
        """An article's versions, oldest first."""
        return list(self.db["article_versions"].rows_where("article_id = ?", [article_id], order_by="version"))

    def reconcile_history(self, crawl_id: int | None = None,
                          backoff: tuple[history.DeltaRule, ...] = history.DEFAULT_BACKOFF) -> dict[str, int]:
        """After a crawl: diff new versions, record deletions (404/410) and returns, plan re-checks of new articles."""
        done = {"diffs": 0, "deleted": 0, "returned": 0, "watched": 0}
        with immediate(self.db):
            for v in list(self.db.query("select * from article_versions where version > 1 and diff is null")):
                prev = list(self.db["article_versions"].rows_where(
                    "article_id = ? and version < ?", [v["article_id"], v["version"]], order_by="version desc",
                    limit=1))
                if not prev:
                    continue
                old, new = history.Snapshot.from_row(prev[0]), history.Snapshot.from_row(v)
                self.db["article_versions"].update(v["id"], {
                    "diff": history.readable_diff(old, new, old_label=f"version {prev[0]['version']}",
                                                  new_label=f"version {v['version']}"),
                    "changed": ",".join(history.changed_fields(old, new))})
                done["diffs"] += 1
            if crawl_id is not None:
                # in capture order, so a 404 then a 200 in one crawl is a deletion then a return; a full 200 is
                # left to save_article (below): only extraction can tell a real page from a "removed" notice
                seen = self.db.query(
                    "select c.id, c.url, c.status, c.fetched_at, c.record_type, a.id as aid from captures c "
                    "join articles a on a.url = c.url or a.capture_id in "
                    "(select id from captures where url = c.url and status = 200) "
                    "where c.crawl_id = ? and (c.status in (404, 410) or c.record_type = 'revisit') order by c.id",
                    [crawl_id])
                for g in list(seen):
                    current = self.get_article(g["aid"]) or {}
                    kind = history.status_event(current.get("status"), g["status"])
                    if kind is None:
                        continue
                    self.db["articles"].update(g["aid"], {"status": "deleted" if kind == "deleted" else "live"})
                    self.db["article_events"].insert({
                        "article_id": g["aid"], "kind": kind, "url": g["url"], "at": g["fetched_at"],
                        "crawl_id": crawl_id, "capture_id": g["id"], "http_status": g["status"], "detail": ""})
                    done[kind] += 1
            # save_article marks an article live whenever it is extracted again: after a deletion, that is a return
            back = self.db.query(
                "select a.id, a.url, a.last_seen, a.capture_id from articles a join article_events e on e.id = "
                "(select id from article_events where article_id = a.id order by at desc, id desc limit 1) "
                "where e.kind = 'deleted' and a.status = 'live' and a.last_seen >= e.at")
            for b in list(back):
                self.db["article_events"].insert({
                    "article_id": b["id"], "kind": "returned", "url": b["url"], "at": b["last_seen"],
                    "crawl_id": crawl_id, "capture_id": b["capture_id"], "http_status": 200, "detail": ""})
                done["returned"] += 1
            now = datetime.now(timezone.utc)
            for a in list(self.db.query("select id, first_seen, published from articles where watch is null")):
                due = history.next_check(history.article_born(a["first_seen"], a["published"]), now, backoff)
                self.db["articles"].update(a["id"], {
                    "watch": "watching" if due else "done",
                    "next_check_at": due.isoformat(timespec="seconds") if due else None})
                done["watched"] += 1 if due else 0
        return done

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

    def assign_story(self, aid: str, params: stories.StoryParams = stories.DEFAULT_PARAMS) -> str:
        """Group a new or changed article with its copies (other outlets, other URLs); return its story id."""
        with immediate(self.db):
            return stories.assign(self.db, aid, params).story_id

    def assign_missing_stories(self, params: stories.StoryParams = stories.DEFAULT_PARAMS) -> int:
        """Give a story to every article without one (catalogues from before stories), oldest first; return how many."""
        ids = [r["id"] for r in self.db.query("select id from articles where story_id is null order by first_seen, id")]
        for aid in ids:
            self.assign_story(aid, params)
        return len(ids)

    def story_articles(self, story_id: str) -> list[dict[str, Any]]:
        """The articles of a story, first seen first."""
        return list(self.db["articles"].rows_where("story_id = ?", [story_id], order_by="first_seen, id"))

"""The SQLite catalogue: outlets, crawls, captures, articles, their versions and failures (sqlite-utils)."""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import sqlite_utils
from sqlite_utils.migrations import Migrations

from archive.records import Exchange, ExtractedArticle, Relevance, WarcLocation

logger = logging.getLogger(__name__)

migrations = Migrations("newsarchive")


@migrations()
def m001_initial(db: sqlite_utils.Database) -> None:
    """Create the first schema."""
    db["outlets"].create({
        "name": str, "display_name": str, "language": str, "country": str, "homepage": str,
        "domains": str, "topic_filter": int, "schedule": str, "config_digest": str, "source": str,
        "updated_at": str,
    }, pk="name")
    db["crawls"].create({
        "id": int, "uid": str, "trigger": str, "outlets": str, "started_at": str, "ended_at": str,
        "status": str, "exit_code": int, "pid": int, "pages_fetched": int, "articles_new": int,
        "articles_updated": int, "articles_unchanged": int, "articles_irrelevant": int, "failures": int,
        "warc_bytes": int, "error": str, "counts": str,
    }, pk="id")
    db["captures"].create({
        "id": int, "crawl_id": int, "outlet": str, "url": str, "method": str, "status": int,
        "fetched_at": str, "content_type": str, "warc_file": str, "warc_offset": int, "warc_length": int,
        "warc_record_id": str, "record_type": str, "payload_digest": str, "refers_to": int,
        "location": str, "ip_address": str, "etag": str, "last_modified": str,
    }, pk="id", foreign_keys=[("crawl_id", "crawls", "id"), ("refers_to", "captures", "id")])
    db["captures"].create_index(["url", "fetched_at"])
    db["captures"].create_index(["warc_file", "warc_offset"])
    db["articles"].create({
        "id": str, "seq": int, "url": str, "outlet": str, "title": str, "text": str, "published": str,
        "published_source": str, "author": str, "language": str, "relevant": int, "relevance_score": float,
        "libya_score": float, "conflict_score": float, "matched_terms": str, "first_seen": str,
        "last_seen": str, "capture_id": int, "text_digest": str, "text_file": str, "versions": int,
        "status": str,
    }, pk="id", foreign_keys=[("capture_id", "captures", "id"), ("outlet", "outlets", "name")])
    db["articles"].create_index(["seq"], unique=True)
    db["articles"].create_index(["outlet", "published"])
    db["article_versions"].create({
        "id": int, "article_id": str, "version": int, "capture_id": int, "title": str, "text": str,
        "published": str, "text_digest": str, "first_seen": str,
    }, pk="id", foreign_keys=[("article_id", "articles", "id"), ("capture_id", "captures", "id")])
    db["article_versions"].create_index(["article_id", "version"], unique=True)
    db["failures"].create({
        "id": int, "crawl_id": int, "outlet": str, "url": str, "stage": str, "reason": str, "detail": str,
        "capture_id": int, "at": str,
    }, pk="id", foreign_keys=[("crawl_id", "crawls", "id"), ("capture_id", "captures", "id")])
    db["failures"].create_index(["reason"])
    db["articles"].enable_fts(["title", "text"], create_triggers=True, tokenize="unicode61 remove_diacritics 2")


def article_id(canonical_url: str) -> str:
    """The article id: the first 16 hex digits of sha256 of the canonical URL."""
    return hashlib.sha256(canonical_url.encode("utf-8")).hexdigest()[:16]


def text_digest(title: str, text: str) -> str:
    """A digest of title and body that ignores whitespace-only changes."""
    norm = " ".join(title.split()) + "\n" + " ".join(text.split())
    return "sha256:" + hashlib.sha256(norm.encode("utf-8")).hexdigest()


def now_iso() -> str:
    """The current UTC time as ISO 8601 with seconds."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class Catalogue:
    """The catalogue database of one data folder; every write commits at once, so a crash loses no finished row."""

    def __init__(self, path: Path | str):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite_utils.Database(self.path)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.execute("PRAGMA busy_timeout=30000")
        migrations.apply(self.db)

    def close(self) -> None:
        """Close the connection."""
        self.db.close()

    # -- outlets and crawls -------------------------------------------------------------------------

    def upsert_outlets(self, outlets: Iterable[dict[str, Any]]) -> None:
        """Insert or refresh outlet rows (plain dicts with the outlets table's columns)."""
        with self.db.conn:
            for row in outlets:
                self.db["outlets"].upsert({**row, "updated_at": now_iso()}, pk="name")

    def start_crawl(self, uid: str, trigger: str, outlets: list[str], pid: int | None = None) -> int:
        """Record the start of a crawl and return its id."""
        with self.db.conn:
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
        with self.db.conn:
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
        with self.db.conn:
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
        with self.db.conn:
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
        }
        with self.db.conn:
            if existing is None:
                self.db["articles"].insert({"id": aid, "first_seen": fetched_at, "versions": 1, **fields})
                self._add_version(aid, 1, article, digest, capture_id, fetched_at)
                outcome = "new" if relevance.relevant else "irrelevant"
            elif existing["text_digest"] != digest or (existing["published"] or None) != article.published:
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
        """The article's corpus sequence number, assigned once (max + 1) and never reused."""
        row = self.get_article(aid)
        if row and row["seq"] is not None:
            return int(row["seq"])
        with self.db.conn:
            # max over every seq ever given, so a deleted row's number is never handed out again
            (current,) = self.db.execute("select coalesce(max(seq), -1) from articles").fetchone()
            seq = int(current) + 1
            self.db["articles"].update(aid, {"seq": seq})
        return seq

    def set_text_file(self, aid: str, relpath: str) -> None:
        """Remember which corpus file holds the article."""
        with self.db.conn:
            self.db["articles"].update(aid, {"text_file": relpath})

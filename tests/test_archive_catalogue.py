"""The catalogue: schema, captures, articles, versions, sequence numbers and full-text search."""

from __future__ import annotations

import hashlib
from datetime import datetime, timezone

import pytest

from archive.catalogue import searching
from archive.catalogue.db import Catalogue, article_id
from archive.corpus.history import text_digest
from archive.corpus.search import fts_query
from archive.records import Exchange, ExtractedArticle, Relevance, WarcLocation

REL = Relevance(True, 3.0, 2.0, 1.0, (("طرابلس", "place", 1.0, 2),))
IRREL = Relevance(False, 0.1, 0.1, 0.0, ())


@pytest.fixture
def cat():
    c = Catalogue(":memory:")
    c.upsert_outlets([{"name": "o", "display_name": "O"}])
    yield c
    c.close()


def art(title="اشتباكات في طرابلس", paras=("اندلعت اشتباكات عنيفة في العاصمة الليبية طرابلس.",), published="2019-04-17"):
    return ExtractedArticle(url="https://o.example/a/1", title=title, paragraphs=tuple(paras), published=published)


def test_article_id_is_sha256_prefix():
    url = "https://o.example/a/1"
    assert article_id(url) == hashlib.sha256(url.encode()).hexdigest()[:16]


def test_text_digest_ignores_whitespace():
    assert text_digest("a  b", "c\n d") == text_digest("a b", "c d")
    assert text_digest("a b", "c d") != text_digest("a b", "c e")
    # stored digests must never change: this is the value every catalogue holds for this article
    assert text_digest(" a\tb ", "c\n\nd") == "sha256:" + hashlib.sha256("a b\nc d".encode()).hexdigest()


def test_new_unchanged_updated_versions(cat):
    kw = dict(outlet="o", canonical_url="https://o.example/a/1", relevance=REL, capture_id=None)
    assert cat.save_article(article=art(), fetched_at="t1", **kw)[0] == "new"
    assert cat.save_article(article=art(paras=("اندلعت  اشتباكات عنيفة في العاصمة الليبية طرابلس.",)),
                            fetched_at="t2", **kw)[0] == "unchanged"
    outcome, row = cat.save_article(article=art(title="تجدد الاشتباكات في طرابلس"), fetched_at="t3", **kw)
    assert outcome == "updated" and row["versions"] == 2 and row["first_seen"] == "t1" and row["last_seen"] == "t3"
    versions = list(cat.db["article_versions"].rows_where("article_id = ?", [row["id"]], order_by="version"))
    assert [v["title"] for v in versions] == ["اشتباكات في طرابلس", "تجدد الاشتباكات في طرابلس"]


def test_irrelevant_outcome(cat):
    outcome, row = cat.save_article(outlet="o", canonical_url="https://o.example/b", article=art(), relevance=IRREL,
                                    capture_id=None, fetched_at="t")
    assert outcome == "irrelevant" and row["relevant"] == 0


def test_seq_assigned_once_and_increasing(cat):
    ids = []
    for n in range(3):
        _, row = cat.save_article(outlet="o", canonical_url=f"https://o.example/{n}", article=art(), relevance=REL,
                                  capture_id=None, fetched_at="t")
        ids.append(row["id"])
    assert [cat.assign_seq(i) for i in ids] == [0, 1, 2]
    assert cat.assign_seq(ids[0]) == 0


def test_capture_row_points_at_record(cat):
    ex = Exchange(url="https://o.example/a/1", method="GET", request_headers=(), request_body=b"", status=200,
                  reason="OK", protocol="HTTP/1.1", response_headers=(("Content-Type", "text/html"), ("ETag", '"x"')),
                  body=b"<html></html>", fetched_at=datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc))
    loc = WarcLocation("warc/x.warc.gz", 1234, 567, "<urn:uuid:1>", "response", "sha1:ABC")
    cid = cat.add_capture(None, "o", ex, loc)
    row = cat.db["captures"].get(cid)
    assert (row["warc_file"], row["warc_offset"], row["warc_length"], row["payload_digest"]) == (
        "warc/x.warc.gz", 1234, 567, "sha1:ABC")
    assert row["etag"] == '"x"' and row["fetched_at"].startswith("2026-01-02T03:04:05")
    assert cat.latest_capture("https://o.example/a/1")["id"] == cid


def _search(cat, query):
    """The ranked hits of ``query`` (the reading room's search path: fts_query, then bm25 over articles_fts)."""
    return searching.ranked_hits(cat.db.conn, fts_query(query), searching.Facets(), window=5000, limit=50, offset=0,
                                 windowed=False)


def test_fts_finds_normalised_arabic(cat):
    cat.save_article(outlet="o", canonical_url="https://o.example/a/1", article=art(
        paras=("قال المتحدث إن الميليشيات انسحبت وبطرابلس هدوء حذر.",)), relevance=REL, capture_id=None, fetched_at="t")
    assert [r["title"] for r in _search(cat, "طرابلس")] == ["اشتباكات في طرابلس"]
    assert [r["title"] for r in _search(cat, "بطرابلس")] == ["اشتباكات في طرابلس"]


def test_seq_never_reused_after_a_row_is_deleted(cat):
    ids = []
    for n in range(2):
        _, row = cat.save_article(outlet="o", canonical_url=f"https://o.example/{n}", article=art(), relevance=REL,
                                  capture_id=None, fetched_at="t")
        ids.append(row["id"])
    assert [cat.assign_seq(i) for i in ids] == [0, 1]
    cat.db.execute("delete from article_versions where article_id = ?", [ids[1]])
    cat.db.execute("delete from articles where id = ?", [ids[1]])
    _, row = cat.save_article(outlet="o", canonical_url="https://o.example/new", article=art(), relevance=REL,
                              capture_id=None, fetched_at="t")
    assert cat.assign_seq(row["id"]) == 2


def test_a_transient_failure_stays_pending_for_three_attempts_then_fails(cat):
    url = "https://o.example/a/stalls"
    cat.add_frontier(url, "o", "article", None)
    assert cat.frontier_status(url) == "pending"
    status = lambda: cat.db.execute("select status, attempts, reason from frontier where url = ?", [url]).fetchone()  # noqa: E731
    cat.settle(url, "retry", "timeout")
    cat.settle(url, "retry", "timeout")
    assert status() == ("pending", 2, "timeout")  # retried by the next crawl
    cat.settle(url, "retry", "http-503")
    assert status() == ("failed", 3, "http-503")
    assert [r["url"] for r in cat.pending(["o"])] == []  # no URL pending for ever


def _fts_rows_written(cat, sql, params=()):
    """How many FTS index rows (articles_fts_data) a statement writes: new or replaced segment rows."""
    cat.db.execute("create temp table if not exists seen (id integer primary key)")
    cat.db.execute("delete from seen")
    cat.db.execute("insert into seen select id from articles_fts_data")
    before = cat.db.execute("select count(*), coalesce(sum(length(block)), 0) from articles_fts_data").fetchone()
    cat.db.execute(sql, params)
    cat.db.conn.commit()
    new = cat.db.execute("select count(*) from articles_fts_data where id not in (select id from seen)").fetchone()[0]
    after = cat.db.execute("select count(*), coalesce(sum(length(block)), 0) from articles_fts_data").fetchone()
    return new + (before != after)


def test_the_search_index_is_rewritten_only_when_indexed_words_change(cat):
    """m009: an UPDATE of last_seen, story_id, seq ... leaves the FTS entry alone; a new title re-indexes it."""
    cat.save_article(outlet="o", canonical_url="https://o.example/a/1", article=art(), relevance=REL, capture_id=None,
                     fetched_at="2026-01-01T00:00:00+00:00")
    aid = article_id("https://o.example/a/1")
    assert _fts_rows_written(cat, "update articles set last_seen = ?, seq = 7, text_file = ? where id = ?",
                             ["2026-02-01T00:00:00+00:00", "text/007.txt", aid]) == 0
    assert _fts_rows_written(cat, "update articles set title = title where id = ?", [aid]) == 0  # same words
    assert _fts_rows_written(cat, "update articles set title = ? where id = ?", ["هدنة في سرت", aid]) > 0
    hits = lambda word: cat.db.execute("select count(*) from articles_fts where articles_fts match ?",  # noqa: E731
                                       [word]).fetchone()[0]
    assert hits("سرت") == 1 and hits("اشتباكات") == 1  # the body is still indexed; the new title is
    cat.db.execute("insert into articles_fts(articles_fts, rank) values ('integrity-check', 1)")

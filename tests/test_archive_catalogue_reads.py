"""The catalogue's named reads (lookups, pointers, reading, searching, exports) on a real SQLite catalogue."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from archive.catalogue import exports, lookups, pointers, reading, searching
from archive.catalogue.db import Catalogue
from archive.corpus.search import fts_query
from archive.records import Exchange, ExtractedArticle, Relevance, WarcLocation

REL = Relevance(True, 3.0, 2.0, 1.0, (("طرابلس", "place", 1.0, 2),))
IRREL = Relevance(False, 0.1, 0.1, 0.0, ())
ARTICLES = (  # outlet, path, title, published, relevance
    ("a", "1", "اشتباكات في طرابلس", "2019-04-17", REL),
    ("a", "2?sid=abc", "طرابلس بعد الهدنة", "2019-05-02", REL),
    ("b", "3", "مباراة في طرابلس", "2020-01-09", IRREL),
    ("b", "4", "أسعار النفط", None, IRREL),
)


def _capture(cat: Catalogue, crawl_id: int, url: str, offset: int) -> int:
    ex = Exchange(url=url, method="GET", request_headers=(), request_body=b"", status=200, reason="OK",
                  protocol="HTTP/1.1", response_headers=(("Content-Type", "text/html"),), body=b"",
                  fetched_at=datetime(2026, 1, 1, 12, offset, tzinfo=UTC))
    loc = WarcLocation("warc/x.warc.gz", offset * 100, 90, f"<urn:uuid:{offset}>", "response", f"sha1:{offset}")
    return cat.add_capture(crawl_id, url.split("/")[2][0], ex, loc)


@pytest.fixture
def cat():
    c = Catalogue(":memory:")
    c.upsert_outlets([{"name": "a", "display_name": "Outlet A", "domains": "a.example"},
                      {"name": "b", "display_name": "Outlet B", "domains": "b.example"}])
    crawl_id = c.start_crawl("uid-1", "cli", ["a", "b"])
    for n, (outlet, path, title, published, rel) in enumerate(ARTICLES):
        url = f"https://{outlet}.example/{path}"
        cid = _capture(c, crawl_id, url, n)
        art = ExtractedArticle(url=url, title=title, paragraphs=(f"{title} والمزيد.",), published=published)
        c.save_article(outlet=outlet, canonical_url=url, article=art, relevance=rel, capture_id=cid,
                       fetched_at=f"2026-01-0{n + 1}T00:00:00+00:00")
    c.record_failure(crawl_id, "a", "https://a.example/gone", "fetch", "http-404")
    yield c
    c.close()


def test_search_counts_and_ranks_with_filters(cat):
    match = fts_query("طرابلس")
    counts = searching.hit_counts(cat.db.conn, match, searching.Facets())
    assert sum(r["n"] for r in counts) == 3
    by_outlet = searching.hit_counts(cat.db.conn, match, searching.Facets(outlet="a"))
    assert sorted((r["outlet"], r["month"], r["n"]) for r in by_outlet) == [("a", "2019-04", 1), ("a", "2019-05", 1)]
    only = searching.Facets(relevant=True, since="2019-05", until="2019-05")
    hits = searching.ranked_hits(cat.db.conn, match, only, window=10, limit=10, offset=0, windowed=False)
    assert [h["title"] for h in hits] == ["طرابلس بعد الهدنة"]
    newest = searching.ranked_hits(cat.db.conn, match, searching.Facets(), window=1, limit=10, offset=0,
                                   windowed=True)
    assert [h["title"] for h in newest] == ["مباراة في طرابلس"]  # the window holds the newest hit only
    assert searching.outlet_names(cat.db.conn) == ["a", "b"]


def test_reading_room_reads(cat):
    conn = cat.db.conn
    aid = cat.article_for_url("https://a.example/1")["id"]
    article = reading.article_row(conn, aid)
    assert article["title"] == "اشتباكات في طرابلس" and reading.outlet_row(conn, "a")["display_name"] == "Outlet A"
    assert [v["version"] for v in reading.article_versions(conn, aid)] == [1]
    assert list(reading.captures_by_id(conn, [article["capture_id"], None])) == [article["capture_id"]]
    assert reading.article_row(conn, "0" * 16) is None and reading.merged_into(conn, aid) is None
    health = {r["outlet"]: r for r in reading.outlet_health(conn)}
    assert (health["a"]["pages"], health["a"]["articles"], health["a"]["failures"]) == (2, 2, 1)
    assert [r["title"] for r in reading.latest_relevant(conn)] == ["طرابلس بعد الهدنة", "اشتباكات في طرابلس"]
    assert sum(r["n"] for r in reading.articles_per_day(conn, relevant_only=True)) == 2


def test_lookups_and_pointers(cat):
    crawl_id = 1
    assert exports.crawl_row(cat.db, crawl_id)["id"] == crawl_id and exports.crawl_row(cat.db, 99) is None
    assert [c["url"] for c in lookups.crawl_captures(cat.db, crawl_id)][0] == "https://a.example/1"
    failures = lookups.crawl_failures(cat.db, crawl_id, ("https://a.example/gone", "https://a.example/1"))
    assert [f["reason"] for f in failures] == ["http-404"]
    assert [r["url"] for r in lookups.articles_with_param(cat.db, "a", "sid")] == ["https://a.example/2?sid=abc"]
    assert len(pointers.capture_pointers(cat.db, archived_only=True)) == 4
    assert ("warc/x.warc.gz", 100) in {(r["warc_file"], r["warc_offset"])
                                       for r in pointers.capture_pointers(cat.db, archived_only=True)}
    assert pointers.crawl_ids_by_uid(cat.db) == {"uid-1": 1}
    assert pointers.capture_with_record_id(cat.db, "<urn:uuid:2>") == 3
    assert pointers.latest_response_with_digest(cat.db, "https://b.example/3", "sha1:2") == 3


def test_export_reads_filter_and_batch(cat):
    everything = [r for batch in exports.export_article_batches(cat.db, batch=3) for r in batch]
    assert len(everything) == 4
    assert [len(b) for b in exports.export_article_batches(cat.db, batch=3)] == [3, 1]
    assert {r["outlet_name"] for r in everything} == {"Outlet A", "Outlet B"}
    picked = [r for b in exports.export_article_batches(cat.db, relevant_only=True, since="2019-05-01") for r in b]
    assert [r["title"] for r in picked] == ["طرابلس بعد الهدنة"]
    undated = [r for b in exports.export_article_batches(cat.db, outlets=("b",), since="2026-01-04") for r in b]
    assert [r["title"] for r in undated] == ["أسعار النفط"]  # no publication date: placed by first seen
    versions = exports.versions_with_provenance(cat.db, [r["id"] for r in everything])
    assert all(v[0]["warc_file"] == "warc/x.warc.gz" for v in versions.values())
    assert exports.known_outlets(cat.db) == {"a", "b"}
    assert exports.crawl_warc_files(cat.db, 1) == {"warc/x.warc.gz"}
    assert len(exports.archived_article_pages(cat.db, 1)) == 4

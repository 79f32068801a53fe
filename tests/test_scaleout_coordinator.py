"""crawler.scaleout.wire and crawler.scaleout.coordinator: records round-trip, and the catalogue writer is idempotent."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from helpers import portal_session
from redisserver import redis_server_fixture  # noqa: F401  (the redis_server fixture)

from archive.records import Exchange, ExtractedArticle, ExtractionFailure, WarcLocation
from crawler.capture.config import ArchiveConfig
from crawler.capture.operations import ArticleOp, CaptureOp, FailureOp, FrontierOp, SettleOp, TouchOp
from crawler.scaleout.connection import connect
from crawler.scaleout.coordinator import Coordinator
from crawler.scaleout.wire import decode, encode

BASE = "http://portal.example"
URL = f"{BASE}/news/1"
BODY = ("اندلعت اشتباكات عنيفة في العاصمة الليبية طرابلس بين قوات حكومة الوفاق وقوات القيادة العامة.",
        "وقال شهود إن القصف استهدف أحياء سكنية جنوب المدينة.")
EXCHANGE = Exchange(url=URL, method="GET", request_headers=(("User-Agent", "t"),), request_body=b"", status=200,
                    reason="OK", protocol="HTTP/1.1", response_headers=(("Content-Type", "text/html"), ("ETag", '"a"')),
                    body=b"<html>body</html>", fetched_at=datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
                    ip_address="127.0.0.1")
LOCATION = WarcLocation("warc/NEWSARCHIVE-w1-20260102030405000-00000-h.warc.gz", 1234, 567, "<urn:uuid:1>",
                        "response", "sha1:ABC")


def _ops(crawl_id: int | None = 1) -> list:
    article = ExtractedArticle(url=URL, title="اشتباكات في طرابلس", paragraphs=BODY, published="2026-01-02")
    return [
        CaptureOp("<urn:uuid:1>", crawl_id, "portal", EXCHANGE),
        FrontierOp(f"{BASE}/news/2", "portal", "article", crawl_id),
        ArticleOp("portal", URL, "<urn:uuid:1>", article, "Fri, 02 Jan 2026 03:04:05 GMT", URL),
        FailureOp(crawl_id, "portal", f"{BASE}/gone", "fetch", "http-404"),
        SettleOp(f"{BASE}/gone", "refused", "http-404"),
        TouchOp("abc", "2026-01-02T03:04:05+00:00"),
    ]


def test_every_operation_round_trips_through_json():
    import json

    for op in _ops():
        record = json.loads(json.dumps(encode(op, LOCATION if isinstance(op, CaptureOp) else None)))
        back, location = decode(record)
        if isinstance(op, CaptureOp):
            assert location == LOCATION
            # the body stays in the worker's WARC: the row needs only the metadata
            assert back.exchange == EXCHANGE.__class__(**{**EXCHANGE.__dict__, "body": b""})
            assert (back.record_id, back.crawl_id, back.outlet, back.prior) == ("<urn:uuid:1>", 1, "portal", None)
        else:
            assert back == op
    failed = ArticleOp("portal", URL, None, ExtractionFailure(URL, "no-text", "empty"))
    assert decode(encode(failed))[0] == failed


def test_what_the_workers_extraction_pool_prepared_travels_with_the_article():
    import json

    from crawler.capture.prepare import prepare
    from crawler.relevance.judge import load_lexicon

    article = ExtractedArticle(url=URL, title="اشتباكات في طرابلس", paragraphs=BODY)
    prepared = prepare(article, load_lexicon(ArchiveConfig.from_settings({}).lexicon))
    assert prepared.relevance.matched_terms and prepared.shingles
    op = ArticleOp("portal", URL, "<urn:uuid:1>", article, None, None, prepared)
    back, _ = decode(json.loads(json.dumps(encode(op))))
    assert back.prepared == prepared and back == op


def test_a_capture_without_its_warc_location_is_not_published():
    with pytest.raises(ValueError, match="WARC location"):
        encode(_ops()[0])


@pytest.fixture
def session(tmp_path):
    s = portal_session(tmp_path, BASE)
    yield s
    s.close()


def _records(session, tag: str) -> list[dict]:
    records = []
    for n, op in enumerate(_ops(session.crawl_id)):
        record = encode(op, LOCATION if isinstance(op, CaptureOp) else None)
        record["delivery"] = f"{tag}:{n}"
        records.append(record)
    return records


def _count(session, table: str) -> int:
    return session.catalogue.db.execute(f"select count(*) from {table}").fetchone()[0]


def test_a_record_delivered_twice_is_stored_once(session, redis_server):
    coordinator = Coordinator(session, connect(redis_server.url, give_up_after=5), lease_timeout=3)
    coordinator.apply(_records(session, "batch-1"))
    coordinator.apply(_records(session, "batch-1"))  # a redelivery: the same records again
    assert (_count(session, "captures"), _count(session, "articles"), _count(session, "failures")) == (1, 1, 1)
    stored = session.catalogue.db.execute("select warc_file, warc_offset, warc_record_id from captures").fetchone()
    assert tuple(stored) == (LOCATION.warc_file, LOCATION.offset, LOCATION.record_id)
    # a worker's batch published again under new delivery keys: captures and articles are keyed by content
    coordinator.apply(_records(session, "batch-2"))
    assert (_count(session, "captures"), _count(session, "articles")) == (1, 1)
    status = session.catalogue.db.execute("select status from frontier where url = ?", [URL]).fetchone()
    assert status is None or status[0] == "done"
    assert len(list((session.config.data_dir / "text").glob("*.txt"))) == 1


def test_worker_counts_are_added_once_per_child_crawl(session, redis_server):
    coordinator = Coordinator(session, connect(redis_server.url, give_up_after=5), lease_timeout=3)
    counts = {"op": "counts", "run": "r1", "worker": "w1", "status": "finished", "error": None,
              "counts": {"portal": {"pages_fetched": 7, "failures": 1, "failure:http-404": 1}}}
    coordinator.apply([counts, dict(counts)])
    coordinator.apply([{**counts, "run": "r2", "counts": {"portal": {"pages_fetched": 2}}}])
    coordinator._add_counts()
    assert session.totals()["pages_fetched"] == 9
    assert session.counts["portal"]["failure:http-404"] == 1


def test_the_coordinator_says_when_no_worker_runs_and_why_a_worker_refused(session, redis_server, caplog,
                                                                           monkeypatch):
    # a coordinator with no live worker, or whose workers refused it (another data folder), waited in silence
    import logging

    from crawler.scaleout import coordinator as coordinator_module
    from crawler.scaleout.workers import claim_name

    monkeypatch.setattr(coordinator_module, "NO_WORKER_WARNING", 0.0)
    link = connect(redis_server.url, give_up_after=5)
    coordinator = Coordinator(session, link, lease_timeout=3)
    caplog.set_level(logging.WARNING, logger="crawler.scaleout.coordinator")
    coordinator._done()
    assert "no worker is running" in caplog.text and "newsarchive worker --redis" in caplog.text
    caplog.clear()
    claim = claim_name(link, "w1", ttl=30)
    link.client.hset(coordinator.keys.refusals, "w1", "its data folder /x is another archive")
    coordinator._done()
    coordinator._done()
    assert "no worker is running" not in caplog.text
    assert caplog.text.count("worker w1 will not crawl for this crawl: its data folder /x") == 1  # said once
    claim.release()

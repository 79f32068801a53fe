"""The capture path without a network crawl: session owner, WARC capture, conditional requests, guard, pipeline, spider.

In the style of Scrapy's own tests/test_downloadermiddleware_*.py: each component is built with
``scrapy.utils.test.get_crawler`` and ``scrapy.utils.misc.build_from_crawler`` against a real data folder
(SQLite catalogue, WARC files read back with warcio) and fed hand-made requests and responses.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse, Response, XmlResponse
from scrapy.utils.misc import build_from_crawler
from scrapy.utils.test import get_crawler
from twisted.internet.testing import MemoryReactorClock
from twisted.python.failure import Failure
from warcio.archiveiterator import ArchiveIterator

from archive.catalogue import aliases
from archive.catalogue.db import Catalogue
from archive.faults import DISK_FULL, StorageFault
from archive.records import ExtractedArticle, Relevance
from crawler.capture.operations import ArticleOp, CaptureOp, TouchOp
from crawler.capture.writer import LocalWriter
from crawler.extensions import ArchiveSessionOwner, archive_session
from crawler.fetch.limits import bounded_url
from crawler.items import PageItem
from crawler.middlewares import WarcCaptureMiddleware, exchange_from
from crawler.netguard import Refused, RequestGuardMiddleware
from crawler.pipelines import ArticlePipeline
from crawler.resolver import GuardedResolver
from crawler.spiders.outlets import OutletSpider
from crawler.spiders.recrawl import RecrawlSpider

BASE = "http://portal.example"
ARTICLE = f"{BASE}/news/1"
SEEDS = f"""
[[outlet]]
name = "portal"
start_urls = ["{BASE}/"]
feeds = ["{BASE}/rss"]
article_urls = ['/news/\\d+$']
follow_urls = ['/section/']
deny_urls = ['/news/sport/']
topic_filter = false
max_depth = 1
"""
PARAS = ("اندلعت اشتباكات عنيفة في العاصمة الليبية طرابلس بين قوات حكومة الوفاق وقوات القيادة العامة.",
         "وقال شهود إن القصف استهدف أحياء سكنية جنوب المدينة وإن عائلات كثيرة نزحت نحو وسط العاصمة.",
         "وأعلن المجلس الرئاسي تشكيل لجنة عسكرية مشتركة لمراقبة وقف إطلاق النار في سرت والجفرة.")
PAGE = ("<html><head><title>اشتباكات في طرابلس</title></head><body><article><h1>اشتباكات في طرابلس</h1>"
        + "".join(f"<p>{p}</p>" for p in PARAS) + "</article></body></html>")


@pytest.fixture
def owner(tmp_path):
    """The session owner of a crawler whose session writes to a fresh data folder."""
    seeds = tmp_path / "outlets.toml"
    seeds.write_text(SEEDS, encoding="utf-8")
    crawler = get_crawler(OutletSpider, {
        "ARCHIVE_DATA_DIR": str(tmp_path / "data"), "ARCHIVE_SEEDS": str(seeds), "ARCHIVE_DISK_RESERVE": 0,
        "CRAWL_CONTACT_URL": "http://127.0.0.1/contact", "CRAWL_URL_MAX_LENGTH": 120,
        # the writer on a thread of this process, so tests can reach into it (its WARC file, its batches);
        # the writer process is tested in tests/test_writer_process.py
        "ARCHIVE_WRITER": "thread",
    })
    owner = build_from_crawler(ArchiveSessionOwner, crawler)
    yield owner
    owner.session.finish()
    owner.session.close()


@pytest.fixture
def crawler(owner):
    return owner.crawler


@pytest.fixture
def session(crawler):
    return archive_session(crawler)


@pytest.fixture
def capture(crawler):
    return build_from_crawler(WarcCaptureMiddleware, crawler)


@pytest.fixture
def spider(crawler):
    return build_from_crawler(OutletSpider, crawler)


def fetched(capture, url, status=200, body=b"", *, kind="article", headers=None, request=None):
    """Pass one response through the capture middleware, as the downloader would; return the request.

    The writer thread stores it; the helper waits for that commit, as a later read in a crawl would not need to.
    """
    request = request or Request(url, meta={"outlet": "portal", "kind": kind})
    cls = HtmlResponse if body else Response
    response = cls(url, status=status, headers=headers or {}, body=body, request=request)
    assert capture.process_response(request, response) is response
    assert capture.session.flush(timeout=10)
    return request


def warc_records(session):
    """Every record of the crawl's WARC files, read back with warcio after the session closed them."""
    session.finish()
    records = []
    for path in sorted((session.config.data_dir / "warc").glob("*.warc.gz")):
        with path.open("rb") as fh:
            for record in ArchiveIterator(fh):
                http = record.http_headers
                records.append((record.rec_type, dict(record.rec_headers.headers),
                                http.to_str() if http else "", record.content_stream().read()))
    return records


def store_article(session, capture_ref, url=ARTICLE):
    """An article row extracted from the capture ``capture_ref`` names (what the pipeline leaves behind)."""
    capture_id = session.capture_ids.resolve(session.catalogue.db, capture_ref)
    article = ExtractedArticle(url=url, title="اشتباكات في طرابلس", paragraphs=PARAS)
    session.catalogue.save_article(outlet="portal", canonical_url=url, article=article,
                                   relevance=Relevance(True, 1.0, 1.0, 1.0, ()), capture_id=capture_id,
                                   fetched_at=datetime.now(UTC).isoformat(timespec="seconds"))


# -- the session owner --------------------------------------------------------------------------------


def test_the_extension_in_the_project_settings_opens_the_session(tmp_path):
    from crawler import settings as project

    seeds = tmp_path / "outlets.toml"
    seeds.write_text(SEEDS, encoding="utf-8")
    crawler = get_crawler(OutletSpider, {"EXTENSIONS": project.EXTENSIONS, "ARCHIVE_DATA_DIR": str(tmp_path / "d"),
                                         "ARCHIVE_SEEDS": str(seeds), "ARCHIVE_DISK_RESERVE": 0})
    session = archive_session(crawler)  # opened while Scrapy built the extensions, before any middleware
    owner = crawler.get_extension(ArchiveSessionOwner)
    assert owner.session is session
    assert [o.name for o in session.outlets] == ["portal"]
    assert [r["status"] for r in session.catalogue.running_crawls()] == ["running"]
    owner.spider_closed(None, "finished")
    assert (tmp_path / "d" / "catalogue.db").exists() and session.finished


def test_without_the_owner_the_components_say_what_is_missing(tmp_path):
    crawler = get_crawler(OutletSpider, {"ARCHIVE_DATA_DIR": str(tmp_path / "d")})
    with pytest.raises(RuntimeError, match="ArchiveSessionOwner"):
        build_from_crawler(WarcCaptureMiddleware, crawler)
    with pytest.raises(RuntimeError, match="ArchiveSessionOwner"):
        build_from_crawler(ArticlePipeline, crawler)
    with pytest.raises(RuntimeError, match="ArchiveSessionOwner"):
        build_from_crawler(OutletSpider, crawler).session  # noqa: B018 - the spider reads it on first use
    assert not (tmp_path / "d").exists()  # nobody opened a session on the side


def test_a_crawl_left_running_by_a_dead_process_is_marked_interrupted(tmp_path):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True,
                          check=True)
    earlier = Catalogue(tmp_path / "data" / "catalogue.db")
    earlier_id = earlier.start_crawl("killed", "cli", ["portal"], pid=int(dead.stdout))
    earlier.close()
    seeds = tmp_path / "outlets.toml"
    seeds.write_text(SEEDS, encoding="utf-8")
    crawler = get_crawler(OutletSpider, {"ARCHIVE_DATA_DIR": str(tmp_path / "data"), "ARCHIVE_SEEDS": str(seeds),
                                         "ARCHIVE_DISK_RESERVE": 0})
    owner = build_from_crawler(ArchiveSessionOwner, crawler)
    try:
        assert [(r["id"], r["status"]) for r in owner.session.catalogue.running_crawls()] == \
            [(owner.session.crawl_id, "running")]
        assert owner.session.catalogue.db["crawls"].get(earlier_id)["status"] == "interrupted"
    finally:
        owner.end_crawl("finished")


def test_end_of_crawl_writes_the_row_then_reconciles_history(owner, session, capture):
    store_article(session, fetched(capture, ARTICLE, body=PAGE.encode()).meta["capture_id"])
    fetched(capture, ARTICLE, status=404)
    owner.spider_closed(None, "finished")
    catalogue = Catalogue(session.config.data_dir / "catalogue.db")
    try:
        [crawl] = catalogue.db["crawls"].rows
        assert (crawl["status"], crawl["pages_fetched"], crawl["failures"]) == ("finished", 2, 0)
        assert json.loads(crawl["counts"])["portal"]["pages_fetched"] == 2
        [article] = catalogue.db["articles"].rows
        # the reconcile step ran: the 404 of this crawl is a deletion event, and re-checks are planned
        assert [(e["kind"], e["http_status"]) for e in catalogue.events(article["id"])] == [("deleted", 404)]
        assert (article["status"], article["watch"]) == ("deleted", "watching")
    finally:
        catalogue.close()


def test_after_a_storage_fault_the_row_says_failed_and_history_waits(owner, session, capture):
    store_article(session, fetched(capture, ARTICLE, body=PAGE.encode()).meta["capture_id"])
    fetched(capture, ARTICLE, status=404)
    session.trip(StorageFault(DISK_FULL, "no space left on device"))
    owner.spider_closed(None, "finished")
    catalogue = Catalogue(session.config.data_dir / "catalogue.db")
    try:
        [crawl] = catalogue.db["crawls"].rows
        assert crawl["status"] == "failed" and "no space" in crawl["error"]
        [article] = catalogue.db["articles"].rows
        assert catalogue.events(article["id"]) == []  # the 404's deletion event: left to the next crawl
        assert article["watch"] == "watching"  # planned when it was stored (Catalogue._watch_plan), not by history
    finally:
        catalogue.close()


# -- WarcCaptureMiddleware ----------------------------------------------------------------------------


def test_capture_archives_request_and_response_and_records_it(crawler, session, capture):
    request = fetched(capture, ARTICLE, body=PAGE.encode(), headers={"ETag": '"v1"', "Server": "test"})
    assert request.meta["revisit_of"] is None
    row = session.catalogue.latest_capture(ARTICLE)
    assert row["warc_record_id"] == request.meta["capture_id"]  # the capture's reference: its WARC-Record-ID
    assert (row["status"], row["record_type"], row["etag"], row["outlet"]) == (200, "response", '"v1"', "portal")
    assert crawler.stats.get_value("newsarchive/pages_fetched") == 1 == session.totals()["pages_fetched"]
    assert crawler.stats.get_value("newsarchive/captures/status/200") == 1
    records = warc_records(session)
    assert [r[0] for r in records] == ["warcinfo", "response", "request"]
    _, warc_headers, http, payload = records[1]
    assert warc_headers["WARC-Target-URI"] == ARTICLE
    assert warc_headers["WARC-Record-ID"] == row["warc_record_id"]
    assert http.startswith("HTTP/1.1 200 OK") and 'etag: "v1"' in http.lower()
    assert payload == PAGE.encode()
    _, request_headers, sent, _ = records[2]
    assert request_headers["WARC-Concurrent-To"] == row["warc_record_id"]
    assert sent.startswith("GET /news/1 HTTP/1.1") and "Host: portal.example" in sent


@pytest.mark.parametrize(("status", "body", "profile"), [
    (304, b"", "server-not-modified"),
    (200, PAGE.encode(), "identical-payload-digest"),
], ids=["304-to-a-conditional-request", "200-with-the-same-payload"])
def test_an_unchanged_answer_is_a_revisit_of_the_last_full_capture(session, capture, status, body, profile):
    first = fetched(capture, ARTICLE, body=PAGE.encode(), headers={"ETag": '"v1"'}).meta["capture_id"]
    again = fetched(capture, ARTICLE, status=status, body=body)
    assert again.meta["revisit_of"] == first
    records = warc_records(session)
    assert [r[0] for r in records] == ["warcinfo", "response", "request", "revisit", "request"]
    revisit = records[3][1]
    assert revisit["WARC-Profile"].endswith(profile)
    assert revisit["WARC-Refers-To-Target-URI"] == ARTICLE
    assert revisit["WARC-Refers-To"] == records[1][1]["WARC-Record-ID"]


def test_a_changed_page_is_archived_whole(session, capture):
    fetched(capture, ARTICLE, body=PAGE.encode())
    again = fetched(capture, ARTICLE, body=PAGE.replace("طرابلس", "سرت").encode())
    assert again.meta["revisit_of"] is None
    assert [r[0] for r in warc_records(session)].count("response") == 2


def test_conditional_headers_only_for_article_urls_with_a_stored_article(session, capture):
    headers = {"ETag": '"v1"', "Last-Modified": "Mon, 01 Jun 2026 10:00:00 GMT"}
    stored = fetched(capture, ARTICLE, body=PAGE.encode(), headers=headers).meta["capture_id"]
    fetched(capture, f"{BASE}/news/2", body=PAGE.encode(), headers=headers)  # captured, no article stored
    fetched(capture, f"{BASE}/rss", body=PAGE.encode(), headers=headers, kind="feed")
    store_article(session, stored)
    store_article(session, None, url=f"{BASE}/rss")  # even with an article row, a feed is fetched whole

    def asked(url, kind="article", **meta):
        request = Request(url, meta={"outlet": "portal", "kind": kind, **meta})
        assert capture.process_request(request) is None
        return request.headers.get("If-None-Match"), request.headers.get("If-Modified-Since")

    assert asked(ARTICLE) == (b'"v1"', b"Mon, 01 Jun 2026 10:00:00 GMT")
    assert asked(f"{BASE}/news/2") == (None, None)  # extraction failed or never ran: fetch it whole
    assert asked(f"{BASE}/news/3") == (None, None)  # never captured
    assert asked(f"{BASE}/rss", kind="feed") == (None, None)  # links are needed even when unchanged
    assert asked(ARTICLE, force=True) == (None, None)  # `recrawl` without --conditional


# -- RequestGuardMiddleware ---------------------------------------------------------------------------


@pytest.fixture
def guard(crawler):
    mw = build_from_crawler(RequestGuardMiddleware, crawler)
    # the resolver a crawl installs in the reactor (TWISTED_DNS_RESOLVER), here on Twisted's memory reactor
    mw._resolver = GuardedResolver.from_crawler(crawler, MemoryReactorClock())
    return mw


@pytest.mark.parametrize(("url", "reason"), [
    ("http://10.0.0.7/news/1", "private-address"),
    ("http://127.0.0.1:8080/news/1", "private-address"),
    (f"{BASE}/news/1?" + "x" * 120, "url-too-long"),
])
def test_the_request_guard_refuses_and_the_reason_is_recorded(crawler, session, guard, spider, url, reason):
    request = Request(url, meta={"outlet": "portal", "kind": "article"})
    with pytest.raises(Refused) as refused:
        guard.process_request(request)
    assert refused.value.reason == reason
    failure = Failure(refused.value)
    failure.request = request  # as Scrapy's downloader hands it to the errback
    spider.on_error(failure)
    session.flush()
    [row] = session.catalogue.db["failures"].rows
    # a URL past CRAWL_URL_MAX_LENGTH (120 here) is stored cut, its full length in the detail (hostile web round four)
    assert (row["url"], row["stage"], row["reason"]) == (bounded_url(url, 120), "fetch", reason)
    assert crawler.stats.get_value(f"newsarchive/failures/{reason}") == 1
    assert session.totals()["failures"] == 1


def test_the_request_guard_lets_an_outlet_page_through(guard):
    assert guard.process_request(Request(ARTICLE, meta={"outlet": "portal", "kind": "article"})) is None


# -- ArticlePipeline ----------------------------------------------------------------------------------


def test_the_pipeline_stores_an_article_and_its_text(crawler, session, capture):
    pipeline = build_from_crawler(ArticlePipeline, crawler)
    # the real extraction, in a thread instead of the crawl's spawned processes (which take seconds to start)
    pipeline.pool = ThreadPoolExecutor(max_workers=1)
    capture_id = fetched(capture, ARTICLE, body=PAGE.encode()).meta["capture_id"]
    session.discover(ARTICLE, "portal", "article")
    item = PageItem(outlet="portal", url=ARTICLE, body=PAGE.encode(), content_type="text/html; charset=utf-8",
                    capture_id=capture_id, request_url=ARTICLE)
    try:
        assert asyncio.run(pipeline.process_item(item)) is item
    finally:
        pipeline.close_spider()
    assert session.flush(timeout=10)
    row = session.catalogue.article_for_url(ARTICLE)
    assert row["title"] == "اشتباكات في طرابلس"
    assert row["capture_id"] == session.capture_ids.resolve(session.catalogue.db, capture_id)
    assert "طرابلس" in (session.config.data_dir / row["text_file"]).read_text(encoding="utf-8")
    assert crawler.stats.get_value("newsarchive/articles_new") == 1 == session.totals()["articles_new"]
    assert session.catalogue.pending(["portal"]) == []  # the frontier URL is settled


# -- OutletSpider -------------------------------------------------------------------------------------


def answer(cls, url, body, **meta):
    return cls(url, body=body, encoding="utf-8", request=Request(url, meta={"outlet": "portal", **meta}))


def test_discovery_marks_known_articles_and_their_aliases_done(session):
    cat = session.catalogue
    _, row = cat.save_article(outlet="portal", canonical_url=f"{BASE}/a", relevance=Relevance(True, 2.0, 4.0, 4.0, ()),
                              article=ExtractedArticle(url=f"{BASE}/a", title="t", paragraphs=("p",)),
                              capture_id=None, fetched_at="2026-12-01T10:00:00+00:00")
    with cat.db.conn:
        aliases.add_alias(cat.db, f"{BASE}/a?sid=8f3a9c2e71", row["id"], "session-param")
    assert session.discover(f"{BASE}/a?sid=8f3a9c2e71", "portal", "article") == "done"
    assert session.discover(f"{BASE}/a", "portal", "article") == "done"
    assert session.discover(f"{BASE}/new", "portal", "article") == "pending"
    session.flush()
    assert cat.frontier_status(f"{BASE}/a?sid=8f3a9c2e71") == "done"


def test_a_feed_yields_its_unknown_article_urls(session, spider):
    session.catalogue.add_frontier(f"{BASE}/news/9", "portal", "article", None)
    session.catalogue.settle(f"{BASE}/news/9")  # archived by an earlier crawl
    rss = ("<rss version='2.0'><channel>"
           f"<item><link>{BASE}/news/1</link><pubDate>Mon, 01 Jun 2026 10:00:00 GMT</pubDate></item>"
           f"<item><link>{BASE}/news/9</link></item>"
           f"<item><link>{BASE}/about</link></item>"
           "<item><link>http://elsewhere.example/news/2</link></item></channel></rss>")
    requests = list(spider.parse_feed(answer(XmlResponse, f"{BASE}/rss", rss.encode(), kind="feed")))
    assert [r.url for r in requests] == [f"{BASE}/news/1"]
    [r] = requests
    assert (r.meta["kind"], r.meta["outlet"], r.priority, r.callback) == ("article", "portal", 10, spider.parse_article)
    assert r.meta["listed_date"] == "Mon, 01 Jun 2026 10:00:00 GMT"


def test_a_sitemap_index_yields_sitemaps_and_a_urlset_articles_newest_first(spider):
    ns = "http://www.sitemaps.org/schemas/sitemap/0.9"
    index = (f"<sitemapindex xmlns='{ns}'><sitemap><loc>{BASE}/s1.xml</loc></sitemap>"
             "<sitemap><loc>http://elsewhere.example/s.xml</loc></sitemap></sitemapindex>")
    [sub] = spider.parse_sitemap(answer(XmlResponse, f"{BASE}/sitemap.xml", index.encode(), kind="sitemap"))
    assert (sub.url, sub.meta["kind"], sub.meta["sitemap_depth"]) == (f"{BASE}/s1.xml", "sitemap", 1)
    urlset = (f"<urlset xmlns='{ns}'>"
              f"<url><loc>{BASE}/news/1</loc><lastmod>2026-01-01</lastmod></url>"
              f"<url><loc>{BASE}/news/2</loc><lastmod>2026-03-01</lastmod></url>"
              f"<url><loc>{BASE}/section/a</loc></url></urlset>")
    requests = spider.parse_sitemap(answer(XmlResponse, f"{BASE}/s1.xml", urlset.encode(), kind="sitemap"))
    assert [r.url for r in requests] == [f"{BASE}/news/2", f"{BASE}/news/1"]


def test_a_listing_yields_articles_and_followed_pages_to_max_depth(spider):
    html = ("<a href='/news/1'>a</a><a href='/news/sport/2'>denied</a><a href='/section/b'>more</a>"
            "<a href='/contact'>x</a><a href='http://elsewhere.example/news/3'>off</a>")
    top = list(spider.parse_listing(answer(HtmlResponse, f"{BASE}/", html.encode(), kind="listing", depth=0)))
    assert [(r.url, r.meta["kind"]) for r in top] == [(f"{BASE}/news/1", "article"), (f"{BASE}/section/b", "listing")]
    assert top[1].meta["depth"] == 1
    deep = list(spider.parse_listing(answer(HtmlResponse, f"{BASE}/section/b", html.encode(), kind="listing",
                                            depth=1)))
    assert [r.url for r in deep] == [f"{BASE}/news/1"]  # max_depth = 1: no further listing pages


def test_the_allowed_domains_come_from_the_session(crawler, spider):
    assert spider.outlets == archive_session(crawler).outlets
    assert spider.allowed_domains == ["portal.example"]


def test_a_recrawl_also_allows_its_targets_hosts(owner):
    crawler = get_crawler(RecrawlSpider, {**owner.crawler.settings.copy_to_dict(),
                                          "RECRAWL_TARGETS": [["http://mirror.example/news/1", "portal"]]})
    recrawl = build_from_crawler(RecrawlSpider, crawler)
    its_owner = build_from_crawler(ArchiveSessionOwner, crawler)
    try:
        assert recrawl.allowed_domains == ["mirror.example", "portal.example"]
    finally:
        its_owner.end_crawl("finished")


# -- the writer thread (crawler.capture.writer, crawler.capture.apply) ------------------------------------------


def some_article(n=0):
    """A page-holding operation (it counts against the writer's queue bound)."""
    return ArticleOp("portal", f"{BASE}/news/{n}", None, ExtractedArticle(url=ARTICLE, title="t", paragraphs=("p",)))


def test_the_writer_commits_in_batches_bounded_by_count():
    batches = []
    writer = LocalWriter(lambda ops: batches.append(len(ops)), batch=200, interval=5.0, capacity=1000)
    for n in range(450):
        writer.put(n)
    assert writer.flush(timeout=10)
    writer.close()
    assert sum(batches) == 450 and max(batches) == 200 and len(batches) == 3


def test_the_writer_commits_a_small_batch_after_the_interval():
    batches = []
    writer = LocalWriter(lambda ops: batches.append(list(ops)), batch=200, interval=0.05, capacity=10)
    for n in range(3):
        writer.put(n)
    deadline = time.monotonic() + 5
    while not batches and time.monotonic() < deadline:
        time.sleep(0.01)
    writer.close()
    assert batches == [[0, 1, 2]]  # in order, in one batch, without a flush


def test_a_full_queue_makes_the_producer_wait_until_the_writer_catches_up():
    gate = threading.Event()
    writer = LocalWriter(lambda ops: gate.wait(10), batch=1, interval=0, capacity=2)
    writer.put(some_article(1))  # taken at once: the writer blocks on the gate with it
    deadline = time.monotonic() + 5
    while writer.pending() != 1 and time.monotonic() < deadline:
        time.sleep(0.01)
    writer.put(some_article(2))
    room = writer.room()
    assert room is not None and not room.done()  # two pages held: the next producer waits
    writer.put(1)  # small operations (frontier rows) are not bounded by pages
    gate.set()
    assert room.result(timeout=5) is None
    writer.close()
    assert writer.room() is None


def test_a_storage_fault_stops_the_writer_drops_the_queue_and_releases_waiters():
    gate = threading.Event()
    seen = []

    def apply(ops):
        gate.wait(10)
        seen.extend(ops)
        raise StorageFault(DISK_FULL, "no space left on device")

    writer = LocalWriter(apply, batch=1, interval=0, capacity=1, on_error=lambda exc: isinstance(exc, StorageFault))
    writer.put(some_article(1))
    writer.put(some_article(2))
    room = writer.room()
    assert room is not None
    gate.set()
    assert room.result(timeout=5) is None
    writer.flush(timeout=5)
    assert writer.stopped and len(seen) == 1  # the second page was dropped, not written after the fault
    writer.put(some_article(3))
    assert writer.pending() == 0
    writer.close()


def test_a_batch_of_captures_costs_one_fsync_and_one_transaction_and_records_come_first(session, capture, monkeypatch):
    syncs = []
    original = session.warc.sync

    def sync():
        # the rows of this batch are not committed yet when its records are made durable
        syncs.append(session.reader.db.execute("select count(*) from captures").fetchone()[0])
        original()

    monkeypatch.setattr(session.warc, "sync", sync)
    batches = session.writer.batches
    for n in range(10):
        request = Request(f"{BASE}/news/{n}", meta={"outlet": "portal", "kind": "article"})
        response = HtmlResponse(request.url, body=PAGE.encode(), request=request)
        assert capture.process_response(request, response) is response
        assert isinstance(request.meta["capture_id"], str)  # the WARC-Record-ID, handed out before the write
    assert session.flush(timeout=10)
    assert syncs == [0] and session.writer.batches == batches + 1
    assert session.catalogue.db.execute("select count(*) from captures").fetchone()[0] == 10


def test_a_capture_is_a_revisit_of_a_pending_capture_before_it_commits(session, capture):
    gate = threading.Event()
    session.writer.put(TouchOp("none", "2026-01-01"))  # keep the writer busy ...
    session.writer._apply, real = (lambda ops: (gate.wait(10), real(ops))), session.writer._apply
    first = Request(ARTICLE, meta={"outlet": "portal", "kind": "article"})
    capture.process_response(first, HtmlResponse(ARTICLE, body=PAGE.encode(), request=first))
    again = Request(ARTICLE, meta={"outlet": "portal", "kind": "article"})
    capture.process_response(again, HtmlResponse(ARTICLE, body=PAGE.encode(), request=again))
    assert again.meta["revisit_of"] == first.meta["capture_id"]  # ... read from the overlay, not the catalogue
    gate.set()
    assert session.flush(timeout=10)
    rows = {r["warc_record_id"]: r for r in session.catalogue.db["captures"].rows}
    revisit = rows[again.meta["capture_id"]]
    assert revisit["record_type"] == "revisit" and revisit["refers_to"] == rows[first.meta["capture_id"]]["id"]
    assert len(session.pending) == 0  # committed: the overlay forgot them


def test_a_capture_applied_twice_is_stored_once(session):
    from crawler.capture.apply import apply_batch

    request = Request(ARTICLE, meta={"outlet": "portal", "kind": "article"})
    ex = exchange_from(request, HtmlResponse(ARTICLE, body=PAGE.encode(), request=request))
    op = CaptureOp("<urn:uuid:00000000-0000-0000-0000-000000000001>", session.crawl_id, "portal", ex)
    session.writer.close()  # apply here, on this thread
    apply_batch(session, [op])
    apply_batch(session, [op])
    assert session.catalogue.db.execute("select count(*) from captures").fetchone()[0] == 1


def test_a_storage_fault_in_the_writer_trips_the_session(owner, session, capture, monkeypatch):
    stopped = []
    session.on_fault = stopped.append

    def full(*args, **kwargs):
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(session.catalogue, "add_capture", full)
    request = Request(ARTICLE, meta={"outlet": "portal", "kind": "article"})
    capture.process_response(request, HtmlResponse(ARTICLE, body=PAGE.encode(), request=request))
    session.flush(timeout=10)
    assert session.fault is not None and session.fault.reason == DISK_FULL and stopped == [DISK_FULL]
    assert session.writer.stopped
    with pytest.raises(StorageFault):
        capture.process_response(request, HtmlResponse(ARTICLE, body=PAGE.encode(), request=request))

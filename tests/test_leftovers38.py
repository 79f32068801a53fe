"""Small faults left this morning (stop 38), each pinned by a test that failed before its fix:

1. ``check --repair`` of a WARC record whose status is no three digits (a 20-digit one, stored before hostile round
   eight) raised OverflowError: the row now gets status 0 and the log names the record;
2. ``export --out DATA/logs/scheduler.json`` replaced the scheduler's record: the export guard now refuses every file
   and folder the tool keeps in the data folder;
3. ``prune_appended_stories`` counted ``id()`` of lxml proxies it let go: a block's own wrapper's ``data-url`` went
   unread, and the story appended below the page's own was kept;
4. an ordinal dateline glued to the headline ("Headline الأحد الثامن عشر من أيار 2014") stayed the body's first line;
5. a page served as text/plain, JSON or a WARC file whose body holds markup was stored as an article;
6. a live blog's update headings (an h2 linking to the update's own page) were dropped from its body.
"""

from __future__ import annotations

import logging
import sys
import threading
from copy import deepcopy
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import crawl_cli, rows
from lxml import html as lxml_html
from warcio.archiveiterator import ArchiveIterator

from archive.catalogue.db import Catalogue
from archive.errors import ExportError
from archive.export.guard import refuse_archive_target
from archive.integrity.check import check_archive
from archive.integrity.recovery import recover
from archive.records import Exchange
from archive.warc.writer import WarcArchive
from crawler.cli.main import cli
from crawler.extraction.article import extract_article
from crawler.extraction.chrome_lines import without_chrome_lines
from crawler.extraction.served_type import not_html
from crawler.extraction.stream import prune_appended_stories

sys.path.insert(0, str(Path(__file__).parent))
from test_old_layouts_probe38 import LIVE_INTRO, STORY, STORY_HEADLINE, UPDATES, live_page  # noqa: E402

FROZEN = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
PROSE = ("أعلنت حكومة الوحدة الوطنية في طرابلس اليوم اتفاقا جديدا لوقف إطلاق النار في مدينة سرت بعد اشتباكات عنيفة "
         "استمرت عدة أيام بين القوات المتنازعة، وقال المتحدث باسم المجلس الرئاسي إن الاتفاق يشمل انسحاب الوحدات. ")


# -- 1. check --repair of a status that is no three digits --------------------------------------------------------


def _exchange(url: str, status: int) -> Exchange:
    return Exchange(url=url, method="GET", request_headers=(("Host", "alwasat.ly"),), request_body=b"",
                    status=status, reason="OK", protocol="HTTP/1.1",
                    response_headers=(("Content-Type", "text/html; charset=utf-8"),),
                    body=f"<p>{PROSE}</p>".encode(), fetched_at=FROZEN, ip_address="127.0.0.9")


def test_repair_indexes_a_record_whose_status_is_no_three_digits(tmp_path: Path, caplog) -> None:
    # before: the writer of a crawl before round eight archived these, then failed to add their rows; recover()
    # raised OverflowError (sqlite3: Python int too large to convert to SQLite INTEGER) on the 20-digit one
    data = tmp_path / "data"
    with Catalogue(data / "catalogue.db") as catalogue:
        warc = WarcArchive(data, warcinfo={"crawl-id": "uid-old"}, fsync=False)
        warc.write_exchange(_exchange("https://alwasat.ly/news/1", 200))
        warc.write_exchange(_exchange("https://alwasat.ly/news/huge", 20000000000000000000))
        warc.write_exchange(_exchange("https://alwasat.ly/news/minus", -200))
        warc.close()
        with caplog.at_level(logging.WARNING, logger="archive.integrity.recovery"):
            report = recover(data, catalogue)
        statuses = {row["url"].rsplit("/", 1)[1]: row["status"] for row in catalogue.db["captures"].rows}
        assert statuses == {"1": 200, "huge": 0, "minus": 0}
        assert len(report.captures_added) == 3
        named = [r.getMessage() for r in caplog.records if "holds no HTTP status code" in r.getMessage()]
        assert len(named) == 2 and any("20000000000000000000" in m for m in named), named
        assert check_archive(data, catalogue).ok  # every record has its row now; a second repair has nothing to do
        assert not recover(data, catalogue).captures_added


# -- 2. the export guard covers every file the tool keeps -----------------------------------------------------------


@pytest.mark.parametrize("target", ["logs/scheduler.json", "logs/crawl-1.log", "queue/crawl-ab12/requests.queue",
                                    "demo-sites.json", "demo-seeds.toml", "catalogue.db.migrate.lock"])
def test_the_guard_refuses_the_tools_own_files(tmp_path: Path, target: str) -> None:
    with pytest.raises(ExportError, match="nothing was written"):
        refuse_archive_target(tmp_path, tmp_path / target)


@pytest.mark.parametrize("target", ["exports/corpus.csv", "index/index.cdxj", "notes.csv"])
def test_the_guard_still_allows_the_users_files(tmp_path: Path, target: str) -> None:
    refuse_archive_target(tmp_path, tmp_path / target)  # index/: `index`'s own default --out


def test_export_over_the_schedulers_record_is_refused(tmp_path: Path) -> None:
    data = tmp_path / "data"
    Catalogue(data / "catalogue.db").close()
    record = data / "logs" / "scheduler.json"
    record.parent.mkdir()
    record.write_text('{"backoff": "1d:1s", "watch_every": "15m", "pid": 1, "started_at": "x"}', encoding="utf-8")
    before = record.read_bytes()
    result = CliRunner().invoke(cli, ["export", "--data", str(data), "--format", "jsonl", "--out", str(record)])
    assert result.exit_code == 1, result.output
    assert "refusing to write --out" in result.output and "logs/" in result.output, result.output
    assert record.read_bytes() == before


# -- 3. appended stories keyed by the elements, not by id() of proxies let go --------------------------------------


def test_an_appended_story_named_by_its_own_wrapper_is_cut() -> None:
    # before: its wrapper's proxy took the address (id) of a proxy counted earlier, it was taken for a wrapper shared
    # by both stories, its data-url went unread and the next story stayed in the body (200 of 200 runs)
    own = "<p>" + "نص الخبر الأول في هذه الصفحة وهو طويل بما يكفي ليكون قصة كاملة. " * 6 + "</p>"
    other = "<p>" + "نص الخبر الثاني الذي يلحق بالصفحة في التمرير المستمر للموقع. " * 6 + "</p>"
    html = (f'<html><head><title>عنوان الخبر الأول في الصفحة</title></head><body><div class="stream">'
            f'<div class="w1"><div class="w2"><article><h1>عنوان الخبر الأول في الصفحة</h1>{own}</article></div></div>'
            f'<div class="w1"><div class="w2" data-url="/news/2.html"><article><h2>عنوان الخبر الثاني الملحق</h2>'
            f"{other}</article></div></div></div></body></html>")
    root = lxml_html.fromstring(html)
    for _ in range(20):
        page = deepcopy(root)
        assert prune_appended_stories(page, root, "http://x.ly/news/1.html") == 1
        assert "الخبر الثاني" not in page.text_content() and "الخبر الأول" in page.text_content()


# -- 4. an ordinal dateline is cut where a digit one is ------------------------------------------------------------


def _legacy_page(dateline: str) -> str:
    return (f'<html><head><meta charset="utf-8"><title>تفاصيل الخبر</title></head><body dir="rtl">'
            f'<table width="100%"><tr><td><font size="5"><b>{STORY_HEADLINE}</b></font><br>'
            f'<font size="1">{dateline}</font></td></tr><tr><td>{"<br><br>".join(STORY)}</td></tr>'
            f"</table></body></html>")


@pytest.mark.parametrize("dateline", ["الأحد الثامن عشر من أيار 2014", "الخميس الحادي والعشرين من فبراير 2019",
                                      "الأحد 18 أيار 2014"])
def test_a_headline_glued_to_its_ordinal_dateline_leaves_the_body(dateline: str) -> None:
    article = extract_article(_legacy_page(dateline), "http://legacy.example.ly/news/118.html")
    assert article.paragraphs[0] == STORY[0], article.paragraphs[:2]


def test_an_ordinal_date_stamp_is_cut_above_the_story_only() -> None:
    names = list
    for stamp in ("الأحد الثامن عشر من أيار 2014", "الجمعة الخامس من جويلية 2019 - 14:05"):
        assert without_chrome_lines((stamp, *STORY), "", names) == tuple(STORY)
    sentence = "وفي الثامن عشر من أيار 2014 أعلن الجيش بدء العملية"  # an event the story tells, no stamp
    assert without_chrome_lines((sentence, *STORY), "", names) == (sentence, *STORY)
    # below the story's first sentence a dateline is the story's, as a digit one is
    assert without_chrome_lines((STORY[0], "الأحد الثامن عشر من أيار 2014"), "", names)[1:] == (
        "الأحد الثامن عشر من أيار 2014",)


# -- 6. a live blog's update headings ------------------------------------------------------------------------------


@pytest.mark.parametrize("link", ["#update-{}", "/live/116/update/{}.html"], ids=["fragment", "own-pages"])
def test_a_live_blogs_update_headings_stay_in_order(link: str) -> None:
    article = extract_article(live_page(link), "http://libya.example.ly/live/116.html")
    expected = [LIVE_INTRO]
    for _, heading, text in UPDATES:
        expected += [heading, text]
    assert [p for p in article.paragraphs if p in expected] == expected, article.paragraphs


def test_teaser_cards_linked_headings_stay_out() -> None:
    # the same page, its parts' headings linking to other stories' pages (a related strip's cards): left to
    # trafilatura, which drops them as before
    article = extract_article(live_page("/news/{}.html"), "http://libya.example.ly/live/116.html")
    assert not hasattr(article, "reason"), article
    assert not {heading for _, heading, _ in UPDATES} & set(article.paragraphs), article.paragraphs
    assert LIVE_INTRO in article.paragraphs


# -- 5. pages a browser does not show as HTML ----------------------------------------------------------------------


@pytest.mark.parametrize(("served", "body", "html"), [
    ("text/html; charset=utf-8", b"<p>x</p>", True),
    ("application/xhtml+xml", b"<?xml version='1.0'?><html xmlns='http://www.w3.org/1999/xhtml'>", True),
    ("text/xml", b"<?xml version='1.0'?><html xmlns=\"http://www.w3.org/1999/xhtml\"><body>", True),
    ("", b"\n <!DOCTYPE html><html><body><p>x</p>", True),
    ("application/octet-stream", b"<html><body>", True),  # a mislabelled page, held (tests/test_hostile5_crawl.py)
    ("image/png", b"<!DOCTYPE html><html>", True),  # held too (tests/test_hostile2_crawl.py)
    ("text/plain, text/html", b"<p>x</p>", True),  # the last type of a combined value (Fetch)
    ("text/plain; charset=utf-8", b"<html><body><p>x</p></body></html>", False),
    ("application/json", b'{"html": "<html><body><p>x</p></body></html>"}', False),
    ("application/warc", b"WARC/1.1\r\nWARC-Type: response\r\n\r\nHTTP/1.1 200 OK\r\n\r\n<html><p>x</p>", False),
    ("text/xml", b"<?xml version='1.0'?><rss><channel><item><description>&lt;p&gt;", False),
    ("", b"WARC/1.1\r\n<html><p>x</p>", False),  # no type: sniffed, and it does not open as HTML
    ("text/javascript", b"<html><body><p>x</p></body></html>", False),
    ("application/problem+json", b"<p>x</p>", False),
])
def test_only_a_page_a_browser_shows_as_html_is_read(served: str, body: bytes, html: bool) -> None:
    assert (not_html(served, body) is None) is html


class Site:
    """A loopback outlet whose text/plain sitemap lists pages served under five types."""

    PAGES = {"/a/html": "text/html; charset=utf-8", "/a/none": None, "/a/plain": "text/plain; charset=utf-8",
             "/a/json": "application/json", "/a/warc": "application/warc"}

    def __init__(self) -> None:
        site = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                if self.path == "/robots.txt":
                    return self.send(200, "text/plain", b"User-agent: *\nAllow: /\n")
                if self.path == "/sitemap.txt":  # sitemaps.org's text format, served as text
                    return self.send(200, "text/plain", "".join(f"{site.base}{p}\n" for p in site.PAGES).encode())
                if self.path not in site.PAGES:
                    return self.send(404, "text/html", b"<html><body>not found</body></html>")
                title = f"خبر عن اتفاق وقف إطلاق النار في سرت {self.path[3:]}"
                page = (f'<!DOCTYPE html><html lang="ar"><head><meta charset="utf-8"><title>{title}</title></head>'
                        f"<body><article><h1>{title}</h1><p>{PROSE * 3}</p></article></body></html>")
                if self.path == "/a/warc":
                    page = f"WARC/1.1\r\nWARC-Type: response\r\n\r\nHTTP/1.1 200 OK\r\n\r\n{page}"
                return self.send(200, site.PAGES[self.path], page.encode())

            def send(self, status: int, kind: str | None, body: bytes) -> None:
                self.send_response(status)
                if kind is not None:
                    self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


def test_a_page_served_as_text_is_archived_and_refused_as_not_html(tmp_path: Path) -> None:
    site = Site()
    seeds = tmp_path / "seeds.toml"
    seeds.write_text(f'[[outlet]]\nname = "types"\nhomepage = "{site.base}/"\nsitemaps = ["{site.base}/sitemap.txt"]\n'
                     'article_urls = ["/a/"]\ntopic_filter = false\nrobots_sitemaps = false\ndownload_delay = 0\n', encoding="utf-8")
    data = tmp_path / "data"
    try:
        result = crawl_cli(seeds, data, "-s", "EXTRACT_WORKERS=1")
    finally:
        site.server.shutdown()
    assert result.returncode == 0, result.stderr[-3000:]
    stored = {row["url"].removeprefix(site.base) for row in rows(data, "select url from articles")}
    assert stored == {"/a/html", "/a/none"}  # the text sitemap read, the HTML pages stored (one sniffed)
    refused = {row["url"].removeprefix(site.base): row["detail"]
               for row in rows(data, "select url, detail from failures where reason = 'not-html'")}
    assert set(refused) == {"/a/plain", "/a/json", "/a/warc"}, refused
    assert "served as application/warc" in refused["/a/warc"]
    archived = set()
    for path in (data / "warc").glob("*.warc.gz"):
        with path.open("rb") as stream:
            archived |= {r.rec_headers.get_header("WARC-Target-URI").removeprefix(site.base)
                         for r in ArchiveIterator(stream) if r.rec_type == "response"}
    assert set(Site.PAGES) <= archived  # archived as always

"""Known articles whose sitemap ``<lastmod>`` (or feed ``<updated>``) moved past their latest capture are fetched again.

Real crawls by the CLI over loopback HTTP (an outlet on 127.0.0.147 whose sitemap lists three articles) into a real
SQLite catalogue; the parsers and the date rule on their own.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from helpers import crawl_cli, rows

from crawler.discovery.lastmod import changed_after
from crawler.discovery.parsers import parse_feed, parse_json_feed, parse_sitemap

HOST = "127.0.0.147"  # no other test serves on it
WORDS = "اجتمع المجلس الرئاسي في طرابلس لبحث الوضع الأمني في المدينة ونتائج الحوار بين الأطراف. "


@dataclass
class Site:
    """Each article's lastmod and text; every path requested, in order."""

    base: str = ""
    lastmod: dict[int, str] = field(default_factory=lambda: dict.fromkeys((1, 2, 3), "2025-01-05T10:00:00+00:00"))
    text: dict[int, str] = field(default_factory=lambda: {n: f"الخبر رقم {n}: {WORDS * 6}" for n in (1, 2, 3)})
    hits: list[str] = field(default_factory=list)

    def articles_fetched(self, since: int) -> list[str]:
        return [p for p in self.hits[since:] if p.startswith("/news/")]


def _handler(site: Site) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            site.hits.append(self.path)
            if self.path == "/sitemap.xml":
                urls = "".join(f"<url><loc>{site.base}/news/{n}</loc><lastmod>{site.lastmod[n]}</lastmod></url>"
                               for n in site.lastmod)
                self._send("application/xml", '<?xml version="1.0"?><urlset xmlns='
                           f'"http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>')
            elif (m := re.fullmatch(r"/news/(\d)", self.path)) and int(m[1]) in site.text:
                n = int(m[1])
                self._send("text/html; charset=utf-8",
                           f"<html><head><title>خبر {n}</title></head><body><article><h1>خبر {n}</h1>"
                           f"<p>{site.text[n]}</p><p>{WORDS * 3}</p></article></body></html>")
            elif self.path == "/robots.txt":
                self._send("text/plain", "User-agent: *\nAllow: /\n")
            else:
                self.send_error(404)

        def _send(self, kind: str, text: str) -> None:
            body = text.encode("utf-8")
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    return Handler


@contextmanager
def serve() -> Iterator[Site]:
    site = Site()
    server = ThreadingHTTPServer((HOST, 0), _handler(site))
    server.daemon_threads = True
    site.base = f"http://{HOST}:{server.server_address[1]}"
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()


def _seeds(path: Path, site: Site) -> Path:
    path.write_text(f'[[outlet]]\nname = "gazette"\nsitemaps = ["{site.base}/sitemap.xml"]\narticle_urls = ["/news/"]\n'
                    "topic_filter = false\ndownload_delay = 0.0\nconcurrency = 4\n", encoding="utf-8")
    return path


def _versions(data: Path, n: int) -> int:
    return rows(data, "select count(*) n from article_versions v join articles a on a.id = v.article_id "
                      "where a.url like ?", (f"%/news/{n}",))[0]["n"]


def _now() -> str:
    time.sleep(1.1)  # a lastmod to the second, later than the capture before it
    return datetime.now(UTC).isoformat(timespec="seconds")


@pytest.mark.timeout(600)
def test_a_moved_lastmod_fetches_that_article_again(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with serve() as site:
        seeds = _seeds(tmp_path / "seeds.toml", site)
        first = crawl_cli(seeds, data)
        assert first.returncode == 0, first.stderr[-3000:]
        assert sorted(site.articles_fetched(0)) == ["/news/1", "/news/2", "/news/3"]
        assert [_versions(data, n) for n in (1, 2, 3)] == [1, 1, 1]

        # 2. article 2 is corrected and its lastmod moves past our capture: that one article is fetched again and
        # its correction is a second version; the others (lastmod older than their capture) are not fetched
        site.text[2] = "تصحيح: " + site.text[2].replace("رقم 2", "رقم 2 بعد التحديث")
        site.lastmod[2] = _now()
        since = len(site.hits)
        second = crawl_cli(seeds, data)
        assert second.returncode == 0, second.stderr[-3000:]
        assert site.articles_fetched(since) == ["/news/2"]
        assert [_versions(data, n) for n in (1, 2, 3)] == [1, 2, 1]
        assert "بعد التحديث" in rows(data, "select text from articles where url like '%/news/2'")[0]["text"]

        # 3. article 1's lastmod moves with no change to its text: fetched (conditionally), no new version; article 2,
        # its lastmod no newer than the capture the second crawl made, is not fetched again
        site.lastmod[1] = _now()
        since = len(site.hits)
        third = crawl_cli(seeds, data)
        assert third.returncode == 0, third.stderr[-3000:]
        assert site.articles_fetched(since) == ["/news/1"]
        assert [_versions(data, n) for n in (1, 2, 3)] == [1, 2, 1]

        # 4. every lastmod moves, CRAWL_LASTMOD_RECHECKS=1: one article fetched again, the rest counted and left
        for n in site.lastmod:
            site.lastmod[n] = _now()
        since = len(site.hits)
        capped = crawl_cli(seeds, data, "-s", "CRAWL_LASTMOD_RECHECKS=1")
        assert capped.returncode == 0, capped.stderr[-3000:]
        assert len(site.articles_fetched(since)) == 1
        assert "'newsarchive/discovery/lastmod-recheck-capped': 2" in capped.stderr


def test_entries_carry_the_date_they_last_changed() -> None:
    sitemap = parse_sitemap(b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
                            b'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"><url><loc>http://a.test/n/1'
                            b'</loc><lastmod>2025-06-02T08:00:00Z</lastmod><news:news><news:publication_date>'
                            b'2025-06-01</news:publication_date></news:news></url></urlset>', "http://a.test/")
    assert [(link.published, link.modified) for link in sitemap.links] == [("2025-06-01", "2025-06-02T08:00:00Z")]
    atom = parse_feed(b'<feed xmlns="http://www.w3.org/2005/Atom"><entry><link href="http://a.test/n/2"/>'
                      b"<published>2025-06-01T00:00:00Z</published><updated>2025-06-03T00:00:00Z</updated></entry>"
                      b"</feed>", "http://a.test/")
    assert [(link.published, link.modified) for link in atom] == [("2025-06-01T00:00:00Z", "2025-06-03T00:00:00Z")]
    rss = parse_feed(b"<rss><channel><item><link>http://a.test/n/3</link><pubDate>Sun, 01 Jun 2025 00:00:00 GMT"
                     b"</pubDate></item></channel></rss>", "http://a.test/")
    assert [link.modified for link in rss] == [None]
    json_feed = parse_json_feed(b'{"items": [{"url": "http://a.test/n/4", "date_published": "2025-06-01T00:00:00Z",'
                                b' "date_modified": "2025-06-04T00:00:00Z"}]}', "http://a.test/")
    assert [link.modified for link in json_feed] == ["2025-06-04T00:00:00Z"]


@pytest.mark.parametrize(("modified", "expected"), [
    ("2025-06-02T08:00:01Z", True),  # a second after the capture
    ("2025-06-02T08:00:00Z", False),  # the capture's own second: not newer
    ("2025-06-02", False),  # a bare date holds from its first instant: the day the capture was made is no news
    ("2025-06-03", True),
    ("2025-06-02T10:00:00+03:00", False),  # 07:00 UTC
    ("yesterday", False),
    (None, False),
    ("9999-12-31", False),  # no server can have written it: it would be later than every capture for ever
])
def test_changed_after_a_capture(modified: str | None, expected: bool) -> None:
    seen = datetime(2025, 6, 2, 8, 0, tzinfo=UTC)
    assert changed_after(modified, seen, now=seen + timedelta(days=30)) is expected


@pytest.mark.timeout(600)
def test_a_moved_lastmod_of_an_article_now_gone_fetches_it_once(tmp_path: Path) -> None:
    # stop 42's review: the article's row keeps the time of its last good capture, and a 404 (or a 5xx, or a
    # redirect) moves neither last_seen nor last_checked_at; so an article deleted while its sitemap entry's lastmod
    # moved was fetched again by every crawl for ever. Its latest capture of any status counts now.
    data = tmp_path / "data"
    with serve() as site:
        seeds = _seeds(tmp_path / "seeds.toml", site)
        first = crawl_cli(seeds, data)
        assert first.returncode == 0, first.stderr[-3000:]
        del site.text[3]  # /news/3 answers 404 from now on
        site.lastmod[3] = _now()
        since = len(site.hits)
        second = crawl_cli(seeds, data)
        assert second.returncode == 0, second.stderr[-3000:]
        assert site.articles_fetched(since) == ["/news/3"]
        time.sleep(1.1)  # the third crawl's clock a second past the second's capture
        since = len(site.hits)
        third = crawl_cli(seeds, data)
        assert third.returncode == 0, third.stderr[-3000:]
        assert site.articles_fetched(since) == []

"""crawler.fetch.head, HeadMetaRefreshMiddleware and crawler.capture.prepare: meta refresh is read from a page's head;
pages travel to the extraction workers undecoded."""

from __future__ import annotations

import sqlite3
from http.server import BaseHTTPRequestHandler

import pytest
from helpers import crawl_feed_site, reply
from scrapy import Request
from scrapy.http import HtmlResponse
from scrapy.utils.misc import build_from_crawler
from scrapy.utils.test import get_crawler

from crawler.capture.prepare import extract_page
from crawler.fetch.head import HEAD_BYTES, page_head
from crawler.middlewares import HeadMetaRefreshMiddleware

FILLER = "<p>" + "تواصلت الاشتباكات في العاصمة الليبية طرابلس لليوم الثالث على التوالي. " * 40 + "</p>\n"


def page(title: str, *, refresh: str = "", paragraphs: int = 12, charset: str = "utf-8") -> str:
    """An Arabic article page, longer than the head the middleware reads when ``paragraphs`` is large."""
    meta = f'<meta http-equiv="refresh" content="0; url={refresh}">' if refresh else ""
    return (f'<!DOCTYPE html><html lang="ar" dir="rtl"><head><meta charset="{charset}">{meta}<title>{title}</title>'
            f"</head><body><article><h1>{title}</h1>{FILLER * paragraphs}</article></body></html>")


def test_a_page_head_ends_before_a_cut_character():
    body = page("عنوان").encode()
    head = page_head(body)
    assert HEAD_BYTES - 4 < len(head) <= HEAD_BYTES
    head.decode("utf-8")  # no character cut in half: the head is valid UTF-8 as the page is
    assert body.startswith(head)
    assert page_head(b"<html>short</html>") == b"<html>short</html>"


@pytest.fixture
def middleware():
    return build_from_crawler(HeadMetaRefreshMiddleware, get_crawler())


def test_a_long_page_with_a_meta_refresh_is_redirected(middleware):
    request = Request("http://127.0.0.1/news/1")
    body = page("انتقل", refresh="/news/2").encode()
    assert len(body) > 2 * HEAD_BYTES
    redirected = middleware.process_response(request, HtmlResponse(request.url, body=body, request=request))
    assert isinstance(redirected, Request)
    assert redirected.url == "http://127.0.0.1/news/2"


def test_a_long_page_without_one_passes_on_as_it_came_undecoded(middleware):
    request = Request("http://127.0.0.1/news/3")
    response = HtmlResponse(request.url, body=page("خبر").encode(), request=request)
    assert middleware.process_response(request, response) is response
    # what the middleware is for: Scrapy's reads response.text, which caches a decoded copy of the whole page
    assert response._cached_ubody is None


def test_the_worker_decodes_the_page_in_the_charset_its_server_declared():
    body = page("اشتباكات في طرابلس", charset="windows-1256").encode("cp1256")
    result, prepared = extract_page(body, "text/html; charset=windows-1256", "http://127.0.0.1/news/3")
    assert result.title == "اشتباكات في طرابلس"
    assert "طرابلس" in result.text


class Site(BaseHTTPRequestHandler):
    """One outlet: a feed of three articles; the first's long page refreshes to a fourth; the third is cp1256."""

    PAGES = {
        "/news/1": (page("صفحة منقولة", refresh="/news/4").encode(), "utf-8"),
        "/news/2": (page("اجتماع في بنغازي").encode(), "utf-8"),
        "/news/3": (page("اشتباكات في طرابلس", charset="windows-1256").encode("cp1256"), "windows-1256"),
        "/news/4": (page("الخبر بعد الانتقال").encode(), "utf-8"),
    }

    def do_GET(self):  # noqa: N802 (http.server's name)
        if self.path == "/feed.xml":
            items = "".join(f"<item><title>t</title><link>http://{self.headers['Host']}/news/{n}</link></item>"
                            for n in (1, 2, 3))
            body, kind = f'<?xml version="1.0"?><rss version="2.0"><channel>{items}</channel></rss>'.encode(), \
                "application/rss+xml"
        elif self.path in self.PAGES:
            body, charset = self.PAGES[self.path]
            kind = f"text/html; charset={charset}"
        else:
            self.send_error(404)
            return
        reply(self, 200, kind, body)

    def log_message(self, *args):
        pass


def test_a_crawl_archives_long_pages_decoded_by_the_workers_and_follows_a_meta_refresh(tmp_path):
    # download_delay 0: the outlet's default 1 s between requests made this one crawl of six requests last 7 s
    proc = crawl_feed_site(Site, tmp_path, "-s", "EXTRACT_WORKERS=2", outlet="download_delay = 0\n")
    assert proc.returncode == 0, proc.stderr[-3000:]
    con = sqlite3.connect(tmp_path / "data" / "catalogue.db")
    titles = {url.rsplit("/", 1)[1]: title for url, title in con.execute("select url, title from articles")}
    assert titles == {"2": "اجتماع في بنغازي", "3": "اشتباكات في طرابلس", "4": "الخبر بعد الانتقال"}

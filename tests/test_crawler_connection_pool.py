"""crawler.middlewares.PooledHTTPDownloadHandler: an outlet's connections stay open at its download slot's concurrency."""

from __future__ import annotations

import sqlite3
import threading
from http.server import BaseHTTPRequestHandler

from helpers import crawl_feed_site, reply

ARTICLES = 80
CONCURRENCY = 8


class Site(BaseHTTPRequestHandler):
    """One outlet over HTTP/1.1 keep-alive: a feed of ARTICLES articles; counts the connections it accepted."""

    protocol_version = "HTTP/1.1"
    lock = threading.Lock()
    connections = 0

    def setup(self):
        super().setup()
        with Site.lock:
            Site.connections += 1

    def do_GET(self):  # noqa: N802 (http.server's name)
        if self.path == "/feed.xml":
            items = "".join(f"<item><title>t</title><link>http://{self.headers['Host']}/news/{n}</link></item>"
                            for n in range(1, ARTICLES + 1))
            body, kind = f'<?xml version="1.0"?><rss version="2.0"><channel>{items}</channel></rss>'.encode(), \
                "application/rss+xml"
        elif self.path.startswith("/news/"):
            text = "<p>" + "اجتمع المجلس الرئاسي في طرابلس لبحث الوضع الأمني في المدينة. " * 8 + "</p>"
            body = f"<html><head><title>خبر {self.path}</title></head><body><article><h1>خبر</h1>{text}" \
                   f"</article></body></html>".encode()
            kind = "text/html; charset=utf-8"
        else:  # not send_error, which closes the connection and would count one more
            reply(self, 404, "text/plain", b"not found")
            return
        reply(self, 200, kind, body)

    def log_message(self, *args):
        pass


def test_a_back_fill_reuses_its_connections_instead_of_opening_one_per_page(tmp_path):
    # Scrapy keeps CONCURRENT_REQUESTS_PER_DOMAIN (2) idle connections per host: with 8 requests at once, most
    # responses closed theirs and the next request opened a new one
    proc = crawl_feed_site(Site, tmp_path, "--backfill", "-s", "CRAWL_BACKFILL_DELAY=0",
                           "-s", f"CRAWL_BACKFILL_CONCURRENCY={CONCURRENCY}", "-s", "EXTRACT_WORKERS=1")
    assert proc.returncode == 0, proc.stderr[-3000:]
    con = sqlite3.connect(tmp_path / "data" / "catalogue.db")
    (pages,) = con.execute("select count(distinct url) from captures where url like '%/news/%'").fetchone()
    assert pages == ARTICLES
    # 82 requests: 18-22 connections (a request may leave before the connection a response just freed is back in the
    # pool); with Scrapy's pool of 2 idle connections per host, 60-65
    assert Site.connections <= ARTICLES // 2, Site.connections

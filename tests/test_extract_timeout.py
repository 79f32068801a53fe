"""EXTRACT_TIMEOUT in a real crawl: a page over its time is recorded as extract-timeout, settled, and the crawl ends.

The limit is set so low (half a millisecond) that every article page runs over it: what a hostile page does to a
worker (crawler/capture/prepare.py) happens here to ordinary pages, so the crawl's handling of it can be watched.
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from helpers import cli, crawl_cli, rows

HOST = "127.0.0.85"
BODY = "<p>" + "قالت مصادر في طرابلس إن اشتباكات اندلعت بين مجموعات مسلحة في العاصمة الليبية. " * 8 + "</p>"


class Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        if self.path == "/":
            html = '<html><body><a href="/a/1">1</a> <a href="/a/2">2</a></body></html>'
        elif self.path in ("/a/1", "/a/2"):
            html = f"<html><head><title>خبر {self.path}</title></head><body><article><h1>خبر {self.path[-1]} عن " \
                   f"طرابلس</h1>{BODY}</article></body></html>"
        else:
            self.send_error(404)
            return
        body = html.encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def test_pages_over_the_extraction_limit_are_recorded_and_the_crawl_ends(tmp_path):
    server = ThreadingHTTPServer((HOST, 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    seeds = tmp_path / "seeds.toml"
    seeds.write_text(f'[[outlet]]\nname = "slowpages"\nstart_urls = ["http://{HOST}:{server.server_address[1]}/"]\n'
                     "article_urls = ['/a/\\d+$']\ndownload_delay = 0\n", encoding="utf-8")
    try:
        proc = crawl_cli(seeds, tmp_path / "data", "-s", "EXTRACT_TIMEOUT=0.0005", timeout=120)
    finally:
        server.shutdown()
    assert proc.returncode == 0, proc.stderr[-2000:]
    failed = rows(tmp_path / "data", "select url, reason, detail from failures where reason = 'extract-timeout'")
    assert sorted(r["url"].rsplit("/", 2)[-2:][-1] for r in failed) == ["1", "2"], failed
    assert all("EXTRACT_TIMEOUT" in r["detail"] for r in failed)
    pending = rows(tmp_path / "data", "select url from frontier where status = 'pending'")
    assert pending == []  # settled: the next crawl does not fetch them again and hang on them again
    assert rows(tmp_path / "data", "select count(*) as n from captures where url like '%/a/%'")[0]["n"] == 2
    assert cli("check", "--data", str(tmp_path / "data")).returncode == 0

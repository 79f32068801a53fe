"""Every request that waits for a host's robots.txt gets its verdict, not only the first (crawler/netguard.py).

Scrapy 2.13+ has each request to a host whose robots.txt is still being fetched await one shared Deferred; the first
waiter's callback returns None, so the later waiters were handed None ("no robots.txt") and let through
(scrapy/scrapy#6802, which notes that path is not covered by its tests). Found by a black-box probe: the third start
URL of an outlet, under ``Disallow``, was fetched. These crawls give the outlet several start URLs at once and a
robots.txt that answers slowly, so all of them wait for it.
"""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from helpers import crawl_cli, rows

HOST = "127.0.0.83"
ROBOTS_DELAY = 0.5  # seconds robots.txt takes: every start request is queued behind it
START = ["/", "/section/1", "/private/1", "/private/2", "/section/2", "/private/3"]


class Site(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, robots_status: int):
        super().__init__((HOST, 0), Handler)
        self.robots_status = robots_status
        self.paths: list[str] = []

    @property
    def base(self) -> str:
        return f"http://{HOST}:{self.server_address[1]}"


class Handler(BaseHTTPRequestHandler):
    server: Site

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        self.server.paths.append(self.path)
        if self.path == "/robots.txt":
            time.sleep(ROBOTS_DELAY)
            body, status = b"User-agent: *\nDisallow: /private/\n", self.server.robots_status
        else:
            body, status = f"<html><body><h1>{self.path}</h1><p>قسم</p></body></html>".encode(), 200
        self.send_response(status)
        self.send_header("Content-Type", "text/plain" if self.path == "/robots.txt" else "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def crawl(tmp_path: Path, robots_status: int) -> tuple[Site, Path]:
    site = Site(robots_status)
    threading.Thread(target=site.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    seeds = tmp_path / "seeds.toml"
    starts = ", ".join(f'"{site.base}{path}"' for path in START)
    seeds.write_text(f"""
[[outlet]]
name = "slowrobots"
start_urls = [{starts}]
article_urls = ['/a/\\d+$']
max_depth = 0
download_delay = 0.0
concurrency = 8
""", encoding="utf-8")
    try:
        proc = crawl_cli(seeds, tmp_path / "data", timeout=90)
    finally:
        site.shutdown()
        site.server_close()
    assert proc.returncode == 0, proc.stderr[-2000:]
    return site, tmp_path / "data"


def failures(data: Path) -> dict[str, str]:
    return {row["url"].split(":", 2)[-1].split("/", 1)[-1]: row["reason"]
            for row in rows(data, "select url, reason from failures")}


def test_every_start_url_waiting_for_robots_txt_obeys_it(tmp_path):
    site, data = crawl(tmp_path, 200)
    assert site.paths.count("/robots.txt") == 1
    assert not [p for p in site.paths if p.startswith("/private/")], site.paths
    assert {"/section/1", "/section/2", "/"} <= set(site.paths)  # the allowed ones were fetched
    refused = failures(data)
    assert [refused.get(f"private/{n}") for n in (1, 2, 3)] == ["robots-disallowed"] * 3, refused


def test_every_start_url_waiting_for_an_unavailable_robots_txt_is_refused(tmp_path):
    # RFC 9309 2.3.1.4: a 5xx robots.txt disallows the whole site; the later waiters were let through too
    site, data = crawl(tmp_path, 503)
    assert set(site.paths) == {"/robots.txt"}, site.paths  # asked again on each retry of its 503, nothing else
    assert set(failures(data).values()) == {"robots-unavailable"}

"""A third hostile outlet on loopback (stdlib only): slow and endless bodies, odd framing and status codes, charset
labels that are codecs, floods of links and child sitemaps, and redirects that lie in new ways.

Answers are written byte by byte on a plain socket, as in tests/hostile2. The "internal" server stands for an
address the crawl must never reach: it counts connections.
"""

from __future__ import annotations

import gzip
import socket
import socketserver
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from tests.hostile.site import PARAGRAPH, article
from tests.hostile2.site import html, redirect, response, urlset

HOST, INTERNAL = "127.0.0.31", "127.0.0.32"  # the outlet; an address it must never lead the crawl to
SECRET = b"INTERNAL-ONLY: this must never be archived"
LINK_FLOOD = 20_000  # article links on one listing page (CRAWL_SITEMAP_MAX_URLS is 10 in the test)
CHILD_MAPS = 20_000  # child sitemaps in one index (CRAWL_SITEMAP_MAX_FETCHES is 5 in the test)
PUNY_BYTES = 2_000_000  # a body Python's punycode codec takes ~30 s to decode (quadratic)


@dataclass
class Sites:
    """The running outlet and internal servers, their addresses, and what each received."""

    base: str = ""
    internal: str = ""
    paths: list[str] = field(default_factory=list)
    internal_connections: int = 0
    stopping: threading.Event = field(default_factory=threading.Event)

    def write_seeds(self, path: Path) -> Path:
        """The outlet config: start pages, a feed and a sitemap index of the hostile outlet."""
        b = self.base
        path.write_text(
            f'''
[[outlet]]
name = "hostile3"
start_urls = ["{b}/", "{b}/flood", "{b}/list-zlib", "{b}/list-puny", "{b}/list-puny-meta"]
feeds = ["{b}/feed.xml"]
sitemaps = ["{b}/index.xml", "{b}/self.xml"]
article_urls = ['/a/']
follow_urls = ['/more/']
max_depth = 1
topic_filter = false
download_delay = 0.0
concurrency = 8
''',
            encoding="utf-8",
        )
        return path


def drip(body: bytes, every: float, stopping: threading.Event, *, headers: bool = False) -> Callable:
    """Send a response one byte every ``every`` seconds (slowloris headers when ``headers``)."""

    def send(sock: socket.socket) -> None:
        head = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
        if headers:
            sock.sendall(head)
            payload = b"X-Slow: " + b"a" * 10_000
        else:
            sock.sendall(head + b"Content-Length: %d\r\nConnection: close\r\n\r\n" % len(body))
            payload = body
        for byte in payload:
            if stopping.wait(every):
                return
            sock.sendall(bytes([byte]))

    return send


def endless_chunks(stopping: threading.Event) -> Callable:
    """A chunked body whose last chunk never comes: small chunks as fast as the crawler reads."""

    def send(sock: socket.socket) -> None:
        sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\n\r\n")
        block = b"400\r\n" + b"x" * 1024 + b"\r\n"
        block *= 256
        while not stopping.is_set():
            sock.sendall(block)

    return send


def framing_flood(head: bytes, line: bytes, stopping: threading.Event) -> Callable:
    """``head`` then ``line`` for ever: a chunk-size line or trailer section that never ends."""

    def send(sock: socket.socket) -> None:
        sock.sendall(head)
        block = line * 10_000
        while not stopping.is_set():
            sock.sendall(block)

    return send


def sitemap_index(urls: list[str]) -> bytes:
    """A sitemap index listing ``urls``."""
    entries = "".join(f"<sitemap><loc>{u}</loc></sitemap>" for u in urls)
    return (
        f'<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}'
        "</sitemapindex>"
    ).encode()


def routes(sites: Sites) -> Callable[[str], object]:
    """What the outlet answers for each path: bytes, or a function that writes to the socket itself."""
    b, internal, stopping = sites.base, sites.internal, sites.stopping
    port = internal.rsplit(":", 1)[1]
    plain = [("Content-Type", "text/plain")]
    fixed: dict[str, object] = {
        # a huge Crawl-delay is capped by CRAWL_ROBOTS_DELAY_MAX, a negative one ignored (crawler/fetch/crawl_delay.py)
        "/robots.txt": response(
            "200 OK", plain, b"User-agent: *\nCrawl-delay: 1000000000\nCrawl-delay: -5\n"
        ),
        # status codes and framing
        "/a/no-location": response("302 Found", [("Content-Type", "text/html")], b"<p>moved, somewhere</p>"),
        "/a/not-modified": response("304 Not Modified", [("Content-Type", "text/html")], b""),
        "/a/no-content": b"HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n" + article("x"),
        "/a/continue": b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </s.css>\r\n\r\n"
        + html(article("خبر بعد إشعار")),
        "/a/http10": b"HTTP/1.0 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
        + article("خبر قديم"),
        "/a/short-length": b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: 40\r\n"
        b"Connection: close\r\n\r\n" + article("خبر قصير"),
        "/a/nul-headers": b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nX-A\x00b: \xff\xfe\x00\r\n"
        b"X-Bad-\xc3\x28: v\r\nConnection: close\r\n\r\n" + article("خبر رؤوس صفرية"),
        "/a/nested-gzip": html(
            gzip.compress(gzip.compress(gzip.compress(article("خبر مضغوط ثلاثا")))),
            "text/html; charset=utf-8",
            ("Content-Encoding", "gzip, gzip"),
            ("Content-Encoding", "gzip"),
        ),
        # a charset label that is a Python codec, not a text encoding (Scrapy's response.text raised LookupError)
        "/a/charset-zlib": html(article("خبر ترميز زلب"), "text/html; charset=zlib"),
        "/a/charset-undefined": html(article("خبر ترميز غير معرف"), "text/html; charset=undefined"),
        "/list-zlib": html(
            b'<html><body><a href="/a/from-zlib-list">x</a></body></html>', "text/html; charset=base64"
        ),
        # punycode is a text codec to Python, and decoding it is quadratic: 2 MB took the reactor minutes
        "/list-puny": html(
            b'<html><body><a href="/a/from-puny-list">x</a>-'
            + b"zz9a" * (PUNY_BYTES // 4)
            + b"</body></html>",
            "text/html; charset=punycode",
        ),
        "/list-puny-meta": html(
            b'<html><head><meta charset="punycode"></head><body><a href="/a/from-puny-meta">x</a>-'
            + b"zz9a" * (PUNY_BYTES // 4)
            + b"</body></html>",
            "text/html",
        ),
        "/a/meta-zlib": html(article("خبر ميتا زلب", declared="zlib"), "text/html"),
        # redirects
        "/a/loop-1": redirect(f"{b}/a/loop-2"),
        "/a/loop-2": redirect(f"{b}/a/loop-3"),
        "/a/loop-3": redirect(f"{b}/a/loop-1"),
        "/a/two-locations": b"HTTP/1.1 302 Found\r\nLocation: "
        + f"{b}/a/good".encode()
        + b"\r\nLocation: "
        + f"{internal}/secret".encode()
        + b"\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
        "/a/to-nul": redirect(b"/a/good\x00" + f"{internal}/secret".encode()),
        "/a/to-bad-utf8": redirect(b"/a/\xff\xfe\xc3\x28"),
        "/a/to-tab-scheme": redirect(f"ht\ttp://{INTERNAL}:{port}/secret"),
        "/a/to-backslash": redirect(f"\\\\{INTERNAL}:{port}/secret"),
        "/a/to-fullwidth": redirect(f"http://\uff11\uff12\uff17.\uff10.\uff10.\uff13\uff12:{port}/secret"),
        "/a/to-ideographic-dot": redirect(f"http://127\u30020\u30020\u300232:{port}/secret"),
        # a feed whose items are all off-site, private or other schemes
        "/feed.xml": response(
            "200 OK",
            [("Content-Type", "application/rss+xml")],
            (
                '<?xml version="1.0"?><rss version="2.0"><channel><title>f</title>'
                + "".join(
                    f"<item><title>t</title><link>{u}</link></item>"
                    for u in [
                        f"{internal}/a/secret-feed",
                        "http://localhost/a/x",
                        "javascript:alert(1)",
                        f"http://[::ffff:{INTERNAL}]:{port}/a/secret",
                        f"{b}/a/from-feed",
                    ]
                )
                + "</channel></rss>"
            ).encode(),
        ),
        # a sitemap index of 20,000 children (CRAWL_SITEMAP_MAX_FETCHES caps), one that lists itself
        "/index.xml": response(
            "200 OK",
            [("Content-Type", "application/xml")],
            sitemap_index([f"{b}/maps/{n}.xml" for n in range(CHILD_MAPS)]),
        ),
        "/self.xml": response(
            "200 OK", [("Content-Type", "application/xml")], sitemap_index([f"{b}/self.xml", f"{b}/self.xml"])
        ),
        "/flood": html(
            "".join(f'<a href="/a/flood-{n}">x</a>' for n in range(LINK_FLOOD)).encode()
            + "".join(f'<a href="/more/{n}">m</a>' for n in range(LINK_FLOOD)).encode()
        ),
    }
    odd_links = [
        "javascript:fetch('/a/js')",
        "data:text/html,<a href=/a/data>",
        "mailto:x@y.example",
        "tel:+218",
        f"http://{HOST}\uff0e:{b.rsplit(':', 1)[1]}/a/fullwidth-dot",
        "/a/" + "x" * 100_000,
        f"http://xn--12-7ba.0.0.31:{b.rsplit(':', 1)[1]}/a/homograph",
        f"{internal}/a/secret-link",
    ]
    start_links = [p for p in fixed if p.startswith("/a/")] + [
        "/a/good",
        "/a/drip",
        "/a/slow-headers",
        "/a/endless-chunks",
        "/a/chunk-line-flood",
        "/a/trailer-flood",
        "/a/continue-flood",
        *odd_links,
    ]

    def route(path: str) -> object:
        if path == "/":
            links = "".join(f'<a href="{b + p if p.startswith("/") else p}">l</a>' for p in start_links)
            return html(f"<html><head><base href='{internal}/'></head><body>{links}</body></html>".encode())
        if path in fixed:
            return fixed[path]
        if path == "/a/drip":
            return drip(article("x"), 0.5, stopping)
        if path == "/a/slow-headers":
            return drip(b"", 0.5, stopping, headers=True)
        if path == "/a/endless-chunks":
            return endless_chunks(stopping)
        if path == "/a/chunk-line-flood":
            return framing_flood(
                b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=", b"a" * 100, stopping
            )
        if path == "/a/trailer-flood":
            return framing_flood(
                b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n",
                b"X-T: v\r\n",
                stopping,
            )
        if path == "/a/continue-flood":
            return framing_flood(b"", b"HTTP/1.1 100 Continue\r\n\r\n", stopping)
        if path.startswith("/maps/"):
            return response("200 OK", [("Content-Type", "application/xml")], urlset([f"{b}/a/from-map"]))
        if path.startswith("/more/"):
            return html(b"<html><body><p>more</p></body></html>")
        if path.startswith("/a/"):
            return html(article(f"خبر {path[:60]}"))
        return response("404 Not Found", plain, b"not found")

    return route


class _Handler(socketserver.BaseRequestHandler):
    route: Callable[[str], object]
    sites: Sites

    def handle(self) -> None:
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = self.request.recv(65536)
            if not chunk:
                return
            data += chunk
        path = data.split(b" ", 2)[1].decode("latin-1")
        self.sites.paths.append(path)
        answer = self.route(path)
        try:
            if callable(answer):
                answer(self.request)
            elif answer is not None:
                self.request.sendall(answer)
        except OSError:
            pass  # the crawler hung up


class _Internal(socketserver.BaseRequestHandler):
    sites: Sites

    def handle(self) -> None:
        self.sites.internal_connections += 1
        self.request.sendall(html(b"<html><body><p>" + SECRET + b"</p></body></html>"))


@contextmanager
def serve() -> Iterator[Sites]:
    """Start the hostile outlet and the internal server on loopback; stop them on exit."""
    sites = Sites()
    internal = socketserver.ThreadingTCPServer((INTERNAL, 0), type("I", (_Internal,), {"sites": sites}))
    sites.internal = f"http://{INTERNAL}:{internal.server_address[1]}"
    outlet = socketserver.ThreadingTCPServer((HOST, 0), type("H", (_Handler,), {"sites": sites}))
    sites.base = f"http://{HOST}:{outlet.server_address[1]}"
    outlet.RequestHandlerClass.route = staticmethod(routes(sites))
    servers = [internal, outlet]
    for server in servers:
        server.daemon_threads = True
        # a short poll: shutdown() waits for serve_forever's next look at its flag (0.5 s by default)
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    try:
        yield sites
    finally:
        sites.stopping.set()
        time.sleep(0.05)
        for server in servers:
            server.shutdown()
            server.server_close()


__all__ = ["PARAGRAPH", "Sites", "serve"]

"""A second hostile outlet on loopback: raw-socket answers (malformed HTTP, odd encodings, header floods), redirects
and meta refreshes to non-public addresses and other schemes, bombs in feeds and sitemaps (stdlib only).

Every answer is written byte by byte on a plain socket, so a server can break HTTP in ways http.server cannot.
The "internal" server stands for an address the crawl must never reach: it counts connections, not requests.
"""

from __future__ import annotations

import gzip
import socket
import socketserver
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from tests.hostile.site import PARAGRAPH, article

MB = 1024 * 1024
HOST, INTERNAL = "127.0.0.21", "127.0.0.22"  # the outlet; an address it must never lead the crawl to
SECRET = b"INTERNAL-ONLY: this must never be archived"


def response(status: str, headers: list[tuple[str, str]], body: bytes, *, length: bool = True) -> bytes:
    """One HTTP/1.1 response as bytes (``Connection: close``; Content-Length unless ``length`` is False)."""
    lines = [f"HTTP/1.1 {status}", *(f"{k}: {v}" for k, v in headers), "Connection: close"]
    if length:
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


def html(body: bytes, ctype: str = "text/html; charset=utf-8", *extra: tuple[str, str]) -> bytes:
    """A 200 answer."""
    return response("200 OK", [("Content-Type", ctype), *extra], body)


def redirect(location: str | bytes) -> bytes:
    """A 302 to ``location`` (bytes are sent as they are)."""
    raw = location if isinstance(location, bytes) else location.encode()  # UTF-8, as servers send it
    return b"HTTP/1.1 302 Found\r\nLocation: " + raw + b"\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"


def meta_refresh(url: str) -> bytes:
    """An HTML page whose head refreshes at once to ``url``."""
    return html(
        f'<html><head><meta http-equiv="refresh" content="0; url={url}"><title>x</title></head>'
        f"<body><p>{PARAGRAPH}</p></body></html>".encode()
    )


def brotli_bomb() -> bytes:
    """64 MiB of zeros as brotli (~50 bytes on the wire)."""
    import brotli

    return brotli.compress(b"\0" * (64 * MB), quality=5)


def feed(items: list[str]) -> bytes:
    """An RSS 2.0 feed linking ``items``."""
    entries = "".join(f"<item><title>t</title><link>{u}</link></item>" for u in items)
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>f</title>{entries}</channel></rss>'.encode()
    )


def dated_feed(items: list[tuple[str, str]]) -> bytes:
    """An RSS 2.0 feed linking ``items``: (url, RFC 822 pubDate)."""
    entries = "".join(f"<item><title>t</title><link>{u}</link><pubDate>{d}</pubDate></item>" for u, d in items)
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>f</title>{entries}</channel></rss>'.encode()
    )


def urlset(urls: list[str]) -> bytes:
    """A sitemap listing ``urls``."""
    entries = "".join(f"<url><loc>{u}</loc></url>" for u in urls)
    return (
        f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</urlset>'
    ).encode()


def gzip_bomb_xml(what: str) -> bytes:
    """A ``.xml.gz`` (served as a file, not Content-Encoding) that inflates to 100 MiB of XML whitespace."""
    head = (
        b'<?xml version="1.0"?><rss version="2.0"><channel>'
        if what == "feed"
        else b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
    )
    z = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    out = [z.compress(head)]
    block = b" " * MB
    out += [z.compress(block) for _ in range(100)]
    out.append(z.flush())
    return b"".join(out)


@dataclass
class Sites:
    """The running outlet and internal servers, their addresses, and what each received."""

    base: str = ""
    internal: str = ""
    paths: list[str] = field(default_factory=list)
    internal_connections: int = 0
    stopping: threading.Event = field(default_factory=threading.Event)
    flood_seconds: list[float] = field(default_factory=list)  # how long each header flood ran before the hang-up

    def write_seeds(self, path: Path, **extra: str) -> Path:
        """The outlet config: start page, feeds and sitemaps of the hostile outlet."""
        b = self.base
        path.write_text(
            f'''
[[outlet]]
name = "hostile2"
start_urls = ["{b}/"]
feeds = ["{b}/feed.xml", "{b}/bomb-feed.xml.gz", "{b}/big-feed.xml"]
sitemaps = ["{b}/bomb-sitemap.xml.gz", "{b}/cross-host.xml"]
article_urls = ['/a/']
follow_urls = ['/cal\\?month=']
max_depth = 3
topic_filter = false
download_delay = 0.0
concurrency = 4
''',
            encoding="utf-8",
        )
        return path


Route = Callable[[str], bytes | Callable[[socket.socket], None] | None]


def routes(sites: Sites) -> Route:
    """What the outlet answers for each path: bytes, or a function that writes to the socket itself."""
    internal = sites.internal
    port = internal.rsplit(":", 1)[1]
    HOST_PORT = f"http://{HOST}:P"  # noqa: N806
    fixed: dict[str, bytes | Callable[[socket.socket], None]] = {
        # a Sitemap line that is no URL, then a good one: the good one is still followed
        "/robots.txt": response(
            "200 OK",
            [("Content-Type", "text/plain")],
            f"User-agent: *\nAllow: /\nSitemap: http://[oops/map.xml\nSitemap: {sites.base}/robots-map.xml\n".encode(),
        ),
        "/robots-map.xml": response(
            "200 OK", [("Content-Type", "application/xml")], urlset([f"{sites.base}/a/from-robots-map"])
        ),
        # more items than CRAWL_SITEMAP_MAX_URLS (the test sets 10): the newest are taken, as from a sitemap
        "/big-feed.xml": response(
            "200 OK",
            [("Content-Type", "application/rss+xml")],
            dated_feed(
                [(f"{sites.base}/a/feed-item-{n}", f"Mon, {n:02d} Jun 2026 10:00:00 GMT") for n in range(1, 31)]
            ),
        ),
        "/feed.xml": response(
            "200 OK",
            [("Content-Type", "application/rss+xml")],
            feed(
                [
                    "http://[oops/a/1",
                    f"{HOST_PORT}/a/bad-port".replace(":P", ":99999"),
                    f"{sites.base}/a/from-feed",
                    f"{internal}/a/secret-from-feed",
                ]
            ),
        ),
        "/bomb-feed.xml.gz": response(
            "200 OK", [("Content-Type", "application/gzip")], gzip_bomb_xml("feed")
        ),
        "/bomb-sitemap.xml.gz": response(
            "200 OK", [("Content-Type", "application/gzip")], gzip_bomb_xml("sitemap")
        ),
        "/cross-host.xml": response(
            "200 OK",
            [("Content-Type", "application/xml")],
            urlset(["http://[oops/a/2", f"{internal}/a/secret-from-sitemap", f"{sites.base}/a/from-sitemap"]),
        ),
        # redirects and refreshes to addresses the crawl must not reach
        "/a/meta-private": meta_refresh(f"{internal}/secret"),
        "/a/meta-mapped": meta_refresh(f"http://[::ffff:{INTERNAL}]:{port}/secret"),
        "/a/meta-offsite": meta_refresh(f"http://localhost:{port}/secret"),
        "/a/meta-self": meta_refresh(f"{sites.base}/a/meta-self"),
        "/a/meta-bad-url": meta_refresh("http://[oops/"),
        "/a/to-bad-url": redirect("http://[::1/secret"),
        "/a/to-mapped": redirect(f"http://[::ffff:{INTERNAL}]:{port}/secret"),
        "/a/to-userinfo": redirect(f"http://{HOST}@{INTERNAL}:{port}/secret"),
        "/a/to-short": redirect(f"http://127.22:{port}/secret"),  # 127.0.0.22, inet_aton's a.b form
        "/a/to-pct-host": redirect(f"http://%31%32%37.0.0.22:{port}/secret"),
        "/a/to-trailing-dot": redirect(f"http://{INTERNAL}.:{port}/secret"),
        "/a/to-file": redirect("file:///etc/passwd"),
        "/a/to-ftp": redirect(f"ftp://{HOST}/a/good"),
        "/a/to-data": redirect("data:text/html,<p>hi</p>"),
        "/a/to-gopher": redirect(f"gopher://{INTERNAL}:{port}/_secret"),
        "/a/to-space": redirect("/a/target with space/\u0645"),
        "/a/to-cr": redirect(b"/a/good\rX-Injected: 1"),
        # malformed HTTP
        "/a/bad-status": b"HTTP/1.1 abc\r\nContent-Length: 2\r\n\r\nhi",
        "/a/dup-length": b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 5\r\nContent-Length: 50"
        b"\r\nConnection: close\r\n\r\nhello",
        "/a/huge-header": html(article("x"), "text/html; charset=utf-8", ("X-Big", "a" * 100_000)),
        "/a/many-headers": html(
            article("خبر كثير الرؤوس"), "text/html; charset=utf-8", *[(f"X-H{i}", "v") for i in range(10_000)]
        ),
        # encodings and content types
        "/a/br": html(
            __import__("brotli").compress(article("خبر بروتلي")),
            "text/html; charset=utf-8",
            ("Content-Encoding", "br"),
        ),
        "/a/br-bomb": html(brotli_bomb(), "text/html; charset=utf-8", ("Content-Encoding", "br")),
        "/a/deflate-raw": html(
            zlib.compress(article("خبر انكماش"))[2:-4],
            "text/html; charset=utf-8",
            ("Content-Encoding", "deflate"),
        ),
        "/a/double-gzip": html(
            gzip.compress(gzip.compress(article("خبر مضغوط مرتين"))),
            "text/html; charset=utf-8",
            ("Content-Encoding", "gzip, gzip"),
        ),
        "/a/lying-gzip": html(article("خبر يكذب"), "text/html; charset=utf-8", ("Content-Encoding", "gzip")),
        "/a/html-as-png": html(article("خبر صورة"), "image/png"),
        "/a/pdf-as-html": html(b"%PDF-1.4\n" + bytes(range(256)) * 100, "text/html"),
        "/a/nul-bytes": html(
            article("خبر صفري").replace(b"<p>", b"<p>\0\0") + b"\xff\xfe\xc3\x28", "text/html; charset=utf-8"
        ),
        "/a/rtl-title": html(article("\u202e\u0000\u200f\x1b[31mخبر\u202d\x07"), "text/html; charset=utf-8"),
        "/a/dot-slug/..%2f..%2f..%2fetc%2fpasswd": html(article("خبر مسار")),
    }
    start_links = [p for p in fixed if p.startswith("/a/")] + [
        "/a/good",
        "/a/chunk-break",
        "/a/reset",
        "/a/header-flood",
        "/a/../../../escape",
        "/cal?month=1",
    ]

    def route(path: str) -> bytes | Callable[[socket.socket], None] | None:
        if path == "/":
            links = "".join(f'<a href="{p}">l</a>' for p in start_links)
            return html(
                f"<html><head><base href='{internal}/'></head><body>".encode()
                + f'<a href="http://[oops/a/3">o</a><a href="http://{HOST}:99999/a/x">p</a>'.encode()
                + f'<a href="{sites.base}/a/good">g</a>{links}'.replace(
                    'href="/', f'href="{sites.base}/'
                ).encode()
                + b'<a href="a/secret-from-base">b</a></body></html>'
            )
        if path in fixed:
            return fixed[path]
        if path.startswith("/cal?month="):  # an endless calendar: every month links the next
            n = int(path.split("=")[1])
            return html(f'<html><body><a href="/cal?month={n + 1}">next</a></body></html>'.encode())
        if path == "/a/chunk-break":
            return b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\n\r\n10\r\n<html><body>123"
        if path == "/a/reset":
            return _reset
        if path == "/a/header-flood":
            return _header_flood(sites)
        if path.startswith("/a/"):
            return html(article(f"خبر {path}"))
        return response("404 Not Found", [("Content-Type", "text/plain")], b"not found")

    return route


def _reset(sock: socket.socket) -> None:
    """Half a body, then a TCP reset."""
    sock.sendall(
        b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 100000\r\n\r\n<html><body>"
        + b"x" * 5000
    )
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")


def _header_flood(sites: Sites) -> Callable[[socket.socket], None]:
    """Headers that never end: 10 MB a second of small header lines until the crawler hangs up (timed)."""

    def send(sock: socket.socket) -> None:
        started = time.monotonic()
        try:
            sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n")
            block = b"".join(b"X-F%d: v\r\n" % i for i in range(20_000))
            while not sites.stopping.is_set():
                sock.sendall(block)
        finally:
            sites.flood_seconds.append(time.monotonic() - started)

    return send


class _Handler(socketserver.BaseRequestHandler):
    route: Route
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
            pass  # the crawler hung up (too large, too many headers)


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

"""A fourth hostile outlet on loopback (stdlib only): duplicates in disguise, dates at the ends of the calendar,
numbers that only look like numbers, robots.txt files that are gzipped or redirect, huge and deep page parts.

Answers are written byte by byte on a plain socket, as in tests/hostile2 and tests/hostile3. Four hosts: the main
outlet, two outlets whose robots.txt misbehaves, and an "internal" server that stands for an address the crawl must
never reach (it counts connections).
"""

from __future__ import annotations

import gzip
import itertools
import socketserver
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from tests.hostile.site import PARAGRAPH, article
from tests.hostile2.site import dated_feed, html, redirect, response

HOST, INTERNAL = "127.0.0.41", "127.0.0.42"  # the outlet; an address it must never lead the crawl to
GZROBOTS, ROBOTS_HOP = "127.0.0.43", "127.0.0.44"  # a gzipped robots.txt; a robots.txt that redirects inside
ROBOTS_AWAY = "127.0.0.45"  # a robots.txt that redirects to another outlet's host (GZROBOTS's robots.txt)
FRAGMENT_ITEMS = 1_000  # feed items, one URL with as many fragments
QUERY_ORDERS = 20_000  # links on one page: one URL, its nine query parameters in as many orders
BIG_TEXT = 11_000_000  # characters of one text node: past libxml2's 10,000,000 (XML_MAX_TEXT_LENGTH)
UNCLOSED = 300  # items of a legacy listing that each leave a <font> open: past libxml2's depth of 256
LONG = 100_000  # characters of a long link, Location or sitemap <loc>


@dataclass
class Sites:
    """The running servers, their addresses, and what each received: (host, path) in arrival order."""

    bases: dict[str, str] = field(default_factory=dict)
    hits: list[tuple[str, str]] = field(default_factory=list)
    internal_connections: int = 0
    stopping: threading.Event = field(default_factory=threading.Event)

    def paths(self, host: str = HOST) -> list[str]:
        """The paths one host was asked for."""
        return [path for h, path in self.hits if h == host]

    def write_seeds(self, path: Path) -> Path:
        """Four outlets: the hostile one, one whose robots.txt is gzipped, two whose robots.txt redirects."""
        b, gz, hop, away = self.bases[HOST], self.bases[GZROBOTS], self.bases[ROBOTS_HOP], self.bases[ROBOTS_AWAY]
        path.write_text(
            f'''
[[outlet]]
name = "hostile4"
start_urls = ["{b}/", "{b}/query-orders", "{b}/script-list", "{b}/unclosed-list"]
feeds = ["{b}/feed-fragments.xml", "{b}/feed-dates.xml"]
sitemaps = ["{b}/index-lastmod.xml", "{b}/map-long-loc.xml"]
article_urls = ['/a/']
max_depth = 1
topic_filter = false
download_delay = 0.0
concurrency = 8

[[outlet]]
name = "gzrobots"
start_urls = ["{gz}/"]
article_urls = ['/a/']
topic_filter = false
download_delay = 0.0

[[outlet]]
name = "robotshop"
start_urls = ["{hop}/"]
article_urls = ['/a/']
topic_filter = false
download_delay = 0.0

[[outlet]]
name = "robotsaway"
start_urls = ["{away}/"]
article_urls = ['/a/']
topic_filter = false
download_delay = 0.0
''',
            encoding="utf-8",
        )
        return path


def bad_crc(body: bytes) -> bytes:
    """``body`` gzipped, its trailer's CRC-32 wrong (the data itself intact)."""
    packed = bytearray(gzip.compress(body))
    packed[-8:-4] = bytes(b ^ 0xFF for b in packed[-8:-4])
    return bytes(packed)


def query_orders(count: int) -> bytes:
    """A listing whose ``count`` links are one URL, its nine query parameters in as many orders."""
    params = [f"p{n}={n}" for n in range(9)]
    links = (
        f'<a href="/a/q?{"&amp;".join(order)}">x</a>'
        for order in itertools.islice(itertools.permutations(params), count)
    )
    return ("<html><body>" + "".join(links) + "</body></html>").encode()


def deep_json(depth: int) -> str:
    """A JSON-LD value nested ``depth`` arrays deep."""
    return "[" * depth + '"x"' + "]" * depth


def page_with(head: str = "", body: str = "", title: str = "خبر", mark: str = "") -> bytes:
    """An article page with extra ``head`` and ``body`` markup (``mark`` in its paragraphs: a body of its own)."""
    paragraphs = "".join(f"<p>{PARAGRAPH} ({mark}{n})</p>" for n in range(3))
    return (
        f'<!DOCTYPE html><html lang=ar><head><meta charset="utf-8"><title>{title}</title>{head}</head>'
        f"<body><article><h1>{title}</h1>{paragraphs}{body}</article></body></html>"
    ).encode()


def answer_503(retry_after: bytes) -> bytes:
    """A 503 with a ``Retry-After`` sent as these bytes."""
    return (
        b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/html\r\nRetry-After: " + retry_after
        + b"\r\nContent-Length: 4\r\nConnection: close\r\n\r\nbusy"
    )


def cookie_flood(base: str, hop: int, count: int) -> bytes:
    """A redirect to the next hop that sets ``count`` new cookies of 1,000 bytes each."""
    cookies = "".join(f"Set-Cookie: c{hop}x{n}={'v' * 1000}; Path=/\r\n" for n in range(count))
    target = f"{base}/a/cookies/{hop + 1}" if hop < 4 else f"{base}/a/cookies-done"
    return (
        f"HTTP/1.1 302 Found\r\nLocation: {target}\r\n{cookies}Content-Length: 0\r\nConnection: close\r\n\r\n"
    ).encode()


def routes(sites: Sites) -> Callable[[str, str], object]:
    """What each host answers for each path: bytes, or a function that writes to the socket itself."""
    b, internal = sites.bases[HOST], sites.bases[INTERNAL]
    plain = [("Content-Type", "text/plain")]
    xml = [("Content-Type", "application/xml")]
    long_tail = "x" * LONG
    main: dict[str, object] = {
        # robots.txt: a Sitemap line of 100 KB (refused as url-too-long, stored cut)
        "/robots.txt": response("200 OK", plain, f"User-agent: *\nAllow: /\nSitemap: {b}/{long_tail}\n".encode()),
        # duplicates in disguise: one URL behind 1,000 fragments, and behind 100,000 query orders
        "/feed-fragments.xml": response(
            "200 OK", [("Content-Type", "application/rss+xml")],
            dated_feed([(f"{b}/a/frag-target#c{n}", "Mon, 01 Jan 2024 00:00:00 GMT") for n in range(FRAGMENT_ITEMS)]),
        ),
        "/query-orders": html(query_orders(QUERY_ORDERS)),
        # listings libxml2 stops reading part-way: a text node past 10 MB, 300 tags left open
        "/script-list": html(
            b"<html><head><script>var state = '" + b"x" * BIG_TEXT + b"';</script></head><body>"
            b'<a href="/a/after-script">a</a></body></html>'),
        "/unclosed-list": html(
            b"<html><body>" + b"".join(b'<font><a href="/tag/%d">t</a>' % n for n in range(UNCLOSED))
            + b'<a href="/a/after-unclosed">a</a></body></html>'),
        # dates at the ends of the calendar
        "/feed-dates.xml": response(
            "200 OK", [("Content-Type", "application/rss+xml")],
            dated_feed([
                (f"{b}/a/date-0001", "Mon, 01 Jan 0001 00:00:00 +1400"),
                (f"{b}/a/date-99999", "Fri, 01 Jan 99999 00:00:00 GMT"),
                (f"{b}/a/date-garbage", "yesterday, around noon"),
                (f"{b}/a/date-9999", "Fri, 31 Dec 9999 23:59:59 GMT"),
            ]),
        ),
        "/index-lastmod.xml": response("200 OK", xml, (
            '<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            f"<sitemap><loc>{b}/maps/end-of-time.xml</loc><lastmod>9999-12-31</lastmod></sitemap>"
            f"<sitemap><loc>{b}/maps/garbage.xml</loc><lastmod>not a date</lastmod></sitemap>"
            f"<sitemap><loc>{b}/maps/year-one.xml</loc><lastmod>0001-01-01T00:00:00+14:00</lastmod></sitemap>"
            f"<sitemap><loc>{b}/maps/year-9999.xml</loc><lastmod>9999</lastmod></sitemap>"
            "</sitemapindex>").encode()),
        "/map-long-loc.xml": response("200 OK", xml, (
            '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            f"<url><loc>{b}/a/{long_tail}-map</loc></url><url><title>a &lt; b</title><loc>{b}/a/from-long-map</loc>"
            f"</url><url><loc>{b}/a/listed-0001</loc><lastmod>0001-01-01</lastmod></url>"
            f"<url><loc>{b}/a/listed-9999</loc><lastmod>9999-12-31T23:59:59-12:00</lastmod></url>"
            "</urlset>").encode()),
        "/a/future-dates": html(
            article("خبر من المستقبل"), "text/html; charset=utf-8",
            ("Last-Modified", "Fri, 31 Dec 9999 23:59:59 GMT"), ("Date", "Fri, 31 Dec 9999 23:59:59 GMT"),
            ("Expires", "Sat, 01 Jan 99999 00:00:00 GMT"),
        ),
        # charset and encodings
        "/a/charset-only": html(article("خبر بلا نوع"), "charset=zlib"),
        "/a/late-meta": html(
            b"<html><head>" + b"<!--" + b"x" * 1_000_000 + b"-->"
            + '<meta charset="windows-1256"><title>خبر متأخر الترميز</title></head><body><article>'
              '<h1>خبر متأخر الترميز</h1>'.encode("cp1256")
            + "".join(f"<p>{PARAGRAPH} ({n})</p>" for n in range(3)).encode("cp1256") + b"</article></body></html>",
            "text/html",
        ),
        "/a/bad-crc": html(bad_crc(article("خبر بتدقيق خاطئ")), "text/html; charset=utf-8",
                           ("Content-Encoding", "gzip")),
        "/a/identity-gzip": html(gzip.compress(article("خبر هوية ثم ضغط")), "text/html; charset=utf-8",
                                 ("Content-Encoding", "identity, gzip")),
        "/a/empty-gzip": html(b"", "text/html; charset=utf-8", ("Content-Encoding", "gzip")),
        # redirects
        "/a/long-location": redirect(f"{b}/a/{long_tail}"),  # one header line past Twisted's 16 KiB
        "/a/location-10k": redirect(f"{b}/a/{'y' * 10_000}"),  # under it: refused as url-too-long, stored cut
        "/a/self-fragment": redirect(f"{b}/a/self-fragment#top"),
        # numbers that are no numbers: Retry-After in the past, negative, absurd, and "²" (str.isdigit() says yes)
        "/a/retry-past": answer_503(b"Thu, 01 Jan 1970 00:00:00 GMT"),
        "/a/retry-negative": answer_503(b"-5"),
        "/a/retry-absurd": answer_503(b"99999999999999999999999999"),
        "/a/retry-superscript": answer_503(b"\xb2"),
        "/a/cookie-superscript": (
            b"HTTP/1.1 302 Found\r\nLocation: " + f"{b}/a/after-cookie".encode()
            + b"\r\nSet-Cookie: s=1; Max-Age=\xb2\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        ),
        "/a/cookies/0": cookie_flood(b, 0, 250),
        "/a/cookies/1": cookie_flood(b, 1, 250),
        "/a/cookies/2": cookie_flood(b, 2, 250),
        "/a/cookies/3": cookie_flood(b, 3, 250),
        "/a/cookies/4": cookie_flood(b, 4, 250),
        # huge and deep page parts
        "/a/refresh-flood": html(page_with(
            head=f'<meta http-equiv="refresh" content="0; url={b}/a/refresh-target">' * 100_000)),
        "/a/huge-title": html(page_with(title="عنوان " * 200_000)),
        "/a/jsonld-deep": html(page_with(head=f'<script type="application/ld+json">{deep_json(10_000)}</script>')),
        "/a/jsonld-big": html(page_with(head=(
            '<script type="application/ld+json">{"@type": "NewsArticle", "articleBody": "'
            + "كلمة " * (BIG_TEXT // 5) + '"}</script>'))),
        "/a/canonical-internal": html(page_with(
            head=f'<link rel="canonical" href="{internal}/a/secret">', title="خبر قانوني داخلي", mark="i")),
        "/a/canonical-file": html(page_with(
            head='<link rel="canonical" href="file:///etc/passwd">', title="خبر قانوني ملف", mark="f")),
        "/a/canonical-js": html(page_with(
            head='<link rel="canonical" href="javascript:alert(1)">', title="خبر قانوني سكربت", mark="j")),
    }
    start_links = [p for p in main if p.startswith("/a/") and not p.startswith("/a/cookies/")] + [
        "/a/cookies/0", f"/a/{long_tail}-link",
    ]

    def route(host: str, path: str) -> object:
        if host == HOST:
            if path == "/":
                return html(("<html><body>" + "".join(f'<a href="{p}">l</a>' for p in start_links)
                             + "</body></html>").encode())
            if path in main:
                return main[path]
            if path.startswith("/maps/"):
                name = path.rsplit("/", 1)[1].removesuffix(".xml")
                # an Age of "²", which str.isdigit() takes for a number (int() does not)
                headers = [*xml, ("Age", "\xb2"), ("Date", "Mon, 01 Jan 2024 00:00:00 GMT")]
                return response("200 OK", headers, (
                    '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                    f"<url><loc>{b}/a/from-map-{name}</loc></url></urlset>").encode())
            if path.startswith("/a/"):
                return html(article(f"خبر {path[:60]}"))
            return response("404 Not Found", plain, b"not found")
        if path == "/robots.txt":
            if host == GZROBOTS:  # gzipped, served as text with no Content-Encoding (a misconfigured server)
                return response("200 OK", plain, gzip.compress(b"User-agent: *\nDisallow: /a/private\n"))
            if host == ROBOTS_AWAY:  # to another outlet's host: RFC 9309 2.3.1.2 has its rules apply here
                return redirect(f"{sites.bases[GZROBOTS]}/robots.txt")
            return redirect(f"{internal}/robots.txt")  # ROBOTS_HOP: to an address the crawl must not reach
        if path == "/":
            return html(b'<html><body><a href="/a/private/1">p</a><a href="/a/public/1">q</a></body></html>')
        if path.startswith("/a/"):
            return html(article(f"خبر {path}"))
        return response("404 Not Found", plain, b"not found")

    return route


class _Handler(socketserver.BaseRequestHandler):
    route: Callable[[str, str], object]
    sites: Sites
    host: str

    def handle(self) -> None:
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = self.request.recv(65536)
            if not chunk:
                return
            data += chunk
        path = data.split(b" ", 2)[1].decode("latin-1")
        self.sites.hits.append((self.host, path))
        answer = self.route(self.host, path)
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
        self.request.sendall(html(b"User-agent: *\nDisallow:\n"))


@contextmanager
def serve() -> Iterator[Sites]:
    """Start the hosts on loopback; stop them on exit."""
    sites = Sites()
    servers = []
    internal = socketserver.ThreadingTCPServer((INTERNAL, 0), type("I", (_Internal,), {"sites": sites}))
    sites.bases[INTERNAL] = f"http://{INTERNAL}:{internal.server_address[1]}"
    servers.append(internal)
    handlers = {}
    for host in (HOST, GZROBOTS, ROBOTS_HOP, ROBOTS_AWAY):
        handler = type("H", (_Handler,), {"sites": sites, "host": host})
        server = socketserver.ThreadingTCPServer((host, 0), handler)
        sites.bases[host] = f"http://{host}:{server.server_address[1]}"
        handlers[host] = handler
        servers.append(server)
    route = routes(sites)
    for handler in handlers.values():
        handler.route = staticmethod(route)
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


__all__ = ["GZROBOTS", "HOST", "INTERNAL", "ROBOTS_AWAY", "ROBOTS_HOP", "Sites", "serve"]

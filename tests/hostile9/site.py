"""A ninth hostile outlet on loopback (stdlib, brotli): backslashed and scheme-only references a browser reads as
another host, NUL and other C0 controls in header values, ports no browser fetches from, and the internal host
offered by every URL source the crawler reads (feed, sitemap, sitemap index, robots.txt, ``<base href>``,
refresh, redirect chains, an article's own URLs).

Answers are written byte by byte on a plain socket, as in tests/hostile2-8. Three hosts: the outlet, a second outlet whose
robots.txt is malformed, and an "internal" server that stands for an address the crawl must never reach (it counts
connections).
"""

from __future__ import annotations

import gzip
import socketserver
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import brotli

from tests.hostile.site import PARAGRAPH

HOST, INTERNAL, SECOND = "127.39.9.1", "127.39.9.2", "127.39.9.3"  # the outlet; never to be reached; a second
# outlet whose robots.txt answer has a NUL in a header


@dataclass
class Sites:
    """The running servers, their addresses, and what each received."""

    bases: dict[str, str] = field(default_factory=dict)
    paths: list[str] = field(default_factory=list)
    second_paths: list[str] = field(default_factory=list)
    cookies: dict[str, int] = field(default_factory=dict)  # path: length of the Cookie header it was asked with
    listings: list[str] = field(default_factory=list)
    internal_connections: int = 0

    def write_seeds(self, path: Path) -> Path:
        """One outlet: its /p/ pages are start URLs (listings, read in the crawl process), a feed and sitemaps."""
        b = self.bases[HOST]
        starts = ", ".join(f'"{b}{p}"' for p in ["/", *self.listings])
        path.write_text(f'[[outlet]]\nname = "hostile9"\nstart_urls = [{starts}]\nfeeds = ["{b}/feed.xml", '
                        f'"{b}/atom.xml"]\nsitemaps = ["{b}/map-index.xml", "{b}/map.xml"]\n'
                        "article_urls = ['/a/']\ntopic_filter = false\ndownload_delay = 0.0\nconcurrency = 16\n"
                        f'\n[[outlet]]\nname = "hostile9b"\nstart_urls = ["{self.bases[SECOND]}/"]\n'
                        "article_urls = ['/a/']\ntopic_filter = false\ndownload_delay = 0.0\n",
                        encoding="utf-8")
        return path


def page(title: str, head: str = "") -> bytes:
    """An article page."""
    body = "".join(f"<p>{PARAGRAPH} ({n})</p>" for n in range(3))
    return (f"<!DOCTYPE html><html lang=ar dir=rtl><head><meta charset=utf-8>{head}<title>{title}</title></head>"
            f"<body><article><h1>{title}</h1>{body}</article></body></html>").encode()


def raw(status: bytes, headers: list[bytes], body: bytes) -> bytes:
    """An answer from its parts, as written (no header added)."""
    return status + b"\r\n" + b"".join(h + b"\r\n" for h in headers) + b"\r\n" + body


def html(body: bytes, *extra: bytes, ctype: bytes = b"text/html; charset=utf-8") -> bytes:
    """An HTML answer with ``extra`` header lines before its Content-Type."""
    return raw(b"HTTP/1.1 200 OK", [*extra, b"Content-Type: " + ctype, b"Content-Length: %d" % len(body),
                                    b"Connection: close"], body)


def redirect(location: bytes, *extra: bytes) -> bytes:
    """A 302 to ``location``, sent as it is."""
    return raw(b"HTTP/1.1 302 Found", [b"Location: " + location, *extra, b"Content-Length: 0", b"Connection: close"],
               b"")


def xml(body: str) -> bytes:
    """An XML answer."""
    return html(body.encode(), ctype=b"application/xml")


def refresh(target: str) -> bytes:
    """A page whose head refreshes at once to ``target``."""
    return html(f'<html><head><meta http-equiv="refresh" content="0;url={target}"></head><body><p>x</p></body>'
                "</html>".encode())


def routes(outlet: str, internal: str) -> dict[str, bytes]:
    """What the outlet answers for each path."""
    port = internal.rsplit(":", 1)[1]
    home = outlet.split("//", 1)[1]  # host:port of the outlet
    inside = f"{INTERNAL}:{port}"
    answers = {
        # backslashes a browser reads as slashes: another host (URL Standard, special schemes)
        "/a/to-bs2": redirect(f"\\\\{inside}/secret-bs2".encode()),
        "/a/to-slash-bs": redirect(f"/\\{inside}/secret-sbs".encode()),
        "/a/to-bs-slash": redirect(f"\\/{inside}/secret-bss".encode()),
        "/a/to-https-colon": redirect(f"https:{inside}/secret-https".encode()),  # another special scheme, no //
        "/a/to-bs-home": redirect(f"\\\\{home}/a/landed-home".encode()),  # the outlet itself: followed
        "/a/to-bs-path": redirect(b"\\a\\landed-path"),  # /a/landed-path in a browser
        "/a/landed-home": html(page("خبر وصل من خط مائل")),
        "/a/landed-path": html(page("خبر وصل من مسار مائل")),
        "/p/refresh-bs2": refresh(f"\\\\{inside}/secret-refresh"),
        # header values: a NUL (refused, archived), other C0 controls (read, as browsers read them)
        "/p/nul-value": html(page("nul"), b"X-Note: a\x00b"),
        "/a/to-nul": redirect(b"/a/landed-home\x00" + inside.encode()),
        "/p/c0-values": html(page("خبر بمحارف تحكم"), b"X-A: a\x01b\x0bc\x0cd", b"X-B: e\x1bf\x1cg\x1dh\x1ei",
                             b"X-C: j\x7fk\x85l", b"X-D: \x08tab\tend"),
        # ports: a link and a redirect to the outlet's own host on ports no browser fetches from
        "/a/to-smtp": redirect(f"http://{HOST}:25/a/smtp".encode()),
        # a redirect chain that ends inside after three hops of the outlet
        "/a/chain-1": redirect(b"/a/chain-2"), "/a/chain-2": redirect(b"/a/chain-3"),
        "/a/chain-3": redirect(f"http://{inside}/secret-chain".encode()),
        # an article naming the inside as its own URLs: JSON-LD, canonical, AMP, og:url, a next part
        "/a/self-urls": html(page("خبر بعناوين داخلية", head=(
            f'<link rel="canonical" href="http://{inside}/secret-canonical">'
            f'<link rel="amphtml" href="http://{inside}/secret-amp"><meta property="og:url" '
            f'content="http://{inside}/secret-og"><link rel="next" href="http://{inside}/a/self-urls?page=2">'
            '<script type="application/ld+json">{"@type": "NewsArticle", "url": "http://' + inside +
            '/secret-ld", "mainEntityOfPage": {"@id": "http://' + inside + '/secret-ld-main"}}</script>'))),
        # charsets: UTF-7 (no web encoding: ignored, as a browser ignores it)
        "/a/utf7": html(page("+ADw-b+AD4-utf7+ADw-/b+AD4- خبر").replace(b"<meta charset=utf-8>", b""),
                        ctype=b"text/html; charset=utf-7"),
        # codings: gzip, gzip, br
        "/a/stack": html(brotli.compress(gzip.compress(gzip.compress(page("خبر مضغوط ثلاثا")))),
                         b"Content-Encoding: gzip, gzip, br"),
        # a Set-Cookie flood on a redirect (50 cookies a host are kept)
        "/a/cookie-flood": redirect(b"/a/cookie-landed", *(b"Set-Cookie: c%d=%s; Path=/" % (n, b"v" * 60)
                                                           for n in range(2000))),
        "/a/cookie-landed": html(page("خبر بعد طوفان الكعك")),
        # robots.txt names an internal sitemap; the feed, Atom feed, index and sitemap name the inside in spellings
        "/robots.txt": raw(b"HTTP/1.1 200 OK", [b"Content-Type: text/plain", b"Connection: close"],
                           f"User-agent: *\nAllow: /\nSitemap: http://{inside}/secret-robots-map.xml\n".encode()),
        "/feed.xml": xml(f'<?xml version="1.0"?><rss version="2.0"><channel><title>f</title>'
                         f'<item><title>i</title><link>http://2133264642:{port}/a/secret-feed-decimal</link>'
                         f'<enclosure url="http://{inside}/a/secret-enclosure" type="audio/mpeg" length="1"/></item>'
                         f'<item><title>j</title><link>{outlet}/a/feed-ok</link></item></channel></rss>'),
        "/atom.xml": xml(f'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom" '
                         f'xml:base="http://{inside}/"><title>a</title><entry><title>e</title>'
                         '<link href="a/secret-xml-base"/><id>x</id><updated>2026-01-01T00:00:00Z</updated>'
                         "</entry></feed>"),
        "/map-index.xml": xml('<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                              f"<sitemap><loc>http://0x7f.0x27.9.2:{port}/secret-child.xml</loc></sitemap>"
                              f"<sitemap><loc>http://{HOST}@{inside}/secret-child2.xml</loc></sitemap>"
                              "</sitemapindex>"),
        "/map.xml": xml('<?xml version="1.0"?><!DOCTYPE u [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
                        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                        f"<url><loc>{outlet}/a/x&x;</loc></url>"
                        f"<url><loc>http://{HOST}@{inside}/a/secret-userinfo</loc></url>"
                        f"<url><loc>http://%31%32%37.39.9.2:{port}/a/secret-pct</loc></url>"
                        f"<url><loc>http://0177.047.011.02:{port}/a/secret-octal</loc></url>"
                        f"<url><loc>http://[::ffff:{INTERNAL}]:{port}/a/secret-mapped</loc></url>"
                        f"<url><loc>{outlet}/a/map-ok</loc></url></urlset>"),
        "/a/feed-ok": html(page("خبر من التغذية")),
        "/a/map-ok": html(page("خبر من الخريطة")),
        "/p/base-href": html(f'<html><head><base href="http://{inside}/"></head><body><a href="a/secret-base">x</a>'
                             "</body></html>".encode()),
    }
    links = "".join(f'<a href="{path}">x</a>' for path in answers if path.startswith("/a/"))
    links += f'<a href="http://{HOST}:6379/a/redis">r</a><a href="http://{HOST}:25/a/smtp-link">s</a>'
    answers["/"] = html(f"<html><body>{links}</body></html>".encode())
    return answers


# The second outlet: its robots.txt answer has a NUL in a header, a network error to a browser, so the robots.txt is
# unreachable and the site disallowed (RFC 9309 2.3.1.4), not read as a 4xx (everything allowed)
SECOND_ANSWERS = {
    "/robots.txt": raw(b"HTTP/1.1 200 OK", [b"Content-Type: text/plain", b"X-Note: a\x00b", b"Connection: close"],
                       b"User-agent: *\nAllow: /\n"),
    "/": html(b'<html><body><a href="/a/behind">x</a></body></html>'),
    "/a/behind": html(page("behind")),
}


class _Handler(socketserver.BaseRequestHandler):
    sites: Sites
    answers: dict[str, bytes]
    internal: bool

    def handle(self) -> None:
        if self.internal:
            self.sites.internal_connections += 1
            self.request.sendall(html(b"<p>INTERNAL-ONLY</p>"))
            return
        data = b""
        try:
            while b"\r\n\r\n" not in data:
                chunk = self.request.recv(65536)
                if not chunk:
                    return
                data += chunk
            path = data.split(b" ", 2)[1].decode("latin-1")
            (self.sites.paths if self.answers is not SECOND_ANSWERS else self.sites.second_paths).append(path)
            cookie = next((line for line in data.split(b"\r\n") if line.lower().startswith(b"cookie:")), b"")
            self.sites.cookies[path] = len(cookie)
            self.request.sendall(self.answers.get(path, raw(b"HTTP/1.1 404 Not Found",
                                                            [b"Content-Length: 0", b"Connection: close"], b"")))
        except OSError:
            pass  # the crawler hung up


@contextmanager
def serve() -> Iterator[Sites]:
    """Start both hosts on loopback; stop them on exit."""
    sites = Sites()
    servers = {}
    for host in (HOST, INTERNAL, SECOND):
        handler = type("H", (_Handler,), {"sites": sites, "internal": host == INTERNAL})
        servers[host] = socketserver.ThreadingTCPServer((host, 0), handler)
        servers[host].daemon_threads = True
        sites.bases[host] = f"http://{host}:{servers[host].server_address[1]}"
    answers = servers[HOST].RequestHandlerClass.answers = routes(sites.bases[HOST], sites.bases[INTERNAL])
    servers[SECOND].RequestHandlerClass.answers = SECOND_ANSWERS
    sites.listings = [path for path in answers if path.startswith("/p/")]
    for server in servers.values():
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    try:
        yield sites
    finally:
        for server in servers.values():
            server.shutdown()
            server.server_close()


__all__ = ["HOST", "INTERNAL", "SECOND", "Sites", "serve"]

"""A hostile outlet site on loopback: huge, stalling, looping, rate-limiting and malicious pages (stdlib only)."""

from __future__ import annotations

import gzip
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

MB = 1024 * 1024
HOSTS = {"hostile": "127.0.0.5", "robots5xx": "127.0.0.6", "robots4xx": "127.0.0.7", "throttled": "127.0.0.9",
         "internal": "127.0.0.1"}
UNREACHABLE = "127.0.0.8"  # an outlet host nothing listens on: its robots.txt is unreachable

PARAGRAPH = ("قالت مصادر محلية في مدينة مصراتة إن اشتباكات مسلحة اندلعت مساء الثلاثاء بين مجموعتين مسلحتين "
             "قرب الطريق الساحلي، وإن المجلس الرئاسي دعا الأطراف إلى وقف إطلاق النار فورا والعودة إلى الحوار.")
SECRET = b"INTERNAL-ONLY: this must never be archived"
GZIP_BOMB = gzip.compress(b"\0" * (64 * MB), compresslevel=9)  # ~64 KB on the wire, 64 MiB inflated
DEEP_SITEMAP_LEVELS = 60


def article(title: str, paragraphs: int = 3, charset: str = "utf-8", declared: str | None = None) -> bytes:
    """A plain news article page."""
    body = "".join(f"<p>{PARAGRAPH} ({i})</p>" for i in range(paragraphs))
    meta = f'<meta charset="{declared or charset}">'
    html = (f"<!DOCTYPE html><html lang=ar dir=rtl><head>{meta}<title>{title}</title></head><body><header>"
            f"<a href='/'>الرئيسية</a></header><article><h1>{title}</h1>{body}</article></body></html>")
    return html.encode(charset)


def deep_page(depth: int = 5000) -> bytes:
    """An article nested ``depth`` elements deep (parsers give up on it)."""
    text = "".join(f"<p>{PARAGRAPH}</p>" for _ in range(10))
    return (f"<html><head><meta charset=utf-8><title>عميق</title></head><body>{'<div>' * depth}<h1>عميق</h1>"
            f"{text}{'</div>' * depth}</body></html>").encode()


def billion_laughs() -> bytes:
    """A feed whose only content is an exponential entity (never to be expanded)."""
    ents = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10))
    return (f'<?xml version="1.0"?><!DOCTYPE rss [{ents}]><rss version="2.0"><channel><title>&lol9;</title>'
            f"<item><title>&lol9;</title><link>&lol9;</link></item></channel></rss>").encode()


def xxe_feed() -> bytes:
    """A feed that tries to read a local file through an external entity."""
    return (b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
            b'<rss version="2.0"><channel><title>x</title><item><title>&xxe;</title><link>&xxe;</link></item>'
            b"</channel></rss>")


@dataclass(frozen=True)
class Hit:
    """One request a server received."""

    site: str
    path: str
    at: float
    status: int


@dataclass
class HostileSites:
    """The running servers, their base URLs and every request they received."""

    bases: dict[str, str]
    hits: list[Hit] = field(default_factory=list)
    long_path: str = "/a/long?q=" + "x" * 10_000
    stopping: threading.Event = field(default_factory=threading.Event)
    moved_to_internal: bool = False  # /a/moving: an article, until it starts redirecting to the internal server

    def paths(self, site: str) -> list[str]:
        """Paths requested from ``site``, in order."""
        return [h.path for h in self.hits if h.site == site]

    def write_seeds(self, path: Path) -> Path:
        """The outlet config of the hostile sites."""
        b = self.bases
        path.write_text(f'''
[[outlet]]
name = "hostile"
start_urls = ["{b['hostile']}/"]
feeds = ["{b['hostile']}/feed.xml", "{b['hostile']}/laughs.xml", "{b['hostile']}/xxe.xml", "{b['hostile']}/broken.xml"]
sitemaps = ["{b['hostile']}/deep/0.xml", "{b['hostile']}/huge-sitemap.xml"]
article_urls = ['/a/']
topic_filter = false
download_delay = 0.0
concurrency = 4

[[outlet]]
name = "robots5xx"
feeds = ["{b['robots5xx']}/feed.xml"]
topic_filter = false
download_delay = 0.0

[[outlet]]
name = "robots4xx"
feeds = ["{b['robots4xx']}/feed.xml"]
topic_filter = false
download_delay = 0.0

[[outlet]]
name = "maps"
sitemaps = ["{b['robots4xx']}/deep/0.xml"]
topic_filter = false
download_delay = 0.0

[[outlet]]
name = "unreachable"
feeds = ["http://{UNREACHABLE}:9/feed.xml"]
topic_filter = false
download_delay = 0.0

[[outlet]]
name = "throttled"
feeds = ["{b['throttled']}/feed.xml"]
topic_filter = false
download_delay = 0.0
concurrency = 1
''', encoding="utf-8")
        return path


Reply = tuple[int, list[tuple[str, str]], bytes]


def _feed(base: str, paths: list[str]) -> bytes:
    items = "".join(f"<item><title>t</title><link>{base}{p}</link></item>" for p in paths)
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>f</title>{items}</channel></rss>'.encode()


def _html(body: bytes, ctype: str = "text/html; charset=utf-8") -> Reply:
    return 200, [("Content-Type", ctype)], body


def _redirect(to: str) -> Reply:
    return 302, [("Location", to), ("Content-Type", "text/html")], b"moved"


class _Routes:
    """What each site answers; ``self.seen`` counts earlier requests of a path (for the 429 cases)."""

    def __init__(self, sites: HostileSites):
        self.sites = sites
        self.seen: dict[tuple[str, str], int] = {}

    def hostile(self, path: str) -> Reply | None:
        b, internal = self.sites.bases["hostile"], self.sites.bases["internal"]
        port = internal.rsplit(":", 1)[1]
        if path == "/robots.txt":
            # 600 KiB: a rule past 500 KiB is beyond what RFC 9309 asks a crawler to read
            filler = "".join(f"# comment line {i:06d} .........................................\n"
                             for i in range(600 * 1024 // 64))
            text = f"User-agent: *\nDisallow: /a/private/\n{filler}User-agent: *\nDisallow: /a/after-limit/\n"
            return 200, [("Content-Type", "text/plain")], text.encode()
        if path == "/":
            links = ["/a/good", "/a/big-length", "/a/big-stream", "/a/gzip-bomb", "/a/stall", "/a/loop-a",
                     "/a/chain/0", "/a/to-internal", "/a/to-decimal", "/a/to-metadata", "/a/to-localhost",
                     self.sites.long_path, "/a/binary", "/a/deep", "/a/bad-charset", "/a/private/secret",
                     "/a/after-limit/page"]
            return _html(("<html><body>" + "".join(f'<a href="{u}">link</a>' for u in links)
                          + "</body></html>").encode())
        if path == "/feed.xml":
            return 200, [("Content-Type", "application/rss+xml")], _feed(b, ["/a/from-feed"])
        if path == "/laughs.xml":
            return 200, [("Content-Type", "application/rss+xml")], billion_laughs()
        if path == "/xxe.xml":
            return 200, [("Content-Type", "application/rss+xml")], xxe_feed()
        if path == "/broken.xml":  # unclosed tags, a stray ampersand: recovered
            return 200, [("Content-Type", "application/rss+xml")], (
                f'<?xml version="1.0"?><rss><channel><title>a & b</title><item><title>x<link>{b}/a/from-broken'
                f"</link></item><item><link>{b}/a/from-broken-2</link>").encode()
        if path.startswith("/deep/"):  # every level lists a new child sitemap
            n = int(path.split("/")[2].split(".")[0])
            return 200, [("Content-Type", "application/xml")], (
                '<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                f"<sitemap><loc>{b}/deep/{n + 1}.xml</loc></sitemap></sitemapindex>").encode()
        if path == "/huge-sitemap.xml":
            urls = "".join(f"<url><loc>{b}/a/capped/{i}</loc></url>" for i in range(100_000))
            return 200, [("Content-Type", "application/xml")], (
                '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                f"{urls}</urlset>").encode()
        if path in ("/a/good", "/a/from-feed", "/a/from-broken", "/a/from-broken-2", "/a/after-limit/page") \
                or path.startswith("/a/capped/"):
            return _html(article(f"خبر {path}"))
        if path == "/a/big-length":
            return None  # streamed by the handler: 50 MB with Content-Length
        if path == "/a/big-stream":
            return None  # streamed by the handler: 50 MB, no Content-Length
        if path == "/a/stall":
            return None
        if path == "/a/gzip-bomb":
            return 200, [("Content-Type", "text/html"), ("Content-Encoding", "gzip")], GZIP_BOMB
        if path == "/a/loop-a":
            return _redirect(f"{b}/a/loop-b")
        if path == "/a/loop-b":
            return _redirect(f"{b}/a/loop-a")
        if path.startswith("/a/chain/"):
            return _redirect(f"/a/chain/{int(path.rsplit('/', 1)[1]) + 1}")
        if path == "/a/moving":
            return _redirect(f"{internal}/secret") if self.sites.moved_to_internal else _html(article("خبر سينقل"))
        if path == "/a/to-internal":
            return _redirect(f"{internal}/secret")
        if path == "/a/to-decimal":
            return _redirect(f"http://2130706433:{port}/secret")
        if path == "/a/to-metadata":
            return _redirect("http://169.254.169.254/latest/meta-data/")
        if path == "/a/to-localhost":
            return _redirect(f"http://localhost:{port}/secret")
        if path.startswith("/a/long"):
            return _html(article("طويل"))
        if path == "/a/binary":
            return 200, [("Content-Type", "application/octet-stream")], b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 64
        if path == "/a/deep":
            return _html(deep_page())
        if path == "/a/bad-charset":  # windows-1256 bytes under a charset name nobody knows
            return _html(article("خبر بترميز قديم", charset="windows-1256", declared="windows-1256"),
                         "text/html; charset=x-unknown-charset")
        return 404, [("Content-Type", "text/plain")], b"not found"

    def robots5xx(self, path: str) -> Reply:
        if path == "/robots.txt":
            return 500, [("Content-Type", "text/plain")], b"internal error"
        if path == "/feed.xml":
            return 200, [("Content-Type", "application/rss+xml")], _feed(self.sites.bases["robots5xx"], ["/a/1"])
        return _html(article("لا ينبغي"))

    def robots4xx(self, path: str) -> Reply:
        if path == "/robots.txt":
            return 403, [("Content-Type", "text/plain")], b"forbidden"
        if path == "/feed.xml":
            return 200, [("Content-Type", "application/rss+xml")], _feed(self.sites.bases["robots4xx"],
                                                                          ["/a/1", "/a/2", "/a/3"])
        if path.startswith("/deep/"):  # for the "maps" outlet: an endless chain of sitemap indexes
            n = int(path.split("/")[2].split(".")[0])
            return 200, [("Content-Type", "application/xml")], (
                '<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                f"<sitemap><loc>{self.sites.bases['robots4xx']}/deep/{n + 1}.xml</loc></sitemap>"
                "</sitemapindex>").encode()
        return _html(article(f"مسموح {path}"))

    def throttled(self, path: str) -> Reply:
        if path == "/robots.txt":
            return 404, [("Content-Type", "text/plain")], b""
        if path == "/feed.xml":
            return 200, [("Content-Type", "application/rss+xml")], _feed(
                self.sites.bases["throttled"], ["/a/1", "/a/2", "/a/3"])
        key = ("throttled", path)
        self.seen[key] = self.seen.get(key, 0) + 1
        if path == "/a/1" and self.seen[key] == 1:
            return 429, [("Retry-After", "2"), ("Content-Type", "text/plain")], b"slow down"
        if path == "/a/2" and self.seen[key] == 1:
            return 503, [("Retry-After", formatdate(time.time() + 3, usegmt=True)),
                         ("Content-Type", "text/plain")], b"busy"
        return _html(article(f"خبر {path}"))

    def internal(self, path: str) -> Reply:
        return 200, [("Content-Type", "text/html")], b"<html><body><p>" + SECRET + b"</p></body></html>"


def _handler(site: str, routes: _Routes, sites: HostileSites, lock: threading.Lock) -> type[BaseHTTPRequestHandler]:
    route: Callable[[str], Reply | None] = getattr(routes, site)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            path = urlsplit(self.path).path + (("?" + urlsplit(self.path).query) if urlsplit(self.path).query else "")
            with lock:
                reply = route(urlsplit(self.path).path if not path.startswith("/a/long") else path)
            status = reply[0] if reply else 200
            with lock:
                sites.hits.append(Hit(site, path, time.monotonic(), status))
            try:
                if reply is None:
                    self._stream(urlsplit(self.path).path)
                    return
                status, headers, body = reply
                self.send_response(status)
                for name, value in headers:
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the crawler hung up on purpose (too large, timed out)

        def _stream(self, path: str) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            if path == "/a/big-length":
                self.send_header("Content-Length", str(50 * MB))
            else:
                self.send_header("Connection", "close")
                self.close_connection = True
            self.end_headers()
            if path == "/a/stall":
                self.wfile.write(b"<html><body>")
                self.wfile.flush()
                sites.stopping.wait(60)  # longer than any DOWNLOAD_TIMEOUT a test sets; ends with the servers
                return
            chunk = b"<p>" + b"x" * (MB - 7) + b"</p>"
            for _ in range(50):
                self.wfile.write(chunk)

    return Handler


@contextmanager
def serve_hostile_sites() -> Iterator[HostileSites]:
    """Start every hostile server on its loopback address; stop them on exit."""
    sites = HostileSites(bases={})
    routes = _Routes(sites)
    lock = threading.Lock()
    servers = []
    try:
        for site, host in HOSTS.items():
            server = ThreadingHTTPServer((host, 0), _handler(site, routes, sites, lock))
            server.daemon_threads = True
            servers.append(server)
            sites.bases[site] = f"http://{host}:{server.server_address[1]}"
            # a short poll: shutdown() waits for serve_forever's next look at its flag (0.5 s by default)
            threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        yield sites
    finally:
        sites.stopping.set()
        for server in servers:
            server.shutdown()
            server.server_close()

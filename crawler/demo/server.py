"""Serve the three demo outlet sites on loopback addresses with stdlib HTTP/1.1 servers in threads."""

from __future__ import annotations

import errno
import gzip
import hashlib
import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from email.utils import parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import NamedTuple
from urllib.parse import parse_qsl, unquote, urlsplit

from crawler.demo.content import DemoArticle, DemoOutlet, http_date, load_articles
from crawler.demo.feeds import RSS_TRACKING
from crawler.demo.modern import search_path
from crawler.demo.routes import DemoSite, Reply
from crawler.demo.seedfile import seeds_toml

logger = logging.getLogger(__name__)

DEFAULT_HOSTS = ("127.0.0.2", "127.0.0.3", "127.0.0.4")
DEMO_PORTS = (8471, 8472, 8473)  # fixed, distinct: still distinct sites where all three fall back to 127.0.0.1
OUTLETS = (  # (name, display name, style)
    ("demo-feed", "صدى الأخبار الليبية", "feed"),
    ("demo-sitemap", "مرصد الشرق 24", "sitemap"),
    ("demo-legacy", "صحيفة الساحل", "legacy"),
)
CHUNK = 4096


@dataclass(frozen=True)
class ExpectedArticle:
    """What a perfect crawl and extraction of one demo article yields."""

    outlet: str
    url: str  # as linked by the discovery source (feed item link, sitemap loc, listing href without session id)
    canonical_url: str
    title: str
    paragraphs: tuple[str, ...]
    published: str  # ISO date
    relevant: bool
    seed: str | None
    author: str = ""
    key: str = ""


class RequestHeaders(dict[str, str]):
    """Request headers as received (original spelling), looked up case-insensitively."""

    def _key(self, name: object) -> object:
        if isinstance(name, str) and not dict.__contains__(self, name):
            for key in self:
                if key.lower() == name.lower():
                    return key
        return name

    def __getitem__(self, name: str) -> str:
        return dict.__getitem__(self, self._key(name))

    def __contains__(self, name: object) -> bool:
        return dict.__contains__(self, self._key(name))

    def get(self, name: str, default: str | None = None) -> str | None:  # type: ignore[override]
        """The value of header ``name`` whatever its case, or ``default``."""
        return dict.get(self, self._key(name), default)


class LoggedRequest(NamedTuple):
    """One request a demo server received."""

    host: str  # "127.0.0.2:PORT", the server that received it
    method: str
    path: str  # the request target as sent
    headers: RequestHeaders  # case-insensitive: headers["User-Agent"] == headers["user-agent"]


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], site: DemoSite | None, log: list[LoggedRequest],
                 lock: threading.Lock) -> None:
        super().__init__(address, _Handler)
        self.site = site
        self.log = log
        self.log_lock = lock


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 15  # idle keep-alive connections give their thread back
    server: _Server

    def version_string(self) -> str:
        """The Server header: what such a site typically runs."""
        style = self.server.site.outlet.style if self.server.site else ""
        return {"feed": "nginx/1.14.0 (Ubuntu)", "sitemap": "cloudflare"}.get(style, "Apache/2.2.22 (Unix) PHP/5.2.17")

    def log_message(self, format: str, *args: object) -> None:
        """Send the access log to logging (debug) instead of stderr."""
        logger.debug("%s " + format, self.server.site.outlet.name if self.server.site else "-", *args)

    def _record(self) -> dict[str, str]:
        host, port = self.server.server_address[:2]
        with self.server.log_lock:
            self.server.log.append(LoggedRequest(f"{host}:{port}", self.command, self.path,
                                                 RequestHeaders(self.headers.items())))
        return {k.lower(): v for k, v in self.headers.items()}

    def do_GET(self) -> None:
        """Answer GET."""
        self._answer(head=False)

    def do_HEAD(self) -> None:
        """Answer HEAD: the GET headers, no body."""
        self._answer(head=True)

    def do_POST(self) -> None:
        """Refuse POST (comment forms and polls are decoration)."""
        self._record()
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        self._send(Reply(405, b"Method Not Allowed\n", "text/plain", (("Allow", "GET, HEAD"),)), head=False)

    def _answer(self, head: bool) -> None:
        headers = self._record()
        target = self.path
        try:  # a client that sends raw UTF-8 in the request line: http.server decoded it as Latin-1
            target = target.encode("latin-1").decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            pass
        try:
            reply = self.server.site.respond(target, headers)
        except Exception:
            logger.exception("demo site failed on %s", self.path)
            reply = Reply(500, b"demo site error\n", "text/plain")
        self._send(reply, head, headers)

    def _send(self, reply: Reply, head: bool, headers: dict[str, str] | None = None) -> None:
        headers = headers or {}
        body = reply.body
        extra: list[tuple[str, str]] = list(reply.headers)
        if reply.compressible:
            extra.append(("Vary", "Accept-Encoding"))
            accepted = [t.split(";")[0].strip().lower() for t in headers.get("accept-encoding", "").split(",")]
            if "gzip" in accepted:
                body = gzip.compress(body, mtime=0)
                extra.append(("Content-Encoding", "gzip"))
        status = reply.status
        if status == 200 and reply.validators:
            etag = '"' + hashlib.sha1(body).hexdigest()[:20] + '"'
            extra.append(("ETag", etag))
            if reply.last_modified:
                extra.append(("Last-Modified", http_date(reply.last_modified)))
            if _not_modified(headers, etag, reply.last_modified):
                status, body = 304, b""
        self.send_response(status)
        if status == 304:  # validators and Vary again, no body and no framing (RFC 9110 15.4.5)
            for name, value in extra:
                if name in ("ETag", "Last-Modified", "Vary", "Cache-Control", "Expires"):
                    self.send_header(name, value)
            self.end_headers()
            return
        if reply.content_type:
            self.send_header("Content-Type", reply.content_type)
        for name, value in extra:
            self.send_header(name, value)
        chunked = reply.chunked and self.request_version == "HTTP/1.1"  # HTTP/1.0 clients get a length
        self.send_header("Transfer-Encoding" if chunked else "Content-Length", "chunked" if chunked else str(len(body)))
        self.end_headers()
        if head:
            return
        if not chunked:
            self.wfile.write(body)
            return
        for start in range(0, len(body), CHUNK):
            piece = body[start:start + CHUNK]
            self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
        self.wfile.write(b"0\r\n\r\n")


def _not_modified(headers: dict[str, str], etag: str, last_modified: datetime | None) -> bool:
    # RFC 9110 13.2.2: If-None-Match wins; If-Modified-Since only counts when there is no If-None-Match.
    if "if-none-match" in headers:
        tags = [t.strip().removeprefix("W/") for t in headers["if-none-match"].split(",")]
        return "*" in tags or etag in tags
    since = headers.get("if-modified-since")
    if since and last_modified:
        try:
            return last_modified.replace(microsecond=0) <= parsedate_to_datetime(since)
        except (TypeError, ValueError):
            return False
    return False


class DemoSites:
    """The running demo sites: their outlets, what a perfect crawl finds, and hooks to change them."""

    def __init__(self, sites: list[DemoSite], log: list[LoggedRequest], lock: threading.Lock) -> None:
        self._sites = sites
        self._log = log
        self._lock = lock

    @property
    def outlets(self) -> list[DemoOutlet]:
        """The three outlets, in the order feed, sitemap, legacy."""
        return [s.outlet for s in self._sites]

    def outlet(self, style: str) -> DemoOutlet:
        """The outlet of ``style`` ("feed", "sitemap" or "legacy")."""
        return self._site(style).outlet

    def _site(self, style: str) -> DemoSite:
        for site in self._sites:
            if site.outlet.style == style:
                return site
        raise KeyError(f"no demo site of style {style!r}")

    @property
    def requests_log(self) -> list[LoggedRequest]:
        """A snapshot of every request the servers received so far."""
        with self._lock:
            return list(self._log)

    @property
    def expected(self) -> list[ExpectedArticle]:
        """Every article a perfect crawl archives now (deleted, private and broken links excluded)."""
        found = []
        for site in self._sites:
            for article in site.articles():
                found.append(_expected(site.outlet, article))
        return found

    @property
    def forbidden_paths(self) -> list[str]:
        """Absolute URLs that robots.txt disallows and that pages link to: never to be fetched."""
        urls = []
        for site in self._sites:
            base, style = site.outlet.base_url, site.outlet.style
            if style in ("feed", "sitemap"):
                urls.append(base + search_path(site.outlet) + "?q=%D9%84%D9%8A%D8%A8%D9%8A%D8%A7")
            if style == "sitemap":
                urls += [base + a.path for a in site.articles(include_hidden=True) if a.private]
            if style == "legacy":
                urls.append(base + "/admin/login.php")
        return urls

    @property
    def broken_urls(self) -> dict[str, int]:
        """Linked URLs that do not give an article, with their status (legacy 404, 500 and the 301 hop)."""
        legacy = self._site("legacy")
        base = legacy.outlet.base_url
        found = {base + "/article.php?id=31": 404, base + "/article.php?id=27": 500}
        for article in legacy.articles():
            if article.old_path:
                found[base + article.old_path] = 301
        return found

    def find(self, url: str) -> tuple[DemoSite, DemoArticle]:
        """The site and article that ``url`` (canonical, as linked, or old) names; KeyError if none."""
        wanted = _url_key(url)
        for site in self._sites:
            for article in site.articles(include_hidden=True):
                base = site.outlet.base_url
                if wanted in {_url_key(base + article.path), _url_key(base + (article.old_path or article.path))}:
                    return site, article
        raise KeyError(f"no demo article at {url}")

    def edit_article(self, url: str, title: str | None = None,
                     paragraphs: tuple[str, ...] | list[str] | None = None) -> ExpectedArticle:
        """Change an article's title and/or body; its pages, feeds, sitemaps and validators follow."""
        site, article = self.find(url)
        changes: dict[str, object] = {}
        if title is not None:
            changes["title"] = title
        if paragraphs is not None:
            changes["paragraphs"] = tuple(paragraphs)
        return _expected(site.outlet, site.update(article.key, **changes))

    def delete_article(self, url: str) -> None:
        """Delete an article: 410 Gone on the modern sites, 404 on the legacy one; gone from listings too."""
        site, article = self.find(url)
        site.update(article.key, deleted=True)

    def write_seeds(self, path: Path | str) -> Path:
        """Write a seeds TOML file configuring the three demo outlets; returns its path."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(seeds_toml(self.outlets), encoding="utf-8")
        return path


def _url_key(url: str) -> tuple[str, str, tuple[tuple[str, str], ...]]:
    parts = urlsplit(url)
    query = tuple(sorted((k, v) for k, v in parse_qsl(parts.query)
                         if not k.lower().startswith("utm_") and k.lower() != "phpsessid"))
    return parts.netloc, unquote(parts.path), query


def _expected(outlet: DemoOutlet, article: DemoArticle) -> ExpectedArticle:
    canonical = outlet.base_url + article.path
    if outlet.style == "feed":
        url = canonical + RSS_TRACKING
    else:
        url = outlet.base_url + (article.old_path or article.path)
    return ExpectedArticle(outlet=outlet.name, url=url, canonical_url=canonical, title=article.title,
                           paragraphs=article.paragraphs, published=article.published.date().isoformat(),
                           relevant=article.relevant, seed=article.seed, author=article.author, key=article.key)


def _bind(host: str, port: int, site: DemoSite | None, log: list[LoggedRequest], lock: threading.Lock) -> _Server:
    # A taken port: any free port on the same address (the demo still works, but under new URLs, so the
    # articles are new ones). An address this system lacks (macOS has only 127.0.0.1): 127.0.0.1.
    address = (host, port)
    while True:
        try:
            server = _Server(address, site, log, lock)
            break
        except OSError as exc:
            if address[1] and exc.errno == errno.EADDRINUSE:
                address = (address[0], 0)
            elif address[0] != "127.0.0.1":
                address = ("127.0.0.1", address[1])
            else:
                raise
    bound_host, bound_port = server.server_address[:2]
    if bound_host != host or (port and bound_port != port):
        logger.warning("cannot bind %s:%d; serving the demo site on %s:%d instead", host, port, bound_host, bound_port)
    return server


@contextmanager
def serve_demo_sites(hosts: tuple[str, str, str] = DEFAULT_HOSTS,
                     ports: tuple[int, int, int] = (0, 0, 0)) -> Iterator[DemoSites]:
    """Start the three demo sites (feed, sitemap, legacy), each on its own loopback address and port.

    ``ports`` 0 means any free port (tests); the demo asks for fixed ones (DEMO_PORTS), so that its URLs,
    and so its articles, are the same from one run to the next.

    Example::

        with serve_demo_sites() as sites:
            sites.write_seeds(tmp_path / "demo.toml")
    """
    articles = load_articles()
    log: list[LoggedRequest] = []
    lock = threading.Lock()
    servers: list[_Server] = []
    sites: list[DemoSite] = []
    try:
        for host, port, (name, display, style) in zip(hosts, ports, OUTLETS, strict=True):
            server = _bind(host, port, None, log, lock)
            bound_host, port = server.server_address[:2]
            outlet = DemoOutlet(name, f"http://{bound_host}:{port}", style, display)
            server.site = DemoSite(outlet, [a for a in articles if a.style == style])
            sites.append(server.site)
            thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                                      name=f"demosite-{style}", daemon=True)
            try:
                thread.start()
            except BaseException:
                server.server_close()
                raise
            servers.append(server)  # only started servers: shutdown() of an idle one waits forever
            logger.info("demo site %s serving at %s", name, outlet.base_url)
        yield DemoSites(sites, log, lock)
    finally:
        for server in servers:
            server.shutdown()
            server.server_close()

"""Serve the three alternative outlet sites on their own loopback addresses, logging every request (stdlib only)."""

from __future__ import annotations

import gzip
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, unquote, urlsplit

from .aspnet import AspNetSite
from .common import ExpectedArticle, Reply, load_content
from .drupal import DrupalSite
from .wordpress import WordPressSite

ADDRESSES = {"wordpress": "127.0.0.12", "drupal": "127.0.0.13", "aspnet": "127.0.0.14"}
SITE_CLASSES = {"wordpress": WordPressSite, "drupal": DrupalSite, "aspnet": AspNetSite}


@dataclass(frozen=True)
class LoggedRequest:
    """One request a site received, as it came over the wire."""

    site: str
    host: str  # "127.0.0.12:41234"
    method: str
    path: str  # raw path and query, still percent-encoded
    headers: dict[str, str] = field(repr=False)
    status: int = 0


@dataclass
class AltSites:
    """The running sites: their base URLs, what a crawl should find on them, and every request they served."""

    sites: dict[str, WordPressSite | DrupalSite | AspNetSite]
    requests_log: list[LoggedRequest] = field(default_factory=list)

    @property
    def bases(self) -> dict[str, str]:
        """Each site's base URL, e.g. {"wordpress": "http://127.0.0.12:41234"}."""
        return {name: site.base for name, site in self.sites.items()}

    @property
    def expected(self) -> list[ExpectedArticle]:
        """Every article page of the three sites with its headline, body, relevance and canonical URL."""
        return [e for site in self.sites.values() for e in site.expected()]

    def forbidden_links(self) -> list[str]:
        """URLs the sites link to that their robots.txt forbids (so a careless crawler would meet them)."""
        return [u for site in self.sites.values() for u in site.forbidden_links()]

    def forbidden_requests(self) -> list[LoggedRequest]:
        """Requests the sites received although their robots.txt forbids them."""
        return [r for r in self.requests_log if self.sites[r.site].robots.forbids(r.path)]


def _handler_for(name: str, site: WordPressSite | DrupalSite | AspNetSite, log: list[LoggedRequest],
                 lock: threading.Lock) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "Apache" if name != "aspnet" else "Microsoft-IIS/7.5"
        sys_version = ""

        def log_message(self, format: str, *args: object) -> None:
            pass  # the requests_log is the record; stderr noise would hide test output

        def _reply(self, send_body: bool) -> None:
            parts = urlsplit(self.path)
            query = dict(parse_qsl(parts.query, keep_blank_values=True))
            try:
                reply = site.handle(unquote(parts.path), query)
            except Exception as exc:  # noqa: BLE001 (a test-site bug must show as a 500, not a dropped connection)
                reply = Reply(500, (("Content-Type", "text/plain"),), f"test site error: {exc!r}".encode())
            body = reply.body
            headers = list(reply.headers)
            if reply.gzip_ok:
                headers.append(("Vary", "Accept-Encoding"))
                if "gzip" in self.headers.get("Accept-Encoding", ""):
                    body = gzip.compress(body, mtime=0)
                    headers.append(("Content-Encoding", "gzip"))
            with lock:
                log.append(LoggedRequest(name, self.headers.get("Host", ""), self.command, self.path,
                                         dict(self.headers.items()), reply.status))
            self.send_response(reply.status)
            for key, value in headers:
                self.send_header(key, value)
            self.send_header("Date", formatdate(usegmt=True))
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if send_body:
                self.wfile.write(body)

        def do_GET(self) -> None:
            self._reply(True)

        def do_HEAD(self) -> None:
            self._reply(False)

    return Handler


@contextmanager
def serve_alt_sites(addresses: dict[str, str] | None = None) -> Iterator[AltSites]:
    """Run the WordPress-, Drupal- and ASP.NET-style sites on loopback (free ports) for the ``with`` block."""
    addresses = {**ADDRESSES, **(addresses or {})}
    content = load_content()
    log: list[LoggedRequest] = []
    lock = threading.Lock()
    servers: list[ThreadingHTTPServer] = []
    sites: dict = {}
    try:
        for name, cls in SITE_CLASSES.items():
            # bind first so the base URL (with its port) is known before the pages are built
            server = ThreadingHTTPServer((addresses[name], 0), BaseHTTPRequestHandler)
            host, port = server.server_address[:2]
            site = cls(content[name], f"http://{host}:{port}")
            server.RequestHandlerClass = _handler_for(name, site, log, lock)
            server.daemon_threads = True
            sites[name] = site
            # a short poll: shutdown() waits for serve_forever's next look at its flag (0.5 s by default)
            threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                             name=f"altsite-{name}", daemon=True).start()
            servers.append(server)  # only started servers: shutdown() waits for serve_forever to stop
        yield AltSites(sites, log)
    finally:
        for server in servers:
            server.shutdown()
            server.server_close()

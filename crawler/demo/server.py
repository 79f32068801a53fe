"""Serve the three demo outlet sites on loopback addresses with stdlib HTTP/1.1 servers in threads."""

from __future__ import annotations

import errno
import gzip
import hashlib
import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from email.utils import parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from crawler.demo.content import DemoOutlet, http_date, load_articles
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


#: Called with (server "host:port", method, request target, headers as received) for every request.
RequestObserver = Callable[[str, str, str, list[tuple[str, str]]], None]


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], site: DemoSite | None, on_request: RequestObserver | None) -> None:
        super().__init__(address, _Handler)
        self.site = site
        self.on_request = on_request


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
        if self.server.on_request is not None:
            host, port = self.server.server_address[:2]
            self.server.on_request(f"{host}:{port}", self.command, self.path, list(self.headers.items()))
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
    """The running demo sites: their outlets and the seeds file that configures them."""

    def __init__(self, sites: list[DemoSite]) -> None:
        self._sites = sites

    @property
    def outlets(self) -> list[DemoOutlet]:
        """The three outlets, in the order feed, sitemap, legacy."""
        return [s.outlet for s in self._sites]

    def outlet(self, style: str) -> DemoOutlet:
        """The outlet of ``style`` ("feed", "sitemap" or "legacy")."""
        return self.site(style).outlet

    def site(self, style: str) -> DemoSite:
        """The site of ``style`` ("feed", "sitemap" or "legacy"): its articles and routing."""
        for site in self._sites:
            if site.outlet.style == style:
                return site
        raise KeyError(f"no demo site of style {style!r}")

    def write_seeds(self, path: Path | str) -> Path:
        """Write a seeds TOML file configuring the three demo outlets; returns its path."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(seeds_toml(self.outlets), encoding="utf-8")
        return path


def _bind(host: str, port: int, site: DemoSite | None, on_request: RequestObserver | None) -> _Server:
    # A taken port: any free port on the same address (the demo still works, but under new URLs, so the
    # articles are new ones). An address this system lacks (macOS has only 127.0.0.1): 127.0.0.1.
    address = (host, port)
    while True:
        try:
            server = _Server(address, site, on_request)
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
def serve_demo_sites(hosts: tuple[str, str, str] = DEFAULT_HOSTS, ports: tuple[int, int, int] = (0, 0, 0),
                     on_request: RequestObserver | None = None) -> Iterator[DemoSites]:
    """Start the three demo sites (feed, sitemap, legacy), each on its own loopback address and port.

    ``ports`` 0 means any free port (tests); the demo asks for fixed ones (DEMO_PORTS), so that its URLs,
    and so its articles, are the same from one run to the next. ``on_request`` sees every request (the
    tests keep a log with it).

    Example::

        with serve_demo_sites() as sites:
            sites.write_seeds(tmp_path / "demo.toml")
    """
    articles = load_articles()
    servers: list[_Server] = []
    sites: list[DemoSite] = []
    try:
        for host, port, (name, display, style) in zip(hosts, ports, OUTLETS, strict=True):
            server = _bind(host, port, None, on_request)
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
        yield DemoSites(sites)
    finally:
        for server in servers:
            server.shutdown()
            server.server_close()

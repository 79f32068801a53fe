"""Serve the Joomla- and Blogger-style sites on their own loopback addresses, logging every request (stdlib only)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, unquote, urlsplit

from altsites import LoggedRequest
from altsites.common import Reply
from altsites.server import AltSites

from .blogger import BloggerSite
from .joomla import JoomlaSite

ADDRESSES = {"joomla": "127.0.0.41", "blogger": "127.0.0.42"}
SITE_CLASSES = {"joomla": JoomlaSite, "blogger": BloggerSite}


# The same record as the first unseen sites': their sites, what a crawl should find, every request they served.
AltSites2 = AltSites


def _handler_for(name: str, site: JoomlaSite | BloggerSite, log: list[LoggedRequest],
                 lock: threading.Lock) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "Apache/2.4.58" if name == "joomla" else "GSE"
        sys_version = ""

        def log_message(self, format: str, *args: object) -> None:
            pass  # the requests_log is the record

        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            query = dict(parse_qsl(parts.query, keep_blank_values=True))
            try:
                reply = site.handle(unquote(parts.path), query, self.path)
            except Exception as exc:  # noqa: BLE001 (a test-site bug must show as a 500)
                reply = Reply(500, (("Content-Type", "text/plain"),), f"test site error: {exc!r}".encode())
            with lock:
                log.append(LoggedRequest(name, self.headers.get("Host", ""), self.command, self.path,
                                         dict(self.headers.items()), reply.status))
            self.send_response(reply.status)
            for key, value in reply.headers:
                self.send_header(key, value)
            self.send_header("Date", formatdate(usegmt=True))
            self.send_header("Content-Length", str(len(reply.body)))
            self.end_headers()
            self.wfile.write(reply.body)

    return Handler


@contextmanager
def serve_alt_sites2(addresses: dict[str, str] | None = None) -> Iterator[AltSites2]:
    """Run the two sites on loopback (free ports) for the ``with`` block."""
    with serve_on_loopback(SITE_CLASSES, {**ADDRESSES, **(addresses or {})}, _handler_for, "altsite2") as sites:
        yield sites


@contextmanager
def serve_on_loopback(site_classes: dict, addresses: dict[str, str], handler_for, label: str) -> Iterator[AltSites]:
    """Run one site of each of ``site_classes`` on its loopback address (a free port) for the ``with`` block;
    ``handler_for(name, site, log, lock)`` makes each server's request handler (tests/altsites3 serves this way)."""
    log: list[LoggedRequest] = []
    lock = threading.Lock()
    servers: list[ThreadingHTTPServer] = []
    sites: dict = {}
    try:
        for name, cls in site_classes.items():
            server = ThreadingHTTPServer((addresses[name], 0), BaseHTTPRequestHandler)
            host, port = server.server_address[:2]
            site = cls(f"http://{host}:{port}")
            server.RequestHandlerClass = handler_for(name, site, log, lock)
            server.daemon_threads = True
            sites[name] = site
            # a short poll: shutdown() waits for serve_forever's next look at its flag (0.5 s by default)
            threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                             name=f"{label}-{name}", daemon=True).start()
            servers.append(server)
        yield AltSites(sites, log)
    finally:
        for server in servers:
            server.shutdown()
            server.server_close()

"""Serve the old portal and the modern site on their own loopback addresses, logging every request (stdlib only)."""

from __future__ import annotations

import gzip
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qsl, unquote, urlsplit

from altsites import LoggedRequest
from altsites.common import Reply
from altsites.server import AltSites
from altsites2.server import serve_on_loopback

from .modern import ModernSite
from .oldportal import OldPortal

ADDRESSES = {"oldportal": "127.0.0.51", "modern": "127.0.0.52"}
SITE_CLASSES = {"oldportal": OldPortal, "modern": ModernSite}
SERVERS = {"oldportal": "Microsoft-IIS/6.0", "modern": "nginx"}


def _handler_for(
    name: str, site: OldPortal | ModernSite, log: list[LoggedRequest], lock: threading.Lock
) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = SERVERS[name]
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
            body, headers = reply.body, list(reply.headers)
            if reply.gzip_ok and "gzip" in self.headers.get("Accept-Encoding", ""):
                body = gzip.compress(body, mtime=0)
                headers += [("Content-Encoding", "gzip"), ("Vary", "Accept-Encoding")]
            with lock:
                log.append(
                    LoggedRequest(
                        name,
                        self.headers.get("Host", ""),
                        self.command,
                        self.path,
                        dict(self.headers.items()),
                        reply.status,
                    )
                )
            self.send_response(reply.status)
            for key, value in headers:
                self.send_header(key, value)
            self.send_header("Date", formatdate(usegmt=True))
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    return Handler


@contextmanager
def serve_alt_sites3(addresses: dict[str, str] | None = None) -> Iterator[AltSites]:
    """Run the two sites on loopback (free ports) for the ``with`` block."""
    with serve_on_loopback(SITE_CLASSES, {**ADDRESSES, **(addresses or {})}, _handler_for, "altsite3") as sites:
        yield sites

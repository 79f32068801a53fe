"""Serve the two outlets of tests/altsites12 on their own loopback addresses, logging every request (stdlib only).

Replies are gzip-compressed when the client accepts it, with each platform's headers (Drupal 7's ``X-Generator`` and
``X-Drupal-Cache``; t.me's nginx with ``Strict-Transport-Security`` and no-store)."""

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

from .drupal import DrupalSite
from .telegram import TelegramSite

ADDRESSES = {"drupal": "127.0.0.117", "telegram": "127.0.0.118"}
SITE_CLASSES = {"drupal": DrupalSite, "telegram": TelegramSite}
SERVERS = {"drupal": "Apache/2.4.29 (Ubuntu)", "telegram": "nginx/1.18.0"}
EXTRA = {
    "drupal": (("X-Generator", "Drupal 7 (http://drupal.org)"), ("X-Drupal-Cache", "MISS"),
               ("Expires", "Sun, 19 Nov 1978 05:00:00 GMT"), ("Cache-Control", "no-cache, must-revalidate"),
               ("X-Content-Type-Options", "nosniff"), ("Content-Language", "ar")),
    "telegram": (("Set-Cookie", "stel_ssid=0a1b2c3d4e5f6a7b8c_1234567890123456; expires=Tue, 12 Sep 2023 00:00:00 GMT; "
                                "path=/; samesite=None; secure; HttpOnly"),
                 ("Pragma", "no-cache"), ("Cache-control", "no-store"), ("X-Frame-Options", "SAMEORIGIN"),
                 ("Strict-Transport-Security", "max-age=35768000")),
}


def _handler_for(name: str, site: DrupalSite | TelegramSite, log: list[LoggedRequest],
                 lock: threading.Lock) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = SERVERS[name]
        sys_version = ""

        def log_message(self, format: str, *args: object) -> None:
            pass  # the requests_log is the record

        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            query = dict(parse_qsl(parts.query, keep_blank_values=True))
            headers = {k.lower(): v for k, v in self.headers.items()}
            try:
                reply = site.handle(unquote(parts.path), query, self.path, headers)
            except Exception as exc:  # noqa: BLE001 (a test-site bug must show as a 500)
                reply = Reply(500, (("Content-Type", "text/plain"),), f"test site error: {exc!r}".encode())
            body, out = reply.body, [*reply.headers, *EXTRA[name]]
            accepted = {c.split(";")[0].strip() for c in headers.get("accept-encoding", "").split(",")}
            if "gzip" in accepted and body:
                body = gzip.compress(body, mtime=0)
                out += [("Content-Encoding", "gzip"), ("Vary", "Accept-Encoding")]
            with lock:
                log.append(LoggedRequest(name, self.headers.get("Host", ""), self.command, self.path,
                                         dict(self.headers.items()), reply.status))
            self.send_response(reply.status)
            for key, value in out:
                self.send_header(key, value)
            self.send_header("Date", formatdate(usegmt=True))
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    return Handler


@contextmanager
def serve_alt_sites12(addresses: dict[str, str] | None = None) -> Iterator[AltSites]:
    """Run the two sites on loopback (free ports) for the ``with`` block."""
    with serve_on_loopback(SITE_CLASSES, {**ADDRESSES, **(addresses or {})}, _handler_for, "altsite12") as sites:
        yield sites

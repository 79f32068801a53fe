"""Serve the two outlets of tests/altsites10 on their own loopback addresses, logging every request (stdlib only).

Each reply is gzip-compressed when the client accepts it, with the headers each platform sends (the CMS's
``X-Powered-CMS`` and session cookies; the builder's request id and cache headers)."""

from __future__ import annotations

import gzip
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from altsites import LoggedRequest
from altsites.common import Reply
from altsites.server import AltSites
from altsites2.server import serve_on_loopback

from .builder import BuilderSite
from .portal import PortalSite

ADDRESSES = {"portal": "127.0.0.113", "builder": "127.0.0.114"}
SITE_CLASSES = {"portal": PortalSite, "builder": BuilderSite}
SERVERS = {"portal": "nginx", "builder": "Pepyaka"}
EXTRA = {
    "portal": (("X-Powered-CMS", "Bitrix Site Manager (5f1e0c3b9a7d2e4f6a8b0c1d2e3f4a5b)"),
               ("Set-Cookie", "PHPSESSID=q1w2e3r4t5y6; path=/; HttpOnly"),
               ("Set-Cookie", "BITRIX_SM_GUEST_ID=84213; expires=Sat, 01 Aug 2026 00:00:00 GMT; path=/"),
               ("Expires", "Thu, 19 Nov 1981 08:52:00 GMT"), ("Cache-Control", "no-store, no-cache, must-revalidate")),
    "builder": (("X-Request-Id", "1724919210.4567"), ("Cache-Control", "private,max-age=0,must-revalidate"),
                ("Server-Timing", "cache;desc=miss, varnish;desc=miss")),
}


def gzip_handlers(servers: dict[str, str], extra: dict[str, tuple[tuple[str, str], ...]]) -> Callable[
        [str, Any, list[LoggedRequest], threading.Lock], type[BaseHTTPRequestHandler]]:
    """``serve_on_loopback``'s handler factory for sites that answer as their platform does: its ``Server``, its
    ``extra`` headers, gzip when accepted, every request logged (altsites10, 11 and 12 share it)."""

    def handler_for(name: str, site: Any, log: list[LoggedRequest],
                    lock: threading.Lock) -> type[BaseHTTPRequestHandler]:
        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            server_version = servers[name]
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
                body, out = reply.body, [*reply.headers, *extra[name]]
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

    return handler_for


_handler_for = gzip_handlers(SERVERS, EXTRA)


@contextmanager
def serve_alt_sites10(addresses: dict[str, str] | None = None) -> Iterator[AltSites]:
    """Run the two sites on loopback (free ports) for the ``with`` block."""
    with serve_on_loopback(SITE_CLASSES, {**ADDRESSES, **(addresses or {})}, _handler_for, "altsite10") as sites:
        yield sites

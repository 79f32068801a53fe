"""Serve the two outlets of tests/altsites9 on their own loopback addresses, logging every request (stdlib only).

The handler compresses each reply as its site says (``encoding_for``) when the client's Accept-Encoding names that
coding: brotli, zlib-wrapped deflate (RFC 9110's "deflate"), raw deflate (what some servers send under that name) or
gzip; and says ``Vary`` on it, as a CDN does."""

from __future__ import annotations

import gzip
import threading
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qsl, unquote, urlsplit

import brotli
from altsites import LoggedRequest
from altsites.common import Reply
from altsites.server import AltSites
from altsites2.server import serve_on_loopback

from .cdn import CdnSite
from .daily import DailySite

ADDRESSES = {"cdn": "127.0.0.111", "daily": "127.0.0.112"}
SITE_CLASSES = {"cdn": CdnSite, "daily": DailySite}
SERVERS = {"cdn": "cloudflare", "daily": "Apache/2.2.22 (Debian)"}


def encode(body: bytes, coding: str) -> tuple[bytes, str]:
    """``body`` compressed with ``coding`` and the Content-Encoding that names it."""
    if coding == "br":
        return brotli.compress(body), "br"
    if coding == "deflate":
        return zlib.compress(body), "deflate"
    if coding == "deflate-raw":
        squeeze = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
        return squeeze.compress(body) + squeeze.flush(), "deflate"
    return gzip.compress(body, mtime=0), "gzip"


def _handler_for(name: str, site: CdnSite | DailySite, log: list[LoggedRequest],
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
            body, out = reply.body, list(reply.headers)
            coding = site.encoding_for(unquote(parts.path))
            accepted = {c.split(";")[0].strip() for c in headers.get("accept-encoding", "").split(",")}
            sent = "identity"
            if coding and coding.split("-")[0] in accepted and body:
                body, sent = encode(body, coding)
                out.append(("Content-Encoding", sent))
            if name == "cdn":  # Cloudflare's headers; the pages differ by user agent
                out += [("Vary", "Accept-Encoding, User-Agent"), ("CF-Cache-Status", "DYNAMIC"),
                        ("CF-RAY", f"{abs(hash(self.path)) % 16**16:016x}-MRS"),
                        ("Set-Cookie", "__cf_bm=x8Yq2; path=/; HttpOnly; Secure; SameSite=None")]
                site.encodings.append((self.path, sent))
            elif coding:
                out.append(("Vary", "Accept-Encoding"))
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
def serve_alt_sites9(addresses: dict[str, str] | None = None) -> Iterator[AltSites]:
    """Run the two sites on loopback (free ports) for the ``with`` block."""
    with serve_on_loopback(SITE_CLASSES, {**ADDRESSES, **(addresses or {})}, _handler_for, "altsite9") as sites:
        yield sites

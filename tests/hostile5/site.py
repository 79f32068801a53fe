"""A fifth hostile outlet on loopback (stdlib and the crypto libraries Scrapy brings): partial and mislabelled bodies,
charsets a browser reads otherwise than a codec does, framing that is valid but rare, encodings the crawl asks for
and servers lie about, one port that speaks both http and https, and a server that answers everything with 429.

Answers are written byte by byte on a plain socket, as in tests/hostile2-4. Three hosts: the outlet, a second outlet
that throttles every request, and an "internal" server that stands for an address the crawl must never reach (it
counts connections). The outlet's port takes TLS too: a connection whose first byte is a TLS handshake is wrapped
(a self-signed certificate made at start), so ``http://`` and ``https://`` URLs of one host and port both answer.
"""

from __future__ import annotations

import datetime
import gzip
import socket
import socketserver
import ssl
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from tests.hostile.site import PARAGRAPH
from tests.hostile2.site import html, redirect, response

HOST, INTERNAL, THROTTLED = "127.0.0.51", "127.0.0.52", "127.0.0.53"  # the outlet; never to be reached; all 429
MB = 1024 * 1024


@dataclass
class Sites:
    """The running servers, their addresses, and what each received: (host, scheme, path) in arrival order."""

    bases: dict[str, str] = field(default_factory=dict)
    hits: list[tuple[str, str, str]] = field(default_factory=list)
    internal_connections: int = 0
    stopping: threading.Event = field(default_factory=threading.Event)

    def paths(self, host: str = HOST, scheme: str | None = None) -> list[str]:
        """The paths one host was asked for (over one scheme, when given)."""
        return [path for h, s, path in self.hits if h == host and (scheme is None or s == scheme)]

    def write_seeds(self, path: Path) -> Path:
        """Two outlets: the hostile one and the one that throttles everything."""
        b, slow = self.bases[HOST], self.bases[THROTTLED]
        path.write_text(
            f'''
[[outlet]]
name = "hostile5"
start_urls = ["{b}/"]
feeds = ["{b}/feed-base.xml"]
sitemaps = ["{b}/map.txt", "{b}/map-206.xml"]
article_urls = ['/a/']
topic_filter = false
download_delay = 0.0
concurrency = 8

[[outlet]]
name = "throttled5"
start_urls = ["{slow}/", "{slow}/news"]
article_urls = ['/a/']
topic_filter = false
download_delay = 0.0
''',
            encoding="utf-8",
        )
        return path


def page(title: str, head: str = "", paragraphs: int = 3) -> str:
    """An article page as text (encode it as the case needs)."""
    body = "".join(f"<p>{PARAGRAPH} ({n})</p>" for n in range(paragraphs))
    return (f"<!DOCTYPE html><html lang=ar dir=rtl><head>{head}<title>{title}</title></head><body><article>"
            f"<h1>{title}</h1>{body}</article></body></html>")


def raw(status: bytes, headers: list[bytes], body: bytes) -> bytes:
    """An answer from its parts, as written (no header added)."""
    return status + b"\r\n" + b"".join(h + b"\r\n" for h in headers) + b"\r\n" + body


def chunked(body: bytes, *, extension: bytes = b"", trailer: bytes = b"") -> bytes:
    """``body`` as chunks of 100 bytes, each size line with ``extension``, the last chunk followed by ``trailer``."""
    chunks = [body[i:i + 100] for i in range(0, len(body), 100)]
    out = b"".join(b"%x%s\r\n%s\r\n" % (len(c), extension, c) for c in chunks)
    return out + b"0" + extension + b"\r\n" + trailer + b"\r\n"


def zstd_compress(data: bytes) -> bytes:
    """``data`` as a zstd frame (the codec Scrapy asks for with br and gzip)."""
    try:
        from compression import zstd  # type: ignore[import-not-found]
    except ImportError:
        from backports import zstd
    return zstd.compress(data)


def certificate(folder: Path) -> ssl.SSLContext:
    """A server TLS context with a self-signed certificate for the outlet's address (Scrapy checks none)."""
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, HOST)])
    now = datetime.datetime.now(datetime.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address(HOST))]), False)
            .sign(key, hashes.SHA256()))
    (folder / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (folder / "key.pem").write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                                       serialization.PrivateFormat.PKCS8,
                                                       serialization.NoEncryption()))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(folder / "cert.pem", folder / "key.pem")
    return context


def routes(sites: Sites) -> Callable[[str, str, str], object]:
    """What each host answers for each path (and scheme): bytes, or a function that writes to the socket itself."""
    b, internal = sites.bases[HOST], sites.bases[INTERNAL]
    tls = b.replace("http://", "https://")
    internal_port = internal.rsplit(":", 1)[1]
    utf8 = "text/html; charset=utf-8"
    cut = page("خبر منقوص").encode()
    cp1256 = page("خبر بنوعين").encode("cp1256")
    main: dict[str, object] = {
        # robots.txt whose lines end in CR alone (classic Mac OS): the Disallow must still hold
        "/robots.txt": response("200 OK", [("Content-Type", "text/plain")], b"User-agent: *\rDisallow: /a/private\r"),
        # a feed whose xml:base names the internal address: its relative links resolve there
        "/feed-base.xml": response("200 OK", [("Content-Type", "application/atom+xml")], (
            f'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom" xml:base="{internal}/a/">'
            '<title>f</title><entry><title>t</title><link href="secret-base"/></entry>'
            f'<entry xml:base="{b}/a/"><title>t</title><link href="from-base?x=1&amp;y=2"/></entry></feed>'
        ).encode()),
        # a text sitemap (one URL a line) whose lines end in CR alone, with a private address and a script
        "/map.txt": response("200 OK", [("Content-Type", "text/plain")], (
            f"{b}/a/from-text-1\r{internal}/a/secret-text\rjavascript:alert(1)\r{b}/a/from-text-2\r").encode()),
        # a sitemap answered with its first half as 206 (a cache's stored range): not to be read as the sitemap
        "/map-206.xml": raw(b"HTTP/1.1 206 Partial Content", [
            b"Content-Type: application/xml", b"Content-Range: bytes 0-199/4000", b"Content-Length: 200",
            b"Connection: close"], (f'<?xml version="1.0"?><urlset><url><loc>{b}/a/from-partial-map</loc></url>'
                                    .encode() + b" " * 200)[:200]),
        # partial and mislabelled bodies
        "/a/partial": raw(b"HTTP/1.1 206 Partial Content", [
            b"Content-Type: text/html; charset=utf-8", b"Content-Range: bytes 0-%d/%d" % (len(cut) // 2 - 1, len(cut)),
            b"Content-Length: %d" % (len(cut) // 2), b"Connection: close"], cut[: len(cut) // 2]),
        "/a/two-types": raw(b"HTTP/1.1 200 OK", [
            b"Content-Type: text/html; charset=utf-8", b"Content-Type: text/html; charset=windows-1256",
            b"Content-Length: %d" % len(cp1256), b"Connection: close"], cp1256),
        "/a/octet": html(page("خبر ثنائي", '<meta charset="utf-8">').encode(), "application/octet-stream"),
        "/a/utf16": html(page("خبر بلا علامة").encode("utf-16-le"), "text/html; charset=utf-16le"),
        "/a/xhtml": html(
            '<?xml version="1.0" encoding="windows-1256"?>\n'.encode()
            + page("خبر إكس إتش تي إم إل").replace("<!DOCTYPE html><html lang=ar dir=rtl>",
                                                   '<html xmlns="http://www.w3.org/1999/xhtml" lang="ar">')
            .encode("cp1256"), "application/xhtml+xml"),
        "/a/meta-utf16": html(page("خبر بترميز معلن خطأ", '<meta charset="utf-16">').encode(), "text/html"),
        "/a/folded": raw(b"HTTP/1.1 200 OK", [b"Content-Type: text/html;", b" charset=windows-1256",
                                              b"Content-Length: %d" % len(page("خبر مطوي").encode("cp1256")),
                                              b"Connection: close"], page("خبر مطوي").encode("cp1256")),
        # round four's left-over: 200,000 one-letter paragraphs held an extraction worker for 90 s and more
        "/a/many-paragraphs": html(page("خبر طويل جدا").replace("</article>", "<p>x</p>" * 200_000 + "</article>")
                                   .encode()),
        # framing that is valid but rare, and framing that is not HTTP/1.1
        "/a/chunk-ext": raw(b"HTTP/1.1 200 OK", [
            b"Content-Type: text/html; charset=utf-8", b"Transfer-Encoding: chunked", b"Trailer: X-Checksum",
            b"Connection: close"], chunked(page("خبر مقطع بامتداد").encode(), extension=b';name="v a"',
                                           trailer=b"X-Checksum: 0123\r\n")),
        "/a/http10-cut": b"HTTP/1.0 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
        + page("خبر مقطوع").encode()[:700],
        "/a/te-gzip": raw(b"HTTP/1.1 200 OK", [b"Content-Type: text/html; charset=utf-8",
                                               b"Transfer-Encoding: gzip, chunked", b"Connection: close"],
                          chunked(gzip.compress(page("خبر ترميز نقل").encode()))),
        "/a/http09": page("خبر بلا سطر حالة").encode(),
        "/a/status-999": raw(b"HTTP/1.1 999 Request denied", [b"Content-Type: text/html", b"Content-Length: 6",
                                                              b"Connection: close"], b"denied"),
        # zstd, which Scrapy asks for: a body that lies about it, a bomb, and a true one
        "/a/zstd-lie": html(page("خبر يكذب بالضغط").encode(), utf8, ("Content-Encoding", "zstd")),
        "/a/zstd-bomb": html(zstd_compress(b"\0" * (48 * MB)), utf8, ("Content-Encoding", "zstd")),
        "/a/zstd-ok": html(zstd_compress(page("خبر مضغوط بزد").encode()), utf8, ("Content-Encoding", "zstd")),
        # redirects: protocol-relative to the internal address, a Refresh header to it, http <-> https on one port
        "/a/to-protocol-relative": redirect(f"//{INTERNAL}:{internal_port}/secret"),
        "/a/refresh-header": html(page("خبر بترويسة تحديث").encode(), utf8, ("Refresh", f"0; url={internal}/secret")),
        "/a/to-https": redirect(f"{tls}/a/secure"),
    }
    links = [p for p in main if p.startswith("/a/")] + ["/a/flip", "/a/flip-long/1", "/a/private/1"]

    def route(host: str, scheme: str, path: str) -> object:
        if host == THROTTLED:  # every request, robots.txt included: 429, come back at once
            return b"HTTP/1.1 429 Too Many Requests\r\nRetry-After: 0\r\nContent-Length: 4\r\nConnection: close\r\n\r\nbusy"
        if path == "/":
            head = f'<link rel="alternate" type="application/rss+xml" href="{internal}/feed.xml">'
            return html((f"<html><head>{head}</head><body>"
                         + "".join(f'<a href="{p}">l</a>' for p in links) + "</body></html>").encode())
        if path in main:
            return main[path]
        if path == "/a/flip":  # http -> https -> http: a loop through the other scheme
            return redirect(f"{b if scheme == 'https' else tls}/a/flip")
        if path.startswith("/a/flip-long/"):  # http -> https -> http ..., a new URL each hop: never a loop
            n = int(path.rsplit("/", 1)[1])
            return redirect(f"{b if scheme == 'https' else tls}/a/flip-long/{n + 1}")
        if path.startswith("/a/"):
            return html(page(f"خبر {path[:60]}").encode())
        return response("404 Not Found", [("Content-Type", "text/plain")], b"not found")

    return route


class _Handler(socketserver.BaseRequestHandler):
    route: Callable[[str, str, str], object]
    sites: Sites
    host: str
    tls: ssl.SSLContext | None = None

    def handle(self) -> None:
        scheme = "http"
        try:
            first = self.request.recv(1, socket.MSG_PEEK)
            if first == b"\x16" and self.tls is not None:  # a TLS handshake record: the same port speaks https
                self.request = self.tls.wrap_socket(self.request, server_side=True)
                scheme = "https"
            data = b""
            while b"\r\n\r\n" not in data:
                chunk = self.request.recv(65536)
                if not chunk:
                    return
                data += chunk
        except (OSError, ssl.SSLError):
            return
        path = data.split(b" ", 2)[1].decode("latin-1")
        self.sites.hits.append((self.host, scheme, path))
        answer = self.route(self.host, scheme, path)
        try:
            if callable(answer):
                answer(self.request)
            elif answer is not None:
                self.request.sendall(answer)
            if scheme == "https":
                self.request.unwrap()
        except (OSError, ssl.SSLError):
            pass  # the crawler hung up


class _Internal(socketserver.BaseRequestHandler):
    sites: Sites

    def handle(self) -> None:
        self.sites.internal_connections += 1
        self.request.sendall(html(b"<html><body><p>INTERNAL-ONLY</p></body></html>"))


@contextmanager
def serve() -> Iterator[Sites]:
    """Start the hosts on loopback; stop them on exit."""
    sites = Sites()
    with tempfile.TemporaryDirectory() as folder:
        context = certificate(Path(folder))
    internal = socketserver.ThreadingTCPServer((INTERNAL, 0), type("I", (_Internal,), {"sites": sites}))
    sites.bases[INTERNAL] = f"http://{INTERNAL}:{internal.server_address[1]}"
    servers, handlers = [internal], []
    for host in (HOST, THROTTLED):
        handler = type("H", (_Handler,), {"sites": sites, "host": host, "tls": context if host == HOST else None})
        server = socketserver.ThreadingTCPServer((host, 0), handler)
        sites.bases[host] = f"http://{host}:{server.server_address[1]}"
        handlers.append(handler)
        servers.append(server)
    route = routes(sites)
    for handler in handlers:
        handler.route = staticmethod(route)
    for server in servers:
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    try:
        yield sites
    finally:
        sites.stopping.set()
        time.sleep(0.05)
        for server in servers:
            server.shutdown()
            server.server_close()


__all__ = ["HOST", "INTERNAL", "THROTTLED", "Sites", "serve"]

"""An eighth hostile outlet on loopback (stdlib and warcio): status lines and header lines Twisted reads too leniently,
address spellings of an internal host in redirects and refreshes, and pages that are WARC files themselves.

Answers are written byte by byte on a plain socket (the skeleton in tests/hostile/raw_server.py), as in
tests/hostile2-5. Two hosts: the outlet, and an "internal" server that stands for an address the crawl must never
reach (it counts connections, as they are accepted).
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from tests.hostile.raw_server import NOT_FOUND, Answer, serve_hosts
from tests.hostile.site import PARAGRAPH

HOST, INTERNAL = "127.38.8.1", "127.38.8.2"  # the outlet; never to be reached
VICTIM = "http://victim.example/forged"  # the URL of the WARC record a page carries as its body


@dataclass
class Sites:
    """The running servers, their addresses, and what each received."""

    bases: dict[str, str] = field(default_factory=dict)
    paths: list[str] = field(default_factory=list)
    listings: list[str] = field(default_factory=list)
    internal_connections: int = 0

    def write_seeds(self, path: Path) -> Path:
        """One outlet: the hostile one, its /p/ pages start URLs (listings: read in the crawl process, so the crawl
        waits for no extraction worker; /a/ pages are all refused before one)."""
        starts = ", ".join(f'"{self.bases[HOST]}{p}"' for p in ["/", *self.listings])
        path.write_text(f'[[outlet]]\nname = "hostile8"\nstart_urls = [{starts}]\n'
                        "article_urls = ['/a/']\ntopic_filter = false\ndownload_delay = 0.0\nconcurrency = 16\n",
                        encoding="utf-8")
        return path


def page(title: str) -> bytes:
    """An article page."""
    body = "".join(f"<p>{PARAGRAPH} ({n})</p>" for n in range(3))
    return (f"<!DOCTYPE html><html lang=ar dir=rtl><head><meta charset=utf-8><title>{title}</title></head><body>"
            f"<article><h1>{title}</h1>{body}</article></body></html>").encode()


def raw(status: bytes, headers: list[bytes], body: bytes) -> bytes:
    """An answer from its parts, as written (no header added)."""
    return status + b"\r\n" + b"".join(h + b"\r\n" for h in headers) + b"\r\n" + body


def html(body: bytes, *extra: bytes, status: bytes = b"HTTP/1.1 200 OK") -> bytes:
    """An HTML answer with ``extra`` header lines before its Content-Type."""
    return raw(status, [*extra, b"Content-Type: text/html; charset=utf-8", b"Content-Length: %d" % len(body),
                        b"Connection: close"], body)


def warc_file(*, gzipped: bool) -> bytes:
    """A WARC file of one response record for VICTIM: what a page must be archived as, never merged with ours."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    out = io.BytesIO()
    writer = WARCWriter(out, gzip=gzipped)
    head = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
    writer.write_record(writer.create_warc_record(VICTIM, "response", payload=io.BytesIO(b"<p>FORGED</p>"),
                                                  http_headers=head))
    return out.getvalue()


def routes(internal: str) -> dict[str, bytes]:
    """What the outlet answers for each path."""
    port = internal.rsplit(":", 1)[1]
    answers = {
        # status codes Twisted reads with int(): none of them is three digits (RFC 9112 4)
        "/a/status-huge": html(page("huge"), status=b"HTTP/1.1 20000000000000000000 OK"),  # no SQLite INTEGER
        "/a/status-minus": html(page("minus"), status=b"HTTP/1.1 -200 OK"),
        "/a/status-plus": html(page("plus"), status=b"HTTP/1.1 +200 OK"),
        "/a/status-under": html(page("under"), status=b"HTTP/1.1 2_00 OK"),
        "/a/version-plus": html(page("version"), status=b"HTTP/+1.1 200 OK"),
        "/p/status-bare": html(page("خبر بلا عبارة"), status=b"HTTP/1.1 200"),  # no reason phrase: still read
        # held: a NUL in a header value, kept as sent (browsers refuse such an answer: left open)
        "/p/nul-value": html(page("nul"), b"X-Note: a\x00b"),
        # white space before the first header: Scrapy's parser raised AttributeError; RFC 9112 2.2 consumes it
        "/p/lead-fold": html(page("خبر مطوي أولا"), b" folded-before-any-header: x"),
        # held: a bare CR inside a value (Twisted makes it a space), an obs-fold continuing a header
        "/p/cr-value": html(page("خبر بحرف رجوع"), b"X-Evil: a\rWARC-Type: revisit", b"X-F: a", b"\tWARC-X: y"),
        # held: Transfer-Encoding over Content-Length (chunked wins, RFC 9112 6.3), two Content-Lengths (refused)
        "/p/te-and-cl": raw(b"HTTP/1.1 200 OK", [b"Content-Type: text/html; charset=utf-8", b"Content-Length: 7",
                                                 b"Transfer-Encoding: chunked", b"Connection: close"],
                            b"%x\r\n%s\r\n0\r\n\r\n" % (len(page("خبر مقطع")), page("خبر مقطع"))),
        "/a/two-lengths": raw(b"HTTP/1.1 200 OK", [b"Content-Type: text/html", b"Content-Length: 10",
                                                   b"Content-Length: 20", b"Connection: close"], b"x" * 20),
        # held: a page that is a WARC file, plain and gzipped: archived as its body, never read as records of ours
        "/p/warc": raw(b"HTTP/1.1 200 OK", [b"Content-Type: application/warc", b"Content-Length: %d"
                                            % len(warc_file(gzipped=False)), b"Connection: close"],
                       warc_file(gzipped=False)),
    }
    gz = warc_file(gzipped=True)
    answers["/p/warc-gz"] = raw(b"HTTP/1.1 200 OK", [b"Content-Type: application/gzip", b"Content-Length: %d" % len(gz),
                                                     b"Connection: close"], gz)
    # held: the internal host in spellings rounds two to seven did not try, by 3xx and by meta refresh
    targets = {
        "circled": f"http://①②⑦.③⑧.⑧.②:{port}/secret",  # IDNA maps circled digits to ASCII ones
        "trailing-dot": f"http://{INTERNAL}.:{port}/secret",
        "nat64": f"http://[64:ff9b::7f26:802]:{port}/secret",
        "compatible": f"http://[::{INTERNAL}]:{port}/secret",
        "tab": f"http://127.38.\t8.2:{port}/secret",
        "short": f"http://127.38.2050:{port}/secret",
        "gopher": f"gopher://{INTERNAL}:{port}/_x",
    }
    for name, target in targets.items():
        answers[f"/a/to-{name}"] = (b"HTTP/1.1 302 Found\r\nLocation: " + target.encode() +
                                    b"\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
        answers[f"/p/refresh-{name}"] = html(f'<html><head><meta http-equiv="refresh" content="0;url={target}">'
                                             "</head><body><p>x</p></body></html>".encode())
    links = "".join(f'<a href="{path}">x</a>' for path in answers if path.startswith("/a/"))
    answers["/"] = html(f"<html><body>{links}</body></html>".encode())
    answers["/robots.txt"] = raw(b"HTTP/1.1 404 Not Found", [b"Content-Length: 0", b"Connection: close"], b"")
    return answers


@contextmanager
def serve() -> Iterator[Sites]:
    """Start both hosts on loopback (tests/hostile/raw_server.py); stop them on exit."""
    sites = Sites()

    def count(host: str) -> None:
        if host == INTERNAL:
            sites.internal_connections += 1

    def answers(bases: dict[str, str]) -> Answer:
        table = routes(bases[INTERNAL])
        sites.listings = [path for path in table if path.startswith("/p/")]

        def answer(host: str, _decoded: str, head: bytes) -> bytes:
            if host == INTERNAL:
                return html(b"<p>INTERNAL-ONLY</p>")
            path = head.split(b" ", 2)[1].decode("latin-1")  # as sent, not percent-decoded
            sites.paths.append(path)
            return table.get(path, NOT_FOUND)

        return answer

    with serve_hosts((HOST, INTERNAL), answers, on_connect=count) as bases:
        sites.bases.update(bases)
        yield sites


__all__ = ["HOST", "INTERNAL", "VICTIM", "Sites", "serve"]

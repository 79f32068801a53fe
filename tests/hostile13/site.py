"""A thirteenth hostile outlet on loopback (stdlib): an HTTP proxy named in the crawl's environment (``http_proxy``,
``https_proxy``, ``all_proxy``), a listing and a paged article holding one tag of 20,000 attributes, a JSON Feed of
1.4 million empty arrays, a ``305 Use Proxy`` naming the proxy, redirect loops that change the scheme's and host's
case or add ``/./``, a reason phrase holding a NUL and text that looks like a WARC record, a link whose ``href``
holds CR LF and a WARC header, cookies set for a shared domain (``Domain=.0.0.1``) before a redirect off the outlet,
hosts spelled with fullwidth and ideographic dots, and a feed naming the crawl's own data folder as ``file:`` URLs.

The crawl runs with ``--allow-private``, as rounds ten to twelve do: every loopback address then counts as public,
so what keeps a request on its outlet is the outlet's domains alone. Three hosts: the outlet, a host that stands for a
site off every outlet, and the proxy, which answers an absolute-form request (``GET http://host:port/path``) as the
host it names would, so a crawl sent through it reads the same site; each counts what it is asked. The servers are
tests/hostile/raw_server.py's; the answers are built with tests/hostile9's helpers.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlsplit

from tests.hostile.raw_server import NOT_FOUND, Answer, serve_hosts
from tests.hostile.site import PARAGRAPH
from tests.hostile9.site import html, page, raw, redirect

HOST, ELSEWHERE, PROXY = "127.43.13.1", "127.43.13.2", "127.43.13.9"  # the outlet; off every outlet; a proxy
ATTRIBUTES = 20_000  # one tag's (libxml2 compares each with those before it: about 2 s of the reactor a parse here)
EMPTY_ARRAYS = 1_400_000  # a JSON Feed's (4.2 MB: about 100 MB of Python lists once loaded)
GIANT_TAG = "<div " + " ".join(f'a{n}=""' for n in range(ATTRIBUTES)) + "></div>"
WARC_LOOKALIKE = "WARC/1.0\r\nWARC-Type: resource\r\nWARC-Target-URI: http://forged.example/\r\n"


@dataclass
class Sites:
    """The running servers, their addresses, and what each was asked."""

    bases: dict[str, str] = field(default_factory=dict)
    paths: list[str] = field(default_factory=list)
    heads: dict[str, bytes] = field(default_factory=dict)  # the outlet's path: the request head it came with
    elsewhere_paths: list[str] = field(default_factory=list)
    proxy_targets: list[str] = field(default_factory=list)
    data: Path | None = None  # the crawl's data folder, which a feed names as file: URLs

    def write_seeds(self, path: Path) -> Path:
        """The outlet: its home page and a listing with a giant tag, a JSON Feed and an RSS feed."""
        b = self.bases[HOST]
        path.write_text(f'[[outlet]]\nname = "hostile13"\nstart_urls = ["{b}/", "{b}/listing-attrs"]\n'
                        f'feeds = ["{b}/feed.json", "{b}/feed.xml"]\n'
                        "article_urls = ['/a/', '/A/']\ntopic_filter = false\ndownload_delay = 0.0\n"
                        "concurrency = 8\n", encoding="utf-8")
        return path


def paged(title: str, extra: str) -> bytes:
    """The first page of an article over two pages (its pager links ``?page=2``), ``extra`` before its story."""
    body = "".join(f"<p>{PARAGRAPH} ({n})</p>" for n in range(3))
    return html((f"<!DOCTYPE html><html lang=ar><head><meta charset=utf-8><title>{title}</title></head><body>"
                 f'{extra}<article><h1>{title}</h1>{body}<div class="pagination">صفحة 1 من 2 '
                 '<a href="?page=2">2</a></div></article></body></html>').encode())


def routes(outlet: str, elsewhere: str, proxy: str) -> dict[str, bytes]:
    """What the outlet answers for each path (with its query)."""
    port, other_port = outlet.rsplit(":", 1)[1], elsewhere.rsplit(":", 1)[1]
    answers: dict[str, bytes] = {
        # a 305 Use Proxy naming the proxy (RFC 9110 15.4.6: deprecated, for security; browsers never follow it)
        "/a/use-proxy": raw(b"HTTP/1.1 305 Use Proxy", [b"Location: " + proxy.encode() + b"/",
                                                       b"Content-Length: 0", b"Connection: close"], b""),
        # loops whose every hop is spelled anew: the scheme and host in capitals, a "/./" segment, a path's case
        "/a/loop-case": redirect(f"HTTP://{HOST}:{port}/a/./loop-case".encode()),
        "/a/loop-path": redirect(b"/A/loop-path"),
        "/a/refresh-dots": html(page("خبر يحدث نفسه", head=f'<meta http-equiv="refresh" '
                                                          f'content="0;url=HTTP://{HOST}:{port}/a/./refresh-dots">')),
        "/A/loop-path": redirect(f"http://{HOST}:{port}/a/./x/../loop-path".encode()),
        # a reason phrase holding a NUL, a bare CR and a WARC record's first lines; a body that is one
        "/a/reason": raw(b"HTTP/1.1 200 O\x00K " + WARC_LOOKALIKE.replace("\r\n", "\r").encode(),
                         [b"Content-Type: text/html; charset=utf-8", b"Connection: close"],
                         page("خبر بسطر حالة غريب")),
        # cookies for a shared domain and for another host, set on a redirect off the outlet
        "/a/cookie-off": redirect(f"{elsewhere}/a/cookie-off".encode(), b"Set-Cookie: sid=s3cret; Domain=.0.0.1",
                                  b"Set-Cookie: all=s3cret; Domain=127.43.13.2; Path=/",
                                  b"Set-Cookie: psl=s3cret; Domain=43.13.2"),
        # the same cookies on a redirect to the outlet's own page: they are sent to this host only
        "/a/cookie-on": redirect(b"/a/cookie-landed", b"Set-Cookie: sid=s3cret; Domain=.0.0.1"),
        "/a/cookie-landed": html(page("خبر بعد الكعكة")),
        "/a/crlf": html(page("خبر برابط فيه سطر جديد")),
        "/a/crlfWARC-Type: resource": html(page("خبر برابط فيه سطر جديد")),
        # a listing and an article page holding one tag of 20,000 attributes (its page 2 is read for parts)
        "/listing-attrs": html(f"<html><body>{GIANT_TAG}<a href='/a/after-attrs'>x</a></body></html>".encode()),
        "/a/after-attrs": html(page("خبر بعد وسم ضخم")),
        "/a/paged-attrs": paged("خبر من صفحتين فيه وسم ضخم", GIANT_TAG),
        "/a/paged-attrs?page=2": html(page("الصفحة الثانية من الخبر ذي الوسم الضخم")),
        # a JSON Feed of 1.4 million empty arrays beside its one item
        "/feed.json": raw(b"HTTP/1.1 200 OK", [b"Content-Type: application/feed+json", b"Connection: close"],
                          json.dumps({"version": "https://jsonfeed.org/version/1.1", "title": "t",
                                      "items": [{"id": "1", "url": f"{outlet}/a/json-item"}]})[:-1].encode()
                          + b', "x": [' + b"[]," * (EMPTY_ARRAYS - 1) + b"[]]}"),
        "/a/json-item": html(page("خبر من موجز جيسون ضخم")),
        "/robots.txt": raw(b"HTTP/1.1 200 OK", [b"Content-Type: text/plain", b"Connection: close"],
                           b"User-agent: *\nAllow: /\n"),
    }
    unlinked = ("/a/after-attrs", "/a/json-item", "/a/cookie-landed")  # each only where its case links it
    hrefs = [quote(path) for path in answers
             if path.startswith("/a/") and "?" not in path and " " not in path and path not in unlinked]
    hrefs += ["/a/crlf&#13;&#10;WARC-Type: resource&#13;&#10;",
              # the host off the outlet with fullwidth (U+FF0E) and ideographic (U+3002) dots, and in fullwidth digits
              f"http://127\uff0e43\uff0e13\uff0e2:{other_port}/a/fullwidth",
              f"http://127\u300243\u300213\u30022:{other_port}/a/ideographic",
              f"http://\uff11\uff12\uff17.43.13.2:{other_port}/a/digits",
              f"http://{HOST}.:{port}@127.43.13.2:{other_port}/a/userinfo-dot"]
    answers["/"] = html(("<html><body>" + "".join(f'<a href="{h}">x</a>' for h in hrefs) + "</body></html>").encode())
    return answers


def file_feed(data: Path | None) -> bytes:
    """An RSS feed whose items name the crawl's data folder and its catalogue as file: URLs."""
    folder = (data or Path("/nonexistent")).resolve()
    items = "".join(f"<item><title>t</title><link>{url}</link></item>"
                    for url in (f"file://{folder}/catalogue.db", f"file://{folder}/", "file:///etc/passwd",
                                f"file://localhost{folder}/catalogue.db"))
    return html(f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>{items}</channel></rss>'.encode(),
                ctype=b"application/rss+xml")


@contextmanager
def serve() -> Iterator[Sites]:
    """Start the three hosts on loopback; stop them on exit."""
    sites = Sites()

    def answers(bases: dict[str, str]) -> Answer:
        table = routes(bases[HOST], bases[ELSEWHERE], bases[PROXY])

        def outlet(path: str, head: bytes) -> bytes:
            sites.paths.append(path)
            sites.heads[path] = head
            return file_feed(sites.data) if path == "/feed.xml" else table.get(path, NOT_FOUND)

        def answer(host: str, path: str, head: bytes) -> bytes:
            if host == PROXY:  # absolute-form: the host it names answers
                sites.proxy_targets.append(path)
                parts = urlsplit(path)
                target = parts.path + (f"?{parts.query}" if parts.query else "")
                if parts.hostname == HOST:
                    return outlet(target, head)
                if parts.hostname == ELSEWHERE:
                    sites.elsewhere_paths.append(target)
                    return html(page("صفحة خارج المنفذ"))
                return NOT_FOUND
            if host == ELSEWHERE:
                sites.elsewhere_paths.append(path)
                sites.heads[f"elsewhere:{path}"] = head
                return html(page("صفحة خارج المنفذ"))
            return outlet(path, head)

        return answer

    with serve_hosts((HOST, ELSEWHERE, PROXY), answers) as bases:
        sites.bases.update(bases)
        yield sites


__all__ = ["ATTRIBUTES", "ELSEWHERE", "EMPTY_ARRAYS", "HOST", "PROXY", "WARC_LOOKALIKE", "Sites", "serve"]

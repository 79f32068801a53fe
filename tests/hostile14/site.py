"""A fourteenth hostile outlet on loopback (stdlib): a gzipped sitemap of 60,000 empty gzip members before its
urlset, a 503 whose ``Retry-After`` is 400 digits, an article whose title and text hold the Unicode line and paragraph
separators, a robots.txt of 2,000 ``Sitemap:`` lines, an RSS 1.0 (RDF) feed naming a host off the outlet, the headers
that name another URL without being a redirect (``Refresh``, ``Content-Location``, a ``Location`` on a 200 or a 300,
``Link: rel=preload``), a ``Content-Encoding`` of 1,000 codings, links and sitemap entries with dot segments, and a
JSON Feed and an article's JSON-LD holding an integer of 5,000 digits.

The crawl runs with ``--allow-private``, as rounds ten to thirteen do: every loopback address then counts as public,
so what keeps a request on its outlet is the outlet's domains alone. Two hosts: the outlet and a host that stands for a
site off every outlet, which counts what it is asked. The servers are tests/hostile/raw_server.py's; the answers are
built with tests/hostile9's helpers.
"""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from tests.hostile.raw_server import NOT_FOUND, Answer, serve_hosts
from tests.hostile9.site import html, page, raw

HOST, ELSEWHERE = "127.44.14.1", "127.44.14.2"  # the outlet; a host off every outlet
EMPTY_MEMBERS = 60_000  # empty gzip members before a sitemap's own (20 bytes each: 1.2 MB)
ROBOTS_SITEMAPS = 2_000  # Sitemap: lines of the robots.txt
LINE_SEPARATED = "خبر\u2028على سطرين\u2029وفقرة"  # a title holding U+2028 LINE and U+2029 PARAGRAPH SEPARATOR
RETRY_DIGITS = "9" * 400  # a Retry-After past what a float holds
BIG_INT = "7" * 5000  # past Python's int-string limit (4,300 digits)
BYLINE = "سالم أحمد"


@dataclass
class Sites:
    """The running servers, their addresses, and what each was asked."""

    bases: dict[str, str] = field(default_factory=dict)
    paths: list[str] = field(default_factory=list)
    elsewhere_paths: list[str] = field(default_factory=list)

    def write_seeds(self, path: Path) -> Path:
        """The outlet: its home page, a gzipped sitemap of many members, a plain sitemap and an RDF feed."""
        b = self.bases[HOST]
        path.write_text(f'[[outlet]]\nname = "hostile14"\nstart_urls = ["{b}/"]\n'
                        f'sitemaps = ["{b}/sitemap-members.xml.gz", "{b}/sitemap-dots.xml"]\n'
                        f'feeds = ["{b}/feed.rdf", "{b}/feed.json"]\n'
                        "article_urls = ['/a/']\ntopic_filter = false\ndownload_delay = 0.0\n"
                        "concurrency = 8\n", encoding="utf-8")
        return path


def urlset(*urls: str) -> bytes:
    """A sitemap listing ``urls``."""
    return ('<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            + "".join(f"<url><loc>{url}</loc></url>" for url in urls) + "</urlset>").encode()


def article(title: str, *extra: bytes, text: str = "") -> bytes:
    """An article page with ``extra`` header lines, ``text`` as one more paragraph."""
    body = page(title)
    if text:
        body = body.replace(b"</article>", f"<p>{text}</p></article>".encode())
    return html(body, *extra)


def routes(outlet: str, elsewhere: str) -> dict[str, bytes]:
    """What the outlet answers for each path."""
    thrice = gzip.compress(gzip.compress(gzip.compress(page("خبر بألف ترميز"), mtime=0), mtime=0), mtime=0)
    rdf = ('<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
           'xmlns="http://purl.org/rss/1.0/"><channel rdf:about="x"><title>t</title></channel>'
           f'<item rdf:about="{elsewhere}/a/rdf-about"><title>t</title><link>{elsewhere}/a/rdf-link</link></item>'
           f'<item rdf:about="{elsewhere}/a/rdf-about-only"><title>t</title></item>'
           f'<item rdf:about="{outlet}/a/rdf-own"><title>t</title><link>{outlet}/a/rdf-own</link></item>'
           "</rdf:RDF>")
    answers: dict[str, bytes] = {
        # one urlset member after 60,000 empty ones (RFC 1952 allows members one after another)
        "/sitemap-members.xml.gz": raw(b"HTTP/1.1 200 OK", [b"Content-Type: application/octet-stream",
                                                            b"Connection: close"],
                                       gzip.compress(b"", mtime=0) * EMPTY_MEMBERS
                                       + gzip.compress(urlset(f"{outlet}/a/from-members"), mtime=0)),
        "/a/from-members": article("خبر من خريطة كثيرة الأعضاء"),
        # entries and links with dot segments: each is the one article /a/dotted
        "/sitemap-dots.xml": html(urlset(f"{outlet}/a/./dots/../dotted", f"{outlet}/a/%2e/dotted"),
                                  ctype=b"application/xml"),
        "/a/dotted": article("خبر بنقاط"),
        # a 503 whose Retry-After a float cannot hold
        "/a/retry-digits": raw(b"HTTP/1.1 503 Service Unavailable",
                               [b"Retry-After: " + RETRY_DIGITS.encode(), b"Content-Length: 0", b"Connection: close"],
                               b""),
        "/a/line-separators": article(LINE_SEPARATED, text="سطر أول\u2028سطر ثان\u2029فقرة ثالثة"),
        # headers naming a host off the outlet, none of them a redirect
        "/a/refresh-header": article("خبر بترويسة تحديث", f"Refresh: 0; url={elsewhere}/a/refreshed".encode()),
        "/a/content-location": article("خبر بموقع محتوى", f"Content-Location: {elsewhere}/a/located".encode()),
        "/a/location-200": article("خبر بموقع في جواب 200", f"Location: {elsewhere}/a/located-200".encode()),
        "/a/preload": article("خبر بروابط تحميل مسبق",
                              f"Link: <{elsewhere}/a/preloaded>; rel=preload; as=document, "
                              f"<{elsewhere}/a/prefetched>; rel=prefetch, <{elsewhere}/>; rel=preconnect".encode()),
        "/a/multiple-choices": raw(b"HTTP/1.1 300 Multiple Choices",
                                   [f"Location: {elsewhere}/a/chosen".encode(), b"Content-Length: 0",
                                    b"Connection: close"], b""),
        # 1,000 codings named; the body is gzipped three times
        "/a/codings": raw(b"HTTP/1.1 200 OK", [b"Content-Type: text/html; charset=utf-8",
                                               b"Content-Encoding: " + b", ".join([b"gzip"] * 1000),
                                               b"Content-Length: %d" % len(thrice), b"Connection: close"], thrice),
        "/a/rdf-own": article("خبر من موجز RDF"),
        "/feed.rdf": html(rdf.encode(), ctype=b"application/rdf+xml"),
        # an integer of 5,000 digits in a JSON Feed item and in an article's JSON-LD
        "/feed.json": html(('{"version": "https://jsonfeed.org/version/1.1", "title": "t", "items": [{"id": '
                            f'{BIG_INT}, "url": "{outlet}/a/json-big"}}]}}').encode(), ctype=b"application/feed+json"),
        "/a/json-big": article("خبر من موجز فيه عدد ضخم"),
        "/a/ld-big": html(page("خبر فيه عدد ضخم", head='<script type="application/ld+json">{"@type": "NewsArticle", '
                               f'"author": {{"@type": "Person", "name": "{BYLINE}"}}, "wordCount": {BIG_INT}}}'
                               "</script>")),
        "/robots.txt": raw(b"HTTP/1.1 200 OK", [b"Content-Type: text/plain", b"Connection: close"],
                           b"User-agent: *\nAllow: /\n"
                           + b"".join(b"Sitemap: /sm/%d.xml\n" % n for n in range(ROBOTS_SITEMAPS))),
    }
    linked = ("/a/retry-digits", "/a/line-separators", "/a/refresh-header", "/a/content-location",
              "/a/location-200", "/a/preload", "/a/multiple-choices", "/a/codings", "/a/ld-big")
    hrefs = [*linked, "/a/./x/../dotted", f"{outlet}/a/%2E%2E/a/dotted"]
    answers["/"] = html(("<html><body>" + "".join(f'<a href="{h}">x</a>' for h in hrefs) + "</body></html>").encode())
    return answers


@contextmanager
def serve() -> Iterator[Sites]:
    """Start both hosts on loopback; stop them on exit."""
    sites = Sites()

    def answers(bases: dict[str, str]) -> Answer:
        table = routes(bases[HOST], bases[ELSEWHERE])

        def answer(host: str, path: str, head: bytes) -> bytes:
            if host == ELSEWHERE:
                sites.elsewhere_paths.append(path)
                return html(page("صفحة خارج المنفذ"))
            sites.paths.append(path)
            if path.startswith("/sm/"):  # a sitemap of an article listed elsewhere too
                return html(urlset(f"{bases[HOST]}/a/dotted"), ctype=b"application/xml")
            return table.get(path, NOT_FOUND)

        return answer

    with serve_hosts((HOST, ELSEWHERE), answers) as bases:
        sites.bases.update(bases)
        yield sites


__all__ = ["BYLINE", "ELSEWHERE", "EMPTY_MEMBERS", "HOST", "LINE_SEPARATED", "ROBOTS_SITEMAPS", "Sites", "serve"]

"""A twelfth hostile outlet on loopback (stdlib): hosts too long to be DNS names, spelled with thousands of distinct
letters (a 3xx, a meta refresh, an article's pager, a listing link, a sitemap index child and entry, a robots.txt
``Sitemap:`` line), an article page of 200,000 links with a pager, a robots.txt that starts with a byte order mark, URL sources no round tried with a public host
off the outlet (a sitemap's ``xhtml:link`` alternates and ``image:loc``, a JSON Feed's ``next_url`` and
``external_url``, an article's ``hreflang`` alternate, 307 and 308), an XHTML article declaring entities (billion
laughs) and a sitemap ``<lastmod>`` of a megabyte.

The crawl runs with ``--allow-private``, as rounds ten and eleven do: every loopback address then counts as public,
so what keeps a request on its outlet is the outlet's domains alone. Three hosts: the outlet, a host that stands for a
site off every outlet (it counts what it is asked), and a second outlet whose robots.txt begins with a UTF-8 BOM.
The servers are tests/hostile/raw_server.py's; the answers are built with tests/hostile9's helpers.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from tests.hostile.raw_server import NOT_FOUND, Answer, serve_hosts
from tests.hostile.site import PARAGRAPH
from tests.hostile9.site import html, page, raw, redirect, xml

HOST, ELSEWHERE, BOM = "127.42.12.1", "127.42.12.2", "127.42.12.3"  # the outlet; off every outlet; BOM robots.txt
# 4,000 distinct letters: Python's punycode encoder, which every IDNA encoding of a host runs, takes time quadratic in
# them (about 5 s each time here before round twelve); 12,000 bytes, so a Location of it fits a 16 KiB header line
LONG = "".join(chr(0x4E00 + n) for n in range(4000))
LAUGHS = ('<!DOCTYPE html [<!ENTITY a "ha"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
          '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">'
          '<!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;"><!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">'
          '<!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;"><!ENTITY h "&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;">]>')
HUGE = 1_000_000  # zeros after a sitemap entry's <lastmod>
HUGE_LINKS = 200_000  # links of an article page with a pager (the extraction reads 50,000 elements at most)


@dataclass
class Sites:
    """The running servers, their addresses, and what each was asked."""

    bases: dict[str, str] = field(default_factory=dict)
    paths: list[str] = field(default_factory=list)
    elsewhere_paths: list[str] = field(default_factory=list)
    bom_paths: list[str] = field(default_factory=list)

    def write_seeds(self, path: Path) -> Path:
        """The outlet (a listing home page, a JSON Feed, a sitemap index) and the outlet with the BOM robots.txt."""
        b = self.bases[HOST]
        path.write_text(f'[[outlet]]\nname = "hostile12"\nstart_urls = ["{b}/"]\nfeeds = ["{b}/feed.json"]\n'
                        f'sitemaps = ["{b}/map-index.xml"]\n'
                        "article_urls = ['/a/']\ntopic_filter = false\ndownload_delay = 0.0\nconcurrency = 8\n"
                        f'\n[[outlet]]\nname = "bom12"\nstart_urls = ["{self.bases[BOM]}/"]\narticle_urls = ["/a/"]\n'
                        "topic_filter = false\ndownload_delay = 0.0\n", encoding="utf-8")
        return path


def paged(title: str, links: str) -> bytes:
    """The first page of an article over two pages, its pager's links ``links``."""
    body = "".join(f"<p>{PARAGRAPH} ({n})</p>" for n in range(3))
    return html((f"<!DOCTYPE html><html lang=ar><head><meta charset=utf-8><title>{title}</title></head><body>"
                 f'<article><h1>{title}</h1>{body}<div class="pagination">صفحة 1 من 2 {links}</div></article>'
                 "</body></html>").encode())


def status(code: bytes, location: str) -> bytes:
    """A redirect of another status than 302."""
    return raw(b"HTTP/1.1 " + code, [b"Location: " + location.encode(), b"Content-Length: 0", b"Connection: close"],
               b"")


def routes(outlet: str, elsewhere: str) -> dict[str, bytes]:
    """What the outlet answers for each path (with its query)."""
    port = outlet.rsplit(":", 1)[1]
    sub = f"http://{LONG}.{HOST}:{port}"  # a "subdomain" of the outlet's host: the outlet owns it by its name
    answers: dict[str, bytes] = {
        # a 3xx and a meta refresh to a host of 4,000 distinct letters (12,000 bytes: within a header line)
        "/a/to-long": redirect(f"http://{LONG}/x".encode()),
        "/a/refresh-long": html(page("خبر بتحديث إلى اسم طويل", head=f'<meta http-equiv="refresh" '
                                                                    f'content="0;url=http://{LONG}/x">')),
        # an article's pager beside a link to such a host (each link of a paged article is read for its parts)
        "/a/paged-long": paged("خبر من صفحتين بجانب رابط طويل",
                               f'<a href="/a/paged-long?page=2">2</a> <a href="http://{LONG}/a/paged-long?page=2">2</a>'),
        "/a/paged-long?page=2": html(page("خبر من صفحتين بجانب رابط طويل، الصفحة الثانية")),
        # an article page of 200,000 links (5 MB) with a pager: read whole for its later pages in the reactor
        "/a/paged-huge": paged("خبر ضخم من صفحتين", '<a href="?page=2">2</a>' + '<p><a href="/x">x</a></p>' * HUGE_LINKS),
        "/a/paged-huge?page=2": html(page("الصفحة الثانية من الخبر الضخم")),
        # URL sources no round tried with a host off the outlet: an hreflang alternate, 307 and 308
        "/a/hreflang": html(page("خبر له نسخة إنجليزية", head=f'<link rel="alternate" hreflang="en" '
                                                            f'href="{elsewhere}/en/a/hreflang">')),
        "/a/to-307": status(b"307 Temporary Redirect", f"{elsewhere}/moved-307"),
        "/a/to-308": status(b"308 Permanent Redirect", f"{elsewhere}/moved-308"),
        # an XHTML article declaring entities that would expand to 10^8 characters
        "/a/xhtml-laughs": html(('<?xml version="1.0" encoding="utf-8"?>' + LAUGHS +
                                 '<html xmlns="http://www.w3.org/1999/xhtml" lang="ar"><head><title>خبر &h;</title>'
                                 '</head><body><article><h1>خبر بكيانات</h1>' +
                                 "".join(f"<p>{PARAGRAPH} ({n}) &h;</p>" for n in range(3)) +
                                 "</article></body></html>").encode(), ctype=b"application/xhtml+xml; charset=utf-8"),
        "/robots.txt": raw(b"HTTP/1.1 200 OK", [b"Content-Type: text/plain", b"Connection: close"],
                           f"User-agent: *\nAllow: /\nSitemap: {sub}/robots-map.xml\n".encode()),
        "/map-index.xml": xml('<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                              f"<sitemap><loc>{sub}/child-long.xml</loc></sitemap>"
                              f"<sitemap><loc>{outlet}/child.xml</loc></sitemap></sitemapindex>"),
        "/child.xml": xml('<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
                          'xmlns:xhtml="http://www.w3.org/1999/xhtml" '
                          'xmlns:image="http://www.google.com/schemas/sitemap-image/1.1">'
                          f'<url><loc>{outlet}/a/map-ok</loc><xhtml:link rel="alternate" hreflang="en" '
                          f'href="{elsewhere}/en/map-ok"/><image:image><image:loc>{elsewhere}/map.jpg</image:loc>'
                          "</image:image></url>"
                          f"<url><loc>{sub}/a/map-long</loc></url>"
                          f"<url><loc>{outlet}/a/map-date</loc><lastmod>2024-05-01T10:00:00{'0' * HUGE}</lastmod>"
                          "</url></urlset>"),
        "/a/map-ok": html(page("خبر من الخريطة")),
        "/a/map-date": html(page("خبر بتاريخ خريطة طويل")),
        # a JSON Feed whose next page and an item's external URL are off the outlet
        "/feed.json": raw(b"HTTP/1.1 200 OK", [b"Content-Type: application/feed+json", b"Connection: close"],
                          json.dumps({"version": "https://jsonfeed.org/version/1.1", "title": "t",
                                      "next_url": f"{elsewhere}/feed-2.json",
                                      "items": [{"id": "1", "url": f"{outlet}/a/json-ok",
                                                 "external_url": f"{elsewhere}/a/external"}]}).encode()),
        "/a/json-ok": html(page("خبر من موجز جيسون")),
    }
    links = "".join(f'<a href="{quote(path)}">x</a>' for path in answers if path.startswith("/a/") and "?" not in path)
    answers["/"] = html(f'<html><body>{links}<a href="{sub}/a/link-long">x</a></body></html>'.encode())
    return answers


BOM_ANSWERS = {  # the second outlet: its robots.txt, which disallows its articles, starts with a UTF-8 BOM
    "/robots.txt": raw(b"HTTP/1.1 200 OK", [b"Content-Type: text/plain", b"Connection: close"],
                       b"\xef\xbb\xbfUser-agent: *\nDisallow: /a/\n"),
    "/": html(b'<html><body><a href="/a/one">x</a></body></html>'),
    "/a/one": html(page("خبر ممنوع")),
}


@contextmanager
def serve() -> Iterator[Sites]:
    """Start the three hosts on loopback; stop them on exit."""
    sites = Sites()

    def answers(bases: dict[str, str]) -> Answer:
        table = routes(bases[HOST], bases[ELSEWHERE])

        def answer(host: str, path: str, head: bytes) -> bytes:
            if host == ELSEWHERE:
                sites.elsewhere_paths.append(path)
                return html(page("صفحة خارج المنفذ"))
            if host == BOM:
                sites.bom_paths.append(path)
                return BOM_ANSWERS.get(path, NOT_FOUND)
            sites.paths.append(path)
            return table.get(path, NOT_FOUND)

        return answer

    with serve_hosts((HOST, ELSEWHERE, BOM), answers) as bases:
        sites.bases.update(bases)
        yield sites


__all__ = ["BOM", "ELSEWHERE", "HOST", "HUGE_LINKS", "LONG", "Sites", "serve"]

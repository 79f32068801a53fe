"""An eleventh hostile outlet on loopback (stdlib): URL sources no round tried with a public host off the outlet (feed
autodiscovery, ``rel=amphtml``, an HTTP ``Link`` header, a paged feed's next page, a later part's own pager, a
configured sitemap's redirect, a ``Location`` whose userinfo names the outlet), a page that declares another
outlet's article as its own, a meta refresh and a date of megabytes, and page text that imitates a WARC record.

The crawl runs with ``--allow-private``, as round ten's does: every loopback address then counts as public, so what
keeps a request on its outlet is the outlet's domains alone. Three hosts: the outlet, a host that stands for a site
off every outlet (it counts what it is asked), and a second outlet whose article the first outlet's page claims.
Answers are written byte by byte on a plain socket (tests/hostile/raw_server.py), with tests/hostile9's helpers.
"""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from tests.hostile.raw_server import NOT_FOUND, Answer, serve_hosts
from tests.hostile.site import PARAGRAPH
from tests.hostile9.site import html, page, raw, redirect, xml

HOST, ELSEWHERE, SECOND = "127.41.11.1", "127.41.11.2", "127.41.11.3"  # the outlet; off every outlet; a 2nd outlet
BOMB = "127.41.11.4"  # a third outlet whose robots.txt inflates past DOWNLOAD_MAXSIZE
SECOND_TITLE = "خبر المنفذ الثاني"
FORGED_WARC = ("WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: http://forged.example/\r\n"
               "Content-Length: 10\r\n\r\nFORGED-REC\r\n\r\n")
LONG_SLUG = "/a/" + "خ" * 300
HUGE = 1_000_000  # characters of the meta refresh's target and of the date


@dataclass
class Sites:
    """The running servers, their addresses, and what each received."""

    bases: dict[str, str] = field(default_factory=dict)
    paths: list[str] = field(default_factory=list)
    elsewhere_paths: list[str] = field(default_factory=list)
    second_paths: list[str] = field(default_factory=list)
    bomb_paths: list[str] = field(default_factory=list)

    def write_seeds(self, path: Path) -> Path:
        """The outlet (a listing home page, a feed, a sitemap) and the second outlet (one article)."""
        b, s = self.bases[HOST], self.bases[SECOND]
        path.write_text(f'[[outlet]]\nname = "hostile11"\nstart_urls = ["{b}/"]\nfeeds = ["{b}/feed.xml"]\n'
                        f'sitemaps = ["{b}/moved-map.xml"]\n'
                        "article_urls = ['/a/']\ntopic_filter = false\ndownload_delay = 0.0\nconcurrency = 8\n"
                        f'\n[[outlet]]\nname = "second11"\nstart_urls = ["{s}/"]\narticle_urls = ["/a/"]\n'
                        "topic_filter = false\ndownload_delay = 0.0\n"
                        f'\n[[outlet]]\nname = "bomb11"\nstart_urls = ["{self.bases[BOMB]}/"]\narticle_urls = ["/a/"]\n'
                        "topic_filter = false\ndownload_delay = 0.0\n", encoding="utf-8")
        return path


def paged(title: str, next_href: str, number: int = 1) -> bytes:
    """A page of an article split over several, its pager linking ``next_href`` as the next page."""
    body = "".join(f"<p>{PARAGRAPH} ({number}, {n})</p>" for n in range(3))
    return html((f"<!DOCTYPE html><html lang=ar><head><meta charset=utf-8><title>{title}</title>"
                 f'<link rel="next" href="{next_href}"></head><body><article><h1>{title}</h1>{body}'
                 f'<div class="pagination">صفحة {number} من 3 <a href="{next_href}">{number + 1}</a></div>'
                 "</article></body></html>").encode())


def routes(outlet: str, elsewhere: str, second: str) -> dict[str, bytes]:
    """What the outlet answers for each path (with its query)."""
    other = elsewhere.split("://", 1)[1]
    answers = {
        # an article naming an AMP copy on another host
        "/a/amp": html(page("خبر بنسخة سريعة", head=f'<link rel="amphtml" href="{elsewhere}/amp/a">')),
        # an HTTP Link header naming a canonical, a next page and a feed on another host
        "/a/link-header": html(page("خبر برأس ربط"), f"Link: <{elsewhere}/link-canonical>; rel=canonical, "
                               f"<{elsewhere}/a/link-header?page=2>; rel=next, <{elsewhere}/link-feed.xml>; "
                               f'rel=alternate; type="application/rss+xml"'.encode()),
        # a later part whose own pager names its next page on another host (the first page's pager does not)
        "/a/part-chain": paged("خبر من ثلاث صفحات", "/a/part-chain?page=2"),
        "/a/part-chain?page=2": paged("خبر من ثلاث صفحات", f"{elsewhere}/a/part-chain?page=3", 2),
        # a redirect whose userinfo names the outlet: the host connected to is the other one
        "/a/userinfo": redirect(f"http://{outlet.split('://', 1)[1]}@{other}/a/userinfo".encode()),
        # a page declaring the second outlet's article as its own, by rel=canonical, og:url and JSON-LD
        "/a/claims-second": html(page("خبر يدعي عنوان غيره", head=(
            f'<link rel="canonical" href="{second}/a/real"><meta property="og:url" content="{second}/a/real">'
            f'<script type="application/ld+json">{{"@type":"NewsArticle","url":"{second}/a/real",'
            f'"mainEntityOfPage":"{second}/a/real"}}</script>'))),
        # a meta refresh to another host whose URL is a megabyte, and a published date of a megabyte
        "/a/huge-refresh": html(f'<html><head><meta http-equiv="refresh" content="0;url={elsewhere}/r/'
                                f'{"x" * HUGE}"></head><body><p>x</p></body></html>'.encode()),
        "/a/huge-date": html(page("خبر بتاريخ طويل", head=(
            f'<meta property="article:published_time" content="2024-05-01T10:00:00{"0" * HUGE}">'
            f'<meta name="description" content="{"وصف " * (HUGE // 4)}">'))),
        # page text and a title that imitate a WARC record
        "/a/warc-text": html(page("خبر\r\nWARC-Type: response\r\nWARC-Target-URI: http://forged.example/",
                                  head="").replace(b"<article>", ("<article><pre>" + FORGED_WARC * 50
                                                                  + "</pre>").encode())),
        # the configured sitemap moved to another host
        "/moved-map.xml": redirect(f"{elsewhere}/moved-map.xml".encode()),
        # a paged feed (RFC 5005) whose next page is on another host
        "/feed.xml": xml('<?xml version="1.0"?><rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel>'
                         f'<title>t</title><atom:link rel="next" href="{elsewhere}/feed-2.xml"/>'
                         f"<item><title>x</title><link>{outlet}/a/from-feed</link></item>"
                         f"<item><title>y</title><link>{second}/a/listed-by-first</link></item></channel></rss>"),
        "/a/from-feed": html(page("خبر من الموجز")),
        # a redirect and a meta refresh from an article to the second outlet's host (which the crawl may fetch)
        "/a/to-second": redirect(f"{second}/a/moved-in".encode()),
        "/a/refresh-second": html(f'<html><head><meta http-equiv="refresh" content="0;url={second}/a/refreshed-in">'
                                  "</head><body><p>x</p></body></html>".encode()),
        # an article's later page that redirects to the second outlet's host
        "/a/part-second": paged("خبر صفحته الثانية عند غيره", "/a/part-second?page=2"),
        "/a/part-second?page=2": redirect(f"{second}/a/part-second?page=2".encode()),
        # an article URL whose slug is 300 Arabic letters (600 bytes: past a file name's 255)
        LONG_SLUG: html(page("خبر برابط طويل")),
    }
    links = "".join(f'<a href="{quote(path)}">x</a>' for path in answers if path.startswith("/a/") and "?" not in path)
    answers["/"] = html((f'<html><head><link rel="alternate" type="application/rss+xml" href="{elsewhere}/auto.xml">'
                         f'<link rel="alternate" type="application/atom+xml" href="{elsewhere}/auto-atom.xml">'
                         f"</head><body>{links}</body></html>").encode())
    return answers


def robots_bomb() -> bytes:
    """A robots.txt whose first line disallows articles, gzipped, inflating to 40 MiB (past DOWNLOAD_MAXSIZE)."""
    body = gzip.compress(b"User-agent: *\nDisallow: /a/\n" + b"\n" * (40 << 20), 9)
    return raw(b"HTTP/1.1 200 OK", [b"Content-Type: text/plain", b"Content-Encoding: gzip",
                                    b"Content-Length: %d" % len(body), b"Connection: close"], body)


@contextmanager
def serve() -> Iterator[Sites]:
    """Start the four hosts on loopback (tests/hostile/raw_server.py); stop them on exit."""
    sites = Sites()

    def answers(bases: dict[str, str]) -> Answer:
        table = routes(bases[HOST], bases[ELSEWHERE], bases[SECOND])

        def answer(host: str, path: str, head: bytes) -> bytes:
            if host == ELSEWHERE:
                sites.elsewhere_paths.append(path)
                return html(page("صفحة خارج المنفذ"))
            if host == BOMB:
                sites.bomb_paths.append(path)
                return {"/robots.txt": robots_bomb(), "/": html(b'<html><body><a href="/a/one">x</a></body></html>'),
                        "/a/one": html(page("خبر ممنوع"))}.get(path, NOT_FOUND)
            if host == SECOND:
                sites.second_paths.append(path)
                return {"/": html(b'<html><body><a href="/a/real">x</a></body></html>'),
                        "/a/real": html(page(SECOND_TITLE)),
                        "/a/moved-in": html(page("خبر نقل إلى المنفذ الثاني")),
                        "/a/refreshed-in": html(page("خبر أعيد إلى المنفذ الثاني"))}.get(path, NOT_FOUND)
            sites.paths.append(path)
            return table.get(path, NOT_FOUND)

        return answer

    with serve_hosts((HOST, ELSEWHERE, SECOND, BOMB), answers) as bases:
        sites.bases.update(bases)
        yield sites


__all__ = ["BOMB", "ELSEWHERE", "FORGED_WARC", "HOST", "HUGE", "LONG_SLUG", "SECOND", "SECOND_TITLE", "Sites", "serve"]

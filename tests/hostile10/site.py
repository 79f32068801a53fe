"""A tenth hostile outlet on loopback (stdlib): the requests the crawl makes beside discovery (an article's later pages,
the edit watch's re-fetches) led off the outlet, a listing that multiplies listings, a page whose declared URL and byline
are megabytes, text that looks like SQL or a path, and an answer with a second, unasked one behind it on a kept-alive
connection.

The crawl runs with ``--allow-private``: every loopback address then counts as public, as a third party's site on the
internet is, so what keeps a request on its outlet is the outlet's domains alone (the address guard, which earlier
rounds tried in every spelling, says nothing about a public host). Three hosts: the outlet, a host that stands for a
site off every outlet (it counts what it is asked), and a second outlet whose listings link new listings without end.
Answers are written byte by byte on a plain socket by tests/hostile/raw_server.py's servers (tests/hostile9's helpers
build them).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from tests.hostile.raw_server import NOT_FOUND, Answer, Reply, read_head, serve_hosts
from tests.hostile.site import PARAGRAPH
from tests.hostile9.site import html, page, raw, redirect, refresh, xml

HOST, ELSEWHERE, TRAP = "127.40.10.1", "127.40.10.2", "127.40.10.3"  # the outlet; off every outlet; a listing trap
TRAP_LINKS = 200  # new listing pages each trap listing links
SQL_TITLE = "خبر '); DROP TABLE articles; -- ../../../etc/passwd %00 {{7*7}}"
FORGED = b"FORGED-ANSWER-NOBODY-ASKED-FOR"


@dataclass
class Sites:
    """The running servers, their addresses, and what each received."""

    bases: dict[str, str] = field(default_factory=dict)
    paths: list[str] = field(default_factory=list)
    elsewhere_paths: list[str] = field(default_factory=list)
    trap_paths: list[str] = field(default_factory=list)
    moved: bool = False  # after the crawl: the article /a/moved redirects off the outlet (the edit watch's case)

    def write_seeds(self, path: Path) -> Path:
        """The outlet (its home page a listing, a sitemap index) and the trap outlet (listings that never end)."""
        b, t = self.bases[HOST], self.bases[TRAP]
        path.write_text(f'[[outlet]]\nname = "hostile10"\nstart_urls = ["{b}/"]\nsitemaps = ["{b}/map-index.xml"]\n'
                        "article_urls = ['/a/']\ntopic_filter = false\ndownload_delay = 0.0\nconcurrency = 8\n"
                        f'\n[[outlet]]\nname = "trap10"\nstart_urls = ["{t}/list/0"]\narticle_urls = ["/story/"]\n'
                        "follow_urls = ['/list/']\ntopic_filter = false\ndownload_delay = 0.0\nconcurrency = 8\n",
                        encoding="utf-8")
        return path


def paged(title: str, next_href: str) -> bytes:
    """The first page of an article split over two, its pager linking the second."""
    body = "".join(f"<p>{PARAGRAPH} ({n})</p>" for n in range(3))
    return html((f"<!DOCTYPE html><html lang=ar><head><meta charset=utf-8><title>{title}</title>"
                 f'<link rel="next" href="{next_href}"></head><body><article><h1>{title}</h1>{body}'
                 f'<div class="pagination">صفحة 1 من 2 <a href="{next_href}">2</a></div></article></body></html>'
                 ).encode())


def routes(outlet: str, elsewhere: str) -> dict[str, bytes]:
    """What the outlet answers for each path (with its query)."""
    answers = {
        # an article's later page is a request of its own, made past Scrapy's duplicate and offsite filters
        # (dont_filter): its redirect, or its meta refresh, off the outlet
        "/a/paged-3xx": paged("خبر من صفحتين", "/a/paged-3xx?page=2"),
        "/a/paged-3xx?page=2": redirect(f"{elsewhere}/part-redirect".encode()),
        "/a/paged-refresh": paged("خبر آخر من صفحتين", "/a/paged-refresh?page=2"),
        "/a/paged-refresh?page=2": refresh(f"{elsewhere}/part-refresh"),
        # a pager whose page 2 is on another host: no part of this article (held)
        "/a/paged-off": paged("خبر ثالث من صفحتين", f"{elsewhere}/a/paged-off?page=2"),
        # the edit watch: an archived article that now redirects off the outlet (see Sites.moved)
        "/a/moved": html(page("خبر سينتقل")),
        # a declared URL of 100,000 characters that matches article_urls, a byline of a megabyte, a huge lang
        "/a/long-canonical": html(page("خبر بعنوان معلن طويل", head=(
            f'<link rel="canonical" href="{outlet}/a/{"c" * 100_000}">'
            f'<meta name="author" content="{"كاتب " * 200_000}">')).replace(b"lang=ar", b"lang=ar" + b"x" * 50_000)),
        # text that looks like SQL, a path and a template (held: stored as text, files named by number)
        "/a/sql-title": html(page(SQL_TITLE)),
        # an answer with a second one behind it on a kept-alive connection; the next request must get its own
        "/a/pipelined": b"",  # written by the handler
        "/a/after-pipelined": html(page("خبر بعد جواب مزدوج")),
        # held: robots.txt and a sitemap index name sitemaps off the outlet
        "/robots.txt": raw(b"HTTP/1.1 200 OK", [b"Content-Type: text/plain", b"Connection: close"],
                           f"User-agent: *\nAllow: /\nSitemap: {elsewhere}/robots-map.xml\n".encode()),
        "/map-index.xml": xml('<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                              f"<sitemap><loc>{elsewhere}/child-off.xml</loc></sitemap>"
                              f"<sitemap><loc>{outlet}/child.xml</loc></sitemap></sitemapindex>"),
        "/child.xml": xml('<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                          f"<url><loc>{outlet}/a/map-ok</loc></url><url><loc>{elsewhere}/a/map-off</loc></url>"
                          "</urlset>"),
        "/a/map-ok": html(page("خبر من الخريطة")),
    }
    links = "".join(f'<a href="{path}">x</a>' for path in answers if path.startswith("/a/") and "?" not in path)
    answers["/"] = html(f"<html><body>{links}</body></html>".encode())
    return answers


def pipelined() -> bytes:
    """An article answer kept alive, with a whole second answer right behind it that no request asked for."""
    first = page("خبر بجواب مزدوج")
    forged = b"<html><body><h1>" + FORGED + b"</h1><p>" + FORGED * 20 + b"</p></body></html>"
    return (raw(b"HTTP/1.1 200 OK", [b"Content-Type: text/html; charset=utf-8", b"Content-Length: %d" % len(first),
                                     b"Connection: keep-alive"], first)
            + raw(b"HTTP/1.1 200 OK", [b"Content-Type: text/html; charset=utf-8",
                                       b"Content-Length: %d" % len(forged), b"Connection: keep-alive"], forged))


def trap_answer(path: str) -> bytes:
    """The trap outlet: every listing links TRAP_LINKS listings never seen before (a calendar's or a search's
    endless pages), and one story."""
    if path == "/robots.txt":
        return raw(b"HTTP/1.1 404 Not Found", [b"Content-Length: 0", b"Connection: close"], b"")
    if path.startswith("/story/"):
        return html(page("خبر من الفخ"))
    name = path.rsplit("/", 1)[-1]
    links = "".join(f'<a href="/list/{name}-{n}">{n}</a>' for n in range(TRAP_LINKS))
    return html(f'<html><body><a href="/story/{name}">s</a>{links}</body></html>'.encode())


def pipelined_reply(sites: Sites, answers: dict[str, bytes]) -> Reply:
    """``pipelined()`` on a connection kept alive, and a request the crawl then sends on it answered in turn."""

    def reply(sock: object) -> None:
        sock.sendall(pipelined())  # type: ignore[attr-defined]
        time.sleep(0.5)  # kept alive: a request the crawl sends on this connection is answered below
        again = read_head(sock)
        if again is not None:
            path = again.split(b" ", 2)[1].decode("latin-1")
            sites.paths.append(path)
            sock.sendall(answers.get(path, b""))  # type: ignore[attr-defined]

    return reply


@contextmanager
def serve() -> Iterator[Sites]:
    """Start the three hosts on loopback; stop them on exit."""
    sites = Sites()

    def answers(bases: dict[str, str]) -> Answer:
        table = routes(bases[HOST], bases[ELSEWHERE])

        def answer(host: str, _decoded: str, head: bytes) -> bytes | Reply:
            path = head.split(b" ", 2)[1].decode("latin-1")  # as sent, not percent-decoded
            if host == ELSEWHERE:
                sites.elsewhere_paths.append(path)
                return html(page("صفحة خارج المنفذ"))
            if host == TRAP:
                sites.trap_paths.append(path)
                return trap_answer(path)
            sites.paths.append(path)
            if path == "/a/pipelined":
                return pipelined_reply(sites, table)
            if path == "/a/moved" and sites.moved:
                return redirect(f"{sites.bases[ELSEWHERE]}/recrawl-moved".encode())
            return table.get(path, NOT_FOUND)

        return answer

    with serve_hosts((HOST, ELSEWHERE, TRAP), answers) as bases:
        sites.bases.update(bases)
        yield sites


__all__ = ["ELSEWHERE", "FORGED", "HOST", "SQL_TITLE", "TRAP", "TRAP_LINKS", "Sites", "serve"]

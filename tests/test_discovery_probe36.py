"""Four discovery faults a black-box probe found at stop 36, each checked by real crawls over loopback HTTP into a
real catalogue (or the sitemap parser on the bytes a site sends):

1. ``deny_urls`` held for feed and sitemap entries only where ``article_urls`` was set;
2. two outlets on one host that share a feed, a start page or the robots.txt ``Sitemap:`` line: the second one's
   request was dropped as a duplicate, and its articles never found;
3. ``CRAWL_SITEMAP_MAX_URLS`` took the first entries of a file without dates, known or not, every crawl: entries
   added after them were never reached;
4. a sitemap that starts with a UTF-8 byte order mark and a newline was taken as broken XML, so never remembered as
   read, and fetched again by every crawl.

The crawls of the four scenarios run at once (a module fixture), each on a site and a data folder of its own; a
scenario's crawls run one after another, and its test raises its outcome.
"""

from __future__ import annotations

import re
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from helpers import crawl_cli, reply, rows

from crawler.discovery.parsers import parse_feed, parse_sitemap

HOST = "127.0.0.136"  # no other test serves on it
NS = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
ONE_WORKER = ("-s", "EXTRACT_WORKERS=1")  # one extraction process to start, not one per core: these pages are few
WORDS = "اجتمع المجلس البلدي في مصراتة لبحث مشاريع الطرق والمياه في المدينة ونتائج الموسم الزراعي. "


class Site:
    """A loopback site: ``pages`` maps a path to (content type, body[, status]) or to a function of the site giving
    one; paths under ``articles`` not in it get an article page. Every path requested is kept, in order."""

    def __init__(self, pages: dict[str, tuple | Callable[[Site], tuple]], articles: tuple[str, ...]) -> None:
        self.pages, self.articles, self.hits, self.base = pages, articles, [], ""

    def handler(self) -> type[BaseHTTPRequestHandler]:
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                site.hits.append(self.path)
                page = site.pages.get(self.path)
                if callable(page):
                    page = page(site)
                if page is None and self.path.startswith(site.articles):
                    slug = self.path.strip("/").replace("/", " ")
                    page = ("text/html; charset=utf-8",
                            f"<html><head><title>خبر {slug}</title></head><body><article><h1>خبر {slug}</h1>"
                            f"<p>{slug}: {WORDS * 6}</p><p>{WORDS * 3}</p></article></body></html>")
                if page is None:
                    reply(self, 404, "text/plain", b"not found")
                    return
                kind, body, *status = page
                reply(self, *status or [200], kind, body.encode("utf-8") if isinstance(body, str) else body)

            def log_message(self, *args: object) -> None:
                pass

        return Handler

    def counts(self) -> Counter[str]:
        """How often each path was requested."""
        return Counter(self.hits)


@contextmanager
def serving(site: Site) -> Iterator[Site]:
    server = ThreadingHTTPServer((HOST, 0), site.handler())
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    site.base = f"http://{HOST}:{server.server_address[1]}"
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()


def _slowly(seconds: float, page: tuple[str, str]) -> tuple[str, str]:
    time.sleep(seconds)
    return page


def _seeds(path: Path, outlets: str) -> Path:
    path.write_text(outlets, encoding="utf-8")
    return path


def _urlset(base: str, paths: list[str], lastmods: list[str] | None = None) -> str:
    dates = lastmods or [""] * len(paths)
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset {NS}>'
            + "".join(f"<url><loc>{base}{p}</loc>{f'<lastmod>{d}</lastmod>' if d else ''}</url>"
                      for p, d in zip(paths, dates, strict=True))
            + "</urlset>")


def _rss(base: str, paths: list[str]) -> str:
    return ('<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>'
            + "".join(f"<item><title>{p}</title><link>{base}{p}</link></item>" for p in paths)
            + "</channel></rss>")


def _articles(data: Path) -> dict[str, str]:
    """Stored article path -> outlet."""
    return {re.sub(r"^http://[^/]+", "", r["url"]): r["outlet"] for r in rows(data, "select url, outlet from articles")}


def _stat(stderr: str, key: str) -> int:
    found = re.search(rf"'newsarchive/discovery/{key}': (\d+)", stderr)
    return int(found[1]) if found else 0


# -- 1. deny_urls holds for every entry ------------------------------------------------------------------------------

VIDEO = "/%D9%81%D9%8A%D8%AF%D9%8A%D9%88/3"  # /فيديو/3 as a sitemap escapes it


def deny_urls(tmp_path: Path) -> None:
    """README: "Empty: every feed and sitemap entry is an article" and deny_urls are "never fetched as articles or
    listings". Denied entries were fetched, archived and stored where article_urls was empty. A URL an earlier crawl
    left pending (a 503, before deny_urls named it) is settled, not fetched."""
    site = Site({"/robots.txt": ("text/plain", "User-agent: *\nAllow: /\n"),
                 "/video/old": ("text/plain", "busy", 503)}, ("/news/", "/video/", "/sport/", "/%D9"))
    site.pages["/old.xml"] = lambda s: ("application/rss+xml", _rss(s.base, ["/video/old"]))
    site.pages["/feed.xml"] = lambda s: ("application/rss+xml", _rss(s.base, ["/news/f1", "/video/f2", "/sport/f3"]))
    site.pages["/sitemap.xml"] = lambda s: ("application/xml",
                                            _urlset(s.base, ["/news/s1", "/video/s2", "/sport/s3", VIDEO]))
    data = tmp_path / "data"
    outlet = '''[[outlet]]
name = "nopatterns"
topic_filter = false
download_delay = 0
robots_sitemaps = false
'''
    with serving(site):
        before = crawl_cli(_seeds(tmp_path / "before.toml", f'{outlet}feeds = ["{site.base}/old.xml"]\n'), data,
                           "-s", "RETRY_TIMES=0", *ONE_WORKER)
        assert before.returncode == 0, before.stderr[-3000:]
        assert rows(data, "select status from frontier") == [{"status": "pending"}]  # 503: tried again next crawl
        since = len(site.hits)
        seeds = _seeds(tmp_path / "seeds.toml", f'''{outlet}feeds = ["{site.base}/feed.xml"]
sitemaps = ["{site.base}/sitemap.xml"]
deny_urls = ['/video/', '/sport/', '/فيديو/']
''')
        result = crawl_cli(seeds, data, *ONE_WORKER)
    assert result.returncode == 0, result.stderr[-3000:]
    fetched = [p for p in site.hits[since:] if not p.endswith((".xml", ".txt"))]
    assert sorted(fetched) == ["/news/f1", "/news/s1"], site.hits
    assert set(_articles(data)) == {"/news/f1", "/news/s1"}
    assert [(r["url"].rsplit("/", 2)[1:], r["status"], r["reason"]) for r in rows(
        data, "select url, status, reason from frontier where url not like '%/news/%'")] == [
        (["video", "old"], "done", "denied")]


# -- 2. two outlets on one host share its discovery documents -----------------------------------------------------


def shared_documents(tmp_path: Path) -> None:
    """Two sections of one site: both name its feed and its home page, and both read the Sitemap: line of its
    robots.txt. Each document is fetched once and read for both; each section gets its own articles; a story both
    sections' patterns match is fetched once and belongs to the outlet that read it first (the first configured).
    A third section reaches the sitemap through a slow index, after it was read: it is fetched again, for it."""
    feed = ["/libya/f1", "/sport/f1", "/libya/sport/9"]
    sitemap = ["/libya/s1", "/sport/s1", "/libya/sport/9", "/opinion/s1"]
    site = Site({}, ("/libya/", "/sport/", "/opinion/"))
    site.pages["/robots.txt"] = lambda s: ("text/plain", f"User-agent: *\nAllow: /\nSitemap: {s.base}/sitemap.xml\n")
    site.pages["/feed.xml"] = lambda s: ("application/rss+xml", _rss(s.base, feed))
    site.pages["/sitemap.xml"] = lambda s: ("application/xml", _urlset(s.base, sitemap))
    site.pages["/"] = ("text/html; charset=utf-8",
                       '<html><body><a href="/libya/h1">a</a> <a href="/sport/h1">b</a></body></html>')
    site.pages["/index.xml"] = lambda s: _slowly(1.5, ("application/xml", (
        f'<sitemapindex {NS}><sitemap><loc>{s.base}/sitemap.xml</loc></sitemap></sitemapindex>')))
    with serving(site):
        outlets = "".join(f'''[[outlet]]
name = "{name}"
feeds = ["{site.base}/feed.xml"]
start_urls = ["{site.base}/"]
article_urls = ['/{name}/']
topic_filter = false
download_delay = 0
''' for name in ("libya", "sport"))
        outlets += f'''[[outlet]]
name = "opinion"
sitemaps = ["{site.base}/index.xml"]
robots_sitemaps = false
article_urls = ['/opinion/']
topic_filter = false
download_delay = 0
'''
        result = crawl_cli(_seeds(tmp_path / "seeds.toml", outlets), tmp_path / "data", *ONE_WORKER)
    assert result.returncode == 0, result.stderr[-3000:]
    stored = _articles(tmp_path / "data")
    assert stored == {
        "/libya/f1": "libya", "/libya/s1": "libya", "/libya/h1": "libya", "/libya/sport/9": "libya",
        "/sport/f1": "sport", "/sport/s1": "sport", "/sport/h1": "sport", "/opinion/s1": "opinion",
    }, (stored, site.hits, result.stderr[-2000:])
    counts = site.counts()
    assert counts.pop("/sitemap.xml") == 2, site.hits  # read for libya and sport, then again for opinion
    assert all(n == 1 for n in counts.values()), counts  # robots.txt, the feed, the home page, every article
    assert not rows(tmp_path / "data", "select * from failures")


def test_a_document_asked_for_after_it_was_read_is_fetched_again_for_the_late_outlet_alone() -> None:
    """The registry behind the sharing: outlets that ask while a fetch is on its way wait on it; one that asks after
    it was read gets a fetch of its own (a new round, which the duplicate filter lets through); an outlet never gets
    one document twice."""
    from crawler.discovery.readers import Reader, Readers  # here: the file also runs on code from before it

    readers = Readers()
    a, b, c = Reader("a"), Reader("b", depth=2, lastmod="2025-06-28"), Reader("c")
    assert readers.join("sitemap http://h/s.xml", a) == ("fetch", 0)
    assert readers.join("sitemap http://h/s.xml", b) == ("wait", 0)
    assert readers.join("sitemap http://h/s.xml", a)[0] == "seen"
    assert readers.join("feed http://h/s.xml", b) == ("fetch", 0)  # another kind is another document
    assert readers.take("sitemap http://h/s.xml", 0, a) == [a, b]
    assert readers.join("sitemap http://h/s.xml", b)[0] == "seen"
    assert readers.join("sitemap http://h/s.xml", c) == ("fetch", 1)
    assert readers.take("sitemap http://h/s.xml", 1, c) == [c]
    assert readers.take("sitemap http://h/other.xml", 0, a) == [a]  # a request made elsewhere: its own outlet


# -- 3. the sitemap cap counts new entries ----------------------------------------------------------------------------


def sitemap_cap(tmp_path: Path) -> None:
    """A text sitemap (never dated) and an XML one without lastmod, each appended to between crawls, with
    CRAWL_SITEMAP_MAX_URLS=3: the first crawl takes 3 of 4, the second the 3 new ones (the 4th and two appended),
    where it took the same first 3 again for ever. A dated sitemap is still taken newest first."""
    listed = {"n": 4}
    site = Site({"/robots.txt": ("text/plain", "User-agent: *\nAllow: /\n")}, ("/t/", "/x/", "/d/"))
    site.pages["/sitemap.txt"] = lambda s: ("text/plain",
                                            "".join(f"{s.base}/t/{i}\n" for i in range(1, listed["n"] + 1)))
    site.pages["/sitemap.xml"] = lambda s: ("application/xml",
                                            _urlset(s.base, [f"/x/{i}" for i in range(1, listed["n"] + 1)]))
    site.pages["/dated.xml"] = lambda s: ("application/xml", _urlset(
        s.base, [f"/d/{i}" for i in range(1, 6)], [f"2025-06-{i:02d}" for i in range(1, 6)]))
    data = tmp_path / "data"
    with serving(site):
        seeds = _seeds(tmp_path / "seeds.toml", f'''[[outlet]]
name = "appender"
sitemaps = ["{site.base}/sitemap.txt", "{site.base}/sitemap.xml", "{site.base}/dated.xml"]
article_urls = ['/[txd]/\\d+$']
topic_filter = false
download_delay = 0
concurrency = 4
robots_sitemaps = false
''')
        first = crawl_cli(seeds, data, "-s", "CRAWL_SITEMAP_MAX_URLS=3", *ONE_WORKER)
        assert first.returncode == 0, first.stderr[-3000:]
        assert sorted(_articles(data)) == ["/d/3", "/d/4", "/d/5", "/t/1", "/t/2", "/t/3", "/x/1", "/x/2", "/x/3"]
        listed["n"] = 6
        second = crawl_cli(seeds, data, "-s", "CRAWL_SITEMAP_MAX_URLS=3", *ONE_WORKER)
        assert second.returncode == 0, second.stderr[-3000:]
    stored = set(_articles(data))
    assert {f"/{k}/{i}" for k in "tx" for i in range(1, 7)} <= stored, sorted(stored)
    assert {"/d/1", "/d/2"} <= stored  # the dated file's older two, once its newest were known
    assert _stat(first.stderr, "sitemap-capped") == 3  # each file left entries, and the log says how many
    assert re.search(r"sitemap\.txt: 3 new articles taken for appender \(CRAWL_SITEMAP_MAX_URLS\); the 1 entries",
                     first.stderr), first.stderr[-3000:]
    assert _stat(second.stderr, "sitemap-capped") == 0
    assert all(n == 1 for path, n in site.counts().items() if path[:3] in ("/t/", "/x/", "/d/")), site.hits


# -- 4. a byte order mark and a newline before the XML declaration --------------------------------------------------

LEADS = [b"", b"\xef\xbb\xbf", b"\xef\xbb\xbf\n", b"\n\xef\xbb\xbf", b"\xef\xbb\xbf\r\n \t", b"\r\n\xef\xbb\xbf\n"]


def test_a_sitemap_or_feed_with_a_mark_and_white_space_before_its_declaration_is_read_whole_and_clean() -> None:
    body = _urlset("http://h.example", ["/a/1", "/a/2", "/a/%D8%A3"]).encode()
    for lead in LEADS:
        doc = parse_sitemap(lead + body, "http://h.example/s.xml")
        assert (len(doc.links), doc.complete, doc.error) == (3, True, ""), (lead, doc)
        assert doc.links[2].url == "http://h.example/a/%D8%A3"
        assert [link.url for link in parse_feed(lead + _rss("http://h.example", ["/a/1"]).encode(),
                                                "http://h.example/f")] == ["http://h.example/a/1"]
    text = b"\n\xef\xbb\xbfhttp://h.example/a/1\nhttp://h.example/a/2\n"  # a text sitemap, mark after a blank line
    assert [link.url for link in parse_sitemap(text, "http://h.example/s.txt").links] == [
        "http://h.example/a/1", "http://h.example/a/2"]


def bom_child(tmp_path: Path) -> None:
    """WordPress sitemaps often start with a BOM and a newline; the child was logged as broken XML every crawl."""
    site = Site({"/robots.txt": ("text/plain", "User-agent: *\nAllow: /\n")}, ("/a/",))
    site.pages["/index.xml"] = lambda s: ("application/xml", (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex {NS}>'
        + "".join(f"<sitemap><loc>{s.base}/{t}.xml</loc><lastmod>2025-01-01T00:00:00Z</lastmod></sitemap>"
                  for t in ("clean", "bomnl"))
        + "</sitemapindex>"))
    site.pages["/clean.xml"] = lambda s: ("application/xml", _urlset(s.base, ["/a/c1", "/a/c2"]))
    site.pages["/bomnl.xml"] = lambda s: ("application/xml",
                                          b"\xef\xbb\xbf\n" + _urlset(s.base, ["/a/b1", "/a/b2"]).encode())
    data = tmp_path / "data"
    with serving(site):
        seeds = _seeds(tmp_path / "seeds.toml", f'''[[outlet]]
name = "wordpress"
sitemaps = ["{site.base}/index.xml"]
article_urls = ['/a/']
topic_filter = false
download_delay = 0
robots_sitemaps = false
''')
        for _ in range(2):
            result = crawl_cli(seeds, data, *ONE_WORKER)
            assert result.returncode == 0, result.stderr[-3000:]
            assert "XML declaration allowed only at the start" not in result.stderr
    assert site.counts()["/bomnl.xml"] == site.counts()["/clean.xml"] == 1, site.hits
    assert site.counts()["/index.xml"] == 2
    assert sorted(_articles(data)) == ["/a/b1", "/a/b2", "/a/c1", "/a/c2"]
    assert {r["url"].rsplit("/", 1)[1] for r in rows(data, "select url from sitemap_reads")} == {"clean.xml",
                                                                                                 "bomnl.xml"}


# -- the crawls, all at once --------------------------------------------------------------------------------------

SCENARIOS: dict[str, Callable[[Path], None]] = {
    "deny_urls": deny_urls,
    "shared_documents": shared_documents,
    "sitemap_cap": sitemap_cap,
    "bom_child": bom_child,
}
TESTS = {  # each test and the scenario whose outcome it raises
    "test_deny_urls_holds_for_feed_and_sitemap_entries_without_article_urls": "deny_urls",
    "test_two_outlets_on_one_host_each_read_a_shared_feed_start_page_and_robots_sitemap": "shared_documents",
    "test_the_sitemap_cap_counts_new_entries_so_entries_appended_later_are_reached": "sitemap_cap",
    "test_a_child_sitemap_with_a_mark_and_a_newline_is_remembered_and_not_fetched_again": "bom_child",
}


@pytest.fixture(scope="module")
def scenarios(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    """The scenarios this session's tests need, all at once, each with its own site (its own port) and data folder:
    a crawl's start-up is most of each one's time, and none is timed against another (the slow index of
    shared_documents is timed against its own crawl). A scenario's crawls run one after another in its thread, with
    its assertions; its test raises its outcome."""
    chosen = {TESTS[item.originalname] for item in request.session.items
              if item.module is request.module and item.originalname in TESTS}
    with ThreadPoolExecutor(max(1, len(chosen))) as pool:
        yield {name: pool.submit(SCENARIOS[name], tmp_path_factory.mktemp(name)) for name in sorted(chosen)}


def test_deny_urls_holds_for_feed_and_sitemap_entries_without_article_urls(scenarios: dict) -> None:
    scenarios["deny_urls"].result()


def test_two_outlets_on_one_host_each_read_a_shared_feed_start_page_and_robots_sitemap(scenarios: dict) -> None:
    scenarios["shared_documents"].result()


def test_the_sitemap_cap_counts_new_entries_so_entries_appended_later_are_reached(scenarios: dict) -> None:
    scenarios["sitemap_cap"].result()


def test_a_child_sitemap_with_a_mark_and_a_newline_is_remembered_and_not_fetched_again(scenarios: dict) -> None:
    scenarios["bom_child"].result()

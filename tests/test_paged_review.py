"""An article split over pages, second review (stop 38): what the first commit got wrong with the rest of the crawl.

One loopback crawl of a three-page article whose second page the feed lists before its first (so the second page is
stored as an article of its own before the first page's chain joins it: one row in the end, one text file), then a
``recrawl`` of that second page's URL (the article is fetched again from its first page: never replaced by its later
pages). The cheap look at a page's bytes before the parse for its later pages: it finds each CMS's pager, and
passes over what an ordinary page has (``logo-2.png``, ``/2019/05/``, WordPress's ``/?p=123``; it went to the parse
on three pages in four, 7 ms a page on the reactor thread, 0.15 ms now: /tmp/pr/cpu.py in the review's report).
And a scale-out worker's article result keeps the URLs of its parts on its way to the coordinator.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import pytest
from helpers import FAST, ROOT, crawl_cli, reply, rows

from archive.records import ExtractedArticle
from crawler.capture.operations import ArticleOp
from crawler.discovery.paged import continuation_parts, maybe_paged
from crawler.scaleout.wire import decode, encode

TITLE = "تقرير مطول عن نزوح العائلات من جنوب طرابلس بسبب الاشتباكات"
PAGES = {
    n: [f"{lead} في الصفحة {word} من التقرير عن محاور القتال جنوب العاصمة الليبية طرابلس."
        for lead in ("وقال شهود عيان إن القصف تواصل طوال الليل", "وأضافت مصادر طبية أن المستشفيات استقبلت جرحى")]
    for n, word in ((1, "الأولى"), (2, "الثانية"), (3, "الثالثة"))
}


class Site(BaseHTTPRequestHandler):
    slowed: set[str] = set()

    def log_message(self, *args):
        pass

    def do_GET(self):
        split = urlsplit(self.path)
        host = f"http://{self.headers['Host']}"
        if self.path == "/robots.txt":
            return reply(self, 200, "text/plain", b"User-agent: *\nAllow: /\n")
        if self.path == "/feed.xml":  # the second pages first, as a sitemap or feed may list them
            items = "".join(f"<item><title>{TITLE}</title><link>{host}{u}</link></item>"
                            for u in ("/story/7?page=2", "/story/8?page=2", "/story/7", "/story/8", "/story/9"))
            return reply(self, 200, "application/rss+xml", f'<rss version="2.0"><channel>{items}</channel></rss>'.encode())
        n = int(split.query.removeprefix("page=") or 1) if split.query in ("", "page=2", "page=3") else 0
        if split.path not in ("/story/7", "/story/8", "/story/9") or n not in PAGES:
            return reply(self, 404, "text/html", b"<html><body><h1>404</h1></body></html>")
        if self.path == "/story/8?page=2" and self.path not in Site.slowed:
            # its first answer (the feed's link) comes after its article's chain has fetched it and stored the article
            Site.slowed.add(self.path)
            time.sleep(1.5)
        pager = "".join(f'<li><a href="{split.path}{f"?page={i}" if i > 1 else ""}">{i}</a></li>' for i in PAGES)
        body = "".join(f"<p>{p} {split.path[-1]}</p>" for p in PAGES[n])
        html = (f'<html lang="ar"><head><meta charset="utf-8"><title>{TITLE} {split.path[-1]}</title></head><body>'
                f'<article><h1>{TITLE} {split.path[-1]}</h1><time>2019-05-12</time><div>صفحة {n} من 3</div>{body}'
                f'<ul class="pagination">{pager}</ul></article></body></html>')
        # story 9's last page is served as text/plain: a browser shows its markup as text, so it is no page to join
        served = "text/plain; charset=utf-8" if self.path == "/story/9?page=3" else "text/html; charset=utf-8"
        return reply(self, 200, served, html.encode())


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("pagedreview")
    server = ThreadingHTTPServer(("127.0.0.1", 0), Site)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    seeds = tmp / "seeds.toml"
    seeds.write_text(f'[[outlet]]\nname = "portal"\nfeeds = ["{base}/feed.xml"]\n'
                     "article_urls = ['/story/\\d+(\\?page=\\d+)?$']\ntopic_filter = false\ndownload_delay = 0\n",
                     encoding="utf-8")
    try:
        proc = crawl_cli(seeds, tmp / "data", "-s", "EXTRACT_WORKERS=1")
        assert proc.returncode == 0, proc.stderr[-3000:]
        first = rows(tmp / "data", "select id, url, text, versions, seq, text_file from articles")
        files = sorted(p.name for p in (tmp / "data" / "text").glob("*.txt"))
        recrawl = subprocess.run([sys.executable, "-m", "crawler.cli.main", "-q", "recrawl", f"{base}/story/7?page=2",
                                  "--seeds", str(seeds), "--data", str(tmp / "data"), *FAST, "-s", "EXTRACT_WORKERS=1"],
                                 cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)
        yield {"data": tmp / "data", "base": base, "first": first, "files": files, "recrawl": recrawl}
    finally:
        server.shutdown()


def _whole(story: int = 7) -> list[str]:
    return [f"{p} {story}" for p in PAGES[1] + PAGES[2] + PAGES[3]]


def test_a_part_met_first_as_an_article_is_one_row_with_the_article(crawled):
    # before: two rows, the second page's own (pages 2 and 3) beside the joined article (pages 1 to 3), when the
    # second page was stored first (story 7); when it was stored after (story 8), it became the article's text
    by_url = {r["url"]: r for r in crawled["first"]}
    base = crawled["base"]
    assert sorted(by_url) == [base + "/story/7", base + "/story/8", base + "/story/9"]
    for story in (7, 8):
        row = by_url[f"{base}/story/{story}"]
        assert (row["text"].split("\n"), row["versions"]) == (_whole(story), 1)
        found = rows(crawled["data"], "select url from article_aliases where how = 'page-part' and article_id = ?",
                     (row["id"],))
        assert {r["url"] for r in found} == {f"{base}/story/{story}?page={n}" for n in (2, 3)}
    assert crawled["files"] == sorted(r["text_file"].removeprefix("text/") for r in by_url.values())  # one each


def test_a_part_not_served_as_html_is_recorded_and_not_joined(crawled):
    # before: a later page served as text/plain was joined into the article (its markup read as a page's)
    base = crawled["base"]
    [row] = [r for r in crawled["first"] if r["url"] == base + "/story/9"]
    assert row["text"].split("\n") == [f"{p} 9" for p in PAGES[1] + PAGES[2]]
    [failure] = rows(crawled["data"], "select url, reason, detail from failures where reason = 'not-html'")
    assert failure["url"] == base + "/story/9?page=3" and "text/plain" in failure["detail"], failure
    assert base + "/story/9?page=3" in {r["url"] for r in rows(crawled["data"], "select url from captures")}


def test_recrawl_of_a_later_page_fetches_the_article_from_its_first_page(crawled):
    # before: the second page was stored as the article, a new version whose text lacked the first page
    assert crawled["recrawl"].returncode == 0, crawled["recrawl"].stderr[-3000:]
    [row] = rows(crawled["data"], "select url, text, versions from articles where url = ?", (crawled["base"] + "/story/7",))
    assert row["versions"] == 1
    assert row["text"].split("\n") == _whole()
    fetched = [r["url"] for r in rows(crawled["data"], "select url from captures order by id")]
    assert fetched[-4:] == [crawled["base"] + u for u in ("/story/7?page=2", "/story/7", "/story/7?page=2",
                                                          "/story/7?page=3")]


def test_a_workers_article_keeps_its_parts_on_the_wire():
    # before: part_urls were not encoded, so the coordinator stored the joined article without its page-part aliases
    url = "http://news.example/story/7"
    article = ExtractedArticle(url=url, title=TITLE, paragraphs=tuple(_whole()))
    op = ArticleOp("portal", url, "<urn:uuid:1>", article, part_urls=(url + "?page=2", url + "?page=3"))
    back, _ = decode(json.loads(json.dumps(encode(op))))
    assert back == op and back.part_urls == op.part_urls


# -- the cheap look at the bytes ---------------------------------------------------------------------------------------

PAGED = [  # (the page's URL, a pager link as the page prints it)
    ("http://news.example/index.php/news/5-x", '<a href="/index.php/news/5-x?start=1">2</a>'),
    ("http://news.example/index.php/news/5-x", '<div class="pagenav"><a href="/index.php/news/5-x?limitstart=1">التالي</a></div>'),
    ("http://news.example/index.php?option=com_content&view=article&id=5",
     '<a href="/index.php?option=com_content&amp;view=article&amp;id=5&amp;limitstart=1">التالي</a>'),
    ("http://news.example/read.php?id=77", '<div>صفحة 1 من 3</div><a href="/read.php?id=77&amp;page=2">2</a>'),
    ("http://news.example/read.php?id=77", '<div>صفحة 1 من 3</div><a href="?id=77&amp;page=2">2</a>'),
    ("http://news.example/2019/05/story/", '<div class="page-links"><a href="http://news.example/2019/05/story/2/">2</a></div>'),
    ("http://news.example/art/story_1234.html", '<a rel="next" href="/art/story_1234_2.html">التالي</a>'),
    ("http://news.example/?p=1234", '<a href="/?p=1234&amp;page=2">2</a>'),
    ("http://news.example/news/%D8%AE%D8%A8%D8%B1", '<a class="next" href="/news/خبر?page=2">التالي</a>'),
]


@pytest.mark.parametrize(("url", "pager"), PAGED)
def test_the_cheap_look_lets_every_cms_pager_through(url, pager):
    html = f"<html><body><h1>عنوان</h1><p>نص الخبر</p>{pager}</body></html>"
    assert continuation_parts(url, html), "the parse finds the page"
    assert maybe_paged(html.encode(), url)


def test_the_cheap_look_passes_over_an_ordinary_page():
    # before: any "-2.png", "/05/" or "&p=" anywhere sent the page to the parse (three pages in four)
    html = ('<html><body><img src="/img/logo-2.png"><a href="/2019/05/">مايو</a><a href="/?p=123">رابط</a>'
            '<a href="/search?q=x&amp;p=5">بحث</a><a href="/news/other-story?page=2">خبر</a><h1>عنوان</h1>'
            '<p>نص الخبر</p></body></html>')
    assert not continuation_parts("http://news.example/news/this-story", html)
    assert not maybe_paged(html.encode(), "http://news.example/news/this-story")

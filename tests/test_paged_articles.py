"""An article split over pages is stored whole (crawler/discovery/paged.py, crawler/spiders/parts.py,
crawler/capture/paged.py, crawler/capture/part_aliases.py).

Detection on pages of several CMS patterns (Joomla's ``?start=`` index and ``?limitstart=`` pager, ``?page=2`` under a
"صفحة 1 من 3" counter, WordPress's ``/2/``, ``_2.html``, ``rel="next"``), and what is no article's page: a listing's
pager, a "next article" link, a comments pager, a post id. The join: repeated headline and lead dropped, a part with
another headline left out. One loopback crawl of a four-page article whose third page is gone (404) and whose fourth
robots.txt forbids, then two re-crawls (unchanged, then a changed part). The e2e K2 items are in
tests/test_e2e_altsites11.py.
"""

from __future__ import annotations

import re
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import pytest
from helpers import FAST, ROOT, crawl_cli, reply, rows

from archive.records import ExtractedArticle, ExtractionFailure
from crawler.capture.paged import join, same_headline
from crawler.discovery.paged import continuation_parts

BASE = "http://news.example"


def _page(body: str, head: str = "") -> str:
    return f"<html><head>{head}</head><body><h1>عنوان</h1>{body}</body></html>"


def _found(url: str, html: str) -> list[tuple[str, int]]:
    return [(p.url.removeprefix(BASE), p.number) for p in continuation_parts(url, html)]


# -- detection: an article's own pages -----------------------------------------------------------------------------


def test_joomla_article_index_and_pager_are_one_series():
    html = _page('<div class="article-index"><ul><li><a href="/a/5-x">عنوان</a></li><li><a href="/a/5-x?start=1">'
                 'صفحة 2</a></li><li><a href="/a/5-x?start=2">صفحة 3</a></li></ul></div><p>نص</p>'
                 '<ul class="pager pagenav"><li class="next"><a href="/a/5-x?limitstart=1">التالي</a></li></ul>')
    assert _found(BASE + "/a/5-x", html) == [("/a/5-x?start=1", 1), ("/a/5-x?start=2", 2)]


def test_page_parameter_beside_a_counter():
    html = _page('<p>نص</p><div>صفحة 1 من 3</div><a href="/read.php?id=77&amp;page=2">2</a>'
                 '<a href="/read.php?id=77&amp;page=3">3</a><a href="/read.php?id=78">خبر آخر</a>')
    assert _found(BASE + "/read.php?id=77", html) == [("/read.php?id=77&page=2", 2), ("/read.php?id=77&page=3", 3)]


def test_p_parameter_and_next_words():
    html = _page('<p>نص</p><a href="/news.asp?nid=9&amp;p=2">الصفحة التالية</a>')
    assert _found(BASE + "/news.asp?nid=9", html) == [("/news.asp?nid=9&p=2", 2)]


def test_wordpress_nextpage_path_segment():
    html = _page('<p>نص</p><div class="page-links">الصفحات: <span>1</span> <a href="/2019/05/story/2/">2</a>'
                 ' <a href="/2019/05/story/3/">3</a></div>')
    assert _found(BASE + "/2019/05/story/", html) == [("/2019/05/story/2/", 2), ("/2019/05/story/3/", 3)]


def test_numbered_html_file_and_rel_next():
    html = _page("<p>نص</p>", head='<link rel="next" href="/art/story_1234_2.html">')
    assert _found(BASE + "/art/story_1234.html", html) == [("/art/story_1234_2.html", 2)]


def test_later_part_reads_its_links_against_the_first_page():
    html = _page('<ul class="pagination"><li><a href="/a/5-x">1</a></li><li><a href="/a/5-x?limitstart=2">3</a>'
                 "</li></ul>")
    parts = continuation_parts(BASE + "/a/5-x?limitstart=1", html, BASE + "/a/5-x")
    assert [(p.url.removeprefix(BASE), p.number) for p in parts] == [("/a/5-x?limitstart=2", 2)]


# -- detection: no article's own pages -----------------------------------------------------------------------------


def test_a_listing_pager_is_not_an_articles_pages():
    teasers = "".join(f'<h3><a href="/news/{n}">خبر رقم {n}</a></h3><p>ملخص</p>' for n in range(1, 9))
    html = _page(teasers + '<ul class="pagination"><li><a href="/news?page=2">2</a></li>'
                 '<li><a href="/news?page=3">التالي</a></li></ul>')
    assert _found(BASE + "/news", html) == []


def test_a_next_article_link_is_not_a_page():
    html = _page('<p>نص</p><div class="post-navigation"><a rel="next" href="/news/1235">الخبر التالي</a>'
                 '<a href="/art/story_1235.html">التالي</a><a href="/?p=1235">next</a></div>',
                 head='<link rel="next" href="/news/1235">')
    assert _found(BASE + "/news/1234", html) == []
    assert _found(BASE + "/?p=1234", html) == []  # ?p= as WordPress's post id is no page number
    blogger = _page('<p>نص</p><div class="blog-pager"><a class="blog-pager-newer-link" href="/2024/04/blog-post_4.html">'
                    'رسالة أحدث</a><a class="blog-pager-older-link" href="/2024/04/blog-post_2.html">2</a></div>')
    assert _found(BASE + "/2024/04/blog-post_3.html", blogger) == []  # Blogger's other posts of a month
    assert _found(BASE + "/2024/04/blog-post.html", blogger.replace("post_4", "post_5")) == []


def test_a_comments_pager_is_not_a_page():
    html = _page('<p>نص</p><div id="comments"><h3>التعليقات</h3><ul class="pager"><li><a href="/node/5?page=1">2'
                 '</a></li><li><a href="/node/5?page=1">التالي</a></li></ul></div>'
                 '<a href="/2019/05/story/comment-page-2/">2</a><a href="/node/5?page=2#comments">3</a>')
    assert _found(BASE + "/node/5", html) == []
    assert _found(BASE + "/2019/05/story/", html) == []


def test_an_unmarked_link_of_the_same_path_is_not_a_page():
    html = _page('<p>نص</p><a href="/read.php?id=77&amp;page=2">اقرأ أيضا عن الموضوع</a>')
    assert _found(BASE + "/read.php?id=77", html) == []


# -- the join --------------------------------------------------------------------------------------------------------


def _article(url: str, title: str, *paragraphs: str) -> ExtractedArticle:
    return ExtractedArticle(url=url, title=title, paragraphs=paragraphs, published="2019-05-12")


def test_join_keeps_order_drops_the_repeats_and_leaves_out_another_story():
    first = _article("u1", "اشتباكات في الجنوب", "الفقرة الأولى من الخبر.", "الفقرة الثانية.")
    parts = [("u2", _article("u2", "اشتباكات في الجنوب - صفحة 2", "اشتباكات في الجنوب", "الفقرة الأولى من الخبر.",
                             "صفحة 2 من 3", "الفقرة الثالثة.")),
             ("u3", ExtractionFailure("u3", "no-text", "under 120 characters")),
             ("u4", _article("u4", "خبر آخر تماما عن الطقس", "فقرة عن الطقس.")),
             ("u5", _article("u5", "اشتباكات في الجنوب", "الفقرة الرابعة."))]
    article, joined, skipped = join(first, parts)
    assert article.paragraphs == ("الفقرة الأولى من الخبر.", "الفقرة الثانية.", "الفقرة الثالثة.", "الفقرة الرابعة.")
    assert (article.url, article.title, article.published) == ("u1", "اشتباكات في الجنوب", "2019-05-12")
    assert joined == ["u2", "u5"]
    assert [(u, r) for u, r, _ in skipped] == [("u3", "no-text"), ("u4", "not-a-part")]


def test_same_headline_allows_a_page_suffix_only():
    assert same_headline("قصف جوي على ترهونة", "قصف جوي على ترهونة - الصفحة 2")
    assert same_headline("قصف جوي على ترهونة", "قصف جوي على ترهونة (صفحة ٣)")
    assert not same_headline("قصف جوي على ترهونة", "قصف جوي على غريان")


# -- one loopback crawl: a part gone, a part forbidden; re-crawls ------------------------------------------------------

TITLE = "اشتباكات عنيفة جنوب طرابلس بين قوات الوفاق وقوات حفتر"
PAGES = {
    1: ["اندلعت اشتباكات عنيفة صباح اليوم في محور عين زارة جنوب العاصمة الليبية طرابلس بين قوات حكومة الوفاق "
        "وقوات حفتر، استخدمت فيها المدفعية الثقيلة والصواريخ.", "وقال مصدر عسكري إن القتال امتد إلى محيط المطار."],
    2: ["وأضاف المصدر أن عشرات العائلات نزحت من منازلها في وادي الربيع وقصر بن غشير نحو وسط المدينة.",
        "وطالبت البعثة الأممية بوقف فوري لإطلاق النار وفتح ممرات إنسانية آمنة للمدنيين العالقين."],
    3: ["هذه الصفحة حذفت من الموقع."],
    4: ["وهذه الصفحة يمنعها ملف robots.txt عن الزواحف."],
}


class Site(BaseHTTPRequestHandler):
    pages = {n: list(p) for n, p in PAGES.items()}
    log: list[str] = []

    def log_message(self, *args):
        pass

    def do_GET(self):
        Site.log.append(self.path)
        split = urlsplit(self.path)
        if self.path == "/robots.txt":
            return reply(self, 200, "text/plain", b"User-agent: *\nDisallow: /news/1?page=4\n")
        if self.path == "/feed.xml":
            item = f"<item><title>{TITLE}</title><link>http://{self.headers['Host']}/news/1</link></item>"
            return reply(self, 200, "application/rss+xml", f'<rss version="2.0"><channel>{item}</channel></rss>'.encode())
        m = re.fullmatch(r"page=(\d)", split.query or "page=1")
        if split.path != "/news/1" or not m or int(m[1]) == 3:
            return reply(self, 404, "text/html", b"<html><body><h1>404</h1></body></html>")
        n = int(m[1])
        pager = "".join(f'<li><a href="/news/1{f"?page={i}" if i > 1 else ""}">{i}</a></li>' for i in range(1, 5))
        body = "".join(f"<p>{p}</p>" for p in Site.pages[n])
        html = (f'<html lang="ar"><head><meta charset="utf-8"><title>{TITLE}</title></head><body><article>'
                f"<h1>{TITLE}</h1><time>2019-05-12</time><div class=\"counter\">صفحة {n} من 4</div>{body}"
                f'<ul class="pagination">{pager}<li><a href="/news/1?page={n + 1}">التالي</a></li></ul></article>'
                '<aside><h3>الأكثر قراءة</h3><a href="/news/2">خبر آخر</a></aside></body></html>')
        return reply(self, 200, "text/html; charset=utf-8", html.encode())


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("paged")
    server = ThreadingHTTPServer(("127.0.0.1", 0), Site)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    seeds = tmp / "seeds.toml"
    seeds.write_text(f'[[outlet]]\nname = "portal"\nfeeds = ["{base}/feed.xml"]\narticle_urls = [\'/news/\\d+$\']\n'
                     "topic_filter = false\ndownload_delay = 0\n", encoding="utf-8")
    try:
        proc = crawl_cli(seeds, tmp / "data", "-s", "EXTRACT_WORKERS=1")
        yield {"proc": proc, "data": tmp / "data", "base": base, "seeds": seeds}
    finally:
        server.shutdown()


def recrawl(crawled, *args: str) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "crawler.cli.main", "-q", "recrawl", *args, "--seeds", str(crawled["seeds"]),
           "--data", str(crawled["data"]), *FAST, "-s", "EXTRACT_WORKERS=1"]
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)


def _article_rows(crawled):
    return rows(crawled["data"], "select id, url, text, versions from articles")


def test_the_article_is_stored_once_with_the_pages_that_came(crawled):
    assert crawled["proc"].returncode == 0, crawled["proc"].stderr[-3000:]
    [row] = _article_rows(crawled)
    assert row["url"] == crawled["base"] + "/news/1"
    assert row["text"].split("\n") == PAGES[1] + PAGES[2]
    assert not any("صفحة" in line for line in row["text"].split("\n"))


def test_the_parts_are_aliases_and_archived(crawled):
    base = crawled["base"]
    aliases = rows(crawled["data"], "select url, how from article_aliases")
    assert {"url": base + "/news/1?page=2", "how": "page-part"} in aliases
    captured = {r["url"] for r in rows(crawled["data"], "select url from captures")}
    assert {base + "/news/1?page=2", base + "/news/1?page=3"} <= captured
    assert base + "/news/1?page=4" not in captured and "/news/1?page=4" not in Site.log


def test_a_failed_part_leaves_a_failure_row_naming_it(crawled):
    base = crawled["base"]
    failures = {(r["url"], r["reason"]): r["detail"] for r in rows(crawled["data"], "select * from failures")}
    assert (base + "/news/1?page=3", "http-404") in failures
    assert (base + "/news/1?page=4", "robots-disallowed") in failures
    assert base + "/news/1" in failures[(base + "/news/1?page=3", "http-404")]


def test_recrawl_unchanged_then_a_changed_part_is_a_new_version(crawled):
    url = crawled["base"] + "/news/1"
    unchanged = recrawl(crawled, url)
    assert "unchanged" in unchanged.stdout, unchanged.stdout + unchanged.stderr[-2000:]
    assert _article_rows(crawled)[0]["versions"] == 1
    Site.pages[2][1] = "وأعلنت البعثة الأممية لاحقا عن هدنة إنسانية لمدة ساعتين يوميا."
    changed = recrawl(crawled, url)
    [row] = _article_rows(crawled)
    assert row["versions"] == 2, changed.stdout + changed.stderr[-2000:]
    assert row["text"].split("\n")[-1] == Site.pages[2][1]

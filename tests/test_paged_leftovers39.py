"""An article split over pages: stop 38's leftovers closed (crawler/spiders/parts.py, crawler/spiders/part_checks.py,
crawler/discovery/paged.py, crawler/capture/paged.py, crawler/capture/part_aliases.py, crawler/capture/part_dedupe.py).

One loopback crawl of a site with six articles split over pages, then one conditional re-crawl of two of them:

* /a/1 and /a/2 answer with ETags: a conditional re-check whose first page answers 304 checks the later pages too
  (conditionally), so an edit on /a/1's second page alone is a new version; /a/2, every page 304, is none;
* /c/1's and /c/2's pager is a comments pager outside any comments block (``<div id="ptop"><a href="?p=2">``), beside
  a comment list (/c/1) or with nothing in the markup to tell (/c/2): its page 2 is the same story with other
  comments, not joined, and the chain stops there;
* every ``?page=N`` of /r/1 shows page 1 with a "next" link: one fetch that adds nothing, not 20, and no aliases;
* /x/1's second page redirects (its alias is the URL the article linked, where it led said in the detail) and its
  third redirects to a 404 (the failure names the linked URL).

And ``dedupe`` on a catalogue built in-process: a later page stored as an article of its own (by the first stop 38
commit) is folded into its article, by its ``page-part`` alias or by the article's join.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
import threading
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import pytest
from helpers import FAST, ROOT, crawl_cli, rows

from archive.catalogue import aliases
from archive.catalogue.db import Catalogue
from archive.corpus import textfiles
from archive.records import Exchange, ExtractedArticle, Relevance, WarcLocation
from crawler.capture.dedupe import dedupe
from crawler.capture.paged import join
from crawler.discovery.paged import continuation_parts


def _para(topic: str, n: int, k: int) -> str:
    return (f"{topic}: وقال مصدر محلي في الفقرة رقم {k} من الصفحة رقم {n} إن الأوضاع في المدينة ما زالت متوترة "
            f"وإن السكان ينتظرون ما ستسفر عنه المفاوضات الجارية بين الأطراف المتنازعة منذ أسابيع.")


TOPICS = {"a/1": "النزوح من جنوب طرابلس", "a/2": "انقطاع الكهرباء في بنغازي", "c/1": "أسعار الخبز في مصراتة",
          "c/2": "امتحانات الشهادة الثانوية", "r/1": "حركة الطيران في مطار معيتيقة", "x/1": "موسم الحصاد في الجفرة",
          "o/1": "ترميم المدينة القديمة في غدامس"}
TITLES = {k: f"تقرير عن {v} في ليبيا هذا الأسبوع" for k, v in TOPICS.items()}
PAGES = {(k, n): [_para(TOPICS[k], n, i) for i in (1, 2)] for k in TOPICS for n in (1, 2, 3)}
COMMENTS = {n: [f"تعليق القارئ رقم {n}{i}: أشكركم على هذا التقرير المفيد جدا عن أوضاع الطلاب." for i in (1, 2)]
            for n in (1, 2, 3)}


class Site(BaseHTTPRequestHandler):
    log: list[tuple[str, bool]] = []  # (path, sent If-None-Match)

    def log_message(self, *args):
        pass

    def _send(self, status: int, body: bytes = b"", etag: bool = False, location: str = "") -> None:
        tag = f'"{hashlib.sha1(body).hexdigest()}"'
        if etag and self.headers.get("If-None-Match") == tag:
            status, body = 304, b""
        self.send_response(status)
        if status != 304:
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
        if etag:
            self.send_header("ETag", tag)
        if location:
            self.send_header("Location", location)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        Site.log.append((self.path, "If-None-Match" in self.headers))
        host, split = f"http://{self.headers['Host']}", urlsplit(self.path)
        if self.path == "/robots.txt":
            return self._send(200, b"User-agent: *\nAllow: /\n")
        if self.path == "/feed.xml":
            items = "".join(f"<item><title>{TITLES[k]}</title><link>{host}/{k}</link></item>" for k in TITLES)
            return self._send(200, f'<rss version="2.0"><channel>{items}</channel></rss>'.encode())
        key = split.path.strip("/")
        if key == "x/1" and split.query in ("page=2", "page=3"):  # moved: one to its new address, one to nowhere
            return self._send(302, location=f"{host}/x/1/{'two' if split.query == 'page=2' else 'gone'}")
        if key == "x/1/two":
            return self._send(200, self._page("x/1", 2, "/x/1", 3))
        if key not in TITLES or split.query not in ("", "page=1", "page=2", "page=3", "p=2", "p=3"):
            return self._send(404, b"<html><body><h1>404</h1></body></html>")
        n = int(split.query[-1]) if split.query else 1
        return self._send(200, self._page(key, n, split.path, 3), etag=key.startswith("a/"))

    @staticmethod
    def _page(key: str, n: int, path: str, last: int) -> bytes:
        story = PAGES[(key, n)]
        pager = "".join(f'<li><a href="{path}{f"?page={i}" if i > 1 or key == "o/1" else ""}">{i}</a></li>'
                        for i in range(1, last + 1))  # o/1's pager links its first page as ?page=1
        below = f'<ul class="pagination">{pager}</ul>'
        if key == "r/1":  # every page number shows page 1, with a "next" link to the one after
            story, below = PAGES[(key, 1)], f'<a href="{path}?page={n + 1}">التالي</a>'
        if key.startswith("c/"):  # the story, then the readers' comments, paged; the story is page 1's on every page
            notes = "".join(f"<p>{c}</p>" for c in COMMENTS[n])
            story = PAGES[(key, 1)]
            ptop = '<div id="ptop"><a href="?p=1">1</a> <a href="?p=2">2</a> <a href="?p=3">3</a></div>'
            below = (f'{ptop}<ol class="commentlist">{notes}</ol>' if key == "c/1"
                     else f'{ptop}<div class="box">{notes}</div>')
        body = "".join(f"<p>{p}</p>" for p in story)
        return (f'<html lang="ar"><head><meta charset="utf-8"><title>{TITLES[key]}</title></head><body>'
                f"<article><h1>{TITLES[key]}</h1><time>2019-05-12</time>{body}</article>{below}"
                '<aside><h3>الأكثر قراءة</h3><a href="/news/2">خبر آخر</a></aside></body></html>').encode()


def _cmd(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "crawler.cli.main", "-q", *args, *FAST, "-s", "EXTRACT_WORKERS=1"],
                          cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("leftovers39")
    server = ThreadingHTTPServer(("127.0.0.1", 0), Site)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    seeds = tmp / "seeds.toml"
    seeds.write_text(f'[[outlet]]\nname = "portal"\nfeeds = ["{base}/feed.xml"]\narticle_urls = [\'/[acrxo]/\\d+$\']\n'
                     "topic_filter = false\ndownload_delay = 0\n", encoding="utf-8")
    try:
        crawl = crawl_cli(seeds, tmp / "data", "-s", "EXTRACT_WORKERS=1")
        assert crawl.returncode == 0, crawl.stderr[-3000:]
        first = {r["url"].removeprefix(base + "/"): r for r in rows(tmp / "data", "select * from articles")}
        fetched = list(Site.log)
        Site.log.clear()
        PAGES[("a/1", 2)][1] = "وأعلنت البعثة الأممية لاحقا عن هدنة إنسانية لمدة ساعتين يوميا في محاور القتال كلها."
        recheck = _cmd("recrawl", "--conditional", f"{base}/a/1", f"{base}/a/2", "--seeds", str(seeds),
                       "--data", str(tmp / "data"))
        yield {"data": tmp / "data", "base": base, "first": first, "fetched": fetched, "recheck": recheck,
               "rechecked": list(Site.log)}
    finally:
        server.shutdown()


def _aliases(site, key: str) -> dict[str, str]:
    found = rows(site["data"], "select al.url, al.detail from article_aliases al join articles a on a.id = al.article_id "
                               "where al.how = 'page-part' and a.url = ?", (f"{site['base']}/{key}",))
    return {r["url"].removeprefix(site["base"] + "/"): r["detail"] for r in found}


def _failures(site) -> dict[tuple[str, str], str]:
    return {(r["url"].removeprefix(site["base"] + "/"), r["reason"]): r["detail"]
            for r in rows(site["data"], "select url, reason, detail from failures")}


# -- 1. a conditional re-check checks the later pages too ---------------------------------------------------------------


def test_a_conditional_recheck_finds_an_edit_on_a_later_page_alone(site):
    # before: the first page's 304 ended the re-check, so the edit on /a/1?page=2 was never seen (one version)
    assert site["recheck"].returncode == 0, site["recheck"].stderr[-3000:]
    assert site["first"]["a/1"]["text"].split("\n") == PAGES[("a/1", 1)] + PAGES[("a/1", 2)][:1] + [
        _para(TOPICS["a/1"], 2, 2)] + PAGES[("a/1", 3)]
    [row] = rows(site["data"], "select text, versions from articles where url = ?", (site["base"] + "/a/1",))
    assert row["versions"] == 2, site["rechecked"]
    assert row["text"].split("\n") == PAGES[("a/1", 1)] + PAGES[("a/1", 2)] + PAGES[("a/1", 3)]
    # the later pages were asked conditionally (their own validators); /a/2's answered 304 and it is no new version
    asked = site["rechecked"]
    assert ("/a/2?page=2", True) in asked and ("/a/2?page=3", True) in asked and ("/a/1?page=2", True) in asked
    assert rows(site["data"], "select versions from articles where url = ?", (site["base"] + "/a/2",))[0][
        "versions"] == 1
    assert [p for p, _ in asked].count("/a/2") == 1  # no whole fetch of an unchanged article


# -- 2. a comments pager outside any comments block ---------------------------------------------------------------------


def test_a_pager_beside_comments_is_still_a_candidate():
    # the markup cannot tell a comments pager above a comment list from an article's own pager at the story's end
    # above the comments (tests/altsites7's long read): both are candidates, and the first part fetched tells
    html = ('<html><body><article><h1>عنوان</h1><p>نص</p></article><div id="ptop"><a href="?p=2">2</a></div>'
            '<ol class="commentlist"><li>تعليق</li></ol></body></html>')
    assert [p.number for p in continuation_parts("http://news.example/c/1", html)] == [2]
    own = ('<html><body><div class="article"><h1>عنوان</h1><div class="text"><p>نص</p></div>'
           '<div class="article-pages">صفحات المقال: <strong>1</strong> <a href="/c/1?page=2">2</a></div>'
           '<div class="comments"><h3>أضف تعليقك</h3><form><textarea></textarea></form></div></div></body></html>')
    assert [p.number for p in continuation_parts("http://news.example/c/1", own)] == [2]


def test_a_comments_pager_adds_nothing_and_is_not_followed(site):
    # before: ?p=2 and ?p=3 were fetched as the article's pages, kept as its aliases, their comments joined
    fetched = [p for p, _ in site["fetched"]]
    for key in ("c/1", "c/2"):  # fetched once, then the chain stopped: the part is the story again
        assert f"/{key}?p=2" in fetched and f"/{key}?p=3" not in fetched, fetched
    for key in ("c/1", "c/2"):
        assert _aliases(site, key) == {}
        text = site["first"][key]["text"]
        assert not any(c in text for c in COMMENTS[2] + COMMENTS[3])
    for key in ("c/1", "c/2"):
        assert "repeats the first page's story" in _failures(site)[(f"{key}?p=2", "not-a-part")]


def _blocks_of(story: list[str], extra: str = ""):
    # new at stop 39: imported here, so the file runs on the tree before (each test failing on its own)
    from crawler.discovery.paged import text_blocks

    teasers = "".join(f"<p>{_para('خبر آخر من الأخبار الأكثر قراءة', 9, i)} وتفاصيل أخرى كثيرة.</p>" for i in range(4))
    return text_blocks(f'<html><body><div class="top">{teasers}</div><h1>عنوان</h1>'
                       f'{"".join(f"<p>{p}</p>" for p in story)}{extra}<div class="box">{teasers}</div></body></html>')


def test_a_later_page_is_no_repeat_of_the_first_whatever_sits_around_it():
    # a page 2 that repeats the lead, under the same long teasers (more text than the story) above and below it
    from crawler.discovery.paged import adds_nothing, repeats_first

    one, two = PAGES[("a/1", 1)], PAGES[("a/1", 2)]
    first = _blocks_of(one)
    for part in (_blocks_of(two), _blocks_of(one[:1] + two)):
        assert not repeats_first(part, first) and not adds_nothing(part, set(first.runs), first)
    comments = _blocks_of(one, "".join(f"<p>{c}</p>" for c in COMMENTS[2]))
    assert repeats_first(comments, first) and not adds_nothing(comments, set(first.runs), first)
    assert adds_nothing(_blocks_of(one, '<a href="?page=3">التالي</a>'), set(first.runs), first)


def test_the_join_leaves_out_a_part_that_repeats_the_story():
    first = ExtractedArticle("u1", "عنوان الخبر الطويل هنا", ("الفقرة الأولى من الخبر.", "الفقرة الثانية من الخبر."))
    again = ExtractedArticle("u2", "عنوان الخبر الطويل هنا", first.paragraphs + ("تعليق قارئ: شكرا لكم.",))
    lead = ExtractedArticle("u3", "عنوان الخبر الطويل هنا", ("الفقرة الأولى من الخبر.", "الفقرة الثالثة."))
    article, joined, skipped = join(first, [("u2", again), ("u3", lead)])
    assert joined == ["u3"] and [(u, r) for u, r, _ in skipped] == [("u2", "not-a-part")]
    assert article.paragraphs == first.paragraphs + ("الفقرة الثالثة.",)


# -- 3. every page number shows page 1 ----------------------------------------------------------------------------------


def test_a_site_showing_page_one_for_every_page_costs_one_fetch(site):
    # before: 20 fetches (?page=2 .. ?page=21), each URL kept as an alias of the article
    fetched = [p for p, _ in site["fetched"] if p.startswith("/r/1")]
    assert fetched == ["/r/1", "/r/1?page=2"]
    assert _aliases(site, "r/1") == {}
    assert site["first"]["r/1"]["text"].split("\n") == PAGES[("r/1", 1)]
    assert "its text is that of the pages before it" in _failures(site)[("r/1?page=2", "not-a-part")]


# -- 4. a part that redirects is named by the URL the article linked ----------------------------------------------------


def test_a_pager_linking_page_one_by_its_number_loses_no_page(site):
    # before (stop 39's first take on the chain): ?page=1, page 1 again, was taken for "adds nothing" and ended the
    # chain, so pages 2 and 3 were never fetched (a black-box probe, stop 39)
    fetched = [p for p, _ in site["fetched"]]
    assert "/o/1?page=2" in fetched and "/o/1?page=3" in fetched
    text = site["first"]["o/1"]["text"]
    assert all(p in text for n in (1, 2, 3) for p in PAGES[("o/1", n)])
    assert set(_aliases(site, "o/1")) >= {"o/1?page=2", "o/1?page=3"}


def test_a_redirected_part_is_named_by_the_linked_url(site):
    # before: the alias was /x/1/two (where it led) and the failure's detail did not say where it led
    base = site["base"]
    assert _aliases(site, "x/1") == {"x/1?page=2": f"a later page of {base}/x/1, redirected to {base}/x/1/two"}
    assert site["first"]["x/1"]["text"].split("\n") == PAGES[("x/1", 1)] + PAGES[("x/1", 2)]
    detail = _failures(site)[("x/1?page=3", "http-404")]
    assert f"redirected to {base}/x/1/gone" in detail and f"{base}/x/1" in detail


# -- 5. dedupe folds a part stored as an article of its own -------------------------------------------------------------

REL = Relevance(True, 2.0, 4.0, 4.0, (("طرابلس", "libya_place", 1.0, 1),))


def _store(cat: Catalogue, data_dir, url: str, title: str, paragraphs: list[str], seen: str) -> dict:
    ex = Exchange(url=url, method="GET", request_headers=(), request_body=b"", status=200, reason="OK",
                  protocol="HTTP/1.1", response_headers=(), body=url.encode(), fetched_at=datetime(2026, 12, 1,
                                                                                                   tzinfo=UTC))
    capture = cat.add_capture(None, "portal", ex, WarcLocation("warc/x.warc.gz", 0, 10, f"<urn:uuid:{url}>",
                                                               "response", "sha1:X"))
    article = ExtractedArticle(url=url, title=title, paragraphs=tuple(paragraphs), published="2019-05-12")
    _, row = cat.save_article(outlet="portal", canonical_url=url, article=article, relevance=REL, capture_id=capture,
                              fetched_at=seen)
    seq = cat.assign_seq(row["id"])
    cat.set_text_file(row["id"], textfiles.write_text(data_dir, seq, row["id"], title, list(paragraphs)))
    return cat.get_article(row["id"])


def test_dedupe_folds_a_part_stored_as_an_article_of_its_own(tmp_path):
    # before: the part stayed a row of its own beside the article (no alias named it a part; other URL, other body)
    cat = Catalogue(":memory:")
    cat.upsert_outlets([{"name": "portal", "display_name": "portal", "domains": "portal.example"}])
    u, title = "http://portal.example/s/1", TITLES["a/1"]
    one, two, three = PAGES[("a/1", 1)], PAGES[("a/2", 2)], PAGES[("a/2", 3)]
    # met first (a sitemap listed it), then the joined article after it; later the article with a third page, whose
    # page-part alias was recorded while the third page was a row of its own (stored after the alias)
    part = _store(cat, tmp_path, u + "?page=2", f"{title} - صفحة 2", ["صفحة 2 من 3", *two], "2026-12-01T10:00:00+00:00")
    article = _store(cat, tmp_path, u, title, one + two + three, "2026-12-01T09:00:00+00:00")
    with cat.db.conn:
        aliases.add_alias(cat.db, u + "?page=3", article["id"], "page-part", outlet="portal")
    third = _store(cat, tmp_path, u + "?page=3", title, three, "2026-12-01T11:00:00+00:00")
    other = _store(cat, tmp_path, u + "?page=4", title, [_para("خبر آخر", 4, 1)], "2026-12-01T11:00:00+00:00")
    plan = dedupe(cat, tmp_path, dry_run=True).plan
    assert {(k["url"], d[0][0]["url"]) for k, d in plan.groups} == {(u, u + "?page=2"), (u, u + "?page=3")}
    dedupe(cat, tmp_path)
    left = {r["url"]: r for r in cat.db.query("select * from articles")}
    assert sorted(left) == [u, u + "?page=4"]  # a page whose text the join does not hold stays its own
    kept = left[u]
    assert kept["text"].split("\n") == one + two + three and kept["versions"] == 1
    assert kept["seq"] == min(part["seq"], article["seq"], third["seq"]) and left[u + "?page=4"]["seq"] == other["seq"]
    assert {r["url"] for r in cat.db.query("select url from article_aliases where how = 'page-part'")} == {
        u + "?page=2", u + "?page=3"}
    assert cat.db.execute("select count(*) from captures").fetchone()[0] == 4  # every capture kept
    assert sorted(p.name for p in (tmp_path / "text").glob("*.txt")) == sorted(
        r["text_file"].removeprefix("text/") for r in left.values())
    cat.close()

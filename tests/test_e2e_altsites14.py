"""End to end on two more unseen outlet styles (tests/altsites14): a Libyan news forum on vBulletin 3.8 and a Libyan
exile site of static pages saved from Microsoft Word, in windows-1256 declared nowhere.

The forum (tests/altsites14/forum.py): threads ``showthread.php?t=<id>`` whose first post is the story and whose
later posts are members' answers (quoting the story, signed, with the poster's box); a guest's links carry the session
``?s=<32 hex>&``; the thread list links each thread also by ``goto=newpost`` (302 to the last post's ``?p=`` page),
``?p=<pid>`` and its ``&page=2``; the board's dates are vBulletin's default ``m-d-Y, h:i A``, with no machine date
anywhere. The Word site (tests/altsites14/wordsite.py): ``.htm`` files saved from Word 2003 under a FrontPage
template on IIS, no charset in the header or the page, the ``<title>`` the site's name or Word's first words, the
headline a centred bold paragraph, the dateline under it, a signed article's byline under the text; the home page's
"latest" box links some files in capitals (IIS answers any case).

Decisions. A thread is one story: its row is ``showthread.php?t=<id>``, its text the first post only (no answer, no
quote, no signature, no poster's box); its later pages and its posts' addresses are no story of their own. A Word
page's headline is the centred bold line, its byline no part of the story. The Word site's pages that differ only by
the case of their path are one row.
"""

from __future__ import annotations

import re

import altsite_checks as checks
import pytest
from altsites14 import serve_alt_sites14
from altsites14.content import PAGES, THREADS
from helpers import catalogue

# Written the way a user would, from what the sites show: the forum's home and its news and general forums (their
# pager), a thread's address as the browser shows it; the site's home page and its month index, story files.
CONFIG = r"""
[[outlet]]
name = "alt-forum"
display_name = "منتديات ليبيا اليوم"
start_urls = ["{forum}/forum/index.php"]
article_urls = ['/forum/showthread\.php\?.*t=\d+']
follow_urls = ['/forum/forumdisplay\.php\?.*f=(12|15)']
download_delay = 0.0
concurrency = 4

[[outlet]]
name = "alt-word"
display_name = "ليبيا وطننا"
start_urls = ["{word}/index.htm", "{word}/news/n2019/may/index.htm"]
article_urls = ['(?i)/(news|adab)/.+/[an]\d{{4}}[a-z]\.htm$']
download_delay = 0.0
concurrency = 4
"""
SITE_OF = {"forum": "alt-forum", "word": "alt-word"}
ITEMS = {f"forum-{t['id']}": t for t in THREADS} | {f"word-{p['id']}": p for p in PAGES}
OUTLET_OF = {k: SITE_OF[k.split("-")[0]] for k in ITEMS}
RELEVANT = [k for k, a in ITEMS.items() if a["relevant"]]
DISTRACTORS = [k for k, a in ITEMS.items() if not a["relevant"]]
# words of the chrome that no story holds: vBulletin's navbar, login box, post head and poster's box, quote box,
# signatures, buttons, similar threads, posting rules, footer; the FrontPage template's banner, menu and footer, the
# byline
CHROME = ["اسم المستخدم", "كلمة المرور", "تسجيل الدخول", "التعليمـــات", "قديم", "تاريخ التسجيل", "المشاركات",
          "اقتباس", "المشاركة الأصلية", "__________________", "رسول الله", "تقرير بمشاركة", "غير متواجد",
          "مواضيع مشابهة", "قوانين المشاركة", "لا تستطيع", "vBulletin", "Jelsoft", "بتوقيت", "ملفات تعريف الارتباط",
          "الله يحفظ", "تثبيت الموضوع", "متابعين معكم", "خطوة في الاتجاه", "سأزور المعرض", "ملازمة بيوتها",
          "PM", "AM", "الرئيسية", "مقالات وآراء", "راسلونا", "جميع الحقوق", "للتعليق", "بقلم", "الورفلي",
          "مايو 2019", "العودة إلى"]


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    """A real crawl of both sites by the CLI in a subprocess, then a second one of the unchanged sites."""
    yield from checks.crawl_twice(tmp_path_factory.mktemp("altsites14"), serve_alt_sites14, CONFIG)


def _row(crawled, key: str):
    return checks.found_row(crawled, key, OUTLET_OF[key])


def test_crawl_exits_zero(crawled):
    checks.check_crawl_exits_zero(crawled)


@pytest.mark.parametrize("key", RELEVANT)
def test_relevant_story_is_catalogued_as_relevant(crawled, key):
    checks.check_relevant(_row(crawled, key), key)


@pytest.mark.parametrize("key", DISTRACTORS)
def test_distractor_is_not_relevant(crawled, key):
    checks.check_distractor(_row(crawled, key), key)


@pytest.mark.parametrize("key", list(ITEMS))
def test_every_story_has_its_exact_headline(crawled, key):
    """A thread's title (not "<title> - <forum name>"); a Word page's centred bold line (not its <title>)."""
    checks.check_headline(crawled, _row(crawled, key), key)


@pytest.mark.parametrize("key", list(ITEMS))
def test_the_whole_story_one_paragraph_a_line(crawled, key):
    """A thread's first post (its <br /> pairs cut it into paragraphs); a Word page's MsoNormal paragraphs."""
    checks.check_paragraphs(crawled, _row(crawled, key), key)


@pytest.mark.parametrize("key", list(ITEMS))
def test_no_chrome_in_the_body(crawled, key):
    checks.check_no_chrome(crawled, _row(crawled, key), key, CHROME)


@pytest.mark.parametrize("key", list(ITEMS))
def test_the_day_is_the_published_one(crawled, key):
    """A thread: its first post's date, month first as the board prints it (05-08-2019 is 8 May); a Word page: its
    dateline."""
    checks.check_day(_row(crawled, key), key, ITEMS[key], hour=False)


def test_one_row_per_story_and_one_text_file_per_relevant_one(crawled):
    checks.check_one_row_per_article(crawled, SITE_OF, len(RELEVANT))


def test_every_variant_fetched_resolves_to_its_story(crawled):
    """``?s=<session>&t=`` and ``/News/.../N0512A.htm``: aliases of the story's row, never rows."""
    variants = checks.check_variants_resolve(crawled)
    assert variants["forum"] >= 1 and variants["word"] >= 1, variants


def test_no_answer_page_or_post_address_is_a_story(crawled):
    conn = catalogue(crawled["data"])
    urls = [r["url"] for r in conn.execute("select url from articles")]
    assert all(re.search(r"/forum/showthread\.php\?t=\d+$|/(news|adab)/.+\.htm$", u) for u in urls), urls


def test_the_text_files_are_in_seed_format(crawled):
    """Title, a blank line, one paragraph a line, a final newline: the text as a researcher cites it."""
    conn = catalogue(crawled["data"])
    rows = conn.execute("select title, text, text_file from articles where relevant = 1").fetchall()
    assert rows
    for row in rows:
        got = (crawled["data"] / row["text_file"]).read_text(encoding="utf-8")
        assert got == f"{row['title']}\n\n{row['text']}\n", row["text_file"]


def test_no_story_url_was_guessed_wrong(crawled):
    assert not [(r.site, r.path) for r in crawled["log"] if r.status == 404 and "showthread" in r.path]


def test_nothing_fetched_that_robots_txt_forbids(crawled):
    checks.check_nothing_forbidden_fetched(crawled)


def test_a_second_crawl_changes_nothing(crawled):
    """The session-free thread URLs and the lower-case file names are the rows' keys a second crawl meets again."""
    checks.check_second_crawl(crawled)


def test_every_capture_row_points_at_its_warc_record(crawled):
    checks.check_captures_on_their_warc_records(crawled)

"""Focused tests of the general fixes that the Joomla / Blogger end-to-end crawl (tests/test_e2e_altsites2.py) found."""

from __future__ import annotations

from datetime import UTC, datetime

import lxml.html
import pytest

from crawler.discovery.urls import canonicalize
from crawler.extraction.author import find_author
from crawler.extraction.dates import find_published
from crawler.extraction.titles import find_title, strip_site_name

BLOG = "http://blog.example"
BODY = "<p>" + "قال مصدر عسكري إن الاشتباكات اندلعت في المدينة بين مجموعتين مسلحتين واستمرت ساعات. " * 4 + "</p>"


def _blogger_page(title_tag: str, home: str, footer: str = "") -> str:
    return (f"<html><head><title>{title_tag}</title></head><body><h1 class='title'><a href='{home}'>أخبار فزان</a></h1>"
            f"<h2 class='date-header'><span>الثلاثاء، 12 مارس 2024</span></h2><div class='post hentry'>"
            f"<h3 class='post-title entry-title'>اشتباكات قبلية في سبها</h3><div class='post-body'>{BODY}</div>"
            f"<div class='post-footer'>{footer}</div></div></body></html>")


@pytest.mark.parametrize("home", [f"{BLOG}/", f"{BLOG}/?m=1", f"{BLOG}/?m=0"])
def test_a_blog_name_before_an_unspaced_colon_is_not_the_headline(home):
    """Blogger's <title> is "Blog name: Post title", on the mobile view (home link "/?m=1") as well."""
    root = lxml.html.document_fromstring(_blogger_page("أخبار فزان: اشتباكات قبلية في سبها", home))
    assert find_title(root, f"{BLOG}/2024/03/blog-post_12.html") == "اشتباكات قبلية في سبها"


@pytest.mark.parametrize(("title", "names", "expected"), [
    ("أخبار فزان: اشتباكات قبلية في سبها", ["أخبار فزان"], "اشتباكات قبلية في سبها"),
    ("ليبيا: اشتباكات قبلية في سبها", ["أخبار ليبيا"], "ليبيا: اشتباكات قبلية في سبها"),  # a place, not the name
    ("الدبيبة: لا انتخابات قبل الدستور", ["الوسط"], "الدبيبة: لا انتخابات قبل الدستور"),  # a speaker
    ("أخبار فزان:اشتباكات", ["أخبار فزان"], "أخبار فزان:اشتباكات"),  # no space after: no separator
])
def test_only_the_exact_site_name_goes_before_a_colon(title, names, expected):
    assert strip_site_name(title, names) == expected


@pytest.mark.parametrize(("footer", "expected"), [
    ("<span class='post-author vcard'>مرسلة بواسطة <span class='fn'>عمر التباوي</span></span>", "عمر التباوي"),
    ("<span class='post-author vcard'>نشر بواسطة: عمر التباوي</span>", "عمر التباوي"),
    ("<span class='post-author vcard'>عمر التباوي</span>", "عمر التباوي"),
])
def test_the_words_introducing_an_arabic_byline_are_left_out(footer, expected):
    root = lxml.html.document_fromstring(_blogger_page("أخبار فزان: اشتباكات", f"{BLOG}/", footer))
    from crawler.extraction.author import byline_author

    assert find_author(root, lambda: byline_author(root)) == expected


def test_a_fallback_name_that_begins_like_a_byline_word_in_another_language_is_kept():
    root = lxml.html.document_fromstring("<html><head></head><body></body></html>")
    assert find_author(root, lambda: "Von Miller") == "Von Miller"


@pytest.mark.parametrize("abbr", [
    "<abbr class='published' itemprop='datePublished' title='2024-03-12T09:15:00+02:00'>9:15 ص</abbr>",
    "<abbr class='published' title='2024-03-12T09:15:00+02:00'>9:15 ص</abbr>",  # hAtom without microdata
])
def test_an_abbr_gives_its_title_as_the_publication_time(abbr):
    """The microformats abbr design pattern: the machine-readable value is the title, the text the time of day."""
    html = _blogger_page("أخبار فزان: اشتباكات", f"{BLOG}/", f"<span class='post-timestamp'>في {abbr}</span>")
    got = find_published(html, f"{BLOG}/2024/03/blog-post_12.html", datetime(2026, 1, 1, tzinfo=UTC))
    assert got == ("2024-03-12T09:15:00+02:00", "meta")


def test_an_abbr_not_marked_published_is_not_the_publication_time():
    html = _blogger_page("أخبار فزان: اشتباكات", f"{BLOG}/",
                         "<abbr class='updated' title='2025-01-01T00:00:00+02:00'>تحديث</abbr>")
    got = find_published(html, f"{BLOG}/2024/03/blog-post_12.html", datetime(2026, 1, 1, tzinfo=UTC))
    assert got is None or not got[0].startswith("2025-01-01")


def test_hyphenated_utm_parameters_are_tracking():
    """Blogger's "Blog Posts" gadget: utm_source=BP_recent&utm-medium=gadget&utm-campaign=bp_recent."""
    url = f"{BLOG}/2024/04/blog-post_9.html?utm_source=BP_recent&utm-medium=gadget&utm-campaign=bp_recent"
    assert canonicalize(url) == f"{BLOG}/2024/04/blog-post_9.html"
    assert canonicalize(f"{BLOG}/x.php?id=5&utm-medium=x") == f"{BLOG}/x.php?id=5"


@pytest.mark.parametrize("article_id", [12, 21, 24])  # <p> paragraphs; shift-enter <br /> lines; TinyMCE spans
def test_joomlas_article_info_is_chrome_and_every_rendering_reads_alike(article_id):
    """Joomla's <dl class="article-info"> (details, category, date, hits) stays out of the body, so the full page and
    its print view give one text (and are one article by content)."""
    from altsites2.joomla import JoomlaSite

    from crawler.extraction.article import extract_article

    site = JoomlaSite("http://127.0.0.41:8000")
    article = site.by_id[article_id]
    full = extract_article(site.article(article, canonical=None, itemid=101).body.decode(), site.sef(article))
    printed = extract_article(site.print_view(article).body.decode(), site.sef(article) + "?tmpl=component&print=1")
    assert full.text == printed.text == "\n".join(article["paras"])


def test_br_pairs_inside_a_paragraph_become_sibling_paragraphs():
    from crawler.extraction.layout import split_br_paragraphs

    root = lxml.html.fragment_fromstring("<div><p>سطر أول<br /><br />سطر ثان<br /><br />سطر ثالث</p></div>")
    assert split_br_paragraphs(root) == 3
    assert root.xpath("count(.//p//p)") == 0
    assert [p.text for p in root.iter("p")] == ["سطر أول", "سطر ثان", "سطر ثالث"]


@pytest.mark.parametrize("full_first", [False, True])
def test_an_article_met_first_as_its_amp_page_takes_the_full_pages_byline_and_time(tmp_path, full_first):
    """One article, two renderings with one text: whichever comes first, the row ends with the byline and the
    publication time that only the full page gives (the AMP page prints the day and no byline)."""
    from helpers import portal_session

    from archive.records import ExtractedArticle
    from crawler.capture.config import ArchiveConfig
    from crawler.capture.ingest import ingest
    from crawler.relevance.judge import load_lexicon

    base = "http://portal.example"
    paras = ("استهدف قصف جوي رتلاً لمجموعة مسلحة قرب قاعدة براك الشاطئ الجوية شمال سبها.",
             "وقال مصدر عسكري إن الرتل كان يتجه نحو القاعدة التي تسيطر عليها قوات القيادة العامة.")
    post = f"{base}/2024/04/blog-post_9.html"
    amp = ExtractedArticle(url=f"{post}?amp=1", title="قصف جوي قرب براك", paragraphs=paras, published="2024-04-09",
                           published_source="text", canonical_link=post)
    full = ExtractedArticle(url=post, title="قصف جوي قرب براك", paragraphs=paras, author="عمر التباوي",
                            published="2024-04-09T17:30:00+02:00", published_source="meta", canonical_link=post)
    lexicon = load_lexicon(ArchiveConfig.from_settings({}).lexicon)
    session = portal_session(tmp_path, base)
    try:
        for page in ((full, amp) if full_first else (amp, full)):
            ingest(session, lexicon, outlet_name="portal", url=page.url, capture_id=None, result=page)
        rows = list(session.catalogue.db.query("select url, author, published, published_source, versions from articles"))
        current = list(session.catalogue.db.query("select published from article_versions"))
    finally:
        session.close()
    assert rows == [{"url": post, "author": "عمر التباوي", "published": "2024-04-09T17:30:00+02:00",
                     "published_source": "meta", "versions": 1}]
    assert current == [{"published": "2024-04-09T17:30:00+02:00"}]  # the version says what the row says (review)


def test_newer_click_ids_are_tracking():
    from crawler.discovery.urls import canonicalize
    url = "http://h.example/news/3?id=3&ttclid=E_C_P_Cq&twclid=2-7&srsltid=AfmBOo&mibextid=Zxz2cZ&li_fat_id=5&epik=dj0y"
    assert canonicalize(url) == "http://h.example/news/3?id=3"



def test_joined_arabic_byline_words_are_left_out():
    # the review of stop 24: "ترجمة وتحرير:" introduces the name as "ترجمة:" does
    from crawler.extraction.author import _without_byline_words
    assert _without_byline_words("ترجمة وتحرير: محمد علي") == "محمد علي"
    assert _without_byline_words("إعداد ومتابعة: سارة الهوني; بقلم خالد محمود") == "سارة الهوني; خالد محمود"

"""The rules unseen styles round 11 needed (tests/test_e2e_altsites11.py): a sidebar beside a story written as
<br>-separated lines goes whatever its size, Joomla's article index is chrome, and a date-marked line right above the
headline is the date (on K2's layout and on another CMS's date-over-h1)."""

from __future__ import annotations

import lxml.html
from altsites11.blogspot import BlogspotSite
from altsites11.k2 import K2Site

from crawler.extraction.article import extract_article
from crawler.extraction.date_above import dates_above_headline

STORY = [
    "شهدت مدينة بنغازي اليوم اشتباكات عنيفة بين وحدات الجيش ومجموعات مسلحة في منطقة الصابري وسط المدينة القديمة.",
    "وقال مصدر طبي إن مستشفى الجلاء استقبل عددا من الجرحى بينهم مدنيون أصيبوا بشظايا القذائف العشوائية.",
    "ودعا المجلس البلدي السكان إلى البقاء في منازلهم حتى يعلن انتهاء العمليات العسكرية في المنطقة.",
]


def test_a_blogger_sidebar_bigger_than_a_post_of_br_lines_is_not_the_post():
    """Blogger: the post's lines outside any <p>, a sidebar of popular posts' snippets, the archive tree, labels and
    recent comments longer than the post (the page as tests/altsites11 serves it)."""
    site = BlogspotSite("http://libya-news.blogspot.example")
    for post in site.posts:
        page = site.post(post, mobile=False).body
        got = extract_article(page, site.url(post))
        assert got.paragraphs == tuple(post["paras"]), post["id"]


def test_joomlas_article_index_is_no_part_of_the_story():
    """Joomla's pagebreak plugin's index of a split article's pages (K2 runs it too) is chrome."""
    site = K2Site("http://baladiya.example")
    item = next(a for a in site.items if len(a["pages"]) > 1)
    got = extract_article(site.item(item, 0, sef=True, printable=False).body, site.sef(item))
    assert got.paragraphs == tuple(item["pages"][0])


def _dated_page(above: str, elsewhere: str = "") -> str:
    paras = "".join(f"<p>{p}</p>" for p in STORY)
    return ("<html><head><title>اشتباكات في بنغازي - بلدية</title></head><body>"
            f"<div class='moduletable'><ul><li><a href='/x'>خبر آخر</a> {elsewhere}</li></ul></div>"
            f"<div class='itemView'><div class='itemHeader'>{above}<h2 class='itemTitle'>اشتباكات في بنغازي</h2>"
            f"<span class='itemAuthor'>Written by المكتب الإعلامي</span></div><div class='itemFullText'>{paras}"
            "</div></div></body></html>")


def test_k2s_date_above_the_title_beats_a_module_date():
    page = _dated_page("<span class='itemDateCreated'>الأحد, 02 حزيران/يونيو 2019 18:05</span>",
                       "<span class='moduleItemDateCreated'>الأحد, 21 نيسان/أبريل 2019</span>")
    got = extract_article(page, "http://k2.example/index.php/amn/item/221-qasf")
    # the K2 line's time is read with its day since stop 39 (a local time: no zone printed)
    assert (got.published, got.published_source) == ("2019-06-02T18:05", "text")


def test_another_cms_date_line_over_its_h1():
    page = ("<html><head><title>Clashes in Benghazi</title></head><body><div class='sidebar-news'><span class='date'>"
            "3 March 2020</span></div><article><div class='post-date'>12 May 2019</div><h1>Clashes in Benghazi</h1>"
            "<p class='byline'>By staff</p>" + "".join(f"<p>{p}</p>" for p in STORY) + "</article></body></html>")
    assert extract_article(page, "http://cms.example/story/clashes").published == "2019-05-12"


def test_a_date_far_above_the_headline_is_not_read_as_its_date():
    """A top bar's "today", outside the headline's block, is no date above the headline."""
    doc = lxml.html.fromstring("<html><body><div id='topbar'><span class='date'>الخميس, 15 أيار/مايو 2019</span>"
                               "</div><div id='wrap'><div id='main'><div class='itemView'><div class='itemHeader'>"
                               "<h2 class='itemTitle'>اشتباكات في بنغازي</h2></div><p>" + STORY[0] + "</p></div></div>"
                               "</div></body></html>")
    assert list(dates_above_headline(doc, "اشتباكات في بنغازي")) == []
    near = lxml.html.fromstring("<html><body><div class='itemHeader'><span class='itemDateCreated'>الأحد, 12 أيار/مايو "
                                "2019 14:30</span><h2>اشتباكات في بنغازي</h2></div><p>" + STORY[0] + "</p></body></html>")
    assert [f.day.isoformat() for f in dates_above_headline(near, "اشتباكات في بنغازي")] == ["2019-05-12"]

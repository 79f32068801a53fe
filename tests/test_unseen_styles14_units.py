"""Unit tests of the fixes unseen styles round 14 (tests/altsites14) made: forum guest sessions in URLs, a case-blind
server's spellings of one file, a forum thread's first post as the story, a Word page's headline line."""

from __future__ import annotations

import lxml.html
import pytest
from altsites14.forum import ForumSite
from altsites14.wordsite import WordSite

from crawler.discovery.urls import canonicalize, url_rank
from crawler.extraction.article import extract_article
from crawler.extraction.forum_thread import first_post
from crawler.extraction.title_line import headline_line
from crawler.extraction.titles import site_names

MD5 = "3f9c2b1a8d7e6f5a4b3c2d1e0f9a8b7c"


@pytest.mark.parametrize("url, want", [
    (f"http://f.example/forum/showthread.php?s={MD5}&t=48213", "http://f.example/forum/showthread.php?t=48213"),
    (f"http://f.example/viewtopic.php?f=2&t=7&sid={MD5.upper()}", "http://f.example/viewtopic.php?f=2&t=7"),
    ("http://f.example/?s=libya", "http://f.example/?s=libya"),  # WordPress's search
    ("http://f.example/news.php?sid=4&id=9", "http://f.example/news.php?id=9&sid=4"),  # a section id
    ("http://f.example/news.php?s=12345678901234567890123456789012", "http://f.example/news.php?s=12345678901234567890123456789012"),
])
def test_a_forum_guest_session_in_the_query_is_dropped_only_as_an_md5(url, want):
    assert canonicalize(url) == want


def test_the_lower_case_spelling_of_one_file_ranks_first():
    urls = ["http://w.example/News/n2019/May/N0512A.htm", "http://w.example/news/n2019/may/n0512a.htm"]
    assert min(urls, key=url_rank) == urls[1]


def _forum_page(query: dict[str, str]) -> tuple[str, bytes]:
    site = ForumSite("http://127.0.0.123:8080")
    raw = "/forum/showthread.php?" + "&".join(f"{k}={v}" for k, v in query.items())
    return "http://127.0.0.123:8080" + raw, site.handle("/forum/showthread.php", query, raw, {}).body


def test_a_forum_thread_is_its_first_post_dated_month_first_by_the_pages_other_dates():
    url, body = _forum_page({"t": "48213"})
    article = extract_article(body, url)
    assert article.title == "قوات الوفاق تعلن صد هجوم على محور عين زارة جنوب طرابلس"
    assert len(article.paragraphs) == 3 and article.paragraphs[0].startswith("أعلنت قوات حكومة الوفاق")
    assert not [p for p in article.paragraphs if "اقتباس" in p or "تاريخ التسجيل" in p or "الله يحفظ" in p]
    assert article.published == "2019-05-08T14:30"  # "05-08-2019, 02:30 PM"; "05-14-2019" on the page says m-d


def test_a_page_of_answers_is_no_story():
    url, body = _forum_page({"t": "48213", "page": "2"})
    failure = extract_article(body, url)
    assert failure.reason == "not-article" and "answers" in failure.detail


def _root(html: str):
    return lxml.html.fromstring(html)


def _vb(dates: list[str]) -> str:
    posts = "".join(f'<table id="post{i}"><tr><td class="thead">{d}</td></tr><tr><td><a id="postcount{i}" name="{n}">'
                    f'{n}</a><div id="post_message_{i}">نص المشاركة رقم {n}<br /><br />سطر ثان</div></td></tr></table>'
                    for n, (i, d) in enumerate(zip(range(100, 200), dates), start=1))
    return f"<html><body>{posts}</body></html>"


@pytest.mark.parametrize("dates, want", [
    (["05-08-2019, 02:30 PM", "05-14-2019, 09:40 AM"], "2019-05-08T14:30"),  # vBulletin's default, m-d-Y
    (["05-08-2019, 02:30 PM", "14-05-2019, 09:40 AM"], "2019-08-05T14:30"),  # a board set to d-m-Y
    (["05-08-2019, 02:30 PM", "05-08-2019, 09:40 PM"], ""),  # nothing on the page says which
])
def test_the_first_posts_date_follows_the_order_the_pages_dates_prove(dates, want):
    post = first_post(_root(_vb(dates)))
    assert post is not None and post.published == want
    assert post.paragraphs == ("نص المشاركة رقم 1", "سطر ثان")


def test_a_phpbb_topic_is_its_first_post_without_the_quote():
    posts = "".join(f'<div id="p{n}" class="post bg2"><div class="inner"><div class="postbody"><h3>عنوان</h3>'
                    f'<p class="author">بواسطة عضو » 14/05/2019 10:0{n}</p><div class="content">{text}</div></div>'
                    '</div></div>' for n, text in enumerate(
                        ["الخبر الأول كاملا<br />والفقرة الثانية", "<blockquote><div><cite>كتب:</cite>الخبر الأول"
                         "</div></blockquote>رد العضو"], start=1))
    post = first_post(_root(f"<html><body>{posts}</body></html>"))
    assert post is not None and post.paragraphs == ("الخبر الأول كاملا", "والفقرة الثانية")
    assert post.published == "2019-05-14T10:01"


def test_a_single_message_block_without_a_post_counter_is_no_forum():
    assert first_post(_root('<html><body><div id="post_message_5">نص</div></body></html>')) is None


def _word_page(path: str):
    site = WordSite("http://127.0.0.124:8080")
    return "http://127.0.0.124:8080" + path, site.handle(path, {}, path, {}).body


@pytest.mark.parametrize("path, title", [
    ("/news/n2019/may/n0512a.htm", "نازحو تاورغاء يناشدون الحكومة إعادة فتح مخيمات طريق المطار"),  # <title>: the site
    ("/news/n2019/may/n0516b.htm", "مصرف ليبيا المركزي يعلن توفير السيولة النقدية في المصارف قبل العيد"),  # first words
])
def test_a_word_pages_headline_is_its_first_line_not_its_title(path, title):
    url, body = _word_page(path)
    article = extract_article(body, url)
    assert article.title == title and article.paragraphs[0] != title


@pytest.mark.parametrize("paragraphs, title, want", [
    (("عنوان الخبر الطويل هنا", "نص الخبر."), "عنوان الخبر", "عنوان الخبر الطويل هنا"),
    (("عنوان الخبر الطويل هنا", "نص الخبر."), "الموقع", "عنوان الخبر الطويل هنا"),
    (("عنوان الخبر الطويل هنا", "نص الخبر."), "عنوان آخر", ""),  # a title of its own
    (("جملة تامة من الخبر تنتهي بنقطة.", "نص الخبر."), "جملة تامة", ""),  # a sentence, no headline
    (("عنوان الخبر الطويل هنا",), "عنوان الخبر", ""),  # nothing under it
    (("عنوان الخبر (الأحد 18 أيار 2014)", "نص الخبر."), "عنوان الخبر", ""),  # the title and its dateline
    (("عنوان الخبر | أخبار | الموقع", "نص الخبر."), "عنوان الخبر", ""),  # a <title>'s tail
    (("عنوان الخبر 153 تعليقا", "نص الخبر."), "عنوان الخبر", ""),  # a count
])
def test_headline_line(paragraphs, title, want):
    assert headline_line(_root("<html><body><p>x</p></body></html>"), paragraphs, title, lambda: ["الموقع"]) == want


def test_no_headline_line_on_a_page_that_marks_its_headline():
    page = _root("<html><body><h1>عنوان الخبر</h1><p>عنوان الخبر الطويل هنا</p></body></html>")
    assert headline_line(page, ("عنوان الخبر الطويل هنا", "نص الخبر."), "عنوان الخبر", lambda: []) == ""


def test_site_names_of_a_word_page_hold_the_banners_name():
    url, body = _word_page("/news/n2019/may/n0512a.htm")
    assert "ليبيا وطننا" in site_names(_root(body.decode("windows-1256")), url)

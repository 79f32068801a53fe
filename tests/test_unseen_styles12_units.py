"""The rules round 12 of the unseen styles needed (tests/test_e2e_altsites12.py), each on one page.

A post page that is a shell keeps the post in its description (crawler/extraction/post_shell.py); Drupal's node links
and "submitted" line are chrome whatever date format the line prints (crawler/extraction/boilerplate.py); a listing's
date stamp that is the link to a story dates the story (crawler/discovery/stamps.py).
"""

from __future__ import annotations

import time

import lxml.html
import pytest
from altsites12.content import CHANNEL, NODES, POSTS
from altsites12.drupal import DrupalSite
from altsites12.telegram import TelegramSite

from crawler.discovery.parsers import dated_page_links, page_links
from crawler.discovery.stamps import anchor_dates
from crawler.extraction.article import extract_article
from crawler.extraction.post_shell import post_in_description

BASE = "http://127.0.0.1:8000"


def _page(site, path: str) -> str:
    return site.handle(path, {}, path, {}).body.decode()


@pytest.mark.parametrize("post", POSTS, ids=lambda p: str(p["id"]))
def test_a_telegram_message_page_is_its_description_headed_by_its_first_line(post):
    """Before: "no-text" (31 characters: the page's "View in Telegram" and "Context" links)."""
    got = extract_article(_page(TelegramSite(BASE), f"/libyaalahrar_news/{post['id']}"),
                          f"{BASE}/libyaalahrar_news/{post['id']}")
    assert got.title == post["title"]
    assert got.paragraphs == tuple(post["paras"])


def test_a_description_of_one_line_is_a_summary_not_the_post():
    """An empty page whose description is one line (a summary) still fails: the rule wants a post's line breaks."""
    summary = "وصلت مساء اليوم أول قافلة إغاثة إلى مدينة درنة تضم فرق إنقاذ ومعدات ثقيلة وخياما ومواد طبية " * 2
    html = (f'<html><head><title>قناة</title><meta property="og:description" content="{summary}"></head><body>'
            '<div id="app"></div><script src="/app.js"></script></body></html>')
    assert extract_article(html, f"{BASE}/p/1").reason == "no-text"


def test_a_long_first_line_ending_a_sentence_is_no_headline():
    root = lxml.html.fromstring('<html><head><meta property="og:description" content="قال المتحدث إن الوضع هادئ في '
                                'المدينة بعد ليلة من الاشتباكات.\n\nوأضاف أن الأمن عاد إلى الأحياء كلها صباح اليوم '
                                'بعد انتشار وحدات الشرطة."></head><body></body></html>')
    got = post_in_description(root, (), 60)
    assert got is not None and got.headline == "" and len(got.paragraphs) == 2


def test_a_page_that_shows_the_text_keeps_its_reading():
    """A page whose body gives as much as its description is read as before (the rule is off for it)."""
    root = lxml.html.fromstring('<html><head><meta name="description" content="سطر أول\nسطر ثان"></head></html>')
    assert post_in_description(root, ("سطر أول وسطر ثان وأكثر",), 5) is None


def test_the_rule_costs_little_on_a_shell_page():
    page = _page(TelegramSite(BASE), f"/libyaalahrar_news/{POSTS[0]['id']}")
    root = lxml.html.fromstring(page)
    start = time.process_time()  # CPU time: a bound on the rule's work, not on the machine's load
    for _ in range(200):
        post_in_description(root, (), 120)
    assert (time.process_time() - start) / 200 < 0.001


def test_drupal_node_links_and_submitted_line_are_chrome_whatever_the_date_format():
    """The short node whose submitted line prints 04/20/2019 (no day-first reading of it is a date): before, the
    line and "log in to post comments" were read as the story's."""
    node = next(n for n in NODES if n.get("sitemap_only"))
    site = DrupalSite(BASE)
    got = extract_article(_page(site, f"/node/{node['nid']}"), f"{BASE}/node/{node['nid']}")
    assert got.paragraphs == tuple(node["paras"])


def test_the_preview_dates_each_message_by_the_stamp_that_links_it():
    """Before: every listing link came without a date (only feeds and sitemaps gave one)."""
    site = TelegramSite(BASE)
    links = dated_page_links(_page(site, f"/s/{CHANNEL}"), f"{BASE}/s/{CHANNEL}")
    dated = {link.url: link.published for link in links if link.published}
    newest = sorted(POSTS, key=lambda p: p["id"])[-2:]
    assert dated == {site.url(p): site.message_time(p) for p in newest}


def test_a_time_near_a_link_or_marked_updated_dates_nothing_and_the_title_link_takes_the_stamp():
    page = ('<div class="card"><a href="/a/1">عنوان الخبر الأول</a><time datetime="2024-03-01">1 مارس</time></div>'
            '<h2><a href="/a/2">عنوان الخبر الثاني</a></h2><a href="/a/2" rel="bookmark"><span><time class="entry-date '
            'published" datetime="2024-03-02T09:00:00+02:00">2 مارس</time><time class="updated" datetime="2024-03-05">'
            '</time></span></a><a href="/a/3"><time class="updated" datetime="2024-03-06">6 مارس</time></a>')
    links = dated_page_links(page, "http://h.example/")
    assert [(link.url, link.published) for link in links] == [
        ("http://h.example/a/1", None), ("http://h.example/a/2", "2024-03-02T09:00:00+02:00"),
        ("http://h.example/a/3", None)]
    assert page_links(page, "http://h.example/") == [link.url for link in links]


def test_stamps_cost_a_small_share_of_reading_a_listing():
    """Timed against the reading of the page's links in the same test (not a wall-clock bound a loaded machine
    misses): the stamps of 300 dated cards (about 0.5 ms, 1.5 us a stamp) cost under a quarter of reading the links."""
    page = "".join(f'<div><a href="/a/{i}">عنوان {i}</a><a href="/a/{i}"><time datetime="2024-03-01T10:00:00Z">'
                   "</time></a></div>" for i in range(300))
    doc = lxml.html.document_fromstring(page)
    reading, stamps = [], []
    for _ in range(5):
        start = time.perf_counter()
        dated_page_links(page, "http://h.example/")
        reading.append(time.perf_counter() - start)
        start = time.perf_counter()
        found = anchor_dates(doc)
        stamps.append(time.perf_counter() - start)
    assert len(found) == 300
    assert min(stamps) < min(reading) / 4


def test_drupal_8_classy_markup_drops_its_submitted_line_and_node_links_too():
    """Drupal 8-10's Classy/Olivero markup: ``node__submitted`` and ``node__links > ul.links.inline``."""
    paras = ["قالت المنظمة الدولية للهجرة إن أكثر من 32 ألف شخص نزحوا من مناطق القتال جنوب العاصمة طرابلس منذ بداية "
             "المواجهات.", "وأوضحت المنظمة أن النازحين يقيمون في مدارس ومبان عامة في ظروف إنسانية صعبة."]
    html = ('<html lang="ar" dir="rtl"><head><title>نزوح الأسر | البوابة</title></head><body><main><h1 class="page-title">'
            '<span class="field field--name-title">نزوح آلاف الأسر من مناطق القتال</span></h1><article class="node '
            'node--type-article node--view-mode-full"><footer class="node__meta"><div class="node__submitted">بواسطة '
            '<span class="field field--name-uid">محرر</span> في <span class="field field--name-created">السبت, '
            '04/20/2019 - 11:40</span></div></footer><div class="node__content"><div class="clearfix text-formatted '
            'field field--name-body field--type-text-with-summary field--label-hidden field__item">'
            + "".join(f"<p>{p}</p>" for p in paras) + '</div><div class="node__links"><ul class="links inline"><li '
            'class="comment-forbidden"><a href="/ar/user/login">سجل دخولك</a> لتتمكن من إرسال تعليقات</li></ul></div>'
            "</div></article></main></body></html>")
    got = extract_article(html, f"{BASE}/ar/libya/nzwh")
    assert got.paragraphs == tuple(paras)

"""Hostile web, round six (a black-box audit, probe 36): a meta refresh whose URL is quoted with entities, and a
giant comment or attribute value before an article's body.

Unit tests on real page bytes: the refresh reader Scrapy's middleware now calls (crawler.fetch.refresh), and the
article extraction that reads a page which hits libxml2's 10,000,000-character limit.
"""

from __future__ import annotations

import time

import pytest

from crawler.extraction.article import extract_article
from crawler.extraction.giant_markup import empty_giant_markup
from crawler.fetch.refresh import meta_refresh, refresh_content

PAGE = "http://127.0.0.1:8950/a/meta-sq"


@pytest.mark.parametrize("content", [
    "0;URL= &quot;/a/plain&quot;",  # the audit's page: w3lib read it as a refresh of the page itself (a loop)
    "0;URL=&quot;/a/plain&quot;",
    "0; url = &#39;/a/plain&#39; trailing",
    "0, /a/plain",
    "0;url=/a/plain",
])
def test_a_quoted_refresh_url_is_followed(content: str) -> None:
    html = f'<html><head><meta http-equiv="refresh" content="{content}"></head><body>moved</body></html>'
    assert meta_refresh(html, PAGE) == (0.0, "http://127.0.0.1:8950/a/plain")


def test_what_is_no_refresh_to_follow() -> None:
    assert refresh_content("5") == (5.0, None)
    assert refresh_content("x; url=/a") is None
    assert meta_refresh('<meta http-equiv="refresh" content="5">', PAGE) is None
    assert meta_refresh('<noscript><meta http-equiv="refresh" content="0;url=/a"></noscript>', PAGE) is None
    assert meta_refresh('<base href="http://h/d/"><meta http-equiv="refresh" content="0;url=n">', PAGE) == \
        (0.0, "http://h/d/n")


STORY = ("أعلنت حكومة الوحدة الوطنية في طرابلس اليوم عن اتفاق جديد مع مجلس النواب في بنغازي بشأن توحيد المؤسسات "
         "السيادية في ليبيا، وقال المتحدث باسم الحكومة إن الاتفاق يشمل المصرف المركزي والمؤسسة الوطنية للنفط.")


def _page(pre_body: str) -> str:
    paras = "".join(f"<p>{STORY}</p>" for _ in range(6))
    return (f"<!DOCTYPE html><html lang='ar'><head><meta charset='utf-8'><title>خبر</title></head><body>{pre_body}"
            f"<article><h1>خبر</h1><time datetime='2024-05-01'>2024-05-01</time>{paras}</article></body></html>")


@pytest.mark.parametrize("pre_body", [
    "<!--" + "x" * 11_000_000 + "-->",
    '<img alt="map" src="data:image/png;base64,' + "iVBO" * 2_750_000 + '">',
    "<img alt=map src=data:image/png;base64," + "iVBO" * 2_750_000 + ">",
], ids=["comment", "quoted-attribute", "bare-attribute"])
def test_an_article_after_a_giant_comment_or_attribute_is_read(pre_body: str) -> None:
    result = extract_article(_page(pre_body), "http://127.0.0.1:8949/a/x")
    assert getattr(result, "reason", None) is None, result
    assert STORY[:40] in "\n".join(result.paragraphs)


def test_emptying_is_linear_and_leaves_small_markup_alone() -> None:
    small = '<!-- a --><p title="t" data-x=\'y\' z=w>k</p><!-- unclosed'
    assert empty_giant_markup(small) == small
    hostile = '<p a="' * 2_000_000 + "<!--" * 2_000_000  # many openers, none closing a giant
    started = time.process_time()  # CPU time: a loaded machine cannot fail it
    assert empty_giant_markup(hostile) == hostile
    assert time.process_time() - started < 2


def test_a_tag_of_400000_attributes_is_refused_before_the_parser_reads_it() -> None:
    # libxml2's duplicate-attribute check is quadratic, in C: EXTRACT_TIMEOUT's alarm cannot stop it (stop 36's probe)
    started = time.process_time()  # CPU time: a loaded machine cannot fail it
    result = extract_article(_page("<div " + " ".join(f"a{i}" for i in range(400_000)) + "></div>"),
                             "http://127.0.0.1:8949/a/attrs")
    assert result.reason == "too-many-attributes" and "10,000 attributes" in result.detail
    assert time.process_time() - started < 5  # libxml2 itself took over 150 s on a million


def test_a_tag_with_many_attributes_below_the_bar_is_read() -> None:
    pre_body = ("<div " + " ".join(f'data-k{i}="v {i}"' for i in range(3_000)) + "></div><script>if(a<b" + " c" * 20_000
                + ")x();</script>")  # a long run of words after "<b" in a script is code, not a tag
    result = extract_article(_page(pre_body), "http://127.0.0.1:8949/a/attrs")
    assert getattr(result, "reason", None) is None, result
    assert STORY[:40] in "\n".join(result.paragraphs)

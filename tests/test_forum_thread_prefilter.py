"""crawler.extraction.forum_thread: a page of no known forum engine is told by one look at its ids and classes
(ANY_MESSAGE) before the seven message XPaths run, and a page of each engine still is (issue 10, CPU per page)."""

from __future__ import annotations

import lxml.html
import pytest

from crawler.extraction import forum_thread
from crawler.extraction.forum_thread import ANY_MESSAGE, MESSAGE_XPATHS, first_post

_TEXTS = ("الخبر الأول كاملا<br />والفقرة الثانية", "رد العضو على الخبر")
# one thread page per engine, in MESSAGE_XPATHS' order: two messages each (a forum, not a blog's post div); the
# classes with extra spaces and neighbours, as the XPaths' normalize-space() reads them
_MESSAGES = (
    '<div id="post_message_{n}">{text}</div>',
    '<div class="post bg2"><div class=" postbody  first"><div class="content extra">{text}</div></div></div>',
    '<div id="msg_{n}" class="inner\tpost">{text}</div>',
    '<div id="pid_{n}" class="post_body scaleimages">{text}</div>',
    '<blockquote class="messageText SelectQuoteContainer ugc baseHtml">{text}</blockquote>',
    '<div class="bbWrapper">{text}</div>',
    '<div class="OLD__post-content js-post__content-text restore h-wordwrap">{text}</div>',
)


def _page(message: str) -> lxml.html.HtmlElement:
    posts = "".join(message.format(n=n, text=text) for n, text in enumerate(_TEXTS, start=1))
    return lxml.html.fromstring(f"<html><head><title>منتدى</title></head><body><p>قائمة</p>{posts}</body></html>")


def test_every_engine_has_a_page_here():
    assert len(_MESSAGES) == len(MESSAGE_XPATHS)  # a new engine's XPath needs its page here and in ANY_MESSAGE


@pytest.mark.parametrize("index", range(len(MESSAGE_XPATHS)))
def test_a_thread_page_of_each_engine_passes_the_first_look_and_reads_as_before(index, monkeypatch):
    root = _page(_MESSAGES[index])
    assert len(root.xpath(MESSAGE_XPATHS[index])) == 2
    assert ANY_MESSAGE(root)
    post = first_post(root)
    assert post is not None and post.paragraphs[:2] == ("الخبر الأول كاملا", "والفقرة الثانية")
    monkeypatch.setattr(forum_thread, "ANY_MESSAGE", lambda root: True)  # the seven XPaths alone, as before
    assert first_post(root) == post


@pytest.mark.parametrize("html", [
    '<div id="post-message-1" class="post_message">a</div>',  # near misses: another spelling
    '<div class="article-body content"><p>نص</p></div><div class="messagetext">b</div>',  # case differs
    '<div data-id="post_message_1" data-class="bbWrapper">c</div>',  # other attributes
])
def test_a_page_of_no_engine_is_told_without_the_seven_xpaths(html, monkeypatch):
    root = lxml.html.fromstring(f"<html><body>{html}</body></html>")
    # an XPath that cannot be evaluated: the page must be told before any of the seven runs
    monkeypatch.setattr(forum_thread, "MESSAGE_XPATHS", ("//*[",) * len(MESSAGE_XPATHS))
    assert not ANY_MESSAGE(root)
    assert first_post(root) is None

"""Issue 13, round 9: a reading that is only the site's copyright footer is no body (extraction-dev's far-below pages)."""

from __future__ import annotations

import lxml.html
import pytest

from crawler.extraction import body
from crawler.extraction.article import HTML_PARSER
from crawler.extraction.footer import is_copyright_footer

URL = "http://example.org/?p=1"
STORY = "Drawn by a designer in Leeds! Via a design blog. More logos here"
FOOTER = ("If you like anything on this blog and share it, please link back :-)", "(c) 2012 The Example Blog | powered by",
          "WordPress", "with", "Theme")
CREDIT = ("<div class='credit'>If you like anything on this blog and share it, please link back :-) <br />"
          "(c) 2012 The Example Blog | powered by <a href='http://wordpress.org/'>WordPress</a> with "
          "<a href='http://example.net/theme'>Theme</a></div>")


def _tree(html: str) -> lxml.html.HtmlElement:
    """``html`` parsed as extract_article parses a page."""
    return lxml.html.fromstring(html, parser=HTML_PARSER)


def _page(credit: str = CREDIT) -> lxml.html.HtmlElement:
    """A photo post whose story is one linked line under the images, a sidebar, and the site's ``credit`` block."""
    images = "".join(f"<p><img src='http://img.example.com/{n}.jpg' /></p>" for n in range(6))
    months = "".join(f"<li><a href='/?m=2009{n:02d}'>Month {n} 2009</a></li>" for n in range(1, 13))
    return _tree(f"<html><body><div id='content'><div class='post'><h3>Logos re-imagined</h3>{images}"
                 f"<p>Drawn by a designer in Leeds! Via <a href='http://example.com/1'>a design blog</a>. More"
                 f" <a href='/?s=logos'>logos here</a></p></div></div><div id='sidebar'><ul>{months}</ul></div>"
                 f"{credit}</body></html>")


def test_a_reading_of_the_credit_block_is_the_footer():
    assert is_copyright_footer(_page(), FOOTER)
    assert is_copyright_footer(_page(), FOOTER[:1])


@pytest.mark.parametrize("reading", [(STORY,), (*FOOTER, STORY), ()])
def test_a_reading_that_holds_more_than_the_footer_is_not(reading):
    assert not is_copyright_footer(_page(), reading)


@pytest.mark.parametrize("credit", [
    # no year: a sentence about copyright, not the site's notice
    "<div class='credit'>If you like anything on this blog and share it, please link back :-) (c) the authors</div>",
    # the notice in a container of <p>s: the story as published (a wire story's notice after it)
    "<div class='story'><p>If you like anything on this blog and share it, please link back :-)</p>(c) 2012 AP</div>",
    # the notice loose in <body>: it says nothing about the rest of the page
    "If you like anything on this blog and share it, please link back :-) (c) 2012 The Example Blog",
])
def test_no_footer_block_no_footer(credit):
    assert not is_copyright_footer(_page(credit), FOOTER[:1])


def test_a_notice_in_a_script_is_not_the_footer():
    page = _page("<div class='credit'>If you like anything on this blog and share it, please link back :-)"
                 "<script>var c = '(c) 2012 Example';</script></div>")
    assert not is_copyright_footer(page, FOOTER[:1])


def _readings(monkeypatch: pytest.MonkeyPatch, precise: tuple[str, ...]) -> None:
    """trafilatura's readings faked: ``precise`` and the balanced one as given; the untouched page's holds the story."""
    def fake_read(tree, url, *, lean=False, include_comments=False, **options):
        return (STORY, "No comments yet.") if include_comments else precise
    monkeypatch.setattr(body, "read", fake_read)


def test_a_footer_reading_falls_back_to_trafilatura_on_the_untouched_page(monkeypatch):
    # even where trafilatura's reading is shorter than the footer: the footer is no body at all
    _readings(monkeypatch, FOOTER)
    assert body.extract_body(_page(), URL) == (STORY, "No comments yet.")


def test_the_same_reading_outside_a_footer_block_is_kept(monkeypatch):
    reading = (FOOTER[0], "It is the best place to find designs that were never made, and it is free.")
    _readings(monkeypatch, reading)
    page = _page(f"<div class='story'><p>{reading[0]}</p><p>{reading[1]}</p>(c) 2012 AP</div>")
    assert body.extract_body(page, URL) == reading


def test_a_long_reading_is_never_the_footer():
    long_footer = (FOOTER[0] * 6,)
    assert not is_copyright_footer(_page(f"<div class='credit'>{long_footer[0]} (c) 2012 The Blog</div>"), long_footer)

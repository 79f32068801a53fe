"""Issue 13: CleanEval pages a little below plain trafilatura; each mechanism found there, on synthetic pages.

A footer's disclaimer printed after the site's copyright notice, in the notice's own block, is no part of the story
(cleaneval-dev/14: unwrapping the page's layout tables brought it into the reading; crawler.extraction.footer).
"""

from __future__ import annotations

import gzip
from pathlib import Path

import lxml.html
import pytest

from crawler.extraction.article import HTML_PARSER, extract_article
from crawler.extraction.footer import without_footer_tail

URL = "http://example.org/ask/20011019.html"
SENTENCES = (
    "The mission of the marshals is to protect the federal courts and keep the judicial system working well.",
    "In the past they were responsible for such duties as taking the census and protecting the president.",
    "In recent years they have been responsible for transporting federal prisoners and protecting witnesses.",
    "They also arrest more federal fugitives than all other federal agencies combined, about half of all arrests.",
)
DISCLAIMER = (
    "All information available through this service is informational only and provided as is without warranties"
    " of any kind. Use of the service is entirely at your own risk and no substitute for your own research."
)
FOOTER = (
    "<table width=600><tr><td><font size=-2>Copyright &copy; 2001 Example Inc. All rights reserved."
    " <a href='/privacy'>Privacy Policy</a> - <a href='/terms'>Terms of Service</a>"
    f"<p>{DISCLAIMER}</font></td></tr></table>"
)


def _tree(html: str) -> lxml.html.HtmlElement:
    """``html`` parsed as extract_article parses a page."""
    return lxml.html.fromstring(html, parser=HTML_PARSER)


def _layout_page(footer: str = FOOTER) -> str:
    """An old layout-table page: the story in one cell, a column of related links beside it, then ``footer``."""
    story = "".join(f"<p>{s}</p>" for s in SENTENCES)
    related = "".join(
        f"<tr><td><a href='/q{n}.html'>Another question number {n}?</a></td></tr>" for n in range(5)
    )
    return (
        "<html><head><title>What exactly is a marshal?</title></head><body><center><table width=760><tr>"
        f"<td valign=top><table><tr><td><h1>What exactly is a marshal?</h1>{story}</td></tr></table></td>"
        f"<td width=185><table>{related}</table></td></tr></table>{footer}</center></body></html>"
    )


def test_the_disclaimer_after_the_copyright_notice_is_cut():
    result = extract_article(_layout_page(), URL)
    assert SENTENCES[0] in result.paragraphs and SENTENCES[-1] in result.paragraphs
    assert not any("warranties" in p for p in result.paragraphs)


def test_the_trailing_run_after_the_notice_goes_only():
    page = _tree(f"<html><body><div><p>{SENTENCES[0]}</p><p>{SENTENCES[1]}</p></div>{FOOTER}</body></html>")
    assert without_footer_tail(page, (*SENTENCES[:2], DISCLAIMER)) == SENTENCES[:2]
    assert without_footer_tail(page, SENTENCES[:2]) == SENTENCES[:2]
    # the notice's own paragraph stays (Zyte's gold keeps a wire story's "(c) 2019 AP. All rights reserved.")
    notice = "Copyright © 2001 Example Inc. All rights reserved. Privacy Policy - Terms of Service"
    assert without_footer_tail(page, (*SENTENCES[:2], notice, DISCLAIMER)) == (*SENTENCES[:2], notice)
    # the disclaimer not last (something read after it): nothing is cut
    assert without_footer_tail(page, (SENTENCES[0], DISCLAIMER, SENTENCES[1])) == (
        SENTENCES[0],
        DISCLAIMER,
        SENTENCES[1],
    )


def test_a_photo_credit_inside_the_story_cuts_nothing():
    # "(c) 2019 ..." as the tail of an image inside the story's container: the block holds the story's first part
    page = _tree(
        f"<html><body><div class='story'><p>{SENTENCES[0]}</p><p>{SENTENCES[1]}</p><img src='a.jpg'/>"
        f"&copy; 2019 Example Images<p>{SENTENCES[2]}</p><p>{SENTENCES[3]}</p></div></body></html>"
    )
    assert without_footer_tail(page, SENTENCES) == SENTENCES


def test_a_story_printed_after_its_notice_is_kept_whole():
    page = _tree(
        "<html><body><div class='essay'>Copyright 2005 by A. Writer"
        + "".join(f"<p>{s}</p>" for s in SENTENCES)
        + "</div></body></html>"
    )
    assert without_footer_tail(page, SENTENCES) == SENTENCES


def test_a_notice_loose_in_body_cuts_nothing():
    page = _tree(f"<html><body><p>{SENTENCES[0]}</p>&copy; 2004 Example<p>{SENTENCES[1]}</p></body></html>")
    assert without_footer_tail(page, SENTENCES[:2]) == SENTENCES[:2]


CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "extraction-dev" / "cleaneval-dev"


@pytest.mark.skipif(not (CORPUS / "html" / "14.html.gz").exists(), reason="../shared corpora absent")
def test_cleaneval_14_leaves_the_footer_disclaimer_out():
    data = gzip.decompress((CORPUS / "html" / "14.html.gz").read_bytes())
    result = extract_article(data, "http://cleaneval-dev.example/page/14.html")
    assert not any("warranties" in p for p in result.paragraphs)
    assert any(p.startswith("The Web is teeming") for p in result.paragraphs)


def test_a_wire_notice_at_the_end_of_the_last_paragraph_cuts_nothing():
    last = f"{SENTENCES[1]} (c) 2019 Example Wire"
    page = _tree(f"<html><body><div><p>{SENTENCES[0]}</p><p>{last}</p></div></body></html>")
    assert without_footer_tail(page, (SENTENCES[0], last)) == (SENTENCES[0], last)


def test_a_notice_followed_by_more_than_a_footer_cuts_nothing():
    # the story's lead in one container, a photo credit opening the next, the rest of the story after it: what
    # follows the notice is far longer than a site footer (FOOTER_TAIL_CHARS), so it is the story, not a footer
    paragraphs = tuple(f"Paragraph {n}. {SENTENCES[n % len(SENTENCES)]}" for n in range(60))
    lead = "".join(f"<p>{p}</p>" for p in paragraphs[:3])
    rest = "".join(f"<p>{p}</p>" for p in paragraphs[3:])
    root = _tree(f"<html><body><div>{lead}</div><div>(c) 2019 Example Photo Agency{rest}</div></body></html>")
    assert without_footer_tail(root, paragraphs) == paragraphs

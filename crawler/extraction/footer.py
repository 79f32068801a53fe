"""Tell a reading that is only the site's copyright footer: a page's footer is never its article."""

from __future__ import annotations

import re
from itertools import chain, islice
from typing import Any

from lxml import etree
from lxml.html import HtmlElement

# A copyright notice with its year: "(c) 2012 The Curious Brain", "© 2003-2024", "Copyright 2019". The year is what
# sets the site's notice apart from a sentence about copyright.
NOTICE_RE = re.compile(r"(?:©|\(c\)|copyright\b)\s*(?:\d{4}\b)", re.IGNORECASE)
WORD_RE = re.compile(r"\w+")
# A footer is short: a reading this long (body.SHORT_READING, a brief of three or four sentences) is not looked at, so
# the page's text nodes are searched on the few pages with a short reading (not tuned: the 3 pages it fixed read 29-40).
FOOTER_WORDS = 60
# The text nodes that may hold a notice (script and style hold code, not text a reader sees).
NOTICE_TEXTS = etree.XPath(
    "//text()[contains(., '©') or contains(., '(c)') or contains(., '(C)') or contains(translate(., 'COPYRIGHT',"
    " 'copyright'), 'copyright')][not(ancestor::script or ancestor::style or ancestor::noscript)]"
)


def _notice_block(text: Any) -> HtmlElement | None:
    """The element whose own text (its text, or the tail of a child) is ``text``, a notice's text node; None for the
    page's <body> or <html> (a notice left loose there says nothing about the rest)."""
    block = text.getparent()
    if block is not None and text.is_tail:
        block = block.getparent()
    return None if block is None or block.tag in ("body", "html") else block


def is_copyright_footer(root: HtmlElement, paragraphs: tuple[str, ...]) -> bool:
    """True when ``paragraphs``, under FOOTER_WORDS words, are all text of the block that holds the copyright notice.

    The block is the element whose own text (its text, or the tail of a child) holds the notice with a year. It counts
    as a footer only when it holds no <p> and is not the page's <body>: a container of <p>s with a notice after them is
    the story as published (a wire story's "(c) 2019 AP"), and a notice left loose in <body> says nothing about the rest.
    On a page whose story is a one-line credit under images, every reading took the footer block instead
    (dragnet-train/R629, R631, R632: "If you find anything interesting ... (c) 2012 ... powered by WordPress"), issue 13.
    """
    if next(islice(chain.from_iterable(map(WORD_RE.finditer, paragraphs)), FOOTER_WORDS - 1, None), None):
        return False  # FOOTER_WORDS words or more, counted no further than that
    words = [" ".join(WORD_RE.findall(p.lower())) for p in paragraphs]
    if not any(words):
        return False
    for text in NOTICE_TEXTS(root):
        if not NOTICE_RE.search(text):
            continue
        block = _notice_block(text)
        if block is None or block.find(".//p") is not None:
            continue
        shown = " " + " ".join(WORD_RE.findall(block.text_content().lower())) + " "
        if all(f" {w} " in shown for w in words if w):
            return True
    return False


#: The most text a site footer prints after its copyright notice; longer, the notice is a credit inside the story
#: (the final review of stop 28: a page of 200 photo credits took 2 s in without_footer_tail before this bound).
FOOTER_TAIL_CHARS = 4000


def without_footer_tail(root: HtmlElement, paragraphs: tuple[str, ...]) -> tuple[str, ...]:
    """``paragraphs`` without their last ones where those are text after the copyright notice in the notice's block.

    The block is found as in is_copyright_footer (not the page's <body>). What follows the notice there is the site's
    footer: a terms-of-use or disclaimer paragraph printed under "(c) 2001 ... All rights reserved" (cleaneval-dev/14,
    where unwrapping the page's layout tables brought it into the reading), issue 13. The paragraph that holds the
    notice stays (Zyte's gold keeps a wire story's "(c) 2019 Associated Press. All rights reserved."). Only where the
    block holds none of the other paragraphs kept, so that a photo credit "(c) 2019 ..." inside the story's
    container, or a story printed after its notice, cuts nothing; and never every paragraph.
    """
    if not paragraphs:
        return paragraphs
    lines = [" " + " ".join(WORD_RE.findall(p.lower())) + " " for p in paragraphs]
    # each block's text joined once: a story may hold many photo credits
    shown_of: dict[HtmlElement, str] = {}
    for text in NOTICE_TEXTS(root):
        notice = NOTICE_RE.search(text)
        if not notice:
            continue
        block = _notice_block(text)
        if block is None:
            continue
        if block not in shown_of:  # a space between blocks: "Terms</a><p>All" is two words
            shown_of[block] = " ".join(block.itertext())
        shown = shown_of[block]
        start = shown.find(str(text)) if str(text) else -1
        after = shown[start + notice.end() :] if start >= 0 else ""
        if len(after) > FOOTER_TAIL_CHARS:
            continue  # more than a footer follows the notice: a credit inside the story's container
        after_line = " " + " ".join(WORD_RE.findall(after.lower())) + " "
        cut = len(lines)
        while cut > 0 and lines[cut - 1].strip() and lines[cut - 1] in after_line:
            cut -= 1
        if cut == len(lines) or cut == 0:
            continue
        block_line = " " + " ".join(WORD_RE.findall(shown.lower())) + " "
        kept = (
            line
            for line, p in zip(lines[:cut], paragraphs, strict=False)
            if line.strip() and not NOTICE_RE.search(p)
        )
        if not any(line in block_line for line in kept):
            return paragraphs[:cut]
    return paragraphs

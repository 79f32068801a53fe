"""Giant comments and attribute values emptied, for a page that hit libxml2's 10,000,000-character limit.

libxml2 ends an HTML parse at a comment or an attribute value of 10 MB as it does at a text node (an inline
``data:`` image, a commented-out bundle), and the story after it was lost as ``no-text`` (a black-box audit, probe
36). crawler.extraction.layout.empty_giant_scripts calls ``empty_giant_markup`` after it has emptied the scripts
and styles, so a ``<!--`` inside a script is not read as a comment here. Each scan is linear: a regex run of
``[^"]`` stops at the next quote, the next candidate starts after it; a comment is closed by the first ``-->``.

Also the bounds told before a tree is built: a tag's attributes (``more_attributes_than``) and a page's elements
(``more_elements_than``), which the extraction and the crawl's reading of an article's later pages share.
"""

from __future__ import annotations

import logging
import re

import lxml.etree

logger = logging.getLogger(__name__)

# Elements a page may have to be read (hostile web, round five). trafilatura's reading grows faster than the page: its
# XPath ``//p//text()`` (libxml2 merges the node sets of every <p> one by one: quadratic) and its pruning passes took
# 90-150 s on a page of 200,000 one-letter <p>s, and a 32 MiB page holds four million (its tree alone 1 GB). No page of
# ../shared/corpora has more than 10,476 (3,082 pages; Lighthouse calls 1,400 "excessive"): five times that is read.
PAGE_MAX_ELEMENTS = 50_000
GIANT_MARKUP_CHARS = 1_000_000  # the same bar as a giant script: no comment or attribute that long carries text

_GIANT_VALUE = re.compile(
    rf"""(=[\t\n\f\r ]*)(?:"[^"]{{{GIANT_MARKUP_CHARS},}}"|'[^']{{{GIANT_MARKUP_CHARS},}}'"""
    rf"""|[^\t\n\f\r "'<>=`]{{{GIANT_MARKUP_CHARS},}})""")


def empty_giant_comments(html: str) -> str:
    """``html`` with every comment of GIANT_MARKUP_CHARS or more emptied (``<!---->`` kept)."""
    out, pos, start = [], 0, html.find("<!--")
    while start != -1:
        end = html.find("-->", start + 4)
        if end == -1:
            break  # an unclosed comment runs to the end of the page: a later "<!--" is inside it
        if end - start - 4 >= GIANT_MARKUP_CHARS:
            out += [html[pos:start], "<!---->"]
            pos = end + 3
        start = html.find("<!--", end + 3)
    return "".join(out) + html[pos:] if out else html


def empty_giant_markup(html: str) -> str:
    """``html`` with its giant comments emptied, then its giant attribute values (quoted or not) set to ``""``."""
    return _GIANT_VALUE.sub(r'\1""', empty_giant_comments(html))


TAG_MAX_ATTRIBUTES = 10_000  # a real tag has a few dozen; libxml2 takes ~0.5 s on 10,000 (quadratic: 37 s on 100,000)
_LONG_TAG = re.compile(r"<[A-Za-z][^<>]{20000,}")  # only a tag this long can hold that many: most pages have none
_QUOTED = re.compile(r""""[^"]*"|'[^']*'""")
_RAW_TEXT = ("script", "style")  # a "<name ..." inside them is code, not a tag ("a<b" in minified script)


def more_attributes_than(html: str, limit: int = TAG_MAX_ATTRIBUTES) -> bool:
    """Whether one tag of ``html`` holds more than ``limit`` attributes, told in linear time before parsing.

    libxml2 compares each attribute of a tag with the ones before it, in C, so ``EXTRACT_TIMEOUT``'s SIGALRM cannot
    interrupt it: a 3 MB ``<div a0 a1 ... a399999>`` held a worker for hours (a black-box probe, stop 36). The
    attributes are counted as the words of the tag left once its quoted values are taken out (a giant ``data:`` value
    is one word); a candidate inside a script or style is code, not a tag.
    """
    lower = ""
    for tag in _LONG_TAG.finditer(html):
        if len(_QUOTED.sub(" ", tag.group()).split()) <= limit:
            continue
        lower = lower or html.lower()  # only on a page with such a run: the rarest case
        start = tag.start()
        if not any(lower.rfind(f"<{name}", 0, start) > lower.rfind(f"</{name}", 0, start) for name in _RAW_TEXT):
            return True
    return False


class _TooMany(Exception):
    """Raised by ``_ElementCount`` to stop the parse once the count is known to be over."""


class _ElementCount:
    """An lxml parser target that counts start tags and stops the parse past ``limit``: no tree is built."""

    def __init__(self, limit: int):
        self.left = limit

    def start(self, tag: str, attrib: object) -> None:
        """One element more; past the limit, the parse stops."""
        self.left -= 1
        if self.left < 0:
            raise _TooMany

    def end(self, tag: str) -> None:
        """Nothing to do at an element's end."""

    def close(self) -> None:
        """Nothing to hand back (lxml's target protocol)."""


def more_elements_than(html: str, limit: int = PAGE_MAX_ELEMENTS) -> bool:
    """Whether the HTML parser would make more than ``limit`` elements of ``html``, told before a tree is built.
    Every element starts with a "<": a page with no more of them (every page of ../shared/corpora) is done with one
    ``str.count``; another is run through libxml2's HTML tokenizer with a counting target, stopped at the limit.
    The extraction refuses such a page (``too-many-elements``); the crawl does not read it for an article's later
    pages either (``crawler/spiders/parts.py``, hostile web round twelve)."""
    if html.count("<") <= limit:
        return False
    try:
        lxml.etree.fromstring(html, lxml.etree.HTMLParser(target=_ElementCount(limit)))
    except _TooMany:
        return True
    except Exception as exc:  # the tree's own parse decides what the page is
        logger.debug("element count stopped: %r", exc)
    return False

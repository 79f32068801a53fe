"""A story whose parts are ``<article>``s below a headline and lead that stand outside them: one article again.

A live blog (or a Q&A, a timeline) prints its headline and intro, then each update as an ``<article>`` of its own,
with no ``<article>`` round the whole. trafilatura takes the page's first ``<article>`` for the story (its BODY_XPATH
``(.//article)[1]``), so it read the first update alone, and, that being short, "recovered" the rest of the page after
it: the first update came before the intro (a black-box probe, stop 37). Where the updates' headings link to their
own pages the reading then opened with an update under a link to another page, and the page was refused as a listing
of teasers (crawler.extraction.listing: a body that opens with a story is an article). The page read in order is the
story: here the run of the page from its headline to the last of those ``<article>``s is wrapped in one ``<article>``
(on the pruned copy every reading reads), so trafilatura's first ``<article>`` is the whole story, intro first.

Only where: the page's headline is an ``<h1>`` of a headline's size, outside every ``<article>``, that the page's
title repeats; the page's first ``<article>`` comes after it, with at least two sibling ``<article>``s beside it (one
``<article>`` after a story is a related card, not a story's parts); and story prose (a paragraph of LEAD_CHARS
outside links) stands between the headline and that first ``<article>``, outside every ``<article>`` (without it
trafilatura's reading is in order already). A front page under its site's name gives itself away by its title: a
site's name is no four-word headline.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from lxml.html import HtmlElement

from crawler.extraction.titles import clean_space, norm

logger = logging.getLogger(__name__)

MIN_PARTS = 2  # sibling <article>s, the page's first among them
LEAD_CHARS = 60  # story prose outside links: a dateline or a byline is shorter (listing.MIN_TEASER_SUMMARY)
MIN_HEADLINE_WORDS = 4  # a headline, not a site's or section's name (listing.MIN_HEADLINE_WORDS)


def wrap_split_story(page: HtmlElement, title_keys: Callable[[], set[str]]) -> bool:
    """Wrap the run of ``page`` from its headline to its last sibling ``<article>`` in one ``<article>`` (see the
    module docstring); ``title_keys()``: the page's title keys (stream.page_title_keys). Whether it did."""
    first = next(page.iter("article"), None)
    if first is None:
        return False
    parent = first.getparent()
    if parent is None or sum(1 for s in parent if s.tag == "article") < MIN_PARTS:
        return False
    headline = next((h for h in page.iter("h1") if not any(a.tag == "article" for a in h.iterancestors())), None)
    if headline is None or not _is_headline(headline, title_keys()):
        return False
    # document order (keyed by the elements themselves: an lxml proxy's id() is reused once it is let go); rare
    order = {element: n for n, element in enumerate(page.iter())}
    if order[headline] > order[first] or not _lead_between(page, headline, first, order):
        return False
    last = [s for s in parent if s.tag == "article"][-1]
    ancestors = set(headline.iterancestors())
    common = next((a for a in last.iterancestors() if a in ancestors), None)
    if common is None or common.tag in ("html", "head"):
        return False
    start = _child_holding(common, headline)
    end = _child_holding(common, last)
    children = list(common)
    run = children[children.index(start):children.index(end) + 1]
    wrapper = page.makeelement("article", {})
    start.addprevious(wrapper)
    for child in run:
        wrapper.append(child)  # lxml moves an element with its tail
    logger.debug("a story in %d <article>s after its headline and lead read as one", len(run))
    return True


def _is_headline(headline: HtmlElement, title_keys: set[str]) -> bool:
    """Whether ``headline`` is a headline-sized text the page's title repeats, not a link (a logo's, a teaser's)."""
    text = clean_space(headline.text_content())
    if len(text.split()) < MIN_HEADLINE_WORDS or any(a.tag == "a" for a in headline.iterancestors()):
        return False
    return norm(text) in title_keys


def _lead_between(page: HtmlElement, headline: HtmlElement, first: HtmlElement,
                  order: dict[HtmlElement, int]) -> bool:
    """Whether a <p> of LEAD_CHARS outside links and outside every <article> stands between ``headline`` and
    ``first``."""
    low, high = order[headline], order[first]
    for paragraph in page.iter("p"):
        at = order[paragraph]
        if at >= high:
            return False
        if at < low or any(a.tag in ("article", "a") for a in paragraph.iterancestors()):
            continue
        linked = sum(len(clean_space(a.text_content())) for a in paragraph.iter("a"))
        if len(clean_space(paragraph.text_content())) - linked >= LEAD_CHARS:
            return True
    return False


def _child_holding(parent: HtmlElement, element: HtmlElement) -> HtmlElement:
    """The child of ``parent`` that is or holds ``element``."""
    node = element
    while node.getparent() is not parent:
        node = node.getparent()
    return node

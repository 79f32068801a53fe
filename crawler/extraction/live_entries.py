"""Read a live page's entries as the page prints them: each entry's heading and paragraphs apart, in page order.

A live page (schema.org ``LiveBlogPosting``, "the day's events" of a war, a results day) prints its entries newest
first, each opened by its time: ``<li class="timeline-item"><time datetime="...">16:55</time><h3>...</h3><p>...</p>
</li>`` in a ``<ul class="timeline">``, or each an ``<article>``/``<div>`` of its own. trafilatura reads a list item as
one bullet line: the entry's heading and its paragraphs ran together on a "- " line (unseen styles round 15,
tests/altsites15). Here, on the pruned copy every reading reads, an entry that is a list item becomes a block (its
list too, where every item of it is an entry), so the body is the entries in page order, each its heading and its
paragraphs. An entry's opening ``<time>`` goes, as trafilatura takes it (``MANUALLY_CLEANED``), the rest of its line
read as before: the body is the text a reader reads, not the clock times printed beside it, as the gold texts of the
extraction benchmarks and the live blog of tests/altsites3 have it (round 15 first kept each time as a line; that
broke both; the times stay in the archived page).

Only where: two or more sibling elements of one tag are entries; an entry's first text is its ``<time>``'s (a
comment opens with its author, a card with its picture's link or its headline) and it holds story prose outside
links (split_story.LEAD_CHARS: a card's summary under a linked headline does not count when that headline links to
another page: crawler.extraction.update_headings' permalink rule). A page's own dateline ``<time>`` stands in no such
run and is left to the date stages, as before."""

from __future__ import annotations

import logging

from lxml.html import HtmlElement

from crawler.extraction.split_story import LEAD_CHARS
from crawler.extraction.titles import clean_space
from crawler.extraction.update_headings import HEADINGS, _own_permalink

logger = logging.getLogger(__name__)

MIN_ENTRIES = 2  # one time-stamped block is a dateline or a card, not a run of entries
MAX_CLIMB = 6  # levels from an entry's <time> up to the entry
MAX_TIME_CHARS = 40  # an entry's time as printed ("16:55", "الأحد 12 مايو 2019 - 16:55"); longer is no time stamp
LISTS = frozenset({"ul", "ol"})
MAX_TIMES = 300  # <time> elements looked at on one page at most (a listing of thousands costs this many climbs)


def entries_as_blocks(page: HtmlElement, url: str) -> int:
    """Take each live entry's opening time out and make each entry list item a block, in ``page``; how many entries
    (see the module docstring)."""
    done = 0
    for parent, entries in entry_runs(page, url):
        for entry, time in entries:
            time.drop_tree()  # its tail stays: an author's name beside the time reads as before
            if entry.tag == "li":
                entry.tag = "div"
        if parent.tag in LISTS and all(not isinstance(c.tag, str) or c.tag == "div" for c in parent):
            parent.tag = "div"
        done += len(entries)
    if done:
        logger.debug("%d live entries read as blocks on %s", done, url)
    return done


def entry_times(page: HtmlElement) -> set[HtmlElement]:
    """The ``<time>`` elements of ``page`` that open entries of a run (a live page's, or cards' whose headlines link
    elsewhere: neither is the page's publication date; crawler.extraction.date_markup leaves them out)."""
    return {time for _, entries in entry_runs(page, None) for _, time in entries}


def entry_runs(page: HtmlElement, url: str | None) -> list[tuple[HtmlElement, list[tuple[HtmlElement, HtmlElement]]]]:
    """The runs of entries in ``page``: each its parent and its (entry, opening ``<time>``) pairs, MIN_ENTRIES or
    more siblings of one tag. ``url`` None: a heading linked to another page does not disqualify an entry."""
    groups: dict[HtmlElement, list[tuple[HtmlElement, HtmlElement]]] = {}
    for n, time in enumerate(page.iter("time")):
        if n >= MAX_TIMES:
            break
        entry = _entry_of(time, url)
        if entry is not None:
            groups.setdefault(entry.getparent(), []).append((entry, time))
    return [(parent, entries) for parent, entries in groups.items()
            if len(entries) >= MIN_ENTRIES and len({entry.tag for entry, _ in entries}) == 1]


def _entry_of(time: HtmlElement, url: str | None) -> HtmlElement | None:
    """The element round ``time`` (MAX_CLIMB levels at most) that opens with it, stands among siblings of its tag
    and holds story prose: the entry the time opens; or None (a byline's time, a comment's, a card's)."""
    if not 0 < len(clean_space(time.text_content())) <= MAX_TIME_CHARS:
        return None
    element = time
    for _ in range(MAX_CLIMB):
        parent = element.getparent()
        if parent is None or parent.tag in ("body", "html", "main") or not _opens_with(parent, element):
            return None
        element = parent
        if _siblings_alike(element) and _holds_own_prose(element, url):
            return element
    return None


def _opens_with(parent: HtmlElement, child: HtmlElement) -> bool:
    """Whether no text of ``parent`` comes before its child ``child`` (read up to it only: cheap on a big page)."""
    if (parent.text or "").strip():
        return False
    for element in parent:
        if element is child:
            return True
        if (element.tail or "").strip() or isinstance(element.tag, str) and element.text_content().strip():
            return False
    return False


def _siblings_alike(element: HtmlElement) -> bool:
    """Whether ``element``'s parent holds another child of its tag (an entry stands in a run of them)."""
    parent = element.getparent()
    return parent is not None and sum(1 for c in parent if c.tag == element.tag) >= MIN_ENTRIES


def _holds_own_prose(entry: HtmlElement, url: str | None) -> bool:
    """Whether ``entry`` holds a <p> of LEAD_CHARS outside links, and (``url`` given) no heading linked to another
    page."""
    for heading in entry.iter(*HEADINGS) if url is not None else ():
        if any(not _own_permalink(entry, a.get("href") or "", url) for a in heading.iter("a") if a.get("href")):
            return False
    for paragraph in entry.iter("p"):
        linked = sum(len(clean_space(a.text_content())) for a in paragraph.iter("a"))
        if len(clean_space(paragraph.text_content())) - linked >= LEAD_CHARS:
            return True
    return False

"""A publication date printed just above the headline, in an element marked as a date.

Joomla's K2 component (its default item layout and most templates made from it) prints the item's creation date in
``<span class="itemDateCreated">`` right before the title's ``<h2 class="itemTitle">``, so the line under the headline
holds the "Written by" byline and no date; the page's only other dates are the "latest news" module's, which htmldate
took (tests/altsites11). Other CMSs' "date over title" layouts (a kicker line with the day above an ``<h1>``) are the
same pattern. Only the nearest elements before the headline, in its own block, are read, and only those whose class or
id says date, time, created or published: a top bar's "today" sits far from the headline, outside its block.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import lxml.html

from crawler.extraction.arabic_dates import Found, find_text_dates
from crawler.extraction.date_markup import BOILERPLATE_TAGS, has_ancestor

# the headline element, found as the line-under-it reading finds it (date_text is not ours to change)
from crawler.extraction.date_text import headline_element
from crawler.extraction.date_times import time_beside

DATE_MARK_RE = re.compile(r"date|time|created|publish|posted", re.IGNORECASE)
LEVELS = 2  # the headline's siblings, then its parent's
SIBLINGS = 3  # elements read before the headline at each level
MAX_CHARS = 80  # a date line, not a paragraph that mentions a date
SKIP_TAGS = {"script", "style", "noscript", "template"}


def dates_above_headline(doc: lxml.html.HtmlElement, hint: str = "") -> Iterator[Found]:
    """Dates of the date-marked elements right before the headline (nearest first)."""
    headline = headline_element(doc, hint)
    node = headline
    for _ in range(LEVELS):
        if node is None or node.getparent() is None:
            return
        for sibling in list(node.itersiblings(preceding=True))[:SIBLINGS]:
            if not isinstance(sibling.tag, str) or sibling.tag in SKIP_TAGS:
                continue
            for element in sibling.iter():
                if not isinstance(element.tag, str) or element.tag in SKIP_TAGS:
                    continue
                if not DATE_MARK_RE.search(f"{element.get('class', '')} {element.get('id', '')}"):
                    continue
                text = " ".join(element.text_content().split())
                if 6 <= len(text) <= MAX_CHARS and not has_ancestor(element, BOILERPLATE_TAGS):
                    for found in sorted(find_text_dates(text), key=lambda d: d.modified):
                        if not found.modified:  # with the time printed beside it (date_times)
                            printed = time_beside(text, found.value, start=found.start, end=found.end)
                            yield printed.on(found.value) if printed is not None else Found(found.value)
        node = node.getparent()

"""The elements of a parsed page by tag, from one walk of its tree, for the readers of the page as parsed."""

from __future__ import annotations

import logging
import weakref

from lxml.html import HtmlElement

logger = logging.getLogger(__name__)

# The tags that the headline, date, author and canonical-link readers look up on the page as parsed. A walk of a
# page's tree costs about 0.08 ms whatever it looks for (1,500 nodes on the throughput mirror), and those readers
# walked it a dozen times a page, a millisecond in all; one walk for all of them costs 0.15 ms (issue 10).
INDEXED_TAGS = ("meta", "script", "a", "img", "h1", "link", "title", "time")
ALL = "*"  # the index's key for all of its elements, in document order

# Weak keys: an index goes with its tree. Only for trees that are read, never changed, once indexed (extract_article's
# page as parsed: the body is pruned on a copy); a changed tree would keep the lists of its first reading.
_INDEXES: weakref.WeakKeyDictionary[HtmlElement, dict[str, list[HtmlElement]] | None] = weakref.WeakKeyDictionary()


def elements(root: HtmlElement, tag: str) -> list[HtmlElement]:
    """``list(root.iter(tag))`` for one of INDEXED_TAGS (ALL: all of them), from one walk of ``root`` (see above).

    The list is shared: read it, never change it.
    """
    if root not in _INDEXES:
        _INDEXES[root] = _index(root)
    index = _INDEXES[root]
    if index is not None:
        return index[tag]
    return list(root.iter(*INDEXED_TAGS) if tag == ALL else root.iter(tag))


def document_elements(element: HtmlElement, *tags: str) -> list[HtmlElement]:
    """The elements that the XPath ``//tag1 | //tag2 ...`` finds from ``element``: those of its document, in order."""
    top = element.getroottree().getroot()
    if top.getnext() is not None:  # more after the root (libxml2 may put markup after </html> there): the XPath
        return element.xpath(" | ".join(f"//{tag}" for tag in tags))
    if len(tags) == 1:
        return elements(top, tags[0])
    return [found for found in elements(top, ALL) if found.tag in tags]


def _index(root: HtmlElement) -> dict[str, list[HtmlElement]] | None:
    """Each of INDEXED_TAGS and its elements under ``root`` in document order; None where a tag reads otherwise."""
    index: dict[str, list[HtmlElement]] = {tag: [] for tag in INDEXED_TAGS}
    everything = index[ALL] = list(root.iter(*INDEXED_TAGS))
    for element in everything:
        found = index.get(element.tag)
        if found is None or found is everything:  # matched under another name (a namespace): walked for per tag
            logger.debug("page index: element %r read per tag", element.tag)
            return None
        found.append(element)
    return index

"""The anchors of a listing page, read in bounded memory: a tree for a page of ordinary size, a stream of parser
events (no tree) for one of more markup than any listing holds.

A listing is parsed in the crawl process, on the reactor's thread, and may be as large as DOWNLOAD_MAXSIZE (32 MiB):
1.5 million links in 35 MB built a tree of about 700 MB and held the reactor for a minute while every link was joined
(hostile web round ten). The caller (``crawler.discovery.parsers.dated_page_links``) stops reading at its bound of
links; here a page of more than ``TREE_MAX_MARKUP`` "<" is read with lxml's parser-target interface, as the sitemaps
and feeds are (``crawler.discovery.xmlstream``), which hands on each anchor and keeps none of the page.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

import lxml.etree
import lxml.html

from crawler.discovery.stamps import anchor_dates

# about 100,000 elements (an element is a start and an end tag): the corpora's largest page has 10,476 elements, and a
# tree of 100,000 takes some 50 MB
TREE_MAX_MARKUP = 200_000
STREAM_MAX_ANCHORS = 200_000  # anchors handed on by the stream at most (the caller keeps 50,000 distinct links)

# libxml2's limits without XML_PARSE_HUGE end a page's parse at a text node past 10,000,000 characters (an inline
# script of state) or past 255 open elements (a legacy listing whose every item leaves a <font> open): every link
# after that point was lost, where a browser shows them. A listing is at most DOWNLOAD_MAXSIZE (32 MiB) and an HTML
# document declares no entities, so the huge limits (1 GB text, 2048 levels) cost nothing a page could not.
_HUGE_HTML = lxml.html.HTMLParser(huge_tree=True)


class Anchor(NamedTuple):
    """One ``<a>``, ``<area>`` or ``<link rel=next>``: its href and rel as written, and the date of a ``<time>`` inside it (tree only)."""

    href: str
    rel: str
    date: str | None


class Anchors(NamedTuple):
    """A page's first ``<base href>`` (None: none) and its anchors in page order."""

    base: str | None
    anchors: Iterator[Anchor]


def page_anchors(html: str | bytes) -> Anchors | None:
    """The anchors of ``html``, or None when lxml reads no document in it."""
    if html.count("<" if isinstance(html, str) else b"<") > TREE_MAX_MARKUP:
        return _streamed(html)
    try:
        doc = lxml.html.document_fromstring(html, parser=_HUGE_HTML)
    except (lxml.etree.ParserError, ValueError):
        return None
    base = next((b.get("href") for b in doc.iter("base") if b.get("href")), None)
    stamped = anchor_dates(doc)
    return Anchors(base, (Anchor(a.get("href") or "", a.get("rel") or "", stamped.get(a))
                          for a in doc.iter("a", "area", "link") if a.tag != "link" or _is_next(a.get("rel"))))


def _is_next(rel: str | None) -> bool:
    """Of a head's ``<link>``s only rel=next is a link to follow: the next page where a theme prints no pager (Ghost's
    Casper, unseen styles round 13); stylesheets, icons, alternates and canonicals are not."""
    return "next" in (rel or "").lower().split()


class _Enough(Exception):
    """Raised by the target to stop the parse: the anchors wanted are in."""


class _AnchorTarget:
    """An lxml parser target that keeps the first ``<base href>`` and each anchor's href and rel, and no tree."""

    def __init__(self) -> None:
        self.base: str | None = None
        self.found: list[Anchor] = []

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        """An anchor or the base; the parse stops past STREAM_MAX_ANCHORS anchors."""
        if tag in ("a", "area") or (tag == "link" and _is_next(attrib.get("rel"))):
            self.found.append(Anchor(attrib.get("href") or "", attrib.get("rel") or "", None))
            if len(self.found) >= STREAM_MAX_ANCHORS:
                raise _Enough
        elif tag == "base" and self.base is None and attrib.get("href"):
            self.base = attrib["href"]

    def end(self, tag: str) -> None:
        """Nothing to do at an element's end."""

    def data(self, text: str) -> None:
        """Text is not kept."""

    def close(self) -> None:
        """Nothing to hand back (lxml's target protocol)."""


def _streamed(html: str | bytes) -> Anchors:
    """The anchors of a page too large for a tree: as there, the page's first ``<base href>`` is every link's base;
    no ``<time>`` dates a link."""
    target = _AnchorTarget()
    try:
        lxml.etree.fromstring(html, lxml.etree.HTMLParser(target=target, huge_tree=True))
    except _Enough:
        pass
    except (lxml.etree.LxmlError, ValueError):
        pass  # what came before the error is kept, as the tree keeps what it read
    return Anchors(target.base, iter(target.found))

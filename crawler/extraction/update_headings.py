"""Keep a live blog's update headings: the heading that opens each part of a story, linked to that part's own page.

A live blog (a timeline, a Q&A) prints each update as an ``<article>`` of its own, headed by an ``<h2>`` that links to
the update's permalink ("#update-3", or a page of its own under the blog's: ``/live/116/update/3.html``). trafilatura's
precise reading deletes every heading whose text is mostly link (trafilatura/main_extractor.py
``prune_unwanted_sections``: ``delete_by_link_density(subtree, "head", ...)`` with ``favor_precision``), so the body
held the updates' text without their headings (a black-box probe, stop 37). Such a link adds no word, so it is
unwrapped here (its text stays in the heading, the ``<a>`` goes), on the pruned copy every reading reads.

Only where: the ``<article>`` is one of two or more sibling ``<article>``s (a story's parts); the heading (h2-h4) is
its first line (at most a time stamp's characters before it, no paragraph); every link of the heading is the part's
own permalink: a fragment of this page, this page itself, the part's own ``data-url``, ``itemprop="url"`` or
``id``, or a page under this one (its path the page's path, extension aside, and more, where that path ends in an
id: "/live/116.html" holds "/live/116/update/3.html"); and the part holds story prose outside links
(split_story.LEAD_CHARS). A teaser card links its headline to another story's page (and holds no prose outside its
link): its heading is left to trafilatura as before.
"""

from __future__ import annotations

import logging
import re
from urllib.parse import parse_qsl, unquote, urldefrag, urljoin, urlsplit

from lxml.html import HtmlElement

from crawler.extraction.split_story import LEAD_CHARS, MIN_PARTS
from crawler.extraction.titles import clean_space

logger = logging.getLogger(__name__)

HEADINGS = frozenset({"h2", "h3", "h4"})
FIRST_LINE_CHARS = 40  # text before the heading in its part: a time or a date stamp ("18:40"), no paragraph
STOPS = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "table", "figure", "ul", "ol"})
EXTENSION_RE = re.compile(r"\.[A-Za-z0-9]{1,5}$")


def keep_update_headings(page: HtmlElement, url: str) -> int:
    """Unwrap the permalink of each story part's opening heading in ``page`` (see the module docstring); how many."""
    groups: dict[HtmlElement, list[HtmlElement]] = {}
    for block in page.iter("article"):
        parent = block.getparent()
        if parent is not None:
            groups.setdefault(parent, []).append(block)
    kept = 0
    for blocks in groups.values():
        if len(blocks) < MIN_PARTS:
            continue
        for block in blocks:
            heading = _first_heading(block)
            if heading is None:
                continue
            links = [a for a in heading.iter("a") if (a.get("href") or "").strip()]
            if not links or not all(_own_permalink(block, a.get("href") or "", url) for a in links):
                continue
            if not _holds_prose(block):
                continue
            for link in links:
                link.drop_tag()  # its text and tail stay where they were
            kept += 1
    if kept:
        logger.debug("%d story parts' headings linked to their own permalinks kept on %s", kept, url)
    return kept


def _first_heading(block: HtmlElement) -> HtmlElement | None:
    """The heading that is ``block``'s first line (at most FIRST_LINE_CHARS of text before it), or None."""
    before = len((block.text or "").strip())
    for element in block.iterdescendants():
        if not isinstance(element.tag, str):
            continue
        if element.tag in HEADINGS:
            return element if before <= FIRST_LINE_CHARS else None
        if element.tag in STOPS:
            return None
        before += len((element.text or "").strip()) + len((element.tail or "").strip())
        if before > FIRST_LINE_CHARS:
            return None
    return None


def _holds_prose(block: HtmlElement) -> bool:
    """Whether a <p> of ``block`` holds LEAD_CHARS of text outside links (a teaser card's summary is its link's)."""
    for paragraph in block.iter("p"):
        if any(a.tag == "a" for a in paragraph.iterancestors()):
            continue
        linked = sum(len(clean_space(a.text_content())) for a in paragraph.iter("a"))
        if len(clean_space(paragraph.text_content())) - linked >= LEAD_CHARS:
            return True
    return False


def _key(url: str) -> str:
    """``url`` without its fragment, its escapes decoded, a final "/" stripped."""
    return unquote(urldefrag(url)[0]).rstrip("/")


def _own_permalink(block: HtmlElement, href: str, page_url: str) -> bool:
    """Whether ``href`` is ``block``'s own permalink on the page ``page_url`` (see the module docstring)."""
    href = href.strip()
    if href.startswith("#"):
        return len(href) > 1  # this page, at an anchor ("#" alone is a script's dead link)
    try:
        target = urljoin(page_url, href)
        link, page = urlsplit(target), urlsplit(page_url)
        if link.scheme not in ("http", "https") or (link.hostname or "") != (page.hostname or ""):
            return False
    except ValueError:  # a malformed address ("http://[x/")
        return False
    if _key(target) == _key(page_url):
        return True
    own = [block.get("data-url") or ""] + [e.get("href") or e.get("content") or "" for e in block.iter("a", "link", "meta")
                                          if (e.get("itemprop") or "").strip().lower() == "url"]
    if any(o.strip() and _key(urljoin(page_url, o.strip())) == _key(target) for o in own):
        return True
    if block.get("id") and link.fragment == block.get("id"):
        return True
    return _under(link.path, link.query, page.path, page.query)


def _under(path: str, query: str, page_path: str, page_query: str) -> bool:
    """Whether ``path``/``query`` is a page under ``page_path``/``page_query``, a page that is an item (its last path
    segment holds a digit): the page's path without its extension, then more segments; or the same path with the
    page's query parameters and more."""
    stem = EXTENSION_RE.sub("", unquote(page_path).rstrip("/"))
    last = stem.rsplit("/", 1)[-1]
    if not any(c.isdigit() for c in last):
        return False  # a section or front page ("/news/"): its items are other stories, not its parts
    if unquote(path).startswith(stem + "/"):
        return True
    if unquote(path) != unquote(page_path) or not page_query:
        return False
    mine, theirs = set(parse_qsl(page_query)), set(parse_qsl(query))
    return mine < theirs

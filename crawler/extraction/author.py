"""Find an article's author: JSON-LD, then <meta>, then trafilatura's search of the page's bylines, read in place."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable

from lxml import etree
from lxml.html import HtmlElement

from crawler.extraction.titles import clean_space, json_ld_article, meta_content

logger = logging.getLogger(__name__)

JUNK_AUTHOR_RE = re.compile(r"https?:|www\.|\.(?:png|jpe?g|gif|svg|webp)\b|\blogo\b", re.IGNORECASE)
# Every attribute value that one of trafilatura's AUTHOR_XPATHS (trafilatura/xpaths.py) tests holds one of these: an
# element without any such attribute value (or an <author> element) cannot be a byline candidate. Searched in Python:
# the same test as an XPath of contains() calls cost four times as much (3.5 against 0.8 ms a page on Zyte's pages).
CANDIDATE_RE = re.compile("uthor|yline|byl|BBL|username|zuozhe|bianji|xiaobian|channel-name|submitted-by|posted-by|"
                          "journalist-name|screenname|writer")
MAX_CANDIDATE_ELEMENTS = 1500  # candidates' subtrees bigger than this in all: trafilatura's own copy-and-prune search


def find_author(root: HtmlElement, fallback: Callable[[], str | None]) -> str | None:
    """The author from JSON-LD or meta, else ``fallback()`` (trafilatura's)."""
    article = json_ld_article(root) or {}
    authors = article.get("author")
    names: list[str] = []
    for author in authors if isinstance(authors, list) else [authors]:
        if isinstance(author, dict) and isinstance(author.get("name"), str):
            names.append(clean_space(author["name"]))
        elif isinstance(author, str):
            names.append(clean_space(author))
    names = [n for n in names if n and not n.lower().startswith("http")]
    if names:
        return "; ".join(dict.fromkeys(names))
    meta = meta_content(root, "author", "article:author", "dc.creator", "byl", "sailthru.author")
    if meta and not JUNK_AUTHOR_RE.search(meta):
        return meta
    fallback = clean_space(fallback())
    return fallback if fallback and not JUNK_AUTHOR_RE.search(fallback) else None


def trafilatura_metadata(root: HtmlElement) -> object:
    """trafilatura's title and author of the page (its extract_metadata without the parts we do not use).

    The date search left out (htmldate, dateparser) cost more than a whole extraction; crawler.extraction.dates
    finds the date.
    """
    from trafilatura.metadata import examine_meta, extract_meta_json, extract_title

    metadata = examine_meta(root)
    if metadata.author and " " not in metadata.author:  # as extract_metadata does
        metadata.author = None
    try:
        metadata = extract_meta_json(root, metadata)
    except Exception as exc:  # as extract_metadata does: its JSON-LD reader has bugs on odd markup
        logger.debug("trafilatura's JSON-LD metadata failed: %r", exc)
    metadata.title = metadata.title or extract_title(root)
    metadata.author = metadata.author or byline_author(root)
    metadata.clean_and_trim()
    return metadata


class _Search:
    """trafilatura's author and discard XPaths as tests of one element, its ancestors or its descendants."""

    def __init__(self) -> None:
        from trafilatura.xpaths import AUTHOR_DISCARD_XPATHS, AUTHOR_XPATHS, REGEXP_NS

        namespaces = {"re": REGEXP_NS}
        discard, kept = (x.path.strip() for x in AUTHOR_DISCARD_XPATHS)
        if not discard.startswith(".//*[") or kept != "//time|//figure":
            raise RuntimeError("trafilatura's AUTHOR_DISCARD_XPATHS changed: update crawler/extraction/author.py")
        tests = discard.removeprefix(".//*")
        # ``.//*`` leaves out the root, and deleting the root (//time) is a no-op: hence [parent::*]
        self.pruned = etree.XPath(f"ancestor-or-self::*[parent::*]{tests} | ancestor-or-self::*[parent::*]"
                                  "[self::time or self::figure]", namespaces=namespaces)
        self.removed = etree.XPath(f"descendant::*{tests} | descendant::time | descendant::figure",
                                   namespaces=namespaces)
        self.matches = []
        for xpath in AUTHOR_XPATHS:
            path = xpath.path.strip()
            if not path.startswith("//*[") or "//" in path[3:].replace("|//author", ""):
                raise RuntimeError("trafilatura's AUTHOR_XPATHS changed: update crawler/extraction/author.py")
            self.matches.append(etree.XPath("self::*" + path[3:].replace("|//author", "| self::author"),
                                            namespaces=namespaces))


_SEARCH: list[_Search] = []  # built on first use: trafilatura is imported in the worker process only
COUNT = etree.XPath("count(descendant::*)")


def byline_author(root: HtmlElement) -> str | None:
    """trafilatura.metadata.extract_author(root), the same answer, reading the page in place.

    trafilatura deep-copies the page, deletes comment, sidebar, date and figure elements (AUTHOR_DISCARD_XPATHS) and
    runs three XPaths with EXSLT regular expressions over what is left: 5 ms a page on Zyte's pages, most of the cost
    of a title and author fallback that a third of them need (issue 10). Here one walk finds the few elements that
    could match, each is tested against trafilatura's own expressions, and the text trafilatura would read from its
    pruned copy is rebuilt from the element (a deleted element's tail joins the text before it, as
    trafilatura.xml.delete_element does). Where that would not be cheap or not plainly the same (a root inside a
    bigger document, an XPath testing a <rel> child's text, huge candidates), trafilatura's own search runs.
    """
    from trafilatura.json_metadata import normalize_authors
    from trafilatura.metadata import extract_author
    from trafilatura.utils import trim

    if root.getparent() is not None or root.getroottree().getroot() is not root:
        return extract_author(root)
    candidates = []  # in document order, as the XPaths give them
    for element in root.iter():
        if element.tag == "rel":  # AUTHOR_XPATHS test a <rel> child's text, which pruning may change
            return extract_author(root)
        if element.tag == "author" or CANDIDATE_RE.search(" ".join(element.values())):
            candidates.append(element)
    if not candidates:
        return None
    if sum(COUNT(element) for element in candidates) > MAX_CANDIDATE_ELEMENTS:
        return extract_author(root)
    if not _SEARCH:
        _SEARCH.append(_Search())
    search = _SEARCH[0]
    kept: dict[HtmlElement, bool] = {}
    for matches in search.matches:  # as trafilatura.metadata.extract_metainfo: expression by expression
        for element in candidates:
            if not matches(element):
                continue
            if element not in kept:
                kept[element] = not search.pruned(element)
            if not kept[element]:
                continue
            removed = set(search.removed(element))
            content = trim(" ".join(element.itertext() if not removed else _pruned_text(element, removed)))
            if content and 2 < len(content) < 120:
                return normalize_authors(None, content)
    return None


def _pruned_text(element: HtmlElement, removed: set[HtmlElement]) -> list[str]:
    """The text pieces ``element.itertext()`` gives once the ``removed`` descendants are deleted, tails kept."""
    pieces: list[str] = []
    _collect(element, removed, pieces)
    return pieces


def _collect(element: HtmlElement, removed: set[HtmlElement], pieces: list[str]) -> None:
    """Append the pruned text of ``element`` (kept) to ``pieces``."""
    pending = element.text  # the element's text, or the tail of its last kept child, with deleted siblings' tails
    for child in element:
        if child in removed:
            if child.tail:  # trafilatura.xml.delete_element: (previous.tail or parent.text) + tail
                pending = (pending or "") + child.tail
            continue
        if pending is not None:
            pieces.append(pending)
        if isinstance(child.tag, str):
            _collect(child, removed, pieces)
        pending = child.tail
    if pending is not None:
        pieces.append(pending)

"""trafilatura's reading of a tree: its body paragraphs, with its fallback comparison run only where it can matter."""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING

from lxml import etree
from lxml.html import HtmlElement

from crawler.extraction.titles import clean_space

if TYPE_CHECKING:
    from trafilatura.settings import Document

logger = logging.getLogger(__name__)

# trafilatura's comparison with readability and jusText (trafilatura/external.py, compare_extraction; skipped in its
# `fast` mode) is 35-60 % of a `favor_precision` reading of our pruned page (fast 2.7 against 6.7 ms a reading on the
# generated mirror, 5.9 against 9.4 on Zyte, 6.0 against 10.1 on extraction-dev). In precision mode it changes the
# reading where trafilatura's own is short (jusText below 250 characters; readability when it is empty), holds markup
# its sanitiser drops (jusText), has no paragraph text or more tables than paragraphs (readability), or is less than
# half as long as readability's (below: no cheap sign, so a lean reading is not always the full one); fast mode also keeps
# teaser-class blocks when it recovers "wild" text after a short main pass. So a lean reading is read fast, and read
# again in full when the fast one is shorter than LEAN_MIN_CHARS, has no paragraph text or more tables than
# paragraphs, holds such markup, or holds text of a teaser-class element. Readability's other way in, a text more than
# twice as long as trafilatura's, has no cheap sign: on a precise reading our own unread_prose check and the balanced
# reference catch what it would. Chosen on extraction-dev's tune half with the Zyte and trafilatura sets (every figure
# the same to five decimals; 250 characters cost the trafilatura set a segment, and without the teaser test
# achgut.com lost two); the full reading is still asked for on 0-15 % of the precise readings (mirror 0 %, Zyte 2 %,
# trafilatura set 10 %, extraction-dev tune 15 %). Balanced readings are always read in full: lean, they cost the
# trafilatura set 0.001 (issue 10).
LEAN_MIN_CHARS = 500
WORD_RE = re.compile(r"\w")
TEASER_PIECE_CHARS = 20  # a piece of a teaser's text this long found in the fast reading: the teaser was kept


def paragraphs_of(text: str) -> tuple[str, ...]:
    """Clean, non-empty paragraphs from extracted text, in order."""
    paragraphs = (clean_space(line) for line in text.splitlines())
    return tuple(p for p in paragraphs if p and WORD_RE.search(p))


def read(tree: HtmlElement, url: str, *, lean: bool = False, **options: object) -> tuple[str, ...]:
    """The body paragraphs trafilatura finds in ``tree`` (which it copies, never changes), options built per call.

    ``lean``: read in trafilatura's fast mode, and again in full only where its comparison with readability and
    jusText may change the reading (see LEAN_MIN_CHARS). Precision readings only: trafilatura's balanced and recall
    modes decide between the candidates otherwise, so the signs above would not tell.
    """
    if lean and not options.get("favor_precision"):
        raise ValueError("a lean reading is a favor_precision one (crawler.extraction.reading.LEAN_MIN_CHARS)")
    if lean:
        document = _extraction(tree, url, fast=True, **options)
        if document is not None and not _may_fall_back(document.body, tree):
            return paragraphs_of(document.text or "")
        logger.debug("trafilatura's comparison may change its reading of %s: read in full", url)
    document = _extraction(tree, url, **options)
    return paragraphs_of(document.text or "") if document is not None else ()


def _extraction(tree: HtmlElement, url: str, **options: object) -> Document | None:
    """trafilatura's document for ``tree``; None where it found nothing."""
    import trafilatura  # imported in the worker process only

    # No metadata: its date search (htmldate, dateparser) cost more than the extraction itself; crawler.extraction
    # finds title, date and author on the page itself.
    settings = {"include_comments": False, "include_tables": True, "include_images": False, "include_links": False,
                "deduplicate": False, **options}
    return trafilatura.bare_extraction(tree, url=url, with_metadata=False, **settings)


def _may_fall_back(body: etree._Element, tree: HtmlElement) -> bool:
    """True where trafilatura's comparison could change its fast reading ``body`` of ``tree`` (see LEAN_MIN_CHARS)."""
    from trafilatura.external import SANITIZED_XPATH  # the markup that sends its reading to jusText

    text = " ".join(body.itertext()).strip()
    if len(text) < LEAN_MIN_CHARS:
        return True
    if not body.xpath(".//p//text()") or len(body.findall(".//table")) > len(body.findall(".//p")):
        return True
    if body.xpath(SANITIZED_XPATH):
        return True
    teasers = _teasers(tree)
    if not teasers:
        return False
    read = " ".join(text.split())
    pieces = (" ".join(piece.split()) for teaser in teasers for piece in teaser.itertext())
    return any(len(piece) >= TEASER_PIECE_CHARS and piece in read for piece in pieces)


def _teasers(tree: HtmlElement) -> list[HtmlElement]:
    """The elements trafilatura's TEASER_DISCARD_XPATH (trafilatura/xpaths.py) prunes, in document order.

    Those whose class or id holds "teaser" once "T" is read as "t" (its test): one walk over the elements, where the
    XPath of the same test over every class and id attribute cost half as much again (issue 10).
    """
    return [element for element in tree.iter(etree.Element)
            if "teaser" in (element.get("class") or "").replace("T", "t")
            or "teaser" in (element.get("id") or "").replace("T", "t")]

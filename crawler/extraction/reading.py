"""trafilatura's reading of a tree: its body paragraphs, with its fallback comparison run only where it can matter."""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING

from lxml import etree
from lxml.html import HtmlElement

from crawler.extraction.ordered_lists import reading_text
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
# Where trafilatura's own reading finds less than its min_extracted_size, its balanced and recall modes fall back to
# its ``baseline`` (trafilatura/baseline.py; never in precision mode), whose first tier reads each outermost <article>
# as ONE paragraph: its whole text, the blocks joined by a space (``block_text``). Headline, byline, every paragraph,
# caption and counter of a short story or a gallery post came out as one line (a black-box probe of a gallery of
# <figure>s, stop 36). Such a reading holds at most one paragraph per <article>; a paragraph that is an <article>'s
# blocks run together, every block found in order and nothing else between them, is cut back into those blocks
# (_with_block_lines), and the headline among them then leaves the body as on any page. The blocks are cut where
# baseline puts its spaces (trafilatura.baseline._BLOCK_ELEMS, copied: it is private), and what its basic_cleaning
# deletes first (trafilatura.settings.BASIC_CLEAN_XPATH, its tags) is no block's text; a block it deleted otherwise
# is not found and skipped, and a paragraph not covered block by block stays as it was. Of baseline's other tiers,
# the JSON-LD one reads an articleBody written as HTML as one line (crawler.extraction.jsonld_body takes its breaks),
# the paragraph one a <blockquote> holding <p>s (left as it is), and the last one the page's whole text, a text node
# a line. On the benchmark sets two pages change: extraction-dev's Dragnet blog posts R835 and T127, read by baseline,
# whose headline now leaves the body (their gold holds it: -0.10 and -0.02 token F1 on those pages).
BASELINE_BLOCKS = frozenset({
    "address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "figcaption", "figure", "footer",
    "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section",
    "summary", "table", "td", "th", "tr", "ul"})
BASELINE_DELETED = frozenset({"aside", "fencedframe", "footer", "script", "style", "svg", "template"})
BASELINE_MIN_CHARS = 100  # baseline reads an <article> only when it holds more (its _MIN_CONTENT_LENGTH)
# A reading of more paragraphs than this is not looked at (the page's <article>s are not even looked for: a walk of
# the tree on every reading, issue 10): a page of five <article>s read by baseline keeps one line for each
BASELINE_MAX_PARAGRAPHS = 4


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
            return paragraphs_of(reading_text(document, tree))
        logger.debug("trafilatura's comparison may change its reading of %s: read in full", url)
    document = _extraction(tree, url, **options)
    if document is None:
        return ()
    paragraphs = paragraphs_of(reading_text(document, tree))  # an <ol>'s items numbered (ordered_lists)
    # trafilatura's precise mode never falls back to baseline (trafilatura/core.py: trafilatura_sequence)
    return paragraphs if options.get("favor_precision") else _with_block_lines(paragraphs, tree)


def _with_block_lines(paragraphs: tuple[str, ...], tree: HtmlElement) -> tuple[str, ...]:
    """``paragraphs`` with each one that is an outermost <article>'s blocks run together cut back into those blocks.

    See BASELINE_BLOCKS. Only a reading of no more paragraphs than the page has outermost <article>s can be such a
    one: the <article>s are looked for only where it holds BASELINE_MAX_PARAGRAPHS or fewer, one of them long.
    """
    if len(paragraphs) > BASELINE_MAX_PARAGRAPHS or not any(len(p) > BASELINE_MIN_CHARS for p in paragraphs):
        return paragraphs
    articles = tree.xpath("descendant-or-self::article[not(ancestor::article)]")
    if len(paragraphs) > len(articles):
        return paragraphs
    lines = [_block_lines(article) for article in articles]
    cut: list[str] = []
    for paragraph in paragraphs:
        pieces = next((found for blocks in lines if len(found := _cut_at(paragraph, blocks)) > 1), (paragraph,))
        if len(pieces) > 1:
            logger.debug("a reading's paragraph is an <article> read as one line: cut into its %d blocks", len(pieces))
        cut.extend(piece for piece in pieces if WORD_RE.search(piece))  # as paragraphs_of leaves out a bare "|"
    return tuple(cut)


def _cut_at(paragraph: str, blocks: list[str]) -> tuple[str, ...]:
    """``paragraph`` cut into ``blocks`` where it is those of them it holds, in order, and nothing else; else ()."""
    found, at = [], 0
    for block in blocks:
        end = at + len(block)
        if paragraph.startswith(block, at) and (end == len(paragraph) or paragraph[end] == " "):
            found.append(block)
            at = end + 1  # past the space baseline put between two blocks
    return tuple(found) if at > len(paragraph) else ()


def _block_lines(element: HtmlElement) -> list[str]:
    """The text of ``element`` cut at the tags where trafilatura's baseline puts a space (BASELINE_BLOCKS), each piece
    as our readings give a paragraph (clean_space), empty ones left out; what baseline deletes is left out."""
    lines: list[str] = []
    parts: list[str] = []

    def flush() -> None:
        text = clean_space("".join(parts))
        if text:
            lines.append(text)
        parts.clear()

    def walk(node: HtmlElement) -> None:
        for child in node:
            tag = child.tag
            if isinstance(tag, str) and tag not in BASELINE_DELETED and not (
                    tag == "div" and "footer" in f"{child.get('class', '')}{child.get('id', '')}"):
                block = tag in BASELINE_BLOCKS
                if block:
                    flush()
                if child.text:
                    parts.append(child.text)
                walk(child)
                if block:
                    flush()
            if child.tail:
                parts.append(child.tail)

    if element.text:
        parts.append(element.text)
    walk(element)
    flush()
    return lines


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

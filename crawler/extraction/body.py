"""Choose a page's body text: our cleaned reading, checked page by page against trafilatura's reading of the page."""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Iterable
from copy import deepcopy

from lxml.html import HtmlElement

from crawler.extraction.boilerplate import prune_boilerplate
from crawler.extraction.layout import BLOCK_TAGS, normalise_layout
from crawler.extraction.titles import clean_space

logger = logging.getLogger(__name__)

BRIEF_CHARS = 120  # shortest body kept as an article (a two-sentence news brief)
# Share of the reference's words in sentences outside links that our reading may leave out. Our stages rightly drop
# chrome that reads as sentences (a legacy page's reader comments, poll, "published on ... read 2731 times" line,
# which trafilatura reads with the whole layout table as grid rows); a bigger loss is trafilatura left with one cell of
# a multi-cell article, or its precise mode cutting into the story (issue 13).
PROSE_LOSS = 0.35
# Where only <br><br> runs were split (no layout table unwrapped), the page's text is the same and only its paragraph
# breaks change, so the normalised reading may leave out less: chosen on extraction-dev's tune half (one Dragnet page
# that lost 32 % of a blog post no longer far below trafilatura; the trafilatura set +0.0002, Zyte unchanged; 0.15 and
# 0.25 did the same or better there, 0.1 cost Zyte 0.0005), issue 13.
SPLIT_LOSS = 0.2
# A precise reading of a page with nothing to normalise is checked against the balanced one only when it leaves out more
# than 0.75 words of the page's sentences per word it keeps. Chosen on extraction-dev's tune half with the Zyte and
# trafilatura sets: it sends 9-28 % of such pages to the second reading and catches 26 of the 28 where precision cut
# into the story (more than PROSE_LOSS of the balanced reading's sentence words); 1.0 missed one more (issue 10).
UNREAD_PROSE = 0.75
# A precise reading this short (a brief: three or four sentences) is checked against the balanced one too, and the
# balanced one kept when it is at most SHORT_GROWTH times as long: on a brief, one paragraph that precision left out is
# a third of the story, yet under PROSE_LOSS; a balanced reading much longer took in the page around it. Chosen on
# extraction-dev's tune half (Dragnet pages more than 0.1 below trafilatura 8 -> 6, mean unchanged; the trafilatura set
# +0.0002, Zyte unchanged); 40 words caught one page fewer, 80 cost Zyte 0.001 (issue 13).
SHORT_READING = 60
SHORT_GROWTH = 2.0
UNSHOWN_TAGS = frozenset({"script", "style", "noscript", "template", "head", "title", "select", "textarea", "iframe"})
SENTENCE_WORDS = 6  # a paragraph or grid cell this long is a sentence, not a label
CELL_SPLIT_RE = re.compile(r"(?<!\\)\|")  # trafilatura's grid rows separate cells with "|" (escaped "\|" in a cell)
WORD_RE = re.compile(r"\w")
TOKEN_RE = re.compile(r"\w+")


def paragraphs_of(text: str) -> tuple[str, ...]:
    """Clean, non-empty paragraphs from extracted text, in order."""
    paragraphs = (clean_space(line) for line in text.splitlines())
    return tuple(p for p in paragraphs if p and WORD_RE.search(p))


def tokens(texts: Iterable[str]) -> Counter[str]:
    """The lower-cased word tokens of ``texts`` (a bag: order and paragraph breaks do not count)."""
    return Counter(TOKEN_RE.findall(" ".join(texts).lower()))


def lost_prose(paragraphs: tuple[str, ...], reference: tuple[str, ...], links: Counter[str]) -> float:
    """The share of the reference's words that ``paragraphs`` leaves out of its sentences, not counting link words.

    Only the reference's sentences count: paragraphs, or cells of a data-grid row ("| a | b |"), of at least
    SENTENCE_WORDS words. Leaving out link text (menus, teaser lists) and short cells (a layout table's header, footer
    and box titles, read by trafilatura as grid rows) is what our stages are for; leaving out sentences is losing the
    article. 0.0 for an empty reference.
    """
    total = sum(tokens(reference).values())
    if not total:
        return 0.0
    cells = (cell for paragraph in reference for cell in CELL_SPLIT_RE.split(paragraph))
    wanted = tokens(cell for cell in cells if len(TOKEN_RE.findall(cell)) >= SENTENCE_WORDS)
    return sum(((wanted - tokens(paragraphs)) - links).values()) / total


def read(tree: HtmlElement, url: str, **options: object) -> tuple[str, ...]:
    """The body paragraphs trafilatura finds in ``tree`` (which it copies, never changes), options built per call."""
    import trafilatura  # imported in the worker process only

    # No metadata: its date search (htmldate, dateparser) cost more than the extraction itself; crawler.extraction
    # finds title, date and author on the page itself.
    settings = {"include_comments": False, "include_tables": True, "include_images": False, "include_links": False,
                "deduplicate": False, **options}
    document = trafilatura.bare_extraction(tree, url=url, with_metadata=False, **settings)
    return paragraphs_of(document.text or "") if document is not None else ()


def shown_paragraphs(page: HtmlElement) -> tuple[str, ...]:
    """The page's text cut into the blocks a browser would show apart (p, div, td, li, ...), scripts left out.

    A cheap stand-in for a reading: one walk of the tree, no scoring (jusText's ParagraphMaker does the same
    but costs half a trafilatura run).
    """
    found: list[str] = []

    def flush(parts: list[str]) -> None:
        text = clean_space(" ".join(parts))
        if text:
            found.append(text)
        parts.clear()

    def walk(element: HtmlElement, parts: list[str]) -> None:
        for child in element:
            tag = child.tag if isinstance(child.tag, str) else None
            if tag is None or tag in UNSHOWN_TAGS:
                pass
            elif tag in BLOCK_TAGS:
                flush(parts)
                inner = [child.text] if child.text else []
                walk(child, inner)
                flush(inner)
            else:
                if child.text:
                    parts.append(child.text)
                walk(child, parts)
            if child.tail:
                parts.append(child.tail)

    body = page.find("body")
    body = page if body is None else body
    parts = [body.text] if body.text else []
    walk(body, parts)
    flush(parts)
    return tuple(found)


def unread_prose(paragraphs: tuple[str, ...], shown: tuple[str, ...], links: Counter[str]) -> float:
    """The words of the page's sentences that ``paragraphs`` leaves out, per word it holds.

    Sentences are the ``shown`` blocks of SENTENCE_WORDS words or more; link words do not count. A reading that left
    out more prose than it kept scores above 1.
    """
    read_words = tokens(paragraphs)
    sentences = tokens(text for text in shown if len(TOKEN_RE.findall(text)) >= SENTENCE_WORDS)
    return sum(((sentences - read_words) - links).values()) / max(1, sum(read_words.values()))


def extract_body(root: HtmlElement, url: str) -> tuple[str, ...]:
    """The body paragraphs of the page ``root`` (left unchanged), each of our stages kept only where it helps.

    The page is pruned of known boilerplate once. Where its layout needs normalising (layout tables unwrapped,
    <br><br> split), trafilatura reads the pruned page as it is, balanced (the reference), and the normalised page
    with ``favor_precision``; that reading is kept unless it leaves out more than PROSE_LOSS of the reference's words
    (lost_prose; SPLIT_LOSS where only <br><br> runs were split); then the normalised page read balanced, when it does
    not; else the reference. A page with nothing to normalise is read once, with ``favor_precision``; the reference
    is read (and the same rule applied) only when that reading leaves out much of the page's sentences
    (unread_prose > UNREAD_PROSE), issue 10, or is shorter than SHORT_READING words; a short one gives way to a
    reference at most SHORT_GROWTH times as long (issue 13). A body shorter than a news brief falls back to
    trafilatura on the untouched page (its body, comments set apart), in case pruning removed a mislabelled article
    container.
    """
    page = deepcopy(root)
    prune_boilerplate(page)
    links = tokens(a.text_content() for a in page.iter("a"))
    normalised = deepcopy(page)
    tables, paragraphs = normalise_layout(normalised)
    if tables or paragraphs:
        limit = PROSE_LOSS if tables else SPLIT_LOSS
        reference = read(page, url)
        body = read(normalised, url, favor_precision=True)
        if lost_prose(body, reference, links) > limit:
            balanced = read(normalised, url)
            if lost_prose(balanced, reference, links) <= limit:
                body = balanced
            else:
                logger.debug("our stages lost prose on %s: trafilatura's reading of the pruned page kept", url)
                body = reference
    else:  # normalise_layout may still have tidied the tree (blank text and <br> runs between blocks): read that copy
        body = read(normalised, url, favor_precision=True)
        words = sum(tokens(body).values())
        if words < SHORT_READING or unread_prose(body, shown_paragraphs(normalised), links) > UNREAD_PROSE:
            reference = read(page, url)
            if lost_prose(body, reference, links) > PROSE_LOSS or (
                words < SHORT_READING and sum(tokens(reference).values()) <= SHORT_GROWTH * words
            ):
                logger.debug("the precise reading lost prose on %s: the balanced one kept", url)
                body = reference
    if sum(map(len, body)) < BRIEF_CHARS:
        # As trafilatura's defaults read it, comments on (and set apart from the body): with comments off it prunes
        # every container whose class or id names comments from the raw page, a story inside one included.
        untouched = read(root, url, include_comments=True)
        if sum(map(len, untouched)) > sum(map(len, body)):
            return untouched
    return body

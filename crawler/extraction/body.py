"""Choose a page's body text: our cleaned reading, checked page by page against trafilatura's reading of the page."""

from __future__ import annotations

import functools
import logging
import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Iterable
from copy import deepcopy
from itertools import accumulate

from lxml import etree
from lxml.html import HtmlElement

from crawler.extraction.boilerplate import prune_boilerplate
from crawler.extraction.editions import prune_edition_links
from crawler.extraction.footer import is_copyright_footer, without_footer_tail
from crawler.extraction.glyphs import clean_space, without_urls
from crawler.extraction.layout import may_normalise, normalise_layout, shown_paragraphs
from crawler.extraction.precision import guard_precision, left_out_short_prose, wrap_loose_text
from crawler.extraction.reading import read
from crawler.extraction.stream import prune_appended_stories

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
# The other way round: unwrapping a layout table can let the reading take in what sat beside the story (a column of
# related-post teasers, each a title and a cut-off excerpt: dragnet-train/T93, 822 words read where the story has 282).
# A loss rule does not see text being added, and added prose is not always chrome: there the pruned page read as it
# is missed the story (a recipe's steps, a union's press release on the trafilatura set). So where more than
# ADDED_PROSE of our reading's words are sentence words the reference lacks, trafilatura's precise reading of the
# untouched page decides: the addition is kept when that reading holds UNTOUCHED_SHARE of its words, else the
# reference is. A third trafilatura run on 5 of 1,699 pages (extraction-dev's tune half, Zyte, the trafilatura set).
# Chosen on extraction-dev's tune half (Dragnet +0.0010, one far-below page fewer; CleanEval and Zyte unchanged; the
# trafilatura set +0.0001); ADDED_PROSE 0.2-0.4 and UNTOUCHED_SHARE 0.5-0.75 scored the same, 0.25 missed T93 (issue 13).
ADDED_PROSE = 0.3
UNTOUCHED_SHARE = 0.5
# A precise reading that leaves out more than LOOSE_LOSS of the reference's sentence words (yet within the loss
# allowed) may have lost the story's text outside <p>s, which trafilatura drops once a page holds enough <p> text
# (crawler.extraction.precision.wrap_loose_text; a <br><br> split can tip a page over). Where the page holds such
# text, it is made <p>s and read again, and that reading kept when it loses at most LOOSE_GAIN as much. Chosen on
# extraction-dev (Dragnet 0.9022 -> 0.9041 and CleanEval 0.8736 -> 0.8846 on the half kept aside until round 8, the
# tune half +0.0002 / unchanged; Zyte unchanged; the trafilatura set +1 segment); one more reading on 15 of 2,195
# pages; LOOSE_LOSS 0.05 and 0.15 did about the same, and LOOSE_GAIN 1.0 the same (issue 13).
LOOSE_LOSS = 0.1
LOOSE_GAIN = 0.5
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
# What our reading left out of the reference inside the story's span (a heading, a byline, list items, the short
# cells of a nested layout table beside the story, a sentence precision cut) is put back, unless that grows the body
# by more than RESTORE_GROWTH: a bigger gap is a teaser list or a comment thread the reading rightly left. The span
# opens and closes at paragraphs of SPAN_WORDS words or more, not at a headline or a dateline (whose gap to the story
# holds a "published on" line and a photo caption: almadenahnews in the Arabic set). A gap whose words are HELD_SHARE
# in a paragraph of ours that the reference does not hold word for word is the same text read with other breaks.
# Chosen on extraction-dev's tune half (CleanEval 0.831 -> 0.839: of the nine pages 0.01-0.05 below trafilatura from
# unwrapped nested tables, four now above it and three within 0.01; Dragnet +0.0006; the trafilatura set +0.0001, tp
# 2729 -> 2734; Zyte +0.0001). RESTORE_GROWTH 1.0 did the same, 0.25 cost the trafilatura set 0.0002; HELD_SHARE 0.6
# the same; SPAN_WORDS 6 scored 0.0005 more on CleanEval but put the dateline back (issue 13).
RESTORE_GROWTH = 0.5
HELD_SHARE = 0.8
SPAN_WORDS = 12
SENTENCE_WORDS = 6  # a paragraph or grid cell this long is a sentence, not a label
SENTENCE_CHARS = 2 * SENTENCE_WORDS - 1  # ... which takes this many characters at least (words and a gap between each)
CELL_SPLIT_RE = re.compile(r"(?<!\\)\|")  # trafilatura's grid rows separate cells with "|" (escaped "\|" in a cell)
WORD_RE = re.compile(r"\w")
TOKEN_RE = re.compile(r"\w+")
# Every link's text (its string value, as text_content() gives it), each followed by a space, gathered in one pass in
# C: calling text_content() on each link cost 1-2 us a link, about half a millisecond on a page of 300 links (issue 10).
# lxml lets one compiled stylesheet run in any thread.
LINK_TEXTS = etree.XSLT(etree.XML(
    '<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"><xsl:output method="text"/>'
    '<xsl:template match="/"><xsl:for-each select="//a"><xsl:value-of select="."/><xsl:text> </xsl:text>'
    "</xsl:for-each></xsl:template></xsl:stylesheet>"
))


def tokens(texts: Iterable[str]) -> Counter[str]:
    """The lower-cased word tokens of ``texts`` (a bag: order and paragraph breaks do not count)."""
    return Counter(TOKEN_RE.findall(" ".join(texts).lower()))


def link_tokens(page: HtmlElement) -> Counter[str]:
    """The words of the link texts of ``page``, the document root: ``tokens`` of each <a>'s text, in one pass."""
    return tokens([str(LINK_TEXTS(page))])


def lost_prose(
    paragraphs: tuple[str, ...], reference: tuple[str, ...], links: Counter[str], *, read: Counter[str] | None = None
) -> float:
    """The share of the reference's words that ``paragraphs`` leaves out of its sentences, not counting link words.

    Only the reference's sentences count: paragraphs, or cells of a data-grid row ("| a | b |"), of at least
    SENTENCE_WORDS words. Leaving out link text (menus, teaser lists) and short cells (a layout table's header, footer
    and box titles, read by trafilatura as grid rows) is what our stages are for; leaving out sentences is losing the
    article. A sentence the reference holds twice is wanted once: some pages print the story twice (a reprint or
    print copy beside it), and the reading that holds it once has lost nothing. 0.0 for an empty reference. ``read``:
    ``tokens(paragraphs)`` when the caller has it already.
    """
    total = sum(tokens(reference).values())
    if not total:
        return 0.0
    cells = (without_urls(cell).strip() for paragraph in reference for cell in CELL_SPLIT_RE.split(paragraph))
    # distinct sentences: counted twice, the second copy of a story read twice was half the reference "lost", and the
    # reference won with both copies (four Dragnet pages of extraction-dev's tune half 0.40-0.58 -> 0.84-0.93, a
    # CleanEval one 0.78 -> 0.80, a Zyte page 0.86 -> 1.00), issue 13
    wanted = tokens(dict.fromkeys(cell for cell in cells if _is_sentence(cell)))
    return _left_out(wanted, tokens(paragraphs) if read is None else read, links) / total


def _left_out(wanted: Counter[str], read: Counter[str], links: Counter[str]) -> int:
    """``sum(((wanted - read) - links).values())`` in one loop, without the two Counters in between (issue 10)."""
    left = 0
    for word, count in wanted.items():
        count -= read.get(word, 0)
        if count > 0:  # Counter subtraction keeps positive counts only, twice over
            count -= links.get(word, 0)
            if count > 0:
                left += count
    return left


def added_prose(paragraphs: tuple[str, ...], reference: tuple[str, ...], links: Counter[str]) -> Counter[str]:
    """The words of the sentences (paragraphs or grid cells, see lost_prose) of ``paragraphs`` that the reference lacks.

    Link words do not count: a teaser's title is a link, its excerpt is not.
    """
    cells = (cell for paragraph in paragraphs for cell in CELL_SPLIT_RE.split(paragraph))
    return (tokens(cell for cell in cells if _is_sentence(cell)) - tokens(reference)) - links


def _is_sentence(text: str) -> bool:
    """True when ``text`` holds SENTENCE_WORDS words or more (a shorter text is not searched for words: issue 10)."""
    return len(text) >= SENTENCE_CHARS and len(TOKEN_RE.findall(text)) >= SENTENCE_WORDS


def reference_cells(reference: tuple[str, ...]) -> list[str]:
    """The reference's blocks in document order: its paragraphs, and each cell of its data-grid rows apart."""
    cells = (clean_space(cell.replace("\\|", "|")) for paragraph in reference for cell in CELL_SPLIT_RE.split(paragraph))
    return [cell for cell in cells if WORD_RE.search(cell)]


def restore_cells(paragraphs: tuple[str, ...], reference: tuple[str, ...], links: Counter[str]) -> tuple[str, ...]:
    """``paragraphs`` with what they left out of the reference's story span put back, in order.

    Each of the body's paragraphs is found in the reference's words (breaks and punctuation ignored); the story span
    runs from the first to the last word of a paragraph of SPAN_WORDS words or more found there, and opens at the lead
    when the reference cell right before it is one our reading left out (_with_lead). A run of words inside that span
    that no paragraph holds (a heading, a byline, a list item, a short cell beside the story, split at the reference's
    cell borders) is what a reader reads there and is put back after the paragraph before it, unless all its words are
    link words (a menu) or a body paragraph not found in the reference holds them (HELD_SHARE: the same text read with
    other breaks). Nothing is put back when that would grow the body by more than RESTORE_GROWTH.
    """
    cells = reference_cells(reference)
    # lower-cased word by word: lower() may lengthen a word ("İ" -> "i̇"), so offsets are counted on these
    cell_words = [_lower_words(cell) for cell in cells]
    spans = [(n, k) for n, words in enumerate(cell_words) for k in range(len(words))]  # (cell, its word) per word
    if not paragraphs or not spans:
        return paragraphs
    line = " " + " ".join(w for words in cell_words for w in words) + " "
    starts = list(accumulate((len(w) + 1 for words in cell_words for w in words), initial=1))  # offsets in ``line``
    owner: list[int | None] = [None] * len(spans)  # the body paragraph that holds each reference word
    first, last, at, unplaced = len(spans), -1, 0, Counter()
    for index, paragraph in enumerate(paragraphs):
        words = _lower_words(paragraph)
        needle = " " + " ".join(words) + " "
        found = line.find(needle, at) if words else -1
        found = line.find(needle) if found < 0 and words else found
        if found < 0:
            unplaced.update(words)
            continue
        begin = bisect_right(starts, found + 1) - 1
        for k in range(begin, begin + len(words)):
            owner[k] = index if owner[k] is None else owner[k]
        at = found + len(needle) - 1
        if len(words) >= SPAN_WORDS:
            first, last = min(first, begin), max(last, begin + len(words) - 1)
    if last >= 0:
        first = _with_lead(first, cell_words, owner, links)
    inserts: dict[int | None, list[str]] = {}  # None: before our first paragraph (the lead)
    # a lead goes after the last paragraph of ours before it (a short kicker or dateline we kept), else first
    anchor = next((owner[k] for k in range(first - 1, -1, -1) if owner[k] is not None), None)
    run: list[int] = []
    for k in range(first, last + 2):
        if k <= last and owner[k] is None and (not run or spans[run[-1]][0] == spans[k][0]):
            run.append(k)
            continue
        if run:
            n, begin = spans[run[0]]
            matches = list(TOKEN_RE.finditer(cells[n]))
            after = spans[run[-1]][1] + 1  # up to the cell's next word, so that a sentence keeps its full stop
            text = clean_space(cells[n][matches[begin].start():matches[after].start() if after < len(matches) else None])
            words = tokens([text])
            if any(w not in links for w in words) and sum((words & unplaced).values()) < HELD_SHARE * sum(words.values()):
                inserts.setdefault(anchor, []).append(text)
            run = [k] if k <= last and owner[k] is None else []
        if k <= last and owner[k] is not None:
            anchor = owner[k]
    added = sum(len(TOKEN_RE.findall(c)) for texts in inserts.values() for c in texts)
    if not added or added > RESTORE_GROWTH * sum(map(len, (TOKEN_RE.findall(p) for p in paragraphs))):
        return paragraphs
    return (*inserts.get(None, ()), *(q for i, p in enumerate(paragraphs) for q in (p, *inserts.get(i, ()))))


def _lower_words(text: str) -> list[str]:
    """Each word of ``text``, lower-cased; not one by one where lower-casing ``text`` leaves it as it is (issue 10)."""
    words = TOKEN_RE.findall(text)
    return words if text.lower() == text else [w.lower() for w in words]


# The lead: the reference's cell right before the span, when it holds SPAN_WORDS words or more and none of ours, opens
# the span too. The precise reading drops a standfirst set apart from the story's paragraphs (dragnet-train/R939: the
# 17-word lead under the headline); a paragraph that long would have opened the span had our reading kept it, where a
# dateline or a photo caption is shorter. Only the one cell before: after the span (two cells, or 6 words) cost Zyte
# 0.001, and the trafilatura set 0.0002; chosen on extraction-dev's tune half (Dragnet +0.0003, one far-below page
# fewer, CleanEval +0.0001, the trafilatura set +0.0002, Zyte unchanged), issue 13.
def _with_lead(first: int, cell_words: list[list[str]], owner: list[int | None], links: Counter[str]) -> int:
    """The span's first word index, moved back over the lead: the reference cell right before it (see above)."""
    begin, n = 0, 0  # the first word of each cell, up to the one the span opens in
    while begin + len(cell_words[n]) <= first:
        begin += len(cell_words[n])
        n += 1
    if begin != first or n == 0:  # the span opens inside a cell, or at the reference's first cell
        return first
    words = cell_words[n - 1]
    start = begin - len(words)
    # words of letters only: a dateline or byline counts its date, time and read counter as words (the e2e altsites'
    # "الأحد 12 05 2024 09 10 م مراسل الميدان سبها عدد القراءات 1210": 13 tokens, 7 words)
    prose = sum(1 for w in words if not w.isdigit())
    if prose < SPAN_WORDS or any(owner[k] is not None for k in range(start, begin)) or all(w in links for w in words):
        return first
    return start


def unread_prose(
    paragraphs: tuple[str, ...], shown: tuple[str, ...], links: Counter[str], *, read: Counter[str] | None = None
) -> float:
    """The words of the page's sentences that ``paragraphs`` leaves out, per word it holds.

    Sentences are the ``shown`` blocks of SENTENCE_WORDS words or more; link words do not count. A reading that left
    out more prose than it kept scores above 1. ``read``: ``tokens(paragraphs)`` when the caller has it already.
    """
    read_words = tokens(paragraphs) if read is None else read
    return _left_out(_sentence_tokens(shown), read_words, links) / max(1, sum(read_words.values()))


def _sentence_tokens(texts: tuple[str, ...]) -> Counter[str]:
    """``tokens(text for text in texts if _is_sentence(text))``, each text searched for words once where it can be.

    A sentence's words found by _is_sentence are its tokens too where lower-casing leaves it as it is (Arabic text):
    tokens() lower-cases the texts joined by spaces, the same as each lower-cased apart, and no word spans a space.
    """
    words: list[str] = []
    for text in texts:
        if len(text) >= SENTENCE_CHARS:
            found = TOKEN_RE.findall(text)
            if len(found) >= SENTENCE_WORDS:
                lowered = text.lower()
                words.extend(found if lowered == text else TOKEN_RE.findall(lowered))
    return Counter(words)


def _reads_too_little(shown: tuple[str, ...], links: Callable[[], Counter[str]], read: Counter[str]) -> bool:
    """``unread_prose(..., shown, links(), read=read) > UNREAD_PROSE``, with ``links()`` called only where it matters.

    Link words only lower the count of the words left out, so a reading within the limit without them is within it
    with them: the page's link words (0.4 ms) are gathered only for the pages over it (half the throughput mirror's
    pages, a third of Zyte's), issue 10.
    """
    sentences, per_word = _sentence_tokens(shown), max(1, sum(read.values()))
    return (_left_out(sentences, read, Counter()) / per_word > UNREAD_PROSE
            and _left_out(sentences, read, links()) / per_word > UNREAD_PROSE)


def _with_loose_text(
    tree: HtmlElement, url: str, body: tuple[str, ...], lost: float, reference: tuple[str, ...], links: Counter[str]
) -> tuple[tuple[str, ...], float]:
    """The precise reading of ``tree`` with its text outside <p>s made paragraphs, and its loss, where that is better.

    Better: it loses at most LOOSE_GAIN as much of the reference's sentences as ``body``, which lost ``lost``; else
    (``body``, ``lost``). ``tree`` is changed.
    """
    if not wrap_loose_text(tree):
        return body, lost
    wrapped = read(tree, url, favor_precision=True)
    lost_wrapped = lost_prose(wrapped, reference, links)
    if lost_wrapped <= LOOSE_GAIN * lost:
        logger.debug("text outside <p>s was left out on %s: read again with it made paragraphs", url)
        return wrapped, lost_wrapped
    return body, lost


def extract_body(root: HtmlElement, url: str) -> tuple[str, ...]:
    """The body paragraphs of the page ``root`` (left unchanged), each of our stages kept only where it helps.

    The page is pruned of known boilerplate once (and of a box linking its editions in other languages). Where its
    layout needs normalising (layout tables unwrapped, <br><br> split), trafilatura reads the pruned page as it is,
    balanced (the reference), and the normalised page with ``favor_precision``; that reading is kept unless it leaves
    out more than PROSE_LOSS of the reference's words (lost_prose; SPLIT_LOSS where only <br><br> runs were split); then
    the normalised page read balanced, when it does not; else the reference. A page with nothing to normalise is read
    once, with ``favor_precision`` (lean: trafilatura's comparison with readability and jusText only where it may change
    the reading); the reference is read (and the same rule applied) only when that reading leaves out much of the page's
    sentences (unread_prose > UNREAD_PROSE, issue 10) or is shorter than SHORT_READING words; a short one gives way to a
    reference at most SHORT_GROWTH times as long (issue 13). A normalised reading that adds much prose the reference
    lacks is checked against trafilatura's precise reading of the untouched page (ADDED_PROSE). Where a reference was
    read and one of our readings kept, what it left out inside the story's span, and the lead right before it, is put
    back (restore_cells). A body shorter than a news brief falls back to trafilatura on the untouched page (its body,
    comments set apart), in case pruning removed a mislabelled article container; so does one that is only the site's
    copyright footer, however long (crawler.extraction.footer); where layout tables were unwrapped, what follows that
    notice in its footer block is cut. Before any reading the pruned page is shaped so that the precise mode's rules
    spare the story (crawler.extraction.precision); a precise reading that left out a short paragraph with a link inside
    the story is checked against the reference as above (issue 13). A precise reading that lost more than LOOSE_LOSS of
    the reference's sentences is read again with the page's text outside <p>s made paragraphs (_with_loose_text).
    """
    page = deepcopy(root)
    prune_appended_stories(page, root, url)  # "continuous reading": the next stories printed below this one
    prune_edition_links(page, root, url)  # "read this story in: English" (crawler.extraction.editions)
    prune_boilerplate(page)
    guard_precision(page)  # what trafilatura's precision mode would cut from the story is shaped to stay (issue 13)
    # page's links are not changed from here on (wrap_loose_text moves text into new <p>s): the same words when asked
    links = functools.cache(lambda: link_tokens(page))
    if may_normalise(page):
        normalised = deepcopy(page)
        tables, paragraphs = normalise_layout(normalised)
    else:  # nothing to normalise: the pruned page is read as it is, not copied (issue 10)
        normalised, tables, paragraphs = page, 0, 0
    if tables or paragraphs:
        limit = PROSE_LOSS if tables else SPLIT_LOSS
        reference = read(page, url)
        body = read(normalised, url, favor_precision=True)
        lost = lost_prose(body, reference, links())
        if LOOSE_LOSS < lost <= limit:
            body, lost = _with_loose_text(normalised, url, body, lost, reference, links())
        if lost > limit:
            balanced = read(normalised, url)
            if lost_prose(balanced, reference, links()) <= limit:
                body = balanced
            else:
                logger.debug("our stages lost prose on %s: trafilatura's reading of the pruned page kept", url)
                body = reference
        if body is not reference:
            added = added_prose(body, reference, links())
            if sum(added.values()) > ADDED_PROSE * sum(tokens(body).values()):
                untouched = tokens(read(root, url, favor_precision=True))
                if sum((added & untouched).values()) < UNTOUCHED_SHARE * sum(added.values()):
                    logger.debug("unwrapping took in text beside the story on %s: the reference kept", url)
                    body = reference
        if body is not reference:
            body = restore_cells(body, reference, links())
        if tables:  # an unwrapped layout's footer row: text after the copyright notice (crawler.extraction.footer)
            body = without_footer_tail(root, body)
    else:  # the copy normalise_layout may have tidied (blank text, <br> runs between blocks), else the pruned page
        body = read(normalised, url, favor_precision=True, lean=True)
        read_words = tokens(body)  # counted once for the three checks below
        words = sum(read_words.values())
        shown = () if words < SHORT_READING else shown_paragraphs(normalised)
        if (words < SHORT_READING or _reads_too_little(shown, links, read_words)
                or left_out_short_prose(page, body)):  # a short linked paragraph cut inside the story (issue 13)
            reference = read(page, url)
            lost = lost_prose(body, reference, links(), read=read_words)
            if LOOSE_LOSS < lost <= PROSE_LOSS:
                body, lost = _with_loose_text(normalised, url, body, lost, reference, links())
                words = sum(tokens(body).values())
            if lost > PROSE_LOSS or (
                words < SHORT_READING and sum(tokens(reference).values()) <= SHORT_GROWTH * words
            ):
                logger.debug("the precise reading lost prose on %s: the balanced one kept", url)
                body = reference
            else:
                body = restore_cells(body, reference, links())
    # a reading made only of the site's copyright footer is no body at all (crawler.extraction.footer)
    footer = is_copyright_footer(root, body)
    if footer or sum(map(len, body)) < BRIEF_CHARS:
        # As trafilatura's defaults read it, comments on (and set apart from the body): with comments off it prunes
        # every container whose class or id names comments from the raw page, a story inside one included.
        untouched = read(root, url, include_comments=True)
        if sum(map(len, untouched)) > (0 if footer else sum(map(len, body))):
            return untouched
    return body

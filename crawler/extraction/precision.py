"""Keep trafilatura's precise reading from cutting the story: shape the pruned page so its precision rules spare prose.

Our body is mostly read with ``favor_precision`` (crawler.extraction.body), checked against the balanced reading
only where it lost much of the page. Three of the precision mode's rules cut a little of the story on many outlets
and stay under that check (found on fundus' publisher pages, issue 13):

- an empty inline element (an icon ``<span>`` at the start of a link, an empty ``<b></b>``) is deleted with its
  tail text: the words after it go (trafilatura/htmlprocessing.py ``prune_html``: ``keep_tail`` is off in precision);
- a ``<div>`` under 200 characters holding a link goes (``delete_by_link_density`` with ``backtracking``: one child
  and 200 characters in precision, three children and 100 characters otherwise): on sites that wrap each paragraph
  in its own ``<div>`` every short paragraph with a link in it is lost;
- every ``<header>`` goes (``PRECISION_DISCARD_XPATH``), with the standfirst that many article headers hold.

The first and the third are undone on the pruned page (an empty element is dropped with its tail kept, as the
balanced mode does; a long paragraph of a header that holds the h1 moves to right after it, the rest of the header
still goes). The second is not: it also removes what it is for (a tag list, a subscription pitch, a copyright line
with a link), so a precise reading that left out such a paragraph between two it kept is checked against the
balanced reading instead (crawler.extraction.body.extract_body). No upstream issue found for these as of trafilatura
2.3.1; crawl4ai had the same tail loss (unclecode/crawl4ai#1938).

A fourth rule, in every mode, drops text that sits outside a <p> (a container's own text run, a paragraph written as a
``<div>``) once the page holds enough <p> text: 250 characters with ``favor_precision``, 750 balanced
(trafilatura/main_extractor.py ``_extract``: ``div`` is read only while ``//p//text()`` is shorter than
``min_extracted_size`` times 1 or 3). A story written partly in <p>s and partly in loose runs or <div>s loses the
rest, and our own normalisation can tip a page over the limit (a <br><br> split makes <p>s of some of a post's
paragraphs, its others stay <div>s). wrap_loose_text makes such text <p>s; crawler.extraction.body asks for it only
where a reading lost part of the reference's sentences (extraction-dev, issue 13).
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from itertools import islice
from urllib.parse import urlsplit

from lxml import etree
from lxml.html import HtmlElement

from crawler.extraction.footer import NOTICE_RE
from crawler.extraction.layout import BLOCK_TAGS
from crawler.extraction.titles import HOME_PATHS, clean_space

logger = logging.getLogger(__name__)

# trafilatura.settings.CUT_EMPTY_ELEMS, the inline ones and the blocks: an empty one of these loses its tail there
CUT_EMPTY_TAGS = ("article", "b", "blockquote", "dd", "div", "dt", "em", "h1", "h2", "h3", "h4", "h5", "h6", "i",
                  "li", "main", "p", "pre", "q", "section", "span", "strong")
INLINE_TAGS = frozenset({"b", "em", "i", "q", "span", "strong"})
TOKEN_RE = re.compile(r"\w+")
NEIGHBOURS = 3  # siblings looked at on each side for the story's next sentence (a crosshead may sit between)
SHORT_DIV_CHARS = 200  # trafilatura's len_threshold for a linked <div> in precision mode
#: The links of a page that hold a picture, in document order.
PICTURE_LINKS = etree.XPath("descendant-or-self::a[descendant::img]")
SENTENCE_WORDS = 6  # words outside links that make a short block a sentence (crawler.extraction.body.SENTENCE_WORDS)
LINK_SHARE = 0.5  # ... and at most this share of its text in links
CROSSHEAD_WORDS = 12  # a heading between two paragraphs this short is a crosshead
STANDFIRST_WORDS = 12  # a paragraph in the article's <header> this long is its standfirst (body.SPAN_WORDS)
# An element's text as a reader sees it: text_content() without what <script>, <style> and <noscript> hold. A story's
# next paragraph whose wrapper also holds an ad slot's script never matched the reading (Zyte's hawaiinewsnow page:
# the short linked paragraph between two read ones was lost unchecked), issue 13.
SHOWN_TEXT = etree.XPath("descendant::text()[not(ancestor::script or ancestor::style or ancestor::noscript)]")
P_TEXT_CHARS = 250  # trafilatura's min_extracted_size: with less <p> text on the page it reads text outside <p>s too
# Containers whose loose text trafilatura leaves out (a <td> of a data table too: its <p>s make it a block; a <font> or
# <span> round a legacy story's unclosed <p>s, "<font face=Tahoma>Lead<p>Two<p>Three</font>": the lead paragraph, its
# own text, was lost, a black-box probe, stop 37); and the elements inside which text is already read as a block of its
# own (a list item, a quote) or is no paragraph (a link)
LOOSE_HOLDERS = frozenset({"div", "section", "article", "main", "center", "body", "td", "font", "span"})
# ... of which the inline ones: only the text that opens them is a lead, and not a copyright notice (the fine print
# of CleanEval's page 14: "<font size=-2>Copyright &copy; 2001 Yahoo! Inc. ...<p>All information ...")
INLINE_HOLDERS = frozenset({"font", "span"})
READ_AS_BLOCK = frozenset({"p", "li", "dd", "dt", "pre", "code", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "a",
                           "ul", "ol", "dl", "caption", "figure", "figcaption"})
# an address printed as text is no sentence ("http://... 540 960 admin"); a run of non-space read from its start only
# (``\S*`` tried from every character of one long word was quadratic: a black-box audit, stop 35), the same matches
URL_RE = re.compile(r"(?<!\S)\S*?(?:://|www\.)\S*")


def guard_precision(page: HtmlElement) -> tuple[int, int, int, int]:
    """Shape ``page`` in place (see the module docstring): (empty elements' tails kept, standfirsts lifted, picture
    links unwrapped, crossheads made paragraphs)."""
    return keep_empty_tails(page), lift_standfirsts(page), unwrap_picture_links(page), crossheads_as_paragraphs(page)


def unwrap_picture_links(page: HtmlElement) -> int:
    """Unwrap each link that holds a picture and no word, beside a caption: its image stays, the ``<a>`` goes.

    trafilatura reads without images, so such a link is an empty one to it, and a short block whose links hold no
    text is boilerplate to its link density test in every mode (``link_density_test``: ``elemnum == 0``): each picture
    of a gallery goes with its caption, the text of a post made of pictures and captions (altsites10). The link adds no
    word, so unwrapping it changes no text; only where the block beside it holds a sentence (SENTENCE_WORDS words
    outside links), so that a row of icon links (a share bar, a logo) is still a block of links.
    """
    unwrapped = 0
    # only the links that hold a picture, found by libxml2 (looking into every link of a page cost 0.4 ms, issue 10)
    for link in PICTURE_LINKS(page):
        parent = link.getparent()
        if parent is None or TOKEN_RE.search(link.text_content()):
            continue
        outside = _words(clean_space(parent.text_content())) - sum(_words(a.text_content()) for a in parent.iter("a"))
        if outside >= SENTENCE_WORDS:
            link.drop_tag()
            unwrapped += 1
    return unwrapped


def crossheads_as_paragraphs(page: HtmlElement) -> int:
    """Make a <p> of each crosshead set between two paragraphs of the story (h2-h6, CROSSHEAD_WORDS words at most, no
    link, its neighbours <p>s of SENTENCE_WORDS words or more).

    Where trafilatura finds no container it knows on a page (a CMS template's ``<div class="news-detail">``), it reads
    the page's "wild" text, whose search takes ``<p>``s and never headings (trafilatura/main_extractor.py
    ``recover_wild_text``: "Do not widen search_expr (e.g. headings ...)"): the crossheads of the story went, and its
    paragraphs were read around them (altsites10). A crosshead read as a paragraph is the same line of text.
    """
    made = 0
    for heading in list(page.iter("h2", "h3", "h4", "h5", "h6")):
        before, after = heading.getprevious(), heading.getnext()
        words = _words(clean_space(heading.text_content()))
        if (before is None or after is None or before.tag != "p" or after.tag != "p" or not 0 < words <= CROSSHEAD_WORDS
                or heading.find(".//a") is not None or (heading.tail or "").strip()):
            continue
        if min(_words(clean_space(before.text_content())), _words(clean_space(after.text_content()))) >= SENTENCE_WORDS:
            heading.tag = "p"
            made += 1
    return made


def drop_back_links(links: list[HtmlElement], anchors: set[str]) -> int:
    """Drop each of ``links`` (a page's links to a fragment) that leads back to an element of the page, one of
    ``anchors`` (its ids and anchor names), and whose text holds no word (a footnote's "↩" or "^" to its marker).

    trafilatura reads a short list whose links are short as a menu and leaves it out, in every mode (its link density
    test, trafilatura/htmlprocessing.py ``link_density_test``: under 100-300 characters, more than 80 % of its links
    under 10 characters): a story's notes, each ending in a back-link to where it is cited, went whole. Such a link
    adds no text and leads nowhere off the page, so dropping it changes no word of the page (``href="#"`` and a
    script's dead anchors are left as they are). crawler.extraction.boilerplate.prune_boilerplate finds the links and
    anchors in the walk it makes anyway: a walk of its own for them cost a quarter of a millisecond a page (issue 10).
    """
    dropped = 0
    for link in links:
        if (link.get("href") or "")[1:] in anchors and not TOKEN_RE.search(link.text_content()) \
                and link.getparent() is not None:
            link.drop_tree()  # its tail stays in place
            dropped += 1
    return dropped


def keep_empty_tails(page: HtmlElement) -> int:
    """Drop each empty element that trafilatura would delete with its tail, leaving the tail text in place."""
    kept = 0
    # iter() over the tags with a test in Python: a third of the cost of one XPath for the same (issue 10)
    for element in list(page.iter(*CUT_EMPTY_TAGS)):
        if (element.text is None and not len(element) and (element.tail or "").strip()
                and element.getparent() is not None):
            if element.tag not in INLINE_TAGS and not element.tail[:1].isspace():
                element.tail = "\n" + element.tail  # a block between two texts separated them ("hier.<div/>Zweiter")
            element.drop_tag()  # lxml moves the tail onto the previous sibling or the parent's text
            kept += 1
    return kept


def _words(text: str) -> int:
    """The number of whitespace-separated words of ``text``."""
    return len(text.split())


def _standalone(link: HtmlElement) -> bool:
    """True when ``link`` is the whole text of its block (a headline link, a button), not a link inside a sentence."""
    text = clean_space(link.text_content())
    node = link.getparent()
    while node is not None and node.tag not in ("p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "td", "section"):
        node = node.getparent()
    return node is None or clean_space(node.text_content()) == text


def _is_short_prose(div: HtmlElement, length: int) -> bool:
    """True when ``div`` (``length`` characters) is a sentence or two with links inside them, not a box of links."""
    links = [a for a in div.iter("a") if clean_space(a.text_content())]
    if not links:
        return False
    text = clean_space(div.text_content())
    link_chars = sum(len(clean_space(a.text_content())) for a in links)
    if link_chars > LINK_SHARE * length:
        return False
    outside = _words(text) - sum(_words(a.text_content()) for a in links)
    return outside >= SENTENCE_WORDS and not any(_standalone(a) for a in links)


def left_out_short_prose(page: HtmlElement, paragraphs: tuple[str, ...]) -> str | None:
    """The first short <div> of prose with a link in a sentence that ``paragraphs`` leaves out inside the story.

    Inside the story: the nearest sentence-holding block before it and the one after it (siblings of its outermost
    wrapper that holds nothing else) are both in ``paragraphs``. A link-bearing blurb beside the story (a
    subscription pitch, a copyright line, a byline) has the story on one side at most. None when there is none.
    """
    line = _token_line(" ".join(paragraphs))
    seen: set[HtmlElement] = set()
    for link in page.iter("a"):
        if not (link.tail or "").strip():
            continue  # a link inside a sentence has the sentence go on after it (a menu's or a byline's does not)
        for node in link.iterancestors("div"):
            if node in seen:
                break
            seen.add(node)
            text = clean_space(node.text_content())
            if len(text) >= SHORT_DIV_CHARS:
                break  # an ancestor holds more still
            if _token_line(text) not in line and _is_short_prose(node, len(text)) and _between_read(node, line):
                return text
    return None


def _token_line(text: str) -> str:
    """``text``'s lower-cased word tokens joined by single spaces, with a space at each end (for substring tests)."""
    return " " + " ".join(TOKEN_RE.findall(text.lower())) + " "


def _between_read(node: HtmlElement, line: str) -> bool:
    """True when the nearest sentence block before ``node``'s slot and the nearest after it are both in ``line``."""
    slot = node
    while (parent := slot.getparent()) is not None and len(parent) == 1:
        slot = parent  # a wrapper that holds only this: its siblings are the story's other blocks
    return all(_first_sentence_read(slot.itersiblings(preceding=preceding), line) for preceding in (True, False))


def _first_sentence_read(siblings, line: str) -> bool:
    """True when the first of ``siblings`` (up to NEIGHBOURS) holding a sentence has it in ``line``."""
    for sibling in islice(siblings, NEIGHBOURS):
        if not isinstance(sibling.tag, str):
            continue
        words = _token_line("".join(SHOWN_TEXT(sibling)))
        if words.count(" ") > SENTENCE_WORDS:  # SENTENCE_WORDS tokens or more (one space more than tokens)
            return words in line
    return False


def lift_standfirsts(page: HtmlElement) -> int:
    """Move the standfirst out of the article's <header> (one holding an h1), to right after it."""
    lifted = 0
    printed: Counter[str] | None = None  # each <p>'s text, counted once a page (a check per paragraph is quadratic)
    for header in page.iter("header"):
        h1 = header.find(".//h1")
        if h1 is None or header.getparent() is None or _is_logo(h1):
            continue  # no headline; a fragment's root (no sibling to move to); a site header (its blurbs are chrome)
        after = header
        for paragraph in list(header.iter("p")):
            text = clean_space(paragraph.text_content())
            link_chars = sum(len(clean_space(a.text_content())) for a in paragraph.iter("a"))
            if _words(text) < STANDFIRST_WORDS or link_chars > LINK_SHARE * len(text) or (paragraph.tail or "").strip():
                continue  # a byline, a link, or a paragraph whose tail would move with it
            if printed is None:
                printed = Counter(clean_space(p.text_content()) for p in page.iter("p"))
            if printed[text] > 1:
                continue  # printed again in the story: lifting it would read it twice
            after.addnext(paragraph)
            after = paragraph
            lifted += 1
    return lifted


def _is_logo(h1: HtmlElement) -> bool:
    """True when ``h1`` is a site's logo: an image, or a link to the home page ("/", "/index.php", "/ar/")."""
    if h1.find(".//img") is not None:
        return True
    for link in h1.iter("a"):
        try:
            path = urlsplit((link.get("href") or "").strip()).path
        except ValueError:  # a malformed href ("//[x")
            continue
        if path.strip("/").lower() in HOME_PATHS:
            return True
    return False


def wrap_loose_text(page: HtmlElement) -> int:
    """Make a <p> of each sentence outside a <p> beside the <p>s of one container; return how many were made.

    Beside: the container's own text runs between its blocks, and its ``<div>`` children that hold inline content
    only (a paragraph written as a div). A run counts when it holds SENTENCE_WORDS words outside links and at most
    LINK_SHARE of its text in links, so that a caption's credit, a date line or a row of links stays as it is. Nothing
    is done on a page with less than P_TEXT_CHARS of <p> text, where trafilatura reads such text itself.
    """
    if not _p_text_reaches(page, P_TEXT_CHARS):
        return 0
    made = 0
    for holder in dict.fromkeys(p.getparent() for p in page.iter("p")):
        if (holder is None or holder.tag not in LOOSE_HOLDERS
                or any(a.tag in READ_AS_BLOCK for a in holder.iterancestors())):
            continue
        runs = [(before, inline) for before, inline in _loose_runs(holder) if _is_sentence_run(holder, before, inline)
                and (holder.tag not in INLINE_HOLDERS or before is None and not NOTICE_RE.search(holder.text or ""))]
        divs = [child for child in holder if child.tag == "div" and _is_sentence_run(child, None, list(child))
                and not any(isinstance(d.tag, str) and d.tag in BLOCK_TAGS for d in child.iterdescendants())]
        for before, inline in runs:
            _wrap(holder, before, inline)
        for div in divs:
            _wrap(div, None, list(div))
        made += len(runs) + len(divs)
    return made


def _p_text_reaches(page: HtmlElement, limit: int) -> bool:
    """True when the text in the page's <p>s (as trafilatura counts it: whitespace included) is ``limit`` or more."""
    total = 0
    for paragraph in page.iter("p"):
        total += sum(len(text) for text in paragraph.itertext())
        if total >= limit:
            return True
    return False


def _loose_runs(holder: HtmlElement) -> list[tuple[HtmlElement | None, list[HtmlElement]]]:
    """``holder``'s inline runs: (the block child before the run, None for the first; the run's inline children)."""
    runs: list[tuple[HtmlElement | None, list[HtmlElement]]] = []
    before, inline = None, []
    for child in holder:
        if not isinstance(child.tag, str) or child.tag in BLOCK_TAGS:
            runs.append((before, inline))
            before, inline = child, []
        else:
            inline.append(child)
    runs.append((before, inline))
    return runs


def _is_sentence_run(holder: HtmlElement, before: HtmlElement | None, inline: list[HtmlElement]) -> bool:
    """True when the run (the text after ``before``, else ``holder``'s text, and ``inline``) is a sentence or more."""
    lead = holder.text if before is None else before.tail
    texts, link_words, link_chars = [lead or ""], 0, 0
    for element in inline:
        texts.append(element.text_content())
        for link in element.iter("a"):
            link_text = clean_space(link.text_content())
            link_chars += len(link_text)
            link_words += len(TOKEN_RE.findall(URL_RE.sub(" ", link_text)))
        texts.append(element.tail or "")
    text = clean_space(" ".join(texts))
    words = len(TOKEN_RE.findall(URL_RE.sub(" ", text))) - link_words
    return words >= SENTENCE_WORDS and link_chars <= LINK_SHARE * len(text)


def _wrap(holder: HtmlElement, before: HtmlElement | None, inline: list[HtmlElement]) -> None:
    """Move the run (the text after ``before``, else ``holder``'s text, and ``inline``) into a new <p> in its place."""
    paragraph = holder.makeelement("p", {})
    if before is None:
        paragraph.text, holder.text = holder.text, None
        holder.insert(0, paragraph)
    else:
        paragraph.text, before.tail = before.tail, None
        before.addnext(paragraph)
    for element in inline:
        paragraph.append(element)  # lxml moves the element with its tail

"""The story as the page's own schema.org JSON-LD ``articleBody`` holds it, where the page's HTML does not hold it whole.

A client-rendered page (a React or Vue shell: an empty ``<div id="root">``, a ``<noscript>`` lead) and a metered
paywall (the first paragraphs, then a "subscribe to read on" box; Google's paywall markup: ``isAccessibleForFree``
false, a ``hasPart`` naming the paywalled class) serve the story whole only in their JSON-LD ``articleBody``, which
news-please, Zyte's and Diffbot's extractors and Google read; trafilatura reads the HTML (its ``baseline`` reads
``articleBody`` only when nothing else is found, as one paragraph). So the body read from the HTML gives way to the
``articleBody`` of the page's own article object (its headline is the page's title, its ``url`` or
``mainEntityOfPage`` is the page or its canonical, or it is the page's only article object and names no other page;
a related story's object is never read) when that text is this page's story and holds much more of it:

* it is no summary and no teaser: at least MIN_BODY_WORDS words, not ending in an ellipsis ("...", "…", "[…]"), and
  the HTML body is at most LONGER of its words; and no longer than MAX_BODY_CHARS (past it the HTML reading stays);
* the HTML stops early in it: the last of its sentences that the HTML body holds word for word ends within its first
  FAR_SHORTER of its words (a paywall's first paragraphs; none on a shell), and the HTML body's paragraphs from the
  first it holds to the last are all in it (the page's own paragraphs are never traded for another story's);
* it is this page's story: the HTML body holds one of its sentences (the lead before the first paragraph that does,
  a standfirst or kicker the articleBody leaves out, is kept before it), or, where it holds none, the page prints the
  articleBody's opening (OPENING_WORDS words: a ``<noscript>`` lead, the meta description): a shell whose HTML
  reading is only its header and footer (an HTML reading of MIN_BODY_WORDS words or more in another script, an
  Arabic story beside an English articleBody, is the story: kept).

A client-rendered page's own article object in its app state (``__NEXT_DATA__``: crawler.extraction.state_body) is
read the same way, after the JSON-LD, with one difference: where the HTML body holds none of its sentences (a shell
whose HTML reading is the related stories' cards) it is the story, however long that reading, unless the reading is
longer and holds SHARED_WORDS of its words (the story, which the state spells another way) or is in another script.

And where the HTML body is the articleBody word for word with its paragraph breaks lost (trafilatura's baseline reads
it as one paragraph), its breaks are taken.

Its paragraphs are split as the text gives them: at line breaks, at the block tags of an articleBody written as HTML
(escaped or not; character references decoded, twice where escaped twice; a ``<figcaption>`` left out: a photo's
caption is no paragraph of the story), Markdown's link targets and marks left
out, and, in a text that has neither, at a full stop (or ``?``, ``!``, ``؟``) directly followed by a letter: a CMS's
strip_tags of ``</p><p>`` runs paragraphs together, where prose puts a space after a full stop. Script, style,
template and noscript elements go with their content. Every pattern run over the articleBody is bounded (no class
without a length or a stop character; the ellipsis looked for in the last ELLIPSIS_TAIL characters), so a crafted
articleBody costs linear time.
"""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Iterable, Iterator
from itertools import chain

from lxml import etree
from lxml.html import HtmlElement

from crawler.extraction.page_index import elements
from crawler.extraction.state_body import state_bodies
from crawler.extraction.stream import page_title_keys, page_urls, resolved_key
from crawler.extraction.titles import STORY_TYPES, clean_space, iter_json_ld, meta_content, norm

logger = logging.getLogger(__name__)

SENTENCE_WORDS = 6  # a sentence or paragraph this long is looked for; a shorter one is no evidence
OPENING_WORDS = 12  # the articleBody's first words looked for on the page (body.SPAN_WORDS)
# The HTML stops early in the story when the last of the articleBody's sentences it holds ends within this share of
# the articleBody's words: a paywalled page's two paragraphs of six (0.36), a shell's none. An HTML reading that holds
# sentences further on keeps its reading, whatever it leaves out (what the articleBody adds there may be captions,
# a box, a CMS's markup: trafilatura's ad-magazin.de page, whose Markdown articleBody adds its gallery's captions), and
# so does one that holds the story twice or more (an articleBody printing it twice: fundus' CorriereDellaSera page).
FAR_SHORTER = 0.6
# ... and the HTML body itself is at most this share of the articleBody's words (a summary or a teaser articleBody,
# shorter than the HTML's story, never replaces it)
LONGER = 0.8
# A page state's story (crawler.extraction.state_body) whose sentences the HTML reading does not hold is still the
# story the HTML reading holds when that reading is longer and holds this share of its distinct words: fundus' NTV
# page keeps an audio version of its lead in its state, print-hyphenated and with a marker glued into every line
# ("er-[AWHINT]neut"); a shell's reading (the related stories' cards) shares its common words only (0.2-0.35).
SHARED_WORDS = 0.6
MIN_BODY_WORDS = 2 * OPENING_WORDS  # a shorter articleBody is a summary, never the story
MAX_BODY_CHARS = (
    200_000  # a longer articleBody (ten times a long feature) is not read: the HTML reading stays
)
ELLIPSIS_TAIL = 64  # the ellipsis of a teaser is looked for in this many last characters
TOKEN_RE = re.compile(r"\w+")
ELLIPSIS_RE = re.compile(r"(?:\.\.\.|…|\[\s*(?:\.\.\.|…)\s*\]|\(\s*(?:\.\.\.|…)\s*\))\W*$")
HTML_RE = re.compile(
    r"<\s*/?\s*(?:p|br|div|h[1-6]|li|ul|ol|blockquote|span|strong|em|a|b|i)\b[^<>]{0,2000}>", re.IGNORECASE
)
BLOCK_END_RE = re.compile(r"<\s*(?:br|/p|/div|/h[1-6]|/li|/blockquote)\b[^<>]{0,2000}>", re.IGNORECASE)
TAG_RE = re.compile(r"<[^<>]{1,2000}>")
CODE_OPEN_RE = re.compile(r"<\s*(script|style|template|noscript|figcaption)\b[^<>]{0,2000}>", re.IGNORECASE)
# An articleBody in Markdown (Condé Nast's CMS writes one): links and images, attribute lists ("{: .dropcap}"),
# headings, quotes and emphasis marks
MD_LINK_RE = re.compile(r"!?\[([^\]\n]{0,500})\]\((?:[^()\s]|\([^()\s]{0,500}\)){1,2000}\)")
MD_ATTR_RE = re.compile(r"\{:[^{}\n]{0,500}\}")
MD_MARK_RE = re.compile(r"^[ \t]{0,3}(?:#{1,6}|>)[ \t]+|\*\*|(?<!\w)__|__(?!\w)", re.MULTILINE)
ENTITY_RE = re.compile(r"&(?:#\d+|#x[0-9a-f]+|[a-z]+\d*);", re.IGNORECASE)
SENTENCE_END_RE = re.compile(r"(?<=[.!?؟…])\s+")
# the pieces are clean_space()d: the spaces around a break need no matching (``\s*`` on each side of it took
# quadratic time on an articleBody of spaces, 47 s for 80,000: a black-box audit, stop 35)
BREAKS_RE = re.compile(r"[\n\r\u2028\u2029]+")
# A sentence's end glued to the next sentence's first letter: "...الهدنة.وقالت" (strip_tags of "</p><p>"): the mark
# after a letter, closing quotes before or after it kept with it, the next character a letter. A lower-case Latin
# letter after the stop is a file or domain name ("alwasat.ly", "Node.js"), one letter before it an initial ("U.S"):
# no break there.
GLUED_RE = re.compile(r"(?<=[^\W\d_])[\"'»”’)\]]*[.!?؟…]+[\"'»”’)\]]*(?=[^\W\d_])")
PAGE_TEXT = etree.XPath("//text()[not(ancestor::script or ancestor::style or ancestor::template)]")


def with_article_body(root: HtmlElement, paragraphs: tuple[str, ...], url: str = "") -> tuple[str, ...]:
    """``paragraphs`` (the body read from the HTML of ``root``, the page at ``url``), or the page's own JSON-LD
    articleBody where it is the story whole and the HTML stops early in it, or its paragraphs where the body is its
    text without its breaks (see the module docstring)."""
    body_words = [_lower_words(p) for p in paragraphs]
    body_total = sum(map(len, body_words))
    body_line = _line(w for ws in body_words for w in ws)
    sources = chain(((text, False) for text in article_bodies(root, url)),
                    ((text, True) for text in state_bodies(root)))
    for text, in_state in sources:
        if len(text) > MAX_BODY_CHARS:
            continue
        story = split_article_body(text)
        words = [_lower_words(p) for p in story]
        total = sum(map(len, words))
        if total < MIN_BODY_WORDS or ELLIPSIS_RE.search(text.rstrip()[-ELLIPSIS_TAIL:]):
            continue  # a summary, or a teaser cut short with an ellipsis
        line = _line(w for ws in words for w in ws)
        if len(story) > len(paragraphs) and body_line == line:
            logger.debug("the body is the JSON-LD articleBody without its paragraph breaks: its breaks taken")
            return story
        if body_total > LONGER * total and not in_state:
            continue  # the HTML body is about as long as the articleBody, or longer: it holds the story
        sentences = [s for p in story for s in _sentences(p)]
        held = [
            n for n, s in enumerate(sentences) if s.count(" ") + 1 >= SENTENCE_WORDS and f" {s} " in body_line
        ]
        if in_state:
            if held and body_total > LONGER * total:
                continue  # the HTML holds the state's story as long as the state does: its reading stands
            if not held and body_total > LONGER * total and _shared_words(body_words, words) >= SHARED_WORDS:
                continue  # the HTML reading is longer and in the same words: the story, which the state spells
                # another way (hyphenated print lines, markers inside its words); a shell's cards are other stories
            if not held and not (body_total >= MIN_BODY_WORDS and _latin(" ".join(paragraphs)) != _latin(text)):
                # a shell: the HTML reading (the related stories' cards) holds no sentence of the page's own
                # article object, titled with the page's title (crawler.extraction.state_body)
                logger.debug("the HTML body holds none of the page state's story: the state's is read")
                return story
        reach = sum(s.count(" ") + 1 for s in sentences[: held[-1] + 1]) if held else 0
        if reach > FAR_SHORTER * total:
            continue  # the HTML holds the articleBody's sentences beyond its opening: its reading stands
        # the lead: the body's paragraphs before the first one found in the articleBody or holding one of its sentences
        found = [
            i
            for i, ws in enumerate(body_words)
            if len(ws) >= SENTENCE_WORDS
            and (_line(ws) in line or any(f" {sentences[n]} " in _line(ws) for n in held))
        ]
        first = found[0] if found else None
        if found and len(found) < sum(len(ws) >= SENTENCE_WORDS for ws in body_words[first : found[-1] + 1]):
            continue  # a paragraph of the page's own between those it holds: another story sharing a sentence
        if first is not None:
            logger.debug(
                "the HTML body stops %d words into the %d of the JSON-LD articleBody: it is read",
                reach,
                total,
            )
            return (*paragraphs[:first], *story)
        if body_total >= MIN_BODY_WORDS and _latin(" ".join(paragraphs)) != _latin(text):
            continue  # the HTML reads a story in another script than the articleBody (another edition's): kept
        if _printed_on_page(root, words):
            logger.debug(
                "the HTML body is not in the JSON-LD articleBody, whose opening the page prints: it is read"
            )
            return story
    return paragraphs


def _shared_words(body_words: list[list[str]], words: list[list[str]]) -> float:
    """The share of the distinct words of ``words`` (a state's story) that the HTML body's ``body_words`` hold."""
    own = {w for ws in words for w in ws}
    return len(own & {w for ws in body_words for w in ws}) / len(own) if own else 0.0


def _line(words: Iterable[str]) -> str:
    """``words`` joined by spaces, a space before and after (a word sequence searched for whole words)."""
    return " " + " ".join(words) + " "


def _sentences(paragraph: str) -> list[str]:
    """The sentences of one articleBody paragraph, each as its lower-cased words joined by spaces."""
    found = (" ".join(_lower_words(s)) for s in SENTENCE_END_RE.split(paragraph))
    return [s for s in found if s]


def article_bodies(root: HtmlElement, url: str = "") -> Iterator[str]:
    """The ``articleBody`` texts of the page's own JSON-LD article objects (NewsArticle, BlogPosting, ...), in order:
    those whose headline is the page's title or whose ``url`` or ``mainEntityOfPage`` is the page (``url``, its
    canonical or og:url), or the only one, where it names no other page."""
    scripts = elements(root, "script")  # the JSON-LD is parsed only on a page where one names an articleBody
    if not any(
        "articleBody" in (script.text or "") for script in scripts if "ld+json" in (script.get("type") or "")
    ):
        return
    items = []
    for item in iter_json_ld(root):
        kinds = item.get("@type", [])
        if {str(k).lower() for k in (kinds if isinstance(kinds, list) else [kinds])} & STORY_TYPES:
            items.append(item)
    keys = page_title_keys(root, json_ld=False)
    pages = page_urls(root, url, og_url=True)
    for item in items:
        headline = item.get("headline")
        names = _item_urls(item, url)
        own = (isinstance(headline, str) and norm(headline) in keys) or bool(names & pages)
        if not own and not (len(items) == 1 and names <= pages):
            logger.debug("the JSON-LD articleBody of %r is another story's: not read", headline)
            continue
        body = item.get("articleBody")
        if isinstance(body, list):
            body = "\n".join(part for part in body if isinstance(part, str))
        if isinstance(body, str) and body.strip():
            yield body


def _item_urls(item: dict, base: str) -> set[str]:
    """The comparison keys of a JSON-LD object's ``url`` and ``mainEntityOfPage`` (a string, or an object's @id or
    url), resolved against the page's ``base``."""
    found = set()
    for value in (item.get("url"), item.get("mainEntityOfPage")):
        if isinstance(value, dict):
            value = value.get("@id") or value.get("url")
        if isinstance(value, str) and value.strip() and not value.strip().startswith("#"):
            if (key := resolved_key(base, value)) is not None:
                found.add(key)
    return found


def _latin(text: str) -> bool:
    """True when most of the letters of ``text`` are Latin ones."""
    letters = [c for c in text[:5000] if c.isalpha()]
    return sum(c < "\u0250" for c in letters) * 2 > len(letters)


def split_article_body(text: str) -> tuple[str, ...]:
    """The paragraphs of an articleBody: at its line breaks, at the block tags of one written as HTML (escaped too),
    Markdown's marks left out, else (a text with neither) at a sentence end glued to the next sentence (GLUED_RE)."""
    text = _unescaped(text)  # escaped once or twice by some CMSs ("&amp;ccedil;", "&lt;p&gt;")
    if HTML_RE.search(text):
        text = _unescaped(TAG_RE.sub("", BLOCK_END_RE.sub("\n", _without_code(text))))
    if MD_LINK_RE.search(text) or MD_MARK_RE.search(text):
        text = MD_MARK_RE.sub("", MD_ATTR_RE.sub("", MD_LINK_RE.sub(_link_text, text)))
    paragraphs = [clean_space(p) for p in BREAKS_RE.split(text)]
    paragraphs = [p for p in paragraphs if p]
    if len(paragraphs) == 1:
        paragraphs = _glued_paragraphs(paragraphs[0])
    return tuple(paragraphs)


def _without_code(text: str) -> str:
    """``text`` without its script, style, template, noscript and figcaption elements and their content (an unclosed
    one runs to the end)."""
    kept, at = [], 0
    while match := CODE_OPEN_RE.search(text, at):
        kept.append(text[at : match.start()])
        close = re.compile(rf"<\s*/\s*{match.group(1)}\s*>", re.IGNORECASE).search(text, match.end())
        at = close.end() if close else len(text)
    kept.append(text[at:])
    return "".join(kept)


def _unescaped(text: str) -> str:
    """``text`` with its character references decoded, twice where they were escaped twice."""
    for _ in range(2):
        if not ENTITY_RE.search(text):
            break
        text = html.unescape(text)
    return text


def _link_text(match: re.Match[str]) -> str:
    """A Markdown link's text; nothing for an image."""
    return "" if match.group(0).startswith("!") else match.group(1)


def _glued_paragraphs(text: str) -> list[str]:
    """``text`` cut after each sentence end that runs into the next sentence without a space (GLUED_RE)."""
    cuts = [0]
    for match in GLUED_RE.finditer(text):
        after, before = text[match.end()], text[: match.start()]
        if "a" <= after <= "z" or len(before) < 2 or not before[-2].isalpha():
            continue
        cuts.append(match.end())
    cuts.append(len(text))
    return [clean_space(text[a:b]) for a, b in zip(cuts, cuts[1:], strict=False) if text[a:b].strip()]


def _printed_on_page(root: HtmlElement, words: list[list[str]]) -> bool:
    """True when the articleBody's first OPENING_WORDS words are printed on the page (in its text, ``<noscript>``
    included, or its meta description)."""
    opening = " ".join([w for ws in words for w in ws][:OPENING_WORDS])
    page = " ".join(str(t) for t in PAGE_TEXT(root))
    texts = (page, meta_content(root, "description"), meta_content(root, "og:description"))
    return any(f" {opening} " in _line(_lower_words(t)) for t in texts if t)


def _lower_words(text: str) -> list[str]:
    """The lower-cased words of ``text``."""
    return TOKEN_RE.findall(text.lower())

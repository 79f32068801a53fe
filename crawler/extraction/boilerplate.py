"""Remove known boilerplate blocks (read-also boxes, captions, share bars, ...) from a page tree before extraction."""

from __future__ import annotations

import functools
import logging
import re
from itertools import pairwise

from lxml import etree
from lxml.html import HtmlElement

from crawler.extraction.comments import remove_comment_sections
from crawler.extraction.gallery import captions_as_blocks, photo_captions
from crawler.extraction.precision import drop_back_links
from crawler.extraction.pullquotes import QUOTE_TAGS, drop_pull_quotes

logger = logging.getLogger(__name__)

# "Read also" markers that open an inline teaser box inside an article body (Arabic and English).
# Hamza/alif and tanwin variants are written out because outlets use all of them.
READ_ALSO_RE = re.compile(
    r"^\W*+(?:"  # possessive: its alternatives start with a letter or \s*, which overlapped it (quadratic)
    r"[اإأآ]قر[أا]\s+(?:[أا]يض[اًا]+|كذلك|المزيد)"
    r"|(?:طالع|شاهد|تابع|انظر)\s+(?:[أا]يض[اًا]+|كذلك)"
    r"|(?:مواضيع|[أا]خبار|مقالات|قصص|روابط)?\s*ذات\s+صلة"
    r"|(?:موضوعات|مقالات|[أا]خبار)\s+متعلقة"
    r"|read\s+(?:also|more)|also\s+read|see\s+also|related(?:\s+(?:articles?|stories|news|content|posts?))?"
    r"|more\s+on\s+this|recommended(?:\s+for\s+you)?|you\s+may\s+also\s+like|lire\s+aussi|à\s+lire\s+aussi"
    r"|mehr\s+zum\s+thema|lesen\s+sie\s+auch|auch\s+interessant|das\s+könnte\s+(?:sie|dich)\s+auch\s+interessieren"
    r"|(?:ähnliche|verwandte|weitere)\s+(?:artikel|beiträge)|empfohlene\s+(?:artikel|beiträge)"
    r"|voc[êe]\s+(?:também\s+)?pode\s+gostar|(?:te|le)\s+puede\s+interesar|(?:noticias|notícias|artículos|artigos)\s+"
    r"relacionad[oa]s|vous\s+aimerez\s+aussi|articles\s+(?:connexes|similaires)|czytaj\s+(?:też|także)"
    r"|قد\s+(?:يعجبك|يهمك|يهمك\s+[أا]يض[اًا]+)|ربما\s+يعجبك|(?:[أا]خبار|مقالات|مواضيع)\s+مشابهة|المزيد\s+من\s+(?:الأخبار|المقالات)"
    r")\W*",
    re.IGNORECASE,
)

# class/id tokens that name a page-chrome block. Matched against whole tokens of the class and id
# attribute (split on space, "-" and "_"), never as substrings: "ad" must not match "head".
BOILERPLATE_TOKENS = frozenset(
    ["share", "shares", "sharing", "sharebar", "sharethis", "addthis", "social", "socials", "socialmedia", "social-links", "newsletter", "subscribe", "subscription", "signup", "related", "relateds", "readmore", "read-more", "readalso", "read-also", "alsoread", "also-read", "see-also", "recommended", "recommendations", "more-stories", "morestories", "tags", "tag-list", "taglist", "tagcloud", "keywords", "topics-list", "breadcrumb", "breadcrumbs", "crumbs", "comments", "comment-list", "commentlist", "disqus", "comment-form", "respond", "author-bio", "authorbio", "author-box", "authorbox", "about-author", "author-info", "bio", "caption", "figcaption", "wp-caption-text", "credit", "credits", "photo-credit", "image-credit", "advert", "advertisement", "ads", "adsbygoogle", "ad-slot", "ad-container", "sponsored", "promo", "outbrain", "taboola", "sidebar", "widget", "popup", "modal", "cookie", "cookies", "consent", "gdpr", "print-links", "printfriendly", "toolbar", "article-tools",
     # Drupal's "submitted by <user> on <date>" line (<div class="meta submitted">, node__submitted), whatever date format
     "submitted"]
)
BOILERPLATE_PAIRS = frozenset(
    {
        ("read", "more"),
        ("read", "also"),
        ("also", "read"),
        ("see", "also"),
        ("author", "bio"),
        ("author", "box"),
        ("author", "info"),
        ("article", "info"),  # Joomla's <dl class="article-info">: details, category, dates, hits
        ("article", "index"),  # Joomla's pagebreak plugin: a split article's index of its pages (tests/altsites11)
        ("links", "inline"),  # Drupal's node links (<ul class="links inline">: "read more", "log in to post comments")
        ("link", "wrapper"),  # ... and Bartik's <div class="link-wrapper"> around them (tests/altsites12)
        ("about", "author"),
        ("photo", "credit"),
        ("image", "credit"),
        ("more", "stories"),
        ("related", "articles"),
        ("tag", "list"),
        ("social", "links"),
        ("share", "buttons"),
    }
)
TOKEN_SPLIT_RE = re.compile(r"[\s_\-]+")
# Tags whose content is never article prose (scripts stay: trafilatura reads JSON-LD metadata from them).
ALWAYS_DROP_TAGS = ("figcaption", "template", "button", "svg")
# Tags that are chrome when small; ASP.NET and some CMSs wrap the whole page in one <form>.
SMALL_DROP_TAGS = frozenset({"form", "nav", "aside"})
MAY_GO_TAGS = SMALL_DROP_TAGS | {"figcaption"}  # listed by prune_boilerplate's walk whatever their class or id
# Containers so big that removing them would remove the article itself.
MAX_SHARE_OF_PAGE = 0.4
READ_ALSO_MAX_CHARS = 400
HEADINGS = ("h2", "h3", "h4", "h5", "h6")
TEASER_MAX_CHARS = 600  # a teaser card: a headline and a lead of a paragraph (a column of the page is longer)
CARD_SHARE = 0.6  # a "related" box is mostly alike cards (an ad slot or a "more" link may sit among them)
# A heading whose class names only a weak token ("widget-title") and whose box is a section of the story (two or
# more <p>s holding SECTION_SHARE of its text, links at most PROSE_MAX_LINK_SHARE of it) is a crosshead, not the title
# of a box of alike cards: the <p>s of a section looked like cards, and the box went with its heading (fundus'
# tr/Haberturk_2024_07_03, every section of the story but the densest: recall 0.47), issue 13.
SECTION_SHARE = 0.5
# Tokens that name containers which sometimes wrap article text; the rest (comments, related, share, caption...) never do.
# "read more" names a "Read more" link and a box of teaser links, but also the script hook of a text shown cut short
# with a button to read on (class="js_readmore" round a holiday home's description on the trafilatura set), issue 13.
WEAK_TOKENS = frozenset({"ads", "advert", "advertisement", "ad-slot", "ad-container", "sponsored", "promo", "widget",
                         "sidebar", "popup", "modal", "toolbar", "article-tools", "social", "socials", "keywords",
                         "bio", "print-links", "readmore", "read-more", "read more"})
CAPTION_TOKENS = frozenset({"caption", "figcaption", "wp-caption-text"})
# Every caption token contains "caption": a walk finds the few candidates, _matched_tokens checks whole tokens.
# The parents of non-blank text nodes and of <p>: every element with text of its own (its text, a child's tail) or a <p>.
DENSEST_CANDIDATES = "descendant-or-self::*[text()[normalize-space()] or p]"  # one pass, not a union of two
CAPTION_SHARE = 0.5  # a gallery's captions holding this share of the page's <p> text are the story (gallery.py)
PROSE_RUN = 100  # a text run this long is a sentence or more of prose
PROSE_MIN_CHARS = 200
PROSE_MAX_LINK_SHARE = 0.3


def _matched_tokens(element: HtmlElement) -> frozenset[str]:
    """The boilerplate tokens (and token pairs) that the class/id of ``element`` carries."""
    return _tokens_of_attributes(element.get("class", ""), element.get("id", ""))


@functools.lru_cache(maxsize=4096)
def _tokens_of_attributes(class_: str, id_: str) -> frozenset[str]:
    """``_tokens_of_marks`` of one class and id pair, looked up before lower-casing (a page repeats its pairs)."""
    return _tokens_of_marks(f"{class_} {id_}".lower().strip())


@functools.lru_cache(maxsize=4096)
def _tokens_of_marks(raw: str) -> frozenset[str]:
    """The boilerplate tokens of one lower-cased "class id" string (pages repeat a few hundred such strings)."""
    if not raw:
        return frozenset()
    tokens = [t for t in TOKEN_SPLIT_RE.split(raw) if t]
    found = {w for w in raw.split() if w in BOILERPLATE_TOKENS} | {t for t in tokens if t in BOILERPLATE_TOKENS}
    found |= {"related" for t in tokens if t.startswith("related") and len(t) > len("related")}
    return frozenset(found | {" ".join(p) for p in pairwise(tokens) if p in BOILERPLATE_PAIRS})


def _is_prose(element: HtmlElement) -> bool:
    """True when ``element`` holds running text (long, link-poor paragraphs), which chrome never does."""
    text = _text_len(element)
    if not text or _link_text_len(element) > PROSE_MAX_LINK_SHARE * text:
        return False
    runs = [len(" ".join(t.split())) for t in element.itertext()]
    return sum(r for r in runs if r >= PROSE_RUN) >= PROSE_MIN_CHARS


def _text_len(element: HtmlElement) -> int:
    """Length of the whitespace-collapsed text under ``element``."""
    return len(" ".join(element.text_content().split()))


def _link_text_len(element: HtmlElement) -> int:
    """Length of the text that sits inside links under ``element``."""
    return sum(_text_len(a) for a in element.iter("a"))


def _drop(element: HtmlElement) -> int:
    """Remove ``element`` and its subtree (keeping the tail text in place); 1 when it was removed, else 0."""
    if element.getparent() is None:
        return 0
    element.drop_tree()
    return 1


def _densest_block(root: HtmlElement, texts: dict[HtmlElement, str]) -> HtmlElement | None:
    """The element holding the most prose directly (its own text and its <p>/<br>-separated children).

    This is where the article most likely is; its ancestors must survive pruning whatever their class says.
    ``texts``: the text_content() of each <p> under ``root`` (_paragraph_texts).
    """
    best, best_score = None, 0
    # Only an element with text of its own (its text or a child's tail) or a <p> child can score: XPath finds them (a
    # superset: XPath's whitespace is a subset of str.strip's) without a Python loop over every element (issue 10).
    for element in root.xpath(DENSEST_CANDIDATES):
        if not isinstance(element, HtmlElement) or element.tag in ("script", "style", "head", "title"):
            continue
        text = element.text
        score = len(text.strip()) if text else 0
        for child in element:  # each text and tag read once: lxml builds a new string at each read
            tail = child.tail
            if tail:
                score += len(tail.strip())
            text = texts.get(child)  # a <p>: all of them are keys
            if text is not None:
                score += len(text.strip())
        if score > best_score:
            best, best_score = element, score
    return best


def _paragraph_texts(root: HtmlElement) -> dict[HtmlElement, str]:
    """The text_content() of each <p> under ``root``, in document order.

    Read once for the two that need it, _page_text_len and _densest_block (issue 10: a tenth of a millisecond).
    """
    return {p: p.text_content() for p in root.iter("p")}


def _page_text_len(root: HtmlElement, texts: dict[HtmlElement, str]) -> int:
    """Length of the text in paragraphs of the whole page (the yardstick for 'too big to be chrome').

    ``texts``: the text_content() of each <p> under ``root`` (_paragraph_texts).
    """
    total = sum(len(" ".join(text.split())) for text in texts.values())
    return total or _text_len(root)


def _hold_page(root: HtmlElement, length: int) -> bool:
    """True when ``length`` characters are CAPTION_SHARE of the page's paragraph text or more (_page_text_len).

    The paragraphs are measured only until they outweigh ``length``: a page's few captions are outweighed by its first
    paragraphs, and measuring the whole page cost a quarter of a millisecond (issue 10).
    """
    total = 0
    for paragraph in root.iter("p"):
        total += _text_len(paragraph)
        if length < CAPTION_SHARE * total:  # the page's paragraph text only grows from here
            return False
    return length >= CAPTION_SHARE * (total or _text_len(root))


def _read_also_block(node: HtmlElement) -> HtmlElement | None:
    """The block that a "read also" marker at ``node`` opens, or None when it is prose."""
    block = node
    while block.tag not in ("p", "li", "div", "section", "aside", "h2", "h3", "h4", "h5", "h6", "blockquote"):
        parent = block.getparent()
        if parent is None or parent.tag in ("body", "article", "main"):
            break
        block = parent
    size = _text_len(block)
    if size > READ_ALSO_MAX_CHARS:
        return None
    return block


def _is_card_list_title(heading: HtmlElement) -> bool:
    """True when ``heading`` is the first child of a box of two or more alike cards ("You may like" + teasers)."""
    parent = heading.getparent()
    if parent is None or parent.tag in ("body", "html", "main") or parent[0] is not heading:
        return False
    cards = [c.tag for c in parent if c is not heading and isinstance(c.tag, str)
             and c.tag not in ("script", "style", "noscript", "ins", "br")]
    if not cards:
        return False
    most = max(set(cards), key=cards.count)
    return cards.count(most) >= 2 and cards.count(most) >= CARD_SHARE * len(cards)


def _teaser_cards(box: HtmlElement) -> bool:
    """True when ``box`` is two or more teaser cards (its children, a title heading first aside), each of at most
    TEASER_MAX_CHARS whose one heading is linked to a page: a "read also" box, never the story however long its
    leads (a brief's page, whose two teasers each print another story's whole first paragraph: tests/altsites17)."""
    cards = [c for c in box if isinstance(c.tag, str) and c.tag not in ("script", "style", "noscript", "ins", "br")]
    if cards and cards[0].tag in HEADINGS:
        cards = cards[1:]
    if len(cards) < 2:
        return False
    for card in cards:
        headings = list(card.iter(*HEADINGS))
        if len(headings) != 1 or _text_len(card) > TEASER_MAX_CHARS or (headings[0].find(".//a[@href]") is None and not any(
                a.tag == "a" and a.get("href") for a in headings[0].iterancestors())):
            return False
    return True


def _opens_story_section(heading: HtmlElement, seen: dict[HtmlElement, bool]) -> bool:
    """True when the box that ``heading`` opens is a section of running text (see SECTION_SHARE), not teaser cards;
    each box measured once per pruning pass (``seen``: a box of 800 crossheads, the final review of stop 28)."""
    box = heading.getparent()
    if box is None:
        return False
    if box not in seen:
        lengths = [_text_len(child) for child in box if child.tag == "p"]
        text = _text_len(box)
        seen[box] = (
            sum(1 for n in lengths if n) >= 2
            and sum(lengths) >= SECTION_SHARE * text
            and _link_text_len(box) <= PROSE_MAX_LINK_SHARE * text
        )
    return seen[box]


def remove_read_also(root: HtmlElement, protected: set[HtmlElement] | None = None) -> int:
    """Remove inline "read also" / "related" teaser boxes; return how many blocks went.

    ``protected`` elements (the article container and its ancestors) are never removed as a whole.
    """
    protected = protected or set()
    removed = 0
    candidates: list[HtmlElement] = []
    for element in root.iter("p", "li", "div", "section", "aside", "h2", "h3", "h4", "h5", "h6", "strong", "b", "span"):
        head = (element.text or "").strip()
        if not head and len(element):
            first = element[0]
            if first.tag in ("strong", "b", "span", "em", "a"):
                head = first.text_content().strip()
        if head and READ_ALSO_RE.match(head):
            candidates.append(element)
    for element in candidates:
        if element.getparent() is None:
            continue
        block = _read_also_block(element)
        if block is None or block.getparent() is None:
            continue
        text = " ".join(block.text_content().split())
        marker = READ_ALSO_RE.match(text)
        rest = text[marker.end():] if marker else text
        # A heading-only marker ("ذات صلة") introduces the list that follows it.
        if block.tag in HEADINGS and _is_card_list_title(block) and (
                block.getparent() not in protected or _teaser_cards(block.getparent())):
            removed += _drop(block.getparent())
            continue
        if len(rest) < 3 or block.tag in HEADINGS:
            follower = block.getnext()
            if follower is not None and follower.tag in ("ul", "ol", "div", "p") and _text_len(follower) > 0:
                links = _link_text_len(follower)
                if links >= 0.5 * _text_len(follower):
                    removed += _drop(follower)
        elif _link_text_len(block) < 0.3 * len(rest) and len(rest) > 120:
            # Prose that merely starts with "Related" or "Read more about": keep it.
            continue
        removed += _drop(block)
    return removed


def _captions(marked: list[HtmlElement]) -> list[HtmlElement]:
    """The outermost caption containers (<figcaption>, class or id "caption", "wp-caption-text") among ``marked``."""
    found = [element for element in marked if element.tag != "html"
             and (element.tag == "figcaption" or _matched_tokens(element) <= CAPTION_TOKENS and _matched_tokens(element))]
    inner = {id(d) for e in found for d in e.iterdescendants()}
    return [e for e in found if id(e) not in inner]


def prune_boilerplate(root: HtmlElement) -> int:
    """Remove page chrome from ``root`` in place and return how many blocks went.

    Never removes a block that holds a large share of the page's paragraph text, so a page whose article
    container is (mis)named "related" or "widget" keeps its article.
    """
    removed = 0
    # One walk lists, in document order, every element that may go (one of SMALL_DROP_TAGS, or a class or id that
    # carries boilerplate tokens) and the figcaptions, before any goes; the captions come from the list too (issue 10:
    # an XPath for the elements with a class or id, then a loop over each, and a second walk for the captions, cost
    # three times as much). An element listed that goes with an ancestor is dealt with in the detached subtree, where
    # nothing reaches the page.
    # The same walk lists the quote blocks (crawler.extraction.pullquotes), and the links to a fragment and the ids and
    # anchor names of the page, for crawler.extraction.precision.drop_back_links.
    marked, quotes, fragments, anchors = [], [], [], set()
    for element in root.iter(etree.Element):
        class_, id_ = element.get("class"), element.get("id")  # two thirds of a page's elements have neither
        tag = element.tag
        if tag in MAY_GO_TAGS or (class_ or id_) and _tokens_of_attributes(class_ or "", id_ or ""):
            marked.append(element)
        if tag in QUOTE_TAGS or class_ and "quote" in class_.lower():  # may be a pull-quote
            quotes.append(element)
        if id_:
            anchors.add(id_)
        if tag == "a":
            href, name = element.get("href"), element.get("name")
            if href and href[0] == "#" and len(href) > 1:
                fragments.append(element)
            if name:
                anchors.add(name)
    # Captions are chrome beside a story, but a photo essay tells its story in them: the captions of a gallery (three
    # pictures or more, no teaser's) are kept when they hold the page (crawler.extraction.gallery).
    photos = photo_captions(captions, lambda found: _hold_page(root, sum(map(_text_len, found)))) if (
        captions := _captions(marked)) else []
    kept = {element for photo in photos for element in photo.iter()}  # the kept captions and what they hold
    # One walk for the four tags (issue 10): the tree left is the same in any order (each drop moves its tail text to
    # what precedes it); one inside another that went is dropped within the detached subtree, and counted.
    for element in list(root.iter(*ALWAYS_DROP_TAGS)):
        if not (element.tag == "figcaption" and element in kept):
            removed += _drop(element)
    etree.strip_elements(root, etree.Comment, with_tail=False)
    texts = _paragraph_texts(root)
    limit = max(200, MAX_SHARE_OF_PAGE * _page_text_len(root, texts))
    densest = _densest_block(root, texts)
    sections: dict[HtmlElement, bool] = {}  # _opens_story_section's boxes, each measured once
    # the densest block inside a box of teasers is a teaser's lead, not the story: nothing protected
    if densest is not None and any(_teaser_cards(a) for a in densest.iterancestors() if a.tag not in ("body", "html")):
        densest = None
    protected = set() if densest is None else {densest, *densest.iterancestors()}
    for element in marked:
        if not isinstance(element, HtmlElement) or element.getparent() is None or element in protected:
            continue
        if element.tag in ("html", "body", "article", "main"):
            continue
        tokens = _matched_tokens(element)
        if not (element.tag in SMALL_DROP_TAGS or tokens) or _text_len(element) >= limit and not (
                "sidebar" in tokens and densest is not None or _teaser_cards(element)):  # a kept figcaption
            continue
        if tokens and tokens <= CAPTION_TOKENS and element in kept:
            continue
        # "ads", "widget", "sidebar" also name wrappers around article sections (class="Section--Ads"):
        # such a block goes only when it holds no running text. A sidebar beside the story (the densest block's
        # ancestors are protected) goes whatever its size: a Blogger post's sidebar of popular posts' snippets, the
        # archive tree and the labels outweighed the post's <br>-separated lines (tests/altsites11).
        # Nor a heading that opens a section of the story (a crosshead: SECTION_SHARE).
        if (
            tokens
            and tokens <= WEAK_TOKENS
            and (_is_prose(element) or element.tag in HEADINGS and _opens_story_section(element, sections))
        ):
            continue
        if element.tag in HEADINGS and _is_card_list_title(element) and element.getparent() not in protected:
            element = element.getparent()  # the title of a "related" box: the box goes with it
        removed += _drop(element)
    removed += remove_read_also(root, protected)
    removed += remove_comment_sections(root, protected)  # a readers' comments block named by its heading only
    removed += drop_pull_quotes(root, quotes)
    drop_back_links(fragments, anchors)  # no block: a link's arrow, which only trafilatura's link density sees
    captions_as_blocks(root, photos)  # a photo essay's <figure>s, which trafilatura deletes whole
    logger.debug("pruned %d boilerplate blocks", removed)
    return removed

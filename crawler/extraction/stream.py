"""Cut the stories that a "continuous reading" page appends below its own story.

News sites that render infinite scroll on the server (many 2020s pan-Arab and tabloid sites) print, below the story,
the next one or two stories whole: each in its own ``<article>`` (or an element with schema.org Article microdata)
with its own headline, date, share bar and body. trafilatura reads the first article container it knows, but where it
knows none, where a card of a "trending" strip is the first ``<article>``, or where its comparison with readability
takes the denser whole, the reading is the stream: the next stories' text in the body (trafilatura's own evaluation
page hoy.com-daran, whose gold forbids the next story, read 9,983 characters for a 1,198-character story), or the
body of the next story alone (tests/altsites7). The story is the one block the page is about: the story block whose
headline is the page's own title (og:title, JSON-LD headline, ``<title>``) or whose microdata names the page's URL.
A block is cut only on positive evidence that it is another story: its own URL, other than the page's (a URL data
attribute: ``data-url``, ``data-article-url``, ``data-permalink``...; microdata ``url`` or ``mainEntityOfPage``, a link
on its headline or naming it; "#update-3" is this page), or an item id (``data-article-id``, ``data-id``...) other than
the page's own block's under the same attribute. A ``<div>`` that carries such an attribute is a story block as an
``<article>`` is (Al-Ain's and Erem News's "infinite article" pages: tests/altsites17, where a brief's page was read as
the two stories below it). A live blog's or an
interview's sections, their own ``<article>``s under a header ``<article>``, name no other page and stay; a teaser
card (its headline and summary one link) holds no prose outside links and is no story block. Once the cut is made,
a story part's opening heading linked to that part's own permalink is unwrapped so the reading keeps it
(crawler.extraction.update_headings).
"""

from __future__ import annotations

import functools
import logging
import re
from collections import Counter
from collections.abc import Callable
from urllib.parse import unquote, urldefrag, urljoin

from lxml.html import HtmlElement

from crawler.extraction.live_entries import entries_as_blocks
from crawler.extraction.page_index import elements
from crawler.extraction.split_story import wrap_split_story
from crawler.extraction.titles import (
    STORY_TYPES,
    clean_space,
    json_ld_article,
    meta_content,
    norm,
    title_variants,
)
from crawler.extraction.update_headings import keep_update_headings

logger = logging.getLogger(__name__)

# A story block holds this many characters of paragraph text outside links: a teaser card (a headline and a line of
# summary) holds less, the shortest news brief more.
STORY_PROSE_CHARS = 200
BRIEF_PROSE_CHARS = 80  # ... but the page's own story, its headline the page's title, may be a one-sentence brief
MIN_TITLE_KEY = 8  # title keys shorter than this ("Home", a section name) match no headline
URL_PROPS = frozenset({"url", "mainentityofpage"})
# Data attributes that name an item's page or id: "data-url", "data-article-url", "data-href", "data-permalink",
# "data-share-url"; "data-id", "data-article-id", "data-post_id", "data-nid". Not a picture's, a player's or a script
# endpoint's ("data-image-url", "data-src", "data-ajax-url").
DATA_URL_RE = re.compile(r"^data-(?:[\w-]*[-_])?(?:url|href|permalink|link|canonical)$")
DATA_ID_RE = re.compile(r"^data-(?:[\w-]*[-_])?[np]?id$")
NOT_PAGE_RE = re.compile(r"image|img|thumb|src|video|audio|ajax|api|embed|photo|pic")


def _is_story_container(element: HtmlElement) -> bool:
    """An ``<article>``, an element whose microdata item is a schema.org article type, or one that carries its item's
    URL or id in a data attribute (a stream's ``<div data-article-url>``)."""
    if element.tag == "article":
        return True
    kind = (element.get("itemtype") or "").strip().rstrip("/").rsplit("/", 1)[-1].lower()
    if element.get("itemscope") is not None and kind in STORY_TYPES:
        return True
    names = [name for name in element.keys() if name.startswith("data-")]  # most elements have none: no regex
    return bool(names) and bool(data_urls(element) or data_ids(element))


def data_urls(element: HtmlElement) -> list[str]:
    """The values of the element's data attributes that name its item's page (DATA_URL_RE)."""
    return [value for name, value in element.attrib.items()
            if name.startswith("data-") and DATA_URL_RE.match(name) and not NOT_PAGE_RE.search(name) and value.strip()]


def data_ids(element: HtmlElement) -> dict[str, str]:
    """The element's data attributes that hold its item's id (DATA_ID_RE), by name."""
    return {name: value.strip() for name, value in element.attrib.items()
            if name.startswith("data-") and DATA_ID_RE.match(name) and value.strip()}


def _other_item(block: HtmlElement, own: HtmlElement) -> bool:
    """True when ``block`` carries another id than the page's own block under an id attribute both carry."""
    mine, theirs = data_ids(own), data_ids(block)
    return any(theirs[name] != value for name, value in mine.items() if name in theirs)


def _headline(block: HtmlElement) -> str:
    """The text of the block's first h1, else its first h2 ("" when it has neither)."""
    for tag in ("h1", "h2"):
        for heading in block.iter(tag):
            text = clean_space(heading.text_content())
            if norm(text):
                return text
    return ""


def _prose_chars(block: HtmlElement) -> int:
    """Characters of the block's paragraph text outside links (a paragraph inside a link, a card's, is none)."""
    total = 0
    for paragraph in block.iter("p"):
        if any(a.tag == "a" and a.get("href") for a in paragraph.iterancestors()):
            continue
        linked = sum(len(clean_space(a.text_content())) for a in paragraph.iter("a"))
        total += max(0, len(clean_space(paragraph.text_content())) - linked)
    return total


def story_blocks(page: HtmlElement, own_keys: Callable[[], set[str]] = frozenset) -> list[HtmlElement]:
    """The page's story blocks: article containers holding a headline and prose, none of which holds another (or a
    container headed by one of ``own_keys()``, the page's title keys, asked only then, with the prose of a brief).

    Containers are found from the page's h1 and h2 up (the nearest article container of each), which walks a few dozen
    elements rather than testing every element's attributes (a quarter of a millisecond a page, issue 10). A
    container holding another story block wraps the stream (or a story and its related cards), so the innermost ones
    are the stories.
    """
    containers: dict[HtmlElement, None] = {}
    judged: dict[HtmlElement, bool] = {}  # the headings share most ancestors: each judged once

    def is_container(element: HtmlElement) -> bool:
        if element not in judged:
            judged[element] = _is_story_container(element)
        return judged[element]

    for heading in page.iter("h1", "h2"):
        container = next((a for a in heading.iterancestors() if is_container(a)), None)
        if container is not None:
            containers[container] = None
    if len(containers) < 2:
        return []
    found = [
        element for element in containers if (headline := _headline(element)) and (
            (prose := _prose_chars(element)) >= STORY_PROSE_CHARS
            or prose >= BRIEF_PROSE_CHARS and norm(headline) in own_keys())
    ]
    inside = {ancestor for block in found for ancestor in block.iterancestors()}  # the elements: see _other_page
    return [block for block in found if block not in inside]


def page_title_keys(root: HtmlElement, *, json_ld: bool = True) -> set[str]:
    """Comparison keys of the page's own title: its JSON-LD headline (unless ``json_ld`` is false), og:title,
    twitter:title and ``<title>``, each whole and each run of its separator-delimited segments (so "Headline | Site"
    gives "Headline")."""
    article = (json_ld_article(root) if json_ld else None) or {}
    headline = article.get("headline") or article.get("name") or ""
    title = root.find(".//title")
    titles = [
        headline if isinstance(headline, str) else "",
        meta_content(root, "og:title"),
        meta_content(root, "twitter:title"),
        title.text_content() if title is not None else "",
    ]
    keys = {norm(variant) for text in titles if text for variant in title_variants(text)}
    return {key for key in keys if len(key) >= MIN_TITLE_KEY}


def _same_page(href: str, urls: set[str], base: str) -> bool:
    """True when ``href`` (resolved against ``base``) is one of ``urls`` (fragment, escapes and a final "/" aside)."""
    return resolved_key(base, href) in urls


def url_key(url: str) -> str:
    """A comparison key of ``url``: its fragment gone, its escapes decoded, a final "/" stripped."""
    return unquote(urldefrag(url)[0]).rstrip("/")


def resolved_key(base: str, href: str) -> str | None:
    """The ``url_key`` of ``href`` resolved against ``base``; None for a malformed one ("http://[x/")."""
    try:
        return url_key(urljoin(base, href.strip()))
    except ValueError:  # urljoin parses the address and refuses a bad IPv6 bracket
        return None


def page_urls(root: HtmlElement, url: str, *, og_url: bool = False) -> set[str]:
    """The keys of the page's own URLs: ``url`` and its rel=canonical (and its og:url when asked), resolved."""
    hrefs = [url, *canonicals(root), meta_content(root, "og:url") if og_url else ""]
    return {key for href in hrefs if href and href.strip() and (key := resolved_key(url, href))}


def _names_page(block: HtmlElement, urls: set[str], base: str) -> bool:
    """True when the block's microdata (``itemprop="url"`` or ``"mainEntityOfPage"``) or a URL data attribute
    (``data-url``, ``data-article-url``...) is the page's URL."""
    hrefs = data_urls(block)
    for element in block.iter("link", "meta", "a"):
        if (element.get("itemprop") or "").strip().lower() in URL_PROPS:
            hrefs.append(element.get("href") or element.get("content") or "")
    return any(href.strip() and _same_page(href, urls, base) for href in hrefs)


def _other_page(block: HtmlElement, urls: set[str], base: str, shared: set[HtmlElement]) -> bool:
    """True when the block names a page other than ``urls``: its URL data attribute (or that of a wrapper holding no
    other block, an ancestor not in ``shared``), its own microdata ``url`` or
    ``mainEntityOfPage``, a link on (or around) its headline, or a link whose text is its headline or the headline's
    start (a related list naming the story first); a fragment of this page ("#update-3") is no other page."""
    hrefs = data_urls(block)
    for wrapper in block.iterancestors():
        if wrapper in shared:
            break
        hrefs.extend(data_urls(wrapper))
    for element in block.iter("link", "meta", "a"):
        if (element.get("itemprop") or "").strip().lower() in URL_PROPS and _scope(element) in (block, None):
            hrefs.append(element.get("href") or element.get("content") or "")
    for tag in ("h1", "h2"):
        heading = next((h for h in block.iter(tag) if norm(clean_space(h.text_content()))), None)
        if heading is not None:
            hrefs.extend(a.get("href") or "" for a in heading.iter("a"))
            hrefs.extend(a.get("href") or "" for a in heading.iterancestors("a"))
            break
    headline = norm(_headline(block))
    # a link naming the block's headline (or its start, cut with "..."): its page
    for link in block.iter("a"):
        text = norm(link.text_content())
        if len(text) >= MIN_TITLE_KEY and headline.startswith(text):
            hrefs.append(link.get("href") or "")
    for href in hrefs:
        href = href.strip()
        if not href or href.startswith(("#", "javascript:", "mailto:")):
            continue
        key = resolved_key(base, href)
        if key is not None and key not in urls:
            return True
    return False


def _scope(element: HtmlElement) -> HtmlElement | None:
    """The nearest microdata item (``itemscope``) around ``element``, or None."""
    return next((a for a in element.iterancestors() if a.get("itemscope") is not None), None)


def canonicals(root: HtmlElement) -> list[str]:
    """The hrefs of the page's ``<link rel="canonical">``."""
    return [
        link.get("href") or ""
        for link in elements(root, "link")
        if "canonical" in (link.get("rel") or "").lower().split()
    ]


def prune_appended_stories(page: HtmlElement, root: HtmlElement, url: str) -> int:
    """Remove from ``page`` (a copy of ``root``) the story blocks appended below the page's own; how many went.

    Only where the page holds two story blocks or more and exactly one of them is the page's own (its headline is
    the page's title, or its microdata or ``data-url`` names the page's URL or its rel=canonical): the blocks whose
    headline differs from the page's title and that name another page (_other_page) are other stories. A page none
    of whose blocks is its own (a blog's front page) or two of which are (a story printed twice) is left, and so are
    blocks naming no other page (a live blog's updates, an interview's answers).
    """
    # a live blog's updates as <article>s after its headline and intro: one story (crawler.extraction.split_story)
    if wrap_split_story(page, lambda: page_title_keys(root)):
        keep_update_headings(page, url)
        entries_as_blocks(page, url)
        return 0
    cut = _prune_appended(page, root, url)
    # after the cut (a heading's link is evidence of another story there): each part's heading linked to itself stays
    keep_update_headings(page, url)
    entries_as_blocks(page, url)  # a live page's entries: each its heading and paragraphs apart (live_entries)
    return cut


def _prune_appended(page: HtmlElement, root: HtmlElement, url: str) -> int:
    """prune_appended_stories' cut, once the page is no split story."""
    keys = functools.cache(lambda: page_title_keys(root))
    blocks = story_blocks(page, keys)
    if len(blocks) < 2:
        return 0
    keys = keys()
    urls = page_urls(root, url) | {url_key(url)}
    own = [b for b in blocks if norm(_headline(b)) in keys or _names_page(b, urls, url)]
    if len(own) != 1:
        return 0
    # keyed by the elements, which keeps their proxies alive: an lxml proxy let go is made anew when next reached, and
    # its id() may then be another element's (counted by id(), unrelated wrappers were taken for one shared by two
    # blocks, and a block's own wrapper's data-url went unread)
    counts = Counter(a for b in blocks for a in b.iterancestors())
    shared = {element for element, n in counts.items() if n > 1}  # wrappers of two blocks or more
    others = [
        b
        for b in blocks
        if b is not own[0] and norm(_headline(b)) not in keys
        and (_other_page(b, urls, url, shared) or _other_item(b, own[0]))
    ]
    for block in others:
        block.drop_tree()
    if others:
        logger.debug("%d stories appended below the page's own cut on %s", len(others), url)
    return len(others)

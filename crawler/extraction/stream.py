"""Cut the stories that a "continuous reading" page appends below its own story.

News sites that render infinite scroll on the server (many 2020s pan-Arab and tabloid sites) print, below the story,
the next one or two stories whole: each in its own ``<article>`` (or an element with schema.org Article microdata)
with its own headline, date, share bar and body. trafilatura reads the first article container it knows, but where it
knows none, where a card of a "trending" strip is the first ``<article>``, or where its comparison with readability
takes the denser whole, the reading is the stream: the next stories' text in the body (trafilatura's own evaluation
page hoy.com-daran, whose gold forbids the next story, read 9,983 characters for a 1,198-character story), or the
body of the next story alone (tests/altsites7). The story is the one block the page is about: the story block whose
headline is the page's own title (og:title, JSON-LD headline, ``<title>``) or whose microdata names the page's URL.
"""

from __future__ import annotations

import logging
from urllib.parse import unquote, urldefrag, urljoin

from lxml.html import HtmlElement

from crawler.extraction.page_index import elements
from crawler.extraction.titles import (
    ARTICLE_TYPES,
    clean_space,
    json_ld_article,
    meta_content,
    norm,
    title_variants,
)

logger = logging.getLogger(__name__)

STORY_TYPES = ARTICLE_TYPES - {"webpage"}  # schema.org types of one story (a WebPage holds the whole page)
# A story block holds this many characters of paragraph text outside links: a teaser card (a headline and a line of
# summary) holds less, the shortest news brief more.
STORY_PROSE_CHARS = 200
MIN_TITLE_KEY = 8  # title keys shorter than this ("Home", a section name) match no headline
URL_PROPS = frozenset({"url", "mainentityofpage"})


def _is_story_container(element: HtmlElement) -> bool:
    """An ``<article>``, or an element whose microdata item is a schema.org article type."""
    if element.tag == "article":
        return True
    kind = (element.get("itemtype") or "").strip().rstrip("/").rsplit("/", 1)[-1].lower()
    return element.get("itemscope") is not None and kind in STORY_TYPES


def _headline(block: HtmlElement) -> str:
    """The text of the block's first h1, else its first h2 ("" when it has neither)."""
    for tag in ("h1", "h2"):
        for heading in block.iter(tag):
            text = clean_space(heading.text_content())
            if norm(text):
                return text
    return ""


def _prose_chars(block: HtmlElement) -> int:
    """Characters of the block's paragraph text outside links."""
    total = 0
    for paragraph in block.iter("p"):
        linked = sum(len(clean_space(a.text_content())) for a in paragraph.iter("a"))
        total += max(0, len(clean_space(paragraph.text_content())) - linked)
    return total


def story_blocks(page: HtmlElement) -> list[HtmlElement]:
    """The page's story blocks: article containers holding a headline and prose, none of which holds another.

    Containers are found from the page's h1 and h2 up (the nearest article container of each), which walks a few dozen
    elements rather than testing every element's attributes (a quarter of a millisecond a page, issue 10). A
    container holding another story block wraps the stream (or a story and its related cards), so the innermost ones
    are the stories.
    """
    containers: dict[HtmlElement, None] = {}
    for heading in page.iter("h1", "h2"):
        container = next((a for a in heading.iterancestors() if _is_story_container(a)), None)
        if container is not None:
            containers[container] = None
    if len(containers) < 2:
        return []
    found = [
        element for element in containers if _prose_chars(element) >= STORY_PROSE_CHARS and _headline(element)
    ]
    inside = {id(ancestor) for block in found for ancestor in block.iterancestors()}
    return [block for block in found if id(block) not in inside]


def page_title_keys(root: HtmlElement) -> set[str]:
    """Comparison keys of the page's own title: its JSON-LD headline, og:title, twitter:title and ``<title>``, each
    whole and each run of its separator-delimited segments (so "Headline | Site" gives "Headline")."""
    article = json_ld_article(root) or {}
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
    try:
        return _url_key(urljoin(base, href.strip())) in urls
    except ValueError:
        return False


def _url_key(url: str) -> str:
    return unquote(urldefrag(url)[0]).rstrip("/")


def _names_page(block: HtmlElement, urls: set[str], base: str) -> bool:
    """True when the block's microdata (``itemprop="url"`` or ``"mainEntityOfPage"``) or ``data-url`` is the page's URL."""
    hrefs = [block.get("data-url") or ""]
    for element in block.iter("link", "meta", "a"):
        if (element.get("itemprop") or "").strip().lower() in URL_PROPS:
            hrefs.append(element.get("href") or element.get("content") or "")
    return any(href.strip() and _same_page(href, urls, base) for href in hrefs)


def _canonicals(root: HtmlElement) -> list[str]:
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
    headline differs from the page's title are other stories. A page none of whose blocks is its own (a live blog's
    updates under the page's headline, a blog's front page) or two of which are (a story printed twice) is left.
    """
    blocks = story_blocks(page)
    if len(blocks) < 2:
        return 0
    keys = page_title_keys(root)
    urls = {_url_key(url)}
    for href in _canonicals(root):
        try:
            urls.add(_url_key(urljoin(url, href.strip())))
        except ValueError:  # a malformed canonical ("http://[x/") names no page
            continue
    own = [b for b in blocks if norm(_headline(b)) in keys or _names_page(b, urls, url)]
    if len(own) != 1:
        return 0
    others = [b for b in blocks if b is not own[0] and norm(_headline(b)) not in keys]
    for block in others:
        block.drop_tree()
    if others:
        logger.debug("%d stories appended below the page's own cut on %s", len(others), url)
    return len(others)

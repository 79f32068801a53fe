"""A listing that shows its newest story in full: the page is not that article, the page it links to is.

"Latest news", section and blog front pages often print their lead story whole (headline, then every paragraph) above a
list of other headlines. Read as an article, such a page is a second row for the lead story under the listing's
title, and tomorrow a third for another story under the same URL (issue 13: one article, one row). What gives it
away is the headline right above the text: on an article page it is the page's own headline (in the page title, not
a link or a link to the page itself); on a listing it is a link to another page of the site, and the page's title
is the listing's. A section, archive or digest page read as an article is a run of teasers instead: most of its
text is summaries, each right under a linked headline of another page of the site (``teaser_share``). Both are asked
only of pages without article markup (crawler.extraction.article). No scrapy imports.
"""

from __future__ import annotations

import logging
from urllib.parse import parse_qsl, urljoin, urlsplit

from lxml.etree import XPath
from lxml.html import HtmlElement

from crawler.discovery.urls import identity_key
from crawler.extraction.page_index import elements

logger = logging.getLogger(__name__)

# a listing's lead story sits under h2-h4 (its h1, when it has one, is the listing's name); an old page's own headline
# is often an h1 linking to the page itself under another address (extraction-dev's dragnet-train/T157)
HEADINGS = ("h2", "h3", "h4")
# a teaser headline is a sentence: a linked section name above an article ("رياضة", "World news") is not one
MIN_HEADLINE_WORDS = 4
MIN_HEADLINE_CHARS = 20
# a dateline, a byline, a photo caption may stand between the headline and the story's first paragraph
MAX_BETWEEN_CHARS = 300
# a story paragraph, not a dateline or a byline; and the longest line above the story that is no headline
MIN_STORY_PARAGRAPH = 100
MAX_DATELINE = 80
# a paragraph is recognised by its first characters before its whole text is read
START = 24
# the body's first paragraphs may be its headline and dateline: the story's first <p> is among them
FIRST_PARAGRAPHS = 3
# ...and a listing lists: other pages of the site linked by headline-sized anchors
MIN_OTHER_HEADLINES = 3
# a run of teasers: at least MIN_TEASERS summaries (each this long) under links to other pages, most of the text
MIN_TEASER_SUMMARY = 60
MIN_TEASERS = 4
MIN_TEASER_SHARE = 0.6
OWN_TEXT = XPath(f"//*[string-length(normalize-space(text())) >= {START}]")
# the link must be the heading's text, not a "more" link inside it
MIN_LINK_SHARE = 0.8


def _collapsed(text: str) -> str:
    """``text`` with runs of whitespace made one space."""
    return " ".join(text.split())


def _resolve(base: str, href: str) -> str | None:
    """``href`` made absolute, or None when it is no valid URL (a template's "http://[link]")."""
    try:
        target = urljoin(base, href.strip())
        parts = urlsplit(target)
        valid = parts.scheme in ("http", "https") and bool(parts.hostname)  # hostname raises on a malformed host
    except ValueError:
        return None
    return target if valid else None


def _host(url: str) -> str:
    """The URL's host name without ``www.`` ("" when it has none or a malformed one)."""
    try:
        return (urlsplit(url).hostname or "").removeprefix("www.")
    except ValueError:
        return ""


def _same_page(a: str, b: str) -> bool:
    """Whether two absolute URLs name one page: the same host (``www.`` aside) and identity key (crawler.discovery.urls:
    escapes, query order, tracking parameters, default documents), or the same path where one query holds the other's
    parameters and more (a session token only one link carries)."""
    if _host(a) != _host(b):
        return False
    ka, kb = urlsplit(identity_key(a)), urlsplit(identity_key(b))
    if ka.path.rstrip("/") != kb.path.rstrip("/"):
        return False
    qa, qb = set(parse_qsl(ka.query, keep_blank_values=True)), set(parse_qsl(kb.query, keep_blank_values=True))
    return qa <= qb or qb <= qa


def _other_headlines(root: HtmlElement, url: str, lead: str, host: str) -> int:
    """How many other pages of the site the page links to by a headline-sized anchor (a listing lists them)."""
    seen = set()
    for anchor in elements(root, "a"):
        href = (anchor.get("href") or "").strip()
        if not href or len(_collapsed(anchor.text_content()).split()) < MIN_HEADLINE_WORDS:
            continue
        target = _resolve(url, href)
        if target is not None and _host(target) == host and not _same_page(target, url) \
                and not _same_page(target, lead):
            seen.add(urlsplit(target)._replace(fragment="").geturl())
    return len(seen)


def _headline_link(heading: HtmlElement) -> HtmlElement | None:
    """The link that is the heading's text (inside it or around it), when the text is headline-sized; else None."""
    links = [a for a in heading.iter("a") if a.get("href")]
    parent = heading.getparent()
    if parent is not None and parent.tag == "a" and parent.get("href"):
        links.append(parent)
    if not links:
        return None
    text = _collapsed(heading.text_content())
    if len(text) < MIN_HEADLINE_CHARS or len(text.split()) < MIN_HEADLINE_WORDS:
        return None
    return next((a for a in links if len(_collapsed(a.text_content())) >= MIN_LINK_SHARE * len(text)), None)


def _story_start(root: HtmlElement, paragraphs: tuple[str, ...]) -> HtmlElement | None:
    """The <p> of the story's first paragraph: the first <p> holding one of the body's first FIRST_PARAGRAPHS
    paragraphs that is MIN_STORY_PARAGRAPH long, when the ones above it are its headline or short lines."""
    lead = [p for p in paragraphs[:FIRST_PARAGRAPHS] if len(p) >= MIN_STORY_PARAGRAPH]
    starts = {p[:START] for p in lead}
    for element in root.iter("p"):
        own = " ".join((element.text or "").split())
        if len(own) >= START and own[:START] not in starts:
            continue  # the usual case, told without reading the paragraph's inline markup
        if _collapsed(element.text_content()) in lead:
            return element
    return None


def _heading_above(paragraph: HtmlElement, title: str) -> HtmlElement | None:
    """The h2-h4 right above ``paragraph``: a sibling of it or of its parent, or the one heading of a block just above
    the paragraph that holds only it and a dateline (a <header>); at most MAX_BETWEEN_CHARS of text between them, and
    never the page's own headline (``title``: an article whose headline is no heading may have a linked teaser
    above it). A heading in a box of its own above the story's block (a video, a "read it in Turkish" line) is not the
    story's."""
    between = 0
    for level, anchor in enumerate((paragraph, paragraph.getparent())):
        if anchor is None:
            return None
        for sibling in anchor.itersiblings(preceding=True):
            if not isinstance(sibling.tag, str):
                continue
            if sibling.tag in HEADINGS:
                return sibling
            headings = list(sibling.iter(*HEADINGS))
            text = _collapsed(sibling.text_content())
            if len(headings) == 1 and level == 0:
                rest = len(text) - len(_collapsed(headings[0].text_content()))
                return headings[0] if rest <= MAX_DATELINE else None
            if headings or (title and _collapsed(title) in text):
                return None  # a box of headlines, or the page's own headline: not a lead story's
            between += len(text)
            if between > MAX_BETWEEN_CHARS:
                return None
    return None


def _element_of(root: HtmlElement, paragraphs: tuple[str, ...]) -> dict[str, HtmlElement]:
    """For each body paragraph of at least MIN_TEASER_SUMMARY characters, the element whose text it is (the first)."""
    starts = {p[:START] for p in paragraphs if len(p) >= MIN_TEASER_SUMMARY}
    wanted = set(paragraphs)
    found: dict[str, HtmlElement] = {}
    for element in OWN_TEXT(root):  # the elements whose own first text could open a paragraph, found in C
        own = " ".join((element.text or "").strip()[:2 * START].split())[:START]
        if own not in starts:
            continue  # told from the element's first characters, without reading its children's text
        full = _collapsed(element.text_content())
        if full in wanted and full not in found:
            found[full] = element
    return found


def _teaser_link(element: HtmlElement, url: str) -> str | None:
    """The page a teaser summary belongs to: a headline-sized link to another page of the site just above it, that
    link being the whole of the element above (a headline, not a link inside a story's paragraph nor a box of links),
    and no story paragraph going on below the summary."""
    below = next((s for s in element.itersiblings() if isinstance(s.tag, str)), None)
    if below is not None and below.tag == "p" and len(_collapsed(below.text_content())) >= MIN_TEASER_SUMMARY:
        return None  # the story goes on below it: a story's paragraph, not a teaser's summary
    for anchor in (element, element.getparent()):
        if anchor is None:
            return None
        sibling = next((s for s in anchor.itersiblings(preceding=True) if isinstance(s.tag, str)), None)
        if sibling is None:
            continue  # the summary opens its block: look above the block
        if sibling.tag in ("ul", "ol", "table", "p"):
            return None  # a box of links or a paragraph, not a headline
        whole = len(_collapsed(sibling.text_content()))
        for link in [sibling] if sibling.tag == "a" else sibling.iter("a"):
            text = _collapsed(link.text_content())
            if len(text.split()) >= MIN_HEADLINE_WORDS and len(text) >= MIN_LINK_SHARE * whole:
                target = _resolve(url, link.get("href") or "")
                if target is not None and _host(target) == _host(url) and not _same_page(target, url):
                    return target
        return None
    return None


def teaser_share(root: HtmlElement, url: str, paragraphs: tuple[str, ...]) -> tuple[int, float]:
    """How many distinct pages the body's paragraphs are teaser summaries of, and their share of the body's text.

    A section, archive or search page read as an article is a run of teasers: each item a linked headline and a
    summary. The summaries survive extraction as paragraphs (they hold no links); each sits right below a link to
    another page of the site, which a story's own paragraphs do not.
    """
    long = [p for p in paragraphs if len(p) >= MIN_TEASER_SUMMARY]
    total = max(1, sum(map(len, paragraphs)))
    if len(long) < MIN_TEASERS or sum(map(len, long)) < MIN_TEASER_SHARE * total:
        return 0, 0.0  # too few paragraphs long enough to be summaries: told without reading the page again
    targets: set[str] = set()
    teased: set[str] = set()
    for text, element in _element_of(root, paragraphs).items():
        target = _teaser_link(element, url)
        if target is not None and target not in targets:
            targets.add(target)
            teased.add(text)
    if long[0] not in teased:
        return 0, 0.0  # the body opens with a story, not a teaser: an article with a box of related stories
    return len(targets), sum(map(len, teased)) / total


def lead_story_link(root: HtmlElement, url: str, title: str, canonical: str | None,
                    paragraphs: tuple[str, ...]) -> str | None:
    """The URL of the story this page prints in full under a linked headline, when the page is a listing; else None.

    A listing when an h2-h4 right above the story's first <p> (one of the first ``paragraphs``) is a headline-sized
    link to another page of the same site, neither the extracted ``title`` nor the document's ``<title>`` is that
    headline, and the page links to MIN_OTHER_HEADLINES other pages by headline-sized anchors.
    """
    own = _collapsed(title)
    if len(own.split()) >= MIN_HEADLINE_WORDS and any(_collapsed(h.text_content()) == own for h in elements(root, "h1")):
        return None  # the page prints its own headline as its h1: an article (a series line under it is no teaser)
    start = _story_start(root, paragraphs)
    heading = _heading_above(start, title) if start is not None else None
    link = _headline_link(heading) if heading is not None else None
    if link is None:
        return None
    headline = _collapsed(heading.text_content())
    first = paragraphs.index(_collapsed(start.text_content()))
    if headline == _collapsed(title) or any(p != headline and len(p) > MAX_DATELINE for p in paragraphs[:first]):
        return None
    if not _continues(start, paragraphs[first + 1:first + 2]):
        return None  # a teaser's summary under its headline (a video box, a related story), the story elsewhere
    return _listed(root, url, canonical, heading, link)


def _continues(start: HtmlElement, following: tuple[str, ...]) -> bool:
    """Whether the body's next paragraph (``following``: none or one) is a <p> among ``start``'s next siblings."""
    if not following:
        return True
    for sibling in start.itersiblings():
        if sibling.tag == "p" and _collapsed(sibling.text_content()) == following[0]:
            return True
        if sibling.tag == "p" and sibling.text_content().strip():
            return False
    return False


def _listed(root: HtmlElement, url: str, canonical: str | None, heading: HtmlElement, link: HtmlElement) -> str | None:
    """The lead story's URL when ``link`` names another page of the site and the page lists others too; else None."""
    text = _collapsed(heading.text_content())
    target = _resolve(url, link.get("href") or "")
    if target is None or _host(target) != _host(url):
        return None  # a headline linking to another site: a syndicated story's source, not this site's listing
    # the page's own addresses: its URL, its canonical, its AMP and short links
    own = [url, canonical] + [_resolve(url, el.get("href") or "") for el in elements(root, "link")
                              if {"amphtml", "shortlink"} & set((el.get("rel") or "").lower().split())]
    if any(_same_page(target, address) for address in own if address):
        return None  # a permalink on the article's own headline
    doc_title = next(iter(elements(root, "title")), None)
    if doc_title is not None and text in _collapsed(doc_title.text_content()):
        return None
    if _other_headlines(root, url, target, _host(url)) < MIN_OTHER_HEADLINES:
        return None  # a page with one linked story and nothing else listed is no listing we can tell
    logger.debug("%s prints the story of %s under a linked headline: a listing", url, target)
    return target


def listing_reason(root: HtmlElement, url: str, title: str, canonical: str | None,
                   paragraphs: tuple[str, ...]) -> str | None:
    """Why a page read as an article is a listing (a lead story printed in full, or a run of teasers), or None.

    The caller asks only for pages without article markup (JSON-LD Article, og:type article): both checks read the
    page again, and a page marked as an article is one.
    """
    lead = lead_story_link(root, url, title, canonical, paragraphs)
    if lead is not None:
        return f"a listing that prints its lead story in full ({lead})"
    teasers, share = teaser_share(root, url, paragraphs)
    if teasers >= MIN_TEASERS and share >= MIN_TEASER_SHARE:
        return f"a listing: {share:.0%} of its text is the summaries of {teasers} other pages under their linked headlines"
    return None

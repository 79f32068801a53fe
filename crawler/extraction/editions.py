"""A page's language editions (``<link rel="alternate" hreflang>``): a rel=canonical or a box that names another one.

A multilingual outlet (Anadolu, Al Arabiya, the Libya Observer) publishes a report in Arabic, English and French,
each edition naming the others by hreflang. Some CMSs copy the original's rel=canonical into its translations (or
point the original at a translation): trusted, the translation is stored under the original's URL, an alias of it,
and where the original is not crawled the original's URL holds the translation's text (tests/altsites17). A
translation is another text, so a canonical that the page itself names as its edition in another language is no
canonical of this page (Google's hreflang guidance: a page's canonical is in its own language); the page's own
edition, the alternate it names for its language, is its URL instead. The box under the story that links the
other editions ("اقرأ هذا الخبر بـ: Français") is chrome.
"""

from __future__ import annotations

from urllib.parse import unquote, urljoin

from lxml.html import HtmlElement

from crawler.extraction.page_index import elements
from crawler.extraction.stream import resolved_key

LABEL_MAX_CHARS = 40  # "Read this story in:", "اقرأ هذا الخبر بـ:", "Lire cet article en :" (a sentence is longer)


def primary(tag: str) -> str:
    """The primary language subtag of a language tag ("en-GB" -> "en", "x-default" stays)."""
    tag = tag.strip().lower().replace("_", "-")
    return tag if tag == "x-default" else tag.split("-")[0]


def alternates(root: HtmlElement, url: str) -> list[tuple[str, str]]:
    """The page's language editions: (primary language, absolute URL) of each ``<link rel="alternate" hreflang>``."""
    found = []
    for link in elements(root, "link"):
        rel = (link.get("rel") or "").lower().split()
        hreflang, href = link.get("hreflang") or "", (link.get("href") or "").strip()
        if "alternate" in rel and hreflang.strip() and href:
            try:
                found.append((primary(hreflang), urljoin(url, href)))
            except ValueError:  # a malformed href ("http://[x/"): no edition
                continue
    return found


def own_language_canonical(root: HtmlElement, url: str, canonical: str | None, language: str) -> str | None:
    """``canonical``, unless the page names it as its edition in another language than ``language`` (the page's, as
    judged from its text): then the URL the page names as its edition in its own language, else None (the fetched
    URL is the page's)."""
    if not canonical or not language:
        return canonical
    editions = alternates(root, url)
    key = resolved_key(url, canonical)
    named = {lang for lang, href in editions if resolved_key(url, href) == key} - {"x-default"}
    mine = primary(language)
    if not named or mine in named:
        return canonical  # not an edition the page names (no evidence), or the page's own language's
    own = list(dict.fromkeys(href for lang, href in editions if lang == mine))
    return own[0] if len(own) == 1 else None


def _label_len(element: HtmlElement) -> int:
    """Characters of the element's text outside its links."""
    linked = sum(len((a.text_content() or "").strip()) for a in element.iter("a"))
    return len(" ".join((element.text_content() or "").split())) - linked


def prune_edition_links(page: HtmlElement, root: HtmlElement, url: str) -> int:
    """Remove from ``page`` (a copy of ``root``) the "read this story in" boxes; how many went.

    Such a box is the largest block around a link to one of the page's language editions (a hreflang alternate of
    ``root``, or a link that carries ``hreflang``) whose links all lead to editions and whose text beside them is a
    label (at most LABEL_MAX_CHARS): "اقرأ هذا الخبر بـ: Français" is no line of the story. A paragraph that names
    an edition in a sentence holds more text than a label and stays.
    """
    editions = {key for _, href in alternates(root, url) if (key := resolved_key(url, href))}
    # a link is resolved only where its href holds the last segment of an edition's path: a page's hundreds of links,
    # each a urljoin, cost a millisecond (issue 10); and the copy is walked only where the page has such a link
    tails = {key.rsplit("/", 1)[-1] for key in editions}
    keys: dict[str, str | None] = {}

    def leads_to_edition(link: HtmlElement) -> bool:
        if link.get("hreflang"):
            return True
        if not tails:
            return False
        href = unquote(link.get("href") or "")
        if not href or not any(tail in href for tail in tails):
            return False
        if href not in keys:
            keys[href] = resolved_key(url, href)
        return keys[href] in editions

    if not any(leads_to_edition(link) for link in elements(root, "a")):
        return 0
    boxes: dict[HtmlElement, None] = {}
    for link in list(page.iter("a")):
        if not link.get("href") or not leads_to_edition(link):
            continue
        box = None
        for ancestor in link.iterancestors():
            if ancestor.tag in ("body", "html") or _label_len(ancestor) > LABEL_MAX_CHARS or not all(
                    leads_to_edition(a) for a in ancestor.iter("a") if a.get("href")):
                break
            box = ancestor
        if box is not None:
            boxes[box] = None
    for box in boxes:
        if box.getparent() is not None:
            box.drop_tree()
    return len(boxes)

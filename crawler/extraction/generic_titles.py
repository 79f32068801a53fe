"""A page whose structured titles name no headline ("Site - تفاصيل الخبر", "Site - Print"): the headline it shows.

Legacy portals title every article page alike (``<title>Site :: تفاصيل الخبر</title>``, "news details"), and print
views are titled "طباعة الخبر" / "Print"; the headline is only on the page, in a ``<td class="title">``, a big
``<font>`` or an h1. ``crawler.extraction.titles.find_title`` asks here before it matches title segments to the page.
"""

from __future__ import annotations

from lxml.html import HtmlElement

from crawler.extraction import titles

GENERIC_MAX_WORDS = 3  # a title whose every segment is this short may name the site and the page kind only
# A page kind alone is a word or two ("الأخبار", "تفاصيل الخبر", "News", "Print"); a three-word title alone is as often
# the site's own name, unrecognised ("FOOD STANDARDS AGENCY" over its committee's page on CleanEval's page 11)
ALONE_MAX_WORDS = 2
MIN_HEADLINE_WORDS = 4  # a shown headline that overrules it has more words than any segment
INLINE = ("a", "span", "b", "strong", "font", "big", "img", "center")
MAX_NAME_CHARS = 60


def headline_over_generic_title(
    root: HtmlElement, host: str, raw_titles: list[str], names: list[str], headings: list[str]
) -> str:
    """The headline ``root`` shows when its JSON-LD, og and ``<title>`` titles are all made of short segments,
    two in one of them at least (the site's name, the page kind), and none but the site's name is shown as a
    headline: its first h1, else its first headline-styled element (``titles.prominent_texts``: a title class, a big
    font, a lone bold line) of at least MIN_HEADLINE_WORDS words that is neither a title segment nor the site's name
    (a logo's wordmark included). "" when a title has a headline-length segment, when a segment is shown as a
    headline, or when nothing fits: the caller's rules then stand."""
    split = [
        [p.strip() for p in titles.separators(t).split(titles.clean_space(t)) if titles.norm(p)]
        for t in raw_titles
    ]
    parts = [p for segments in split for p in segments]
    # a site name beside a page kind: two segments at least (a <title> that is the site's name alone is a front page);
    # or a page kind alone ("الأخبار", "تفاصيل الخبر", "الرئيسية": the h1 lost to it, a black-box probe, stop 37),
    # one segment that is not the site's name: then only the page's h1 or a headline-styled block of its own can win
    if not parts or any(len(p.split()) > GENERIC_MAX_WORDS for p in parts):
        return ""
    names = [*names, *logo_wordmarks(root)]
    alone = max(map(len, split)) < 2
    if alone and any(titles.is_site_segment(p, names) or len(p.split()) > ALONE_MAX_WORDS for p in parts):
        return ""
    segments = {titles.norm(p) for p in parts}
    shown = titles.prominent_texts(root, host)
    if alone:  # a blog's name alone may title its front page: a headline linked to another page is a teaser's there
        headings, shown = _unlinked(root, "//h1"), _unlinked(root, titles.PROMINENT_CANDIDATES)
    if any(titles.norm(text) in segments and not titles.is_site_segment(text, names) for text in shown):
        return ""
    for text in (*headings, *shown):
        if (
            len(text.split()) >= MIN_HEADLINE_WORDS
            and titles.norm(text) not in segments
            and not titles.is_site_segment(text, names)
        ):
            return text
    return ""


def logo_wordmarks(root: HtmlElement) -> list[str]:
    """The short texts printed in the block of a logo image (the site's name beside its logo, as print views show)."""
    found = []
    for img in root.iter("img"):
        where = f"{img.get('src', '')} {img.get('class', '')} {img.get('id', '')}".lower()
        if "logo" not in where:
            continue
        block = img.getparent()
        while block is not None and block.tag in INLINE:
            block = block.getparent()
        text = titles.clean_space(block.text_content()) if block is not None else ""
        if 0 < len(text) <= MAX_NAME_CHARS:
            found.append(text)
    return found


def _unlinked(root: HtmlElement, xpath: str) -> list[str]:
    """The texts of the headline-styled elements ``xpath`` finds that are neither in a link nor hold one."""
    found = []
    for element in root.xpath(xpath):
        if titles._is_prominent(element) and next(element.iterancestors("a"), None) is None \
                and next(element.iter("a"), None) is None:
            found.append(titles.clean_space(element.text_content()))
    return [text for text in found if 0 < len(text) <= titles.MAX_TITLE_CHARS]

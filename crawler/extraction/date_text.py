"""Publication dates written in the page's visible text: under the headline, then in byline-like elements."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Iterator

import lxml.html

from crawler.extraction.arabic_dates import Found, TextDate, find_hijri_dates, find_text_dates
from crawler.extraction.date_markup import BOILERPLATE_TAGS, has_ancestor
from crawler.extraction.date_times import time_beside, timed
from crawler.extraction.ordinal_dates import numeric_dateline
from crawler.extraction.page_index import document_elements

logger = logging.getLogger(__name__)

_DATE_ATTR = re.compile(r"date|time|publish|posted|byline|dateline|stamp|meta|info|details|author", re.IGNORECASE)
_SKIP_TAGS = {"script", "style", "noscript", "template", "svg", "select", "option", "button"}
# Blocks: a time is read beside its date only in the same block (crawler.extraction.date_times), never from the next
# paragraph's first words
_BLOCK_TAGS = frozenset({"p", "div", "li", "ul", "ol", "table", "tr", "td", "th", "section", "article", "header",
                         "footer", "aside", "main", "blockquote", "figure", "figcaption", "h1", "h2", "h3", "h4", "h5",
                         "h6", "dl", "dt", "dd", "pre", "form", "body", "nav", "address"})
# A photo's caption sits between headline and byline on many layouts and dates the picture ("... airport in Nepal
# April 24, 2023 in this picture"), not the story: its text is not read as the line under the headline.
_CAPTION_TAGS = {"figure", "figcaption"}


# --- visible text --------------------------------------------------------------------------------------------

def headline_text(doc: lxml.html.HtmlElement, hint: str = "") -> Iterator[Found]:
    """A date written right after the headline, where bylines put it ("Publié le 29 juin 2019", "نشر في").

    ``hint``: the headline as extraction read it, which finds the headline of a page with no <h1> whose <title> is the
    site's name (see headline_element)."""
    headline = headline_element(doc, hint)
    if headline is not None:
        yield from _dates_in(doc, [_lines_after(headline, 160, captions=False)])


def visible_text(doc: lxml.html.HtmlElement, hint: str = "") -> Iterator[Found]:
    """Dates further below the headline, then in date/byline-like elements outside page furniture."""
    windows: list[tuple[str, tuple[str, ...]]] = []
    headline = headline_element(doc, hint)
    if headline is not None:
        windows.append(_lines_after(headline, 600))
    yield from _dates_in(doc, windows)
    yield from _dates_in(doc, _date_elements(doc))


def hijri_headline_text(doc: lxml.html.HtmlElement, hint: str = "") -> Iterator[Found]:
    """A Hijri date written right after the headline (the only date some outlets print), as its Gregorian day."""
    headline = headline_element(doc, hint)
    if headline is not None:
        yield from _dates_in(doc, [_lines_after(headline, 160, captions=False)[0]], finder=find_hijri_dates)


def hijri_visible_text(doc: lxml.html.HtmlElement, hint: str = "") -> Iterator[Found]:
    """Hijri dates further below the headline, then in date/byline-like elements (visible_text's places)."""
    headline = headline_element(doc, hint)
    windows = [_text_after(headline, 600)] if headline is not None else []
    yield from _dates_in(doc, [*windows, *_date_elements(doc)], finder=find_hijri_dates)


def _dates_in(doc: lxml.html.HtmlElement, windows: Iterable[str | tuple[str, tuple[str, ...]]],
              finder: Callable[[str], list[TextDate]] | None = None) -> Iterator[Found]:
    """Dates of each text window in reading order, publication before those labelled as updates (``finder``: the
    Gregorian dates of a window by default), each with the time printed beside it (date_times).

    A window is one line (an element's text) or a text and its lines (the blocks after the headline): a time is
    read in the line that prints the date."""
    month_first = (doc.get("lang") or "").lower() in ("en-us", "en_us")
    for window in windows:
        text, lines = (window, ()) if isinstance(window, str) else window
        dates = finder(text) if finder is not None else find_text_dates(text, month_first=month_first)
        for item in sorted(dates, key=lambda d: d.modified):
            if finder is not None:
                yield Found(item.value)
            elif not lines:
                printed = time_beside(text, item.value, start=item.start, end=item.end)
                yield printed.on(item.value) if printed is not None else Found(item.value)
            else:
                yield timed(Found(item.value), lines)


def headline_element(doc: lxml.html.HtmlElement, hint: str = "") -> lxml.html.HtmlElement | None:
    """The article's <h1>: one that repeats the page title, else the first real one (logos live in h1 too); on a page
    with no <h1>, the first short element whose text the page title repeats or that is the ``hint`` headline."""
    # the XPaths "//article//h1 | //main//h1", else "//h1", and "//title/text() | //meta[@property='og:title']/@content"
    # on the page's index, not each a walk of the page (issue 10)
    h1s = document_elements(doc, "h1")
    headlines = [h for h in h1s if any(a.tag in ("article", "main") for a in h.iterancestors())] or h1s
    titles = " ".join(_title_texts(doc))
    title = " ".join(titles.split())
    texts = [" ".join(h.text_content().split()) for h in headlines]
    for headline, text in zip(headlines, texts, strict=True):
        if len(text) >= 10 and text in title:
            return headline
    for headline, text in zip(headlines, texts, strict=True):
        if len(text) >= 10 and not has_ancestor(headline, BOILERPLATE_TAGS):
            return headline
    if headlines:
        return headlines[0]
    # no <h1> (table-layout sites set the headline in <font>/<b>/<span>): the first short element whose
    # text the page title repeats, or which is the headline extraction read (a portal's <title> is often its own
    # name, "شبكة الأخبار الليبية - تفاصيل الخبر", while the story's headline sits in a <span class="title">)
    hint = " ".join(hint.split())
    for element in doc.xpath("//body//*[self::h2 or self::h3 or self::b or self::strong or self::font "
                             "or self::span or self::td or self::div]"):
        text = " ".join(element.text_content().split())
        if 10 <= len(text) <= 300 and (text in title or text == hint) and not has_ancestor(element, BOILERPLATE_TAGS):
            return element
    return None


def _title_texts(doc: lxml.html.HtmlElement) -> list[str]:
    """What "//title/text() | //meta[@property='og:title']/@content" finds from ``doc``: the texts, in order."""
    texts: list[str] = []
    for element in document_elements(doc, "title", "meta"):
        if element.tag == "title":
            texts.extend(element.xpath("text()"))
        elif element.get("property") == "og:title" and element.get("content") is not None:
            texts.append(element.get("content"))
    return texts


def _date_elements(doc: lxml.html.HtmlElement) -> Iterator[str]:
    """Short texts of elements whose class or id says date, time or byline."""
    for element in doc.xpath("//*[@class or @id]"):
        if element.tag in _SKIP_TAGS or not isinstance(element.tag, str):
            continue
        marks = f"{element.get('class', '')} {element.get('id', '')}"
        if not _DATE_ATTR.search(marks) or has_ancestor(element, BOILERPLATE_TAGS):
            continue
        text = _visible(element)
        if 6 <= len(text) <= 250:
            yield numeric_dateline(text)  # a day written as an ordinal word read as digits (ordinal_dates)


def prints_year(doc: lxml.html.HtmlElement, year: int) -> bool:
    """Whether the page's visible text (scripts and styles left out) shows ``year``, in Western or Arabic-Indic digits.

    htmldate's last resort reads a bare number in a link or JSON-LD URL ("/akhbar/2003", an article id) as 1 January
    of that year; a year the page never prints is no evidence of a date.
    """
    text = _visible(doc)
    return str(year) in text or str(year).translate(_ARABIC_INDIC) in text


_ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def days_of_year(doc: lxml.html.HtmlElement, year: int) -> list[Found]:
    """The distinct full dates of ``year`` that the page's visible text prints, in reading order.

    Where htmldate can only guess 1 January of a year, the one day of that year a legacy page prints (its dateline in
    a <font> under a headline no rule found) is the story's: "الأحد 18 أيار 2014" was stored as 2014-01-01 (a black-box
    probe, stop 37).
    """
    days = dict.fromkeys(d.value for d in find_text_dates(_visible(doc, datelines=True)) if d.value.year == year)
    return [Found(day) for day in days]


def _visible(element: lxml.html.HtmlElement, *, datelines: bool = False) -> str:
    """The element's text without scripts and styles (``datelines``: each text that is a dateline with an ordinal
    day, "الثامن عشر من أيار 2014", with that day in digits: crawler.extraction.ordinal_dates)."""
    parts = []
    for node in element.iter():
        if isinstance(node.tag, str) and node.tag not in _SKIP_TAGS and node.text:
            parts.append(numeric_dateline(node.text) if datelines else node.text)
        if node is not element and node.tail:
            parts.append(numeric_dateline(node.tail) if datelines else node.tail)
    return " ".join(" ".join(parts).split())


def _text_after(element: lxml.html.HtmlElement, limit: int, *, captions: bool = True) -> str:
    """About ``limit`` characters of visible text that follow ``element`` in reading order (see _lines_after)."""
    return _lines_after(element, limit, captions=captions)[0]


def _lines_after(element: lxml.html.HtmlElement, limit: int, *,
                 captions: bool = True) -> tuple[str, tuple[str, ...]]:
    """About ``limit`` characters of visible text that follow ``element`` in reading order, and the same texts as
    lines: a line per block element (_BLOCK_TAGS) they stand in.

    ``captions=False`` leaves out photo captions: the line under a headline is read as its byline, which a
    caption's date is not (a Reuters photo of the day before); the wider last-resort window keeps them, since a
    caption may hold the page's only date.
    """
    parts: list[str] = []
    lines: list[list[str]] = []
    block: object = None
    size = 0
    for text, owner in _following_texts(element):
        if owner is not None and (owner.tag in _SKIP_TAGS or not captions and _in_caption(owner, element)):
            continue
        parts.append(numeric_dateline(text))  # a dateline's ordinal day read as digits (ordinal_dates)
        here = _block_of(owner)
        if not lines or here is not block:
            lines.append([])
            block = here
        lines[-1].append(parts[-1])
        size += len(text)
        if size >= limit:
            break
    return " ".join(" ".join(parts).split())[:limit], tuple(" ".join(" ".join(line).split()) for line in lines)


def _block_of(owner: lxml.html.HtmlElement | None) -> lxml.html.HtmlElement | None:
    """The block element (_BLOCK_TAGS) a text of ``owner`` stands in: ``owner`` or its nearest such ancestor."""
    for node in () if owner is None else (owner, *owner.iterancestors()):
        if node.tag in _BLOCK_TAGS:
            return node
    return None


def _in_caption(owner: lxml.html.HtmlElement, headline: lxml.html.HtmlElement) -> bool:
    """True when ``owner`` is or sits in a figure or caption that does not hold ``headline`` (see _CAPTION_TAGS)."""
    for node in (owner, *owner.iterancestors()):
        if node.tag in _CAPTION_TAGS:
            return not any(a is node for a in headline.iterancestors())
    return False


def _following_texts(element: lxml.html.HtmlElement) -> Iterator[tuple[str, lxml.html.HtmlElement | None]]:
    """The texts after ``element`` in document order, each with the element that holds it (None: the document).

    The XPath ``following::text()``'s text nodes, but for the tails of comments and processing instructions (our
    reading of the headline's text never took those). Read by walking the tree from ``element``: the XPath collected
    every text node of the rest of the page before the first few hundred characters could be read, 0.1 ms a page
    (issue 10). A parsed page holds no two text nodes side by side (libxml2 joins them), so each is one .text or .tail.
    """
    node = element
    while node is not None:
        parent = node.getparent()
        if node.tail and isinstance(node.tag, str):
            yield node.tail, parent
        for sibling in node.itersiblings():
            yield from _texts_within(sibling)
            if sibling.tail and isinstance(sibling.tag, str):
                yield sibling.tail, parent
        node = parent


def _texts_within(node: lxml.html.HtmlElement) -> Iterator[tuple[str, lxml.html.HtmlElement]]:
    """The texts of the elements in ``node`` (``node`` included), in document order, each with its element."""
    if not isinstance(node.tag, str):
        return
    if node.text:
        yield node.text, node
    for child in node:
        yield from _texts_within(child)
        if child.tail and isinstance(child.tag, str):
            yield child.tail, node

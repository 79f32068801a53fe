"""Find an article's publication date from ordered evidence: JSON-LD, meta, <time>, URL, visible text, htmldate."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime, timedelta

import htmldate
import lxml.html
from lxml import etree

from crawler.extraction.arabic_dates import (
    MODIFIED_WORDS,
    Found,
    find_text_dates,
    from_parts,
    normalize,
    parse_date_value,
)

logger = logging.getLogger(__name__)

EARLIEST = date(1995, 1, 1)  # no news site published online before this
# A page's clock and ours may sit on opposite sides of the date line: allow the widest UTC offset.
FUTURE_TOLERANCE = timedelta(hours=14)

SIGNALS = ("json-ld", "meta", "time", "url", "text", "htmldate")

# Publication-date meta keys, most trustworthy first (name=, property=, itemprop= or http-equiv=, lower-cased).
META_KEYS = (
    "article:published_time", "og:article:published_time", "og:published_time", "article:published",
    "published_time", "datepublished", "dcterms.issued", "dc.date.issued", "dc.issued", "dcterms.created",
    "dc.date.created", "dc.created", "parsely-pub-date", "sailthru.date", "citation_publication_date",
    "citation_date", "article.published", "article_date_original", "original-publish-date",
    "originalpublicationdate", "publication_date", "publication-date", "publish-date", "publish_date",
    "publishdate", "pubdate", "pub_date", "datecreated", "article.created", "cxenseparse:recs:publishtime",
    "date_published", "release_date", "og:pubdate", "dc.date", "dcterms.date", "date", "created",
)
_META_RANK = {key: rank for rank, key in enumerate(META_KEYS)}
_ARTICLE_TYPES = re.compile(r"article|posting|report|news|blog|creativework|webpage|video|liveblog", re.IGNORECASE)
_MODIFIED_ATTR = re.compile(r"updat|modif|edit|revis|tahdith", re.IGNORECASE)
_DATE_ATTR = re.compile(r"date|time|publish|posted|byline|dateline|stamp|meta|info|details|author", re.IGNORECASE)
_SKIP_TAGS = {"script", "style", "noscript", "template", "svg", "select", "option", "button"}
_BOILERPLATE_TAGS = {"header", "nav", "footer", "aside", "form"}

# "/2019/04/17/", "/2019/4/7", "-2019-04-17-"; a one-digit day must end the segment ("/2023/10/3-fragen" is a slug).
_URL_SLASHED = re.compile(r"(?<![\d])((?:19|20)\d{2})([/_-])(\d{1,2})\2(\d{2}(?!\d)|\d(?=/|$|\.))")
_URL_COMPACT = re.compile(r"(?:^|[/_-])((?:19|20)\d{2})(\d{2})(\d{2})")
# An archived copy's own timestamp is the capture date, not the publication date: look at the original URL.
_WAYBACK = re.compile(r"^https?://web\.archive\.org/web/\d+[a-z_]*/", re.IGNORECASE)


class _Limits:
    """The window of plausible publication dates for one page."""

    def __init__(self, fetched_at: datetime | None) -> None:
        now = fetched_at or datetime.now(UTC)
        if now.tzinfo is None:
            now = now.astimezone()
        self.latest_moment = now + FUTURE_TOLERANCE
        self.latest_day = self.latest_moment.astimezone(UTC).date()

    def accepts(self, found: Found) -> bool:
        """True when the date is neither before the web's news era nor after the fetch."""
        if found.day < EARLIEST:
            return False
        if found.moment is not None:
            return found.moment <= self.latest_moment
        return found.day <= self.latest_day


def find_published(html: str, url: str, fetched_at: datetime | None = None) -> tuple[str, str] | None:
    """The publication date of an article page and the signal that gave it, or None if no evidence holds.

    Args:
        html: the decoded page.
        url: the page's URL (its path may carry the date).
        fetched_at: when the page was fetched; later dates are rejected (default: now).

    Returns:
        ``(date, signal)`` where date is "YYYY-MM-DD" or a full ISO 8601 datetime with offset, and signal is
        one of "json-ld", "meta", "time", "url", "text", "htmldate".
    """
    limits = _Limits(fetched_at)
    doc = _parse(html)
    sources: list[tuple[str, Iterable[Found]]] = []
    if doc is not None:
        # A date printed right under the headline beats unlabelled <time> elements, which are as often
        # in comment threads and "most read" boxes as in the byline.
        sources += [("json-ld", _json_ld(doc)), ("meta", _meta(doc)), ("time", _time_elements(doc, marked=True)),
                    ("text", _headline_text(doc)), ("time", _time_elements(doc, marked=False))]
    sources.append(("url", _from_url(url)))
    sources.append(("htmldate", _htmldate(html, url, limits)))
    if doc is not None:
        sources.append(("text", _visible_text(doc)))
    check = _UrlCheck(url)
    for signal, candidates in sources:
        for found in candidates:
            if not limits.accepts(found):
                logger.debug("rejected %s date %s for %s (outside %s..%s)", signal, found.iso(), url, EARLIEST,
                             limits.latest_day)
                continue
            found, from_url = check.reconcile(found)
            if from_url:
                return found.iso(), "url"
            if signal == "htmldate" and (found.day.month, found.day.day) == (1, 1) and doc is not None:
                # htmldate falls back to 1 January of a bare year (a copyright line "2003 - 2024"); a full date
                # printed on the page says more
                shown = next((d for d in _visible_text(doc) if limits.accepts(d)), None)
                if shown is not None and (shown.day.month, shown.day.day) != (1, 1):
                    return shown.iso(), "text"
            if signal in ("json-ld", "meta", "time") and doc is not None:
                # The day printed under the headline is the day readers (and the outlet) give the story; a
                # timestamp one day off is almost always a UTC conversion around midnight.
                shown = next((d for d in _headline_text(doc) if limits.accepts(d)), None)
                if shown is not None and abs(shown.day - found.day) == timedelta(days=1):
                    return shown.iso(), "text"
            return found.iso(), signal
    logger.debug("no publication date found for %s", url)
    return None


def _parse(html: str) -> lxml.html.HtmlElement | None:
    """The lxml tree of the page, or None (logged) when lxml cannot build one."""
    if not html or not html.strip():
        return None
    try:
        return lxml.html.document_fromstring(html)
    except (etree.ParserError, ValueError) as exc:
        # ValueError: a str with an XML encoding declaration; parse its bytes instead.
        try:
            return lxml.html.document_fromstring(html.encode("utf-8", "replace"))
        except (etree.ParserError, ValueError):
            logger.debug("cannot parse HTML for dates: %s", exc)
            return None


# --- json-ld -------------------------------------------------------------------------------------------------

def _json_ld(doc: lxml.html.HtmlElement) -> Iterator[Found]:
    """datePublished (then dateCreated) of the JSON-LD objects, article-like types first."""
    ranked: list[tuple[int, int, str]] = []
    for script in doc.xpath('//script[contains(translate(@type, "LDJSON", "ldjson"), "ld+json")]'):
        raw = script.text_content() or ""
        try:
            data = json.loads(raw, strict=False)
        except ValueError:
            # Broken JSON-LD is common (trailing commas, raw newlines): fall back to a plain key search.
            for key_rank, key in enumerate(("datePublished", "dateCreated")):
                for m in re.finditer(rf'"{key}"\s*:\s*"([^"]+)"', raw):
                    ranked.append((2, key_rank, m.group(1)))
            continue
        for node in _walk(data):
            kind = node.get("@type", "")
            kind = " ".join(kind) if isinstance(kind, list) else str(kind)
            type_rank = 0 if _ARTICLE_TYPES.search(kind) else 1
            for key_rank, key in enumerate(("datePublished", "dateCreated")):
                value = node.get(key)
                if isinstance(value, list) and value:
                    value = value[0]
                if isinstance(value, str):
                    ranked.append((type_rank, key_rank, value))
    ranked.sort(key=lambda item: (item[1], item[0]))
    for _, _, value in ranked:
        found = parse_date_value(value)
        if found is not None:
            yield found


def _walk(data: object) -> Iterator[dict]:
    """Every JSON object inside ``data``, depth first, @graph members included."""
    if isinstance(data, dict):
        yield data
        for value in data.values():
            if isinstance(value, (dict, list)):
                yield from _walk(value)
    elif isinstance(data, list):
        for item in data:
            yield from _walk(item)


# --- meta ----------------------------------------------------------------------------------------------------

def _meta(doc: lxml.html.HtmlElement) -> Iterator[Found]:
    """Publication-date <meta> tags and itemprop="datePublished" elements, best-known keys first."""
    ranked: list[tuple[int, int, str]] = []
    query = '//meta[@content] | //*[not(self::meta)][@itemprop="datePublished" or @itemprop="dateCreated"]'
    for position, element in enumerate(doc.xpath(query)):
        if element.tag == "meta":
            keys = [element.get(a, "").strip().lower() for a in ("property", "name", "itemprop", "http-equiv")]
            value = element.get("content", "")
        else:
            keys = [element.get("itemprop", "").strip().lower()]
            value = element.get("content") or element.get("datetime") or element.text_content()
        if "parsely-page" in keys:
            keys, value = ["parsely-pub-date"], _parsely_page(value)
        ranks = [_META_RANK[key] for key in keys if key in _META_RANK]
        if ranks and value:
            ranked.append((min(ranks), position, value))
    ranked.sort()
    for _, _, value in ranked:
        found = parse_date_value(value)
        if found is not None:
            yield found


def _parsely_page(content: str) -> str:
    """The pub_date inside a parsely-page JSON blob, or "" if it has none."""
    try:
        data = json.loads(content)
    except ValueError:
        return ""
    return str(data.get("pub_date", "")) if isinstance(data, dict) else ""


# --- <time> --------------------------------------------------------------------------------------------------

def _time_elements(doc: lxml.html.HtmlElement, *, marked: bool) -> Iterator[Found]:
    """<time datetime> elements marked as the publication (``marked``), or else: in the article, then the rest."""
    ranked: list[tuple[int, int, str]] = []
    for position, element in enumerate(doc.iter("time")):
        value = element.get("datetime") or element.get("data-datetime")
        if not value:
            continue
        marks = " ".join(element.get(a, "") for a in ("class", "id", "itemprop", "name"))
        if _MODIFIED_ATTR.search(marks) or _in_modified_context(element):
            continue
        if element.get("pubdate") is not None or re.search(r"publish|pubdate|posted|created", marks, re.IGNORECASE):
            rank = 0
        elif _has_ancestor(element, {"article", "main"}) and not _has_ancestor(element, _BOILERPLATE_TAGS - {"header"}):
            rank = 1
        elif not _has_ancestor(element, _BOILERPLATE_TAGS):
            rank = 2
        else:
            rank = 3
        if (rank == 0) == marked:
            ranked.append((rank, position, value))
    ranked.sort()
    for _, _, value in ranked:
        found = parse_date_value(value)
        if found is not None:
            yield found


def _in_modified_context(element: lxml.html.HtmlElement) -> bool:
    """True when the words just before the element label it as an update ("Updated:", "آخر تحديث")."""
    parent = element.getparent()
    if parent is None:
        return False
    pieces: list[str] = []  # nearest first
    for sibling in element.itersiblings(preceding=True):
        pieces.append(sibling.tail or "")
        if isinstance(sibling.tag, str):
            pieces.append(sibling.text_content() or "")
        if sum(map(len, pieces)) > 40:
            break
    else:
        pieces.append(parent.text or "")
    before = "".join(reversed(pieces))
    return bool(MODIFIED_WORDS.search(normalize(before[-40:])))


def _has_ancestor(element: lxml.html.HtmlElement, tags: set[str]) -> bool:
    """True when some ancestor of ``element`` has one of ``tags``."""
    return any(isinstance(a.tag, str) and a.tag in tags for a in element.iterancestors())


# --- url -----------------------------------------------------------------------------------------------------

def _url_path(url: str) -> str:
    """The path and query of ``url`` (of the original URL for a Wayback Machine copy)."""
    url = _WAYBACK.sub("", url)
    rest = url.split("://", 1)[-1]
    return rest[rest.find("/"):].split("#", 1)[0] if "/" in rest else ""


def _from_url(url: str) -> Iterator[Found]:
    """A full date in the URL path: /2019/04/17/, /2019-04-17-, /20190417."""
    path = _url_path(url)
    for m in _URL_SLASHED.finditer(path):
        found = from_parts(m.group(1), m.group(3), m.group(4))
        if found is not None:
            yield found
            return
    for m in _URL_COMPACT.finditer(path):
        found = from_parts(*m.groups())
        if found is not None:
            yield found
            return


class _UrlCheck:
    """Reconcile dates from the page with the date its URL was given when the article was first published."""

    def __init__(self, url: str) -> None:
        self.day = next((found.day for found in _from_url(url)), None)

    def reconcile(self, found: Found) -> tuple[Found, bool]:
        """The date to report, and whether the URL supplied it instead of ``found``."""
        # A UTC timestamp can fall on the next or previous local day; a later date than the permalink's is an
        # update or a republication. Either way the URL keeps the original day.
        if self.day is not None and found.day != self.day and (
                _local_day_may_differ(found, self.day) or found.day > self.day + timedelta(days=1)):
            return Found(self.day), True
        return found, False


def _local_day_may_differ(found: Found, local: date) -> bool:
    """True when ``found`` is a date-only or UTC value that could be ``local`` in the outlet's own time zone."""
    if found.moment is None:
        return abs(found.day - local) == timedelta(days=1)
    if found.moment.utcoffset() != timedelta(0):
        return False
    # West of Greenwich (down to UTC-10) the local day is the previous one until 10:00 UTC; east of it (up to
    # UTC+14) the next one from 10:00 UTC.
    if local == found.day - timedelta(days=1):
        return found.moment.hour < 10
    return local == found.day + timedelta(days=1) and found.moment.hour >= 10


# --- visible text --------------------------------------------------------------------------------------------

def _headline_text(doc: lxml.html.HtmlElement) -> Iterator[Found]:
    """A date written right after the headline, where bylines put it ("Publié le 29 juin 2019", "نشر في")."""
    headline = _headline(doc)
    if headline is not None:
        yield from _dates_in(doc, [_text_after(headline, 160)])


def _visible_text(doc: lxml.html.HtmlElement) -> Iterator[Found]:
    """Dates further below the headline, then in date/byline-like elements outside page furniture."""
    windows: list[str] = []
    headline = _headline(doc)
    if headline is not None:
        windows.append(_text_after(headline, 600))
    yield from _dates_in(doc, windows)
    yield from _dates_in(doc, _date_elements(doc))


def _dates_in(doc: lxml.html.HtmlElement, windows: Iterable[str]) -> Iterator[Found]:
    """Dates of each text window in reading order, publication before those labelled as updates."""
    month_first = (doc.get("lang") or "").lower() in ("en-us", "en_us")
    for text in windows:
        dates = find_text_dates(text, month_first=month_first)
        for item in sorted(dates, key=lambda d: d.modified):
            yield Found(item.value)


def _headline(doc: lxml.html.HtmlElement) -> lxml.html.HtmlElement | None:
    """The article's <h1>: one that repeats the page title, else the first real one (logos live in h1 too)."""
    headlines = doc.xpath("//article//h1 | //main//h1") or doc.xpath("//h1")
    titles = " ".join(doc.xpath("//title/text() | //meta[@property='og:title']/@content"))
    title = " ".join(titles.split())
    texts = [" ".join(h.text_content().split()) for h in headlines]
    for headline, text in zip(headlines, texts, strict=True):
        if len(text) >= 10 and text in title:
            return headline
    for headline, text in zip(headlines, texts, strict=True):
        if len(text) >= 10 and not _has_ancestor(headline, _BOILERPLATE_TAGS):
            return headline
    if headlines:
        return headlines[0]
    # no <h1> (table-layout sites set the headline in <font>/<b>/<span>): the first short element whose
    # text the page title repeats
    for element in doc.xpath("//body//*[self::h2 or self::h3 or self::b or self::strong or self::font "
                             "or self::span or self::td or self::div]"):
        text = " ".join(element.text_content().split())
        if 10 <= len(text) <= 300 and text in title and not _has_ancestor(element, _BOILERPLATE_TAGS):
            return element
    return None


def _date_elements(doc: lxml.html.HtmlElement) -> Iterator[str]:
    """Short texts of elements whose class or id says date, time or byline."""
    for element in doc.xpath("//*[@class or @id]"):
        if element.tag in _SKIP_TAGS or not isinstance(element.tag, str):
            continue
        marks = f"{element.get('class', '')} {element.get('id', '')}"
        if not _DATE_ATTR.search(marks) or _has_ancestor(element, _BOILERPLATE_TAGS):
            continue
        text = _visible(element)
        if 6 <= len(text) <= 250:
            yield text


def _visible(element: lxml.html.HtmlElement) -> str:
    """The element's text without scripts and styles."""
    parts = []
    for node in element.iter():
        if isinstance(node.tag, str) and node.tag not in _SKIP_TAGS and node.text:
            parts.append(node.text)
        if node is not element and node.tail:
            parts.append(node.tail)
    return " ".join(" ".join(parts).split())


def _text_after(element: lxml.html.HtmlElement, limit: int) -> str:
    """About ``limit`` characters of visible text that follow ``element`` in reading order."""
    parts: list[str] = []
    size = 0
    for node in element.xpath("following::text()"):
        parent = node.getparent()
        if parent is None or not isinstance(parent.tag, str):
            continue
        owner = parent if not node.is_tail else parent.getparent()
        if owner is not None and isinstance(owner.tag, str) and owner.tag in _SKIP_TAGS:
            continue
        parts.append(str(node))
        size += len(node)
        if size >= limit:
            break
    return " ".join(" ".join(parts).split())[:limit]


# --- htmldate fallback ---------------------------------------------------------------------------------------

def _htmldate(html: str, url: str, limits: _Limits) -> Iterator[Found]:
    """htmldate's extensive search for the original date, within our plausibility window."""
    try:
        value = htmldate.find_date(html, extensive_search=True, original_date=True, outputformat="%Y-%m-%d",
                                   url=url, min_date=EARLIEST.isoformat(),
                                   max_date=limits.latest_day.isoformat())
    except (ValueError, TypeError, etree.LxmlError) as exc:
        logger.debug("htmldate failed on %s: %s", url, exc)
        return
    found = parse_date_value(value) if value else None
    if found is not None:
        yield found

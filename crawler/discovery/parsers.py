"""Discovery parsers: RSS/Atom/JSON feeds, sitemaps, robots.txt ``Sitemap:`` lines and listing-page links."""

from __future__ import annotations

import json
import logging
import re
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import urljoin, urlsplit

import lxml.etree
import lxml.html
from w3lib.url import safe_url_string

logger = logging.getLogger(__name__)

MAX_GUNZIP = 64 * 1024 * 1024  # a sitemap file may be 50 MB uncompressed (sitemaps.org); refuse more


@dataclass(frozen=True)
class Link:
    """A URL found by discovery, with what the source said about it."""

    url: str
    title: str | None = None
    published: str | None = None


@dataclass(frozen=True)
class SitemapDoc:
    """A parsed sitemap: an index of other sitemaps, or a set of page URLs; ``complete`` when read to its end (a gzip
    that ended, XML with no error recovered from, a text sitemap that decoded whole): no URL of it was cut off."""

    is_index: bool
    links: tuple[Link, ...]
    complete: bool = False


def _xml_parse(body: bytes, base_url: str | None = None) -> tuple[lxml.etree._Element | None, bool]:
    """The document's root, read leniently (a feed or sitemap with a stray ``&`` or cut short still gives what it
    has), and whether it parsed with no error recovered from (a document cut part-way, by a server that died
    mid-response, recovers as well-formed: only the error log tells)."""
    parser = lxml.etree.XMLParser(recover=True, resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = lxml.etree.fromstring(body.lstrip(), parser=parser, base_url=base_url)
    except lxml.etree.XMLSyntaxError:
        return None, False
    return root, not any(e.level >= lxml.etree.ErrorLevels.ERROR for e in parser.error_log)


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


def _child_text(el: lxml.etree._Element, *names: str) -> str | None:
    child = _child_with_text(el, *names)
    return (child.text or "").strip() if child is not None else None


def _child_with_text(el: lxml.etree._Element, *names: str) -> lxml.etree._Element | None:
    for child in el.iter():
        if _local(child.tag) in names and child is not el and (child.text or "").strip():
            return child
    return None


def _base(el: lxml.etree._Element, base_url: str) -> str:
    """The base URI in force at ``el``: its ``xml:base`` and its ancestors', resolved against the document's URL
    (XML Base; RFC 4287 section 2 makes it the base of an Atom feed's relative links), outermost first. A base that
    is no http(s) URL (``javascript:``, ``file:``, ``http://[x/``) is ignored. Not lxml's ``el.base``: it ignores an
    xml:base with Arabic letters or a space (the document's URL instead) and returns ``javascript:`` as given."""
    bases = []
    node: lxml.etree._Element | None = el
    while node is not None:
        value = node.get(_XML_BASE)
        if value is not None:
            bases.append(value.strip())
        node = node.getparent()
    base = base_url
    for value in reversed(bases):
        joined = absolute_url(base, value)
        if joined and urlsplit(joined).scheme.lower() in ("http", "https"):
            base = joined
    try:
        return safe_url_string(base)  # an IRI's letters and spaces %-escaped, as a browser sends them
    except ValueError:
        return base


_XML_BASE = "{http://www.w3.org/XML/1998/namespace}base"


def absolute_url(base: str, href: str) -> str | None:
    """``href`` made absolute against ``base``, or None when that is no URL: a bad IPv6 host (``http://[x/``), a port
    that is no number in 0-65535. A browser leaves such a link inert; here it raised ValueError, which cost every
    link of the page, feed or sitemap after it (the spider's callback died with it)."""
    try:
        url = urljoin(base, href)
        urlsplit(url).port  # noqa: B018 - raises ValueError for a bad port, as canonicalize() would later
    except ValueError:
        logger.debug("not a URL: %r (on %s)", href[:200], base)
        return None
    return url


def _gunzipped(body: bytes) -> tuple[bytes | None, bool]:
    """``gunzip_whole``, or None for a gzip bomb (``empty_reason`` then names it ``too-large``)."""
    try:
        return gunzip_whole(body)
    except ValueError as exc:
        logger.warning("%s", exc)
        return None, False


def maybe_gunzip(body: bytes) -> bytes:
    """Decompress a ``.xml.gz`` file served without Content-Encoding; other bytes pass through."""
    return gunzip_whole(body)[0]


def gunzip_whole(body: bytes) -> tuple[bytes, bool]:
    """``maybe_gunzip``'s bytes, and whether they are all there: every gzip member decompressed to its end (a
    body cut part-way still gives what it had, flagged). Bytes that are no gzip pass through, as whole. More than
    MAX_GUNZIP bytes in all (a gzip bomb) raise ValueError."""
    if body[:2] != b"\x1f\x8b":
        return body, True
    out: list[bytes] = []
    size, rest = 0, body
    while True:  # RFC 1952 allows several members, one after another
        d = zlib.decompressobj(16 + zlib.MAX_WBITS)
        try:
            chunk = d.decompress(rest, MAX_GUNZIP - size + 1)
        except zlib.error as exc:  # corrupt data: what came before it is kept, not whole
            logger.debug("gzip body unreadable past %d bytes: %s", size, exc)
            return b"".join(out), False
        size += len(chunk)
        if d.unconsumed_tail or size > MAX_GUNZIP:
            raise ValueError(f"gzip body decompresses to more than {MAX_GUNZIP} bytes")
        out.append(chunk)
        if not d.eof:
            return b"".join(out), False  # the stream was cut before its end
        rest = d.unused_data
        if rest[:2] != b"\x1f\x8b":  # no further member; padding after the last is ignored
            return b"".join(out), True


_ENTITY_DECL = re.compile(rb"<!ENTITY", re.IGNORECASE)


def empty_reason(body: bytes, what: str, default: str) -> tuple[str, str]:
    """Why a feed or sitemap gave no entries: ``xml-entities`` when it declares entities, else ``empty-<what>``.

    Entities are never expanded (billion laughs, XXE: resolve_entities=False, no_network), so a document that
    only makes sense with them expanded reads as empty; say so rather than call it an empty feed.
    """
    try:
        head = maybe_gunzip(body)
    except ValueError as exc:  # a .xml.gz that inflates past MAX_GUNZIP: read as no entries
        return "too-large", f"{exc}; the {what} was not read"
    prolog = head.split(b"?>", 1)[-1][:65536]
    count = len(_ENTITY_DECL.findall(prolog.split(b"]>", 1)[0])) if b"<!DOCTYPE" in prolog.upper() else 0
    if count:
        return "xml-entities", (f"the {what} declares {count} XML entities (entity expansion: billion laughs, "
                                f"XXE); they are never expanded, and no entries were read without them")
    return f"empty-{what}", default


def parse_feed(body: bytes, base_url: str) -> list[Link]:
    """The entries of an RSS 2.0, RSS 1.0 (RDF), Atom or JSON Feed, as absolute links with title and date.

    Relative links are resolved against the ``xml:base`` in force at the link (an Atom feed's CMS often sets it on
    ``<feed>`` to the articles' folder), else the feed's URL.
    """
    text, _ = _gunzipped(body)
    if text is not None and _is_json(text):
        return parse_json_feed(text, base_url)
    root = _xml_parse(text, base_url)[0] if text is not None else None
    if root is None:
        return []
    links: list[Link] = []
    for el in root.iter():
        name = _local(el.tag)
        if name == "item":  # RSS 2.0 and RSS 1.0
            link = _child_with_text(el, "link")
            href, at = ((link.text or "").strip(), link) if link is not None else (
                el.get("{http://www.w3.org/1999/02/22-rdf-syntax-ns#}about") or "", el)
            if not href:
                guid = el.find("guid")
                if guid is not None and (guid.get("isPermaLink", "true") != "false") and guid.text:
                    href, at = guid.text.strip(), guid
            date = _child_text(el, "pubdate", "date", "published", "updated")
        elif name == "entry":  # Atom
            # rel="alternate" (the default) is the article; fall back to any link that is not a side resource
            candidates = [(child.get("rel", "alternate"), child) for child in el
                          if _local(child.tag) == "link" and child.get("href")]
            found = next((c for rel, c in candidates if rel == "alternate"), None)
            if found is None:
                found = next((c for rel, c in candidates
                              if rel not in ("enclosure", "related", "replies", "edit", "via")), None)
            href, at = (found.get("href", ""), found) if found is not None else ("", el)
            date = _child_text(el, "published", "updated")
        else:
            continue
        url = absolute_url(_base(at, base_url), href.strip()) if href else None
        if url:
            links.append(Link(url, _child_text(el, "title"), date))
    return links


_BOMS = ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))


def _is_json(body: bytes) -> bool:
    """Whether a feed is JSON: ``{`` first, after white space and a byte order mark (UTF-8, or UTF-16 decoded by
    it; RFC 8259 section 8.1 lets a parser ignore one, and ``json.loads`` does)."""
    for bom, codec in _BOMS:
        if body.startswith(bom):
            return body[len(bom) : len(bom) + 1024].decode(codec, "ignore").lstrip()[:1] == "{"
    return body.lstrip()[:1] == b"{"


def parse_json_feed(body: bytes, base_url: str) -> list[Link]:
    """The items of a JSON Feed (jsonfeed.org, versions 1 and 1.1): each item's ``url`` (else an ``id`` that is a
    URL), ``title`` and ``date_published`` (else ``date_modified``). Not JSON, or no items: an empty list."""
    try:
        doc = json.loads(body)
    except (ValueError, RecursionError):
        return []
    items = doc.get("items") if isinstance(doc, dict) else None
    links: list[Link] = []
    for item in items if isinstance(items, list) else []:
        if not isinstance(item, dict):
            continue
        href = item.get("url")
        if not isinstance(href, str) or not href.strip():
            ident = item.get("id")
            href = ident if isinstance(ident, str) and ident.strip().lower().startswith(("http://", "https://")) else ""
        url = absolute_url(base_url, href.strip()) if href else None
        if url:
            title = item.get("title")
            dates = (item.get("date_published"), item.get("date_modified"))  # a number there hides no string
            date = next((d for d in dates if isinstance(d, str) and d.strip()), None)
            links.append(Link(url, title if isinstance(title, str) else None, date))
    return links


def parse_sitemap(body: bytes, base_url: str) -> SitemapDoc:
    """A sitemap index or urlset (including Google News sitemaps), as absolute links with titles and dates; or a text
    sitemap (sitemaps.org's "text file": one URL a line), as its links; ``complete`` when none can have been cut off.
    """
    text, whole = _gunzipped(body)
    if text is not None and _is_text_sitemap(text):
        links, decoded = _text_sitemap_links(text, base_url)
        return SitemapDoc(False, tuple(links), whole and decoded)
    root, clean = _xml_parse(text) if text is not None else (None, False)
    if root is None:
        return SitemapDoc(False, ())
    is_index = _local(root.tag) == "sitemapindex"
    links: list[Link] = []
    for el in root:
        if _local(el.tag) not in ("url", "sitemap"):
            continue
        loc = None
        for child in el:
            if _local(child.tag) == "loc" and child.text and child.text.strip():
                loc = child.text.strip()
                break
        if not loc:
            continue
        title = _child_text(el, "title")  # news:title
        date = _child_text(el, "publication_date") or _child_text(el, "lastmod")
        url = absolute_url(base_url, loc)
        if url:
            links.append(Link(url, title, date))
    return SitemapDoc(is_index, tuple(links), whole and clean)


def newest_first(links: tuple[Link, ...] | list[Link]) -> list[Link]:
    """A sitemap index's children, newest ``<lastmod>`` first; those without one (or with no W3C date there) after,
    in document order. An index lists 10-20 years of monthly or daily sitemaps, often oldest first: taken in
    document order, CRAWL_SITEMAP_MAX_FETCHES spent itself on the oldest and the newest articles were never found."""
    dated = [(when, n) for n, link in enumerate(links) if (when := w3c_datetime(link.published)) is not None]
    order = [n for _, n in sorted(dated, key=lambda pair: (-pair[0].timestamp(), pair[1]))]
    taken = set(order)
    return [links[n] for n in order] + [link for n, link in enumerate(links) if n not in taken]


def w3c_datetime(text: str | None) -> datetime | None:
    """A sitemap ``<lastmod>`` (W3C Datetime: ``2024``, ``2024-05``, ``2024-05-01``, with a time and zone or not) as
    an aware datetime (UTC when it names no zone), or None when it is none of these."""
    value = (text or "").strip()
    if re.fullmatch(r"[0-9]{4}(-[0-9]{2})?", value):
        value += "-01" * (2 - value.count("-"))
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


_W3C_PARTS = re.compile(r"(?P<date>[0-9W-]+)(?:[T ](?P<time>[0-9:.,]+)(?P<zone>Z|[+-][0-9:]+)?)?", re.IGNORECASE)
_LATEST_ZONE = timedelta(hours=12)  # UTC-12: where a day named without a zone ends last


def w3c_end(text: str | None) -> datetime | None:
    """The latest instant a sitemap ``<lastmod>`` can mean, or None when it is no W3C date (``w3c_datetime``): a
    date stands for the whole day (``2025-06-28`` holds all day while URLs are added), a month or year for all of
    it, a time for its last second or minute; one without a zone may be local time, ending up to 12 hours later."""
    start = w3c_datetime(text)
    parts = _W3C_PARTS.fullmatch((text or "").strip())
    if start is None or parts is None:
        return None
    date, time = parts["date"], parts["time"]
    if time is None:
        if re.fullmatch(r"[0-9]{4}", date):
            end = start.replace(year=start.year + 1)
        elif re.fullmatch(r"[0-9]{4}-[0-9]{2}", date):
            end = start.replace(year=start.year + start.month // 12, month=start.month % 12 + 1)
        elif re.fullmatch(r"[0-9]{4}-?W[0-9]{2}", date, re.IGNORECASE):  # a whole ISO week
            end = start + timedelta(days=7)
        else:
            end = start + timedelta(days=1)
    else:  # its last hour, minute or second; a fraction of a second is precise enough
        unit = {2: timedelta(hours=1), 4: timedelta(minutes=1), 6: timedelta(seconds=1)}
        end = start if re.search(r"[.,]", time) else start + unit.get(len(time.replace(":", "")), timedelta(days=1))
    return end if time is not None and parts["zone"] else end + _LATEST_ZONE


_TEXT_SITEMAP_LINE = re.compile(rb"\s*https?://", re.IGNORECASE)
_TAG_LINE = re.compile(rb"^[ \t]*<", re.MULTILINE)
_HTTP_URL = re.compile(r"https?://", re.IGNORECASE)


def _is_text_sitemap(body: bytes) -> bool:
    """A sitemap in the text format of sitemaps.org ("one URL per line"), which shared hosts serve as text/plain:
    its first line that is not blank is an http(s) URL, and no line of its first 4 KB starts with ``<`` (a URL
    echoed before an XML sitemap's prolog by a CMS's debug output leaves it XML)."""
    head = body[:4096].removeprefix(b"\xef\xbb\xbf").lstrip()
    return bool(_TEXT_SITEMAP_LINE.match(head)) and _TAG_LINE.search(head) is None


def _text_sitemap_links(body: bytes, base_url: str) -> tuple[list[Link], bool]:
    """The URLs of a text sitemap, one a line (UTF-8, as sitemaps.org requires): each line's first field, so
    that a generator's ``url<TAB>lastmod`` lines give their URL; lines whose first field is no http(s) URL (a
    stray comment, an error page's text) are skipped. Also whether it decoded whole (no byte that is no UTF-8:
    a body cut inside a letter, or not UTF-8 at all)."""
    try:
        text, decoded = body.decode("utf-8-sig"), True
    except UnicodeDecodeError:
        text, decoded = body.decode("utf-8-sig", errors="replace"), False
    links: list[Link] = []
    for line in text.splitlines():
        fields = line.split(None, 1)
        if not fields or not _HTTP_URL.match(fields[0]):
            continue
        url = absolute_url(base_url, fields[0])
        if url:
            links.append(Link(url))
    return links, decoded


def robots_sitemaps(text: str, base_url: str) -> list[str]:
    """The ``Sitemap:`` URLs of a robots.txt file (the directive is independent of user-agent groups)."""
    urls = []
    for line in text.splitlines():
        key, _, value = line.partition(":")
        url = absolute_url(base_url, value.strip()) if key.strip().lower() == "sitemap" and value.strip() else None
        if url:
            urls.append(url)
    return urls


def page_links(html: str | bytes, base_url: str) -> list[str]:
    """Absolute http(s) URLs of the ``<a href>`` links of a page, honouring ``<base href>``, in page order."""
    if not html:
        return []
    try:
        doc = lxml.html.document_fromstring(html)
    except (lxml.etree.ParserError, ValueError):
        return []
    base = base_url
    for b in doc.iter("base"):
        if b.get("href"):
            base = absolute_url(base_url, b.get("href", "").strip()) or base_url
            break
    seen: set[str] = set()
    out: list[str] = []
    for a in doc.iter("a", "area"):
        href = (a.get("href") or "").strip()
        if not href or href.startswith(("#", "javascript:", "mailto:", "tel:")):
            continue
        if (a.get("rel") or "").lower().find("nofollow") >= 0:
            continue
        url = absolute_url(base, href)
        if url and url.startswith(("http://", "https://")) and url not in seen:
            seen.add(url)
            out.append(url)
    return out

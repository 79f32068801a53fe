"""Discovery parsers: RSS/Atom/JSON feeds, sitemaps, robots.txt ``Sitemap:`` lines and listing-page links."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

from w3lib.url import safe_url_string

from crawler.discovery.feedstream import Bases, FeedEntry, read_entries
from crawler.discovery.gunzip import gunzip_members
from crawler.discovery.jsonbound import JSON_MAX_CONTAINERS, loads, too_many_containers
from crawler.discovery.lastmod import Newest
from crawler.discovery.lastmod import newest_first as newest_first  # re-exported: the spider reads them here
from crawler.discovery.lastmod import w3c_datetime as w3c_datetime
from crawler.discovery.lastmod import w3c_end as w3c_end
from crawler.discovery.pagelinks import page_anchors
from crawler.discovery.xmlstream import Reading, document_start, read_children
from crawler.discovery.xmlstream import local_name as _local  # noqa: F401 - the tests read it here
from crawler.fetch.whatwg import browser_join, long_host

logger = logging.getLogger(__name__)

MAX_GUNZIP = 64 * 1024 * 1024  # a sitemap file may be 50 MB uncompressed (sitemaps.org); refuse more
SITEMAP_MAX_LINKS = 50_000  # entries kept of one sitemap file, newest first: sitemaps.org's limit for one file


@dataclass(frozen=True)
class Link:
    """A URL found by discovery, with what the source said about it."""

    url: str
    title: str | None = None
    published: str | None = None
    modified: str | None = None  # when the source says the page last changed: <lastmod>, a feed's <updated>


@dataclass(frozen=True)
class SitemapDoc:
    """A parsed sitemap: an index of other sitemaps, or a set of page URLs; ``complete`` when read to its end (a gzip
    that ended, XML with no error recovered from, a text sitemap that decoded whole): no URL of it was cut off."""

    is_index: bool
    links: tuple[Link, ...]
    complete: bool = False
    error: str = ""  # the XML error its reading stopped at or recovered from, where there was one


def _base(bases: Bases, base_url: str) -> str:
    """The base URI in force at an element whose ``xml:base`` and its ancestors' are ``bases`` (outermost first),
    resolved against the document's URL (XML Base; RFC 4287 section 2 makes it the base of an Atom feed's relative
    links). A base that is no http(s) URL (``javascript:``, ``file:``, ``http://[x/``) is ignored. Not lxml's
    ``el.base``: it ignores an xml:base with Arabic letters or a space (the document's URL instead) and returns
    ``javascript:`` as given."""
    base = base_url
    for value in bases:
        joined = absolute_url(base, value)
        if joined and urlsplit(joined).scheme.lower() in ("http", "https"):
            base = joined
    try:
        return safe_url_string(base)  # an IRI's letters and spaces %-escaped, as a browser sends them
    except ValueError:
        return base


_SURROGATE = re.compile("[\ud800-\udfff]")


def absolute_url(base: str, href: str) -> str | None:
    """``href`` made absolute against ``base``, or None when that is no URL: a bad IPv6 host (``http://[x/``), a port
    that is no number in 0-65535. A browser leaves such a link inert; here it raised ValueError, which cost every
    link of the page, feed or sitemap after it (the spider's callback died with it). So does a link holding a lone
    surrogate (a JSON Feed's ``"\\ud800"``): it has no UTF-8 spelling, and canonicalize raised UnicodeEncodeError."""
    if not href.isascii() and _SURROGATE.search(href):
        logger.debug("not a URL (a lone surrogate): %r (on %s)", href[:200], base)
        return None
    try:
        url = browser_join(base, href)  # as a browser reads it: a backslash is a slash (crawler.fetch.whatwg)
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a bad port, as canonicalize() would later
    except ValueError:
        logger.debug("not a URL: %r (on %s)", href[:200], base)
        return None
    if too_long := long_host(parts.hostname):  # before any IDNA encoding of it, which is quadratic (round twelve)
        logger.debug("not a URL (%s): %r (on %s)", too_long, href[:200], base)
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
    MAX_GUNZIP bytes in all (a gzip bomb) raise ValueError. In linear time (crawler/discovery/gunzip.py)."""
    return gunzip_members(body, MAX_GUNZIP)


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
    if what == "feed" and _is_json(head) and (why := too_many_containers(head, JSON_MAX_CONTAINERS)):
        return "too-many-elements", why.replace("JSON document", "JSON Feed")
    prolog = head.split(b"?>", 1)[-1][:65536]
    count = len(_ENTITY_DECL.findall(prolog.split(b"]>", 1)[0])) if b"<!DOCTYPE" in prolog.upper() else 0
    if count:
        return "xml-entities", (f"the {what} declares {count} XML entities (entity expansion: billion laughs, "
                                f"XXE); they are never expanded, and no entries were read without them")
    return f"empty-{what}", default


def parse_feed(body: bytes, base_url: str, max_links: int = SITEMAP_MAX_LINKS) -> list[Link]:
    """The entries of an RSS 2.0, RSS 1.0 (RDF), Atom or JSON Feed, as absolute links with title and date, the first
    item of a page only (a feed lists newest first), in document order.

    Relative links are resolved against the ``xml:base`` in force at the link (an Atom feed's CMS often sets it on
    ``<feed>`` to the articles' folder), else the feed's URL. An XML feed is read as a stream of parser events
    (``crawler.discovery.feedstream``: a 30 MB feed took hundreds of MB as a whole tree); at most ``max_links``
    entries are held, the newest as the spider takes them (``lastmod.Newest``), as for a sitemap.
    """
    text, _ = _gunzipped(body)
    if text is not None and _is_json(text):
        return parse_json_feed(text, base_url, max_links)
    if text is None:
        return []
    links = Newest(max_links, key=lambda link: same_page(link.url))

    def entry(found: FeedEntry) -> None:
        date = found.date()
        links.add(date, lambda: _feed_link(found, date, base_url), place=found.place)

    read_entries(text, entry)
    return links.taken()


def _feed_link(entry: FeedEntry, date: str | None, base_url: str) -> Link | None:
    """A feed entry as a Link: its link made absolute against the base in force where it is written, its title."""
    href, bases = entry.href()
    url = absolute_url(_base(bases, base_url), href.strip()) if href else None
    return Link(url, entry.text("title"), date, entry.modified()) if url else None


_BOMS = ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))


def _is_json(body: bytes) -> bool:
    """Whether a feed is JSON: ``{`` first, after white space and a byte order mark (UTF-8, or UTF-16 decoded by
    it; RFC 8259 section 8.1 lets a parser ignore one, and ``json.loads`` does)."""
    for bom, codec in _BOMS:
        if body.startswith(bom):
            return body[len(bom) : len(bom) + 1024].decode(codec, "ignore").lstrip()[:1] == "{"
    return body.lstrip()[:1] == b"{"


def _shallow_json(body: bytes, max_depth: int = 64) -> bytes:
    """``body`` with every array or object nested deeper than ``max_depth`` replaced by ``null``, in one pass.

    ``json.loads`` recurses once a level and raises RecursionError at about 1,000: one hostile member nested 100,000
    deep lost a whole feed's items. A feed's items sit at depth 2-3; the standard library has no depth option and the
    streaming parsers (ijson) are not a dependency, so this scan (strings and escapes respected) cuts the deep parts.
    """
    out = bytearray()
    depth = skip_from = 0
    in_string = escaped = False
    for byte in body:
        if in_string:
            escaped, in_string = (False, True) if escaped else (byte == 0x5C, byte != 0x22)
        elif byte in b"[{":
            depth += 1
            if depth == max_depth + 1:
                skip_from = depth
                out += b"null"
        elif byte in b"]}":
            depth -= 1
            if skip_from and depth < skip_from:
                skip_from = 0
                continue
        elif byte == 0x22:
            in_string = True
        if not skip_from:
            out.append(byte)
    return bytes(out)


def parse_json_feed(body: bytes, base_url: str, max_links: int = SITEMAP_MAX_LINKS) -> list[Link]:
    """The items of a JSON Feed (jsonfeed.org, versions 1 and 1.1): each item's ``url`` (else an ``id`` that is a
    URL), ``title`` and ``date_published`` (else ``date_modified``). Not JSON, or no items: an empty list. At most
    ``max_links`` are held, the newest, as of an XML feed: 700,000 items were all joined, 30 s of the reactor's time."""
    if too_many_containers(body, JSON_MAX_CONTAINERS):  # 770 MB for 32 MiB of [] (round thirteen)
        return []
    try:
        doc = loads(body)
    except RecursionError:  # a member nested past Python's recursion limit: read the feed without it
        try:
            doc = loads(_shallow_json(body))
        except (ValueError, RecursionError):
            return []
    except ValueError:
        return []
    items = doc.get("items") if isinstance(doc, dict) else None
    links = Newest(max_links, key=lambda link: same_page(link.url))  # a page's first item stands
    for item in items if isinstance(items, list) else []:
        if not isinstance(item, dict):
            continue
        dates = (item.get("date_published"), item.get("date_modified"))  # a number there hides no string
        date = next((_SURROGATE.sub("\ufffd", d) for d in dates if isinstance(d, str) and d.strip()), None)
        links.add(date, lambda item=item, date=date: _json_link(item, date, base_url))
    return links.taken()


def _json_link(item: dict, date: str | None, base_url: str) -> Link | None:
    """A JSON Feed item as a Link: its ``url`` (else an ``id`` that is an http(s) URL) made absolute, its title."""
    href = item.get("url")
    if not isinstance(href, str) or not href.strip():
        ident = item.get("id")
        href = ident if isinstance(ident, str) and ident.strip().lower().startswith(("http://", "https://")) else ""
    url = absolute_url(base_url, href.strip()) if href else None
    if not url:
        return None
    title = item.get("title")
    title = _SURROGATE.sub("\ufffd", title) if isinstance(title, str) else None  # JSON's "\\udc00" too
    modified = item.get("date_modified")
    return Link(url, title, date, modified if isinstance(modified, str) else None)


def parse_sitemap(body: bytes, base_url: str, max_links: int = SITEMAP_MAX_LINKS) -> SitemapDoc:
    """A sitemap index or urlset (including Google News sitemaps), as absolute links with titles and dates; or a text
    sitemap (sitemaps.org's "text file": one URL a line), as its links; ``complete`` when none can have been cut off.

    Read as a stream of parser events (crawler.discovery.xmlstream): a 32 MB sitemap took ~320 MB as a whole tree.
    At most ``max_links`` entries are kept, the newest in the order the spider takes them (``lastmod.Newest``); a
    file that lists more is not ``complete``.
    """
    text, whole = _gunzipped(body)
    if text is not None and _is_text_sitemap(text):
        lines, decoded = _text_sitemap_lines(text)
        links = Newest(max_links)
        for line in lines:
            links.add(None, lambda line=line: _text_link(line, base_url))
        return SitemapDoc(False, tuple(links.taken()), whole and decoded and links.every)
    if text is None:
        return SitemapDoc(False, ())
    reading = Reading()
    links = Newest(max_links, by_lastmod=lambda: reading.root == "sitemapindex")

    def entry(name: str, found: dict[str, str]) -> None:
        if name in ("url", "sitemap") and "loc" in found:
            date = found.get("publication_date") or found.get("lastmod")
            links.add(date, lambda: _sitemap_link(found, date, base_url))

    read_children(text, reading, entry, direct=_LOC, anywhere=_SITEMAP_FIELDS)
    return SitemapDoc(reading.root == "sitemapindex", tuple(links.taken()), whole and reading.clean and links.every,
                      reading.error)


_LOC, _SITEMAP_FIELDS = frozenset({"loc"}), frozenset({"title", "publication_date", "lastmod"})


def _sitemap_link(found: dict[str, str], date: str | None, base_url: str) -> Link | None:
    """A ``<url>`` or ``<sitemap>`` entry as a Link: its ``<loc>`` made absolute, its news:title and date."""
    url = absolute_url(base_url, found["loc"])
    return Link(url, found.get("title"), date, found.get("lastmod")) if url else None


_TEXT_SITEMAP_LINE = re.compile(rb"\s*https?://", re.IGNORECASE)
_TAG_LINE = re.compile(rb"^[ \t]*<", re.MULTILINE)
_HTTP_URL = re.compile(r"https?://", re.IGNORECASE)
_LINE = re.compile("[^\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]+")  # a line: none of str.splitlines()'s breaks


def _is_text_sitemap(body: bytes) -> bool:
    """A sitemap in the text format of sitemaps.org ("one URL per line"), which shared hosts serve as text/plain:
    its first line that is not blank is an http(s) URL, and no line of its first 4 KB starts with ``<`` (a URL
    echoed before an XML sitemap's prolog by a CMS's debug output leaves it XML)."""
    head = document_start(body[:4096]).removeprefix(b"\xef\xbb\xbf")  # marks and white space in any order
    return bool(_TEXT_SITEMAP_LINE.match(head)) and _TAG_LINE.search(head) is None


def _text_sitemap_lines(body: bytes) -> tuple[Iterator[str], bool]:
    """The lines of a text sitemap (UTF-8, as sitemaps.org requires), one at a time (``splitlines()`` made a list of
    every line), and whether it decoded whole (no byte that is no UTF-8: a body cut inside a letter, or not UTF-8
    at all)."""
    body = document_start(body)  # a mark after a blank line was read into the first URL
    try:
        text, decoded = body.decode("utf-8-sig"), True
    except UnicodeDecodeError:
        text, decoded = body.decode("utf-8-sig", errors="replace"), False
    return (line[0] for line in _LINE.finditer(text)), decoded


def _text_link(line: str, base_url: str) -> Link | None:
    """A text sitemap line's URL: its first field, so that a generator's ``url<TAB>lastmod`` lines give their URL;
    None when that is no http(s) URL (a stray comment, an error page's text)."""
    fields = line.split(None, 1)
    url = absolute_url(base_url, fields[0]) if fields and _HTTP_URL.match(fields[0]) else None
    return Link(url) if url else None


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
    """Absolute http(s) URLs of the ``<a href>`` links of a page and its ``<link rel="next">``, honouring ``<base
    href>``, in page order."""
    return [link.url for link in dated_page_links(html, base_url)]


def dated_page_links(html: str | bytes, base_url: str, max_links: int = SITEMAP_MAX_LINKS) -> list[Link]:
    """``page_links`` as Links, each with the date of a ``<time datetime>`` inside one of its anchors where there is
    one (crawler.discovery.stamps: a listing's date stamp that links its story). At most ``max_links`` distinct links,
    the first of the page (a sitemap file's bound): 1.5 million took a minute of the reactor's time to join
    (crawler.discovery.pagelinks reads a page of that much markup without a tree)."""
    found = page_anchors(html) if html else None
    if found is None:
        return []
    base = (absolute_url(base_url, found.base.strip()) if found.base else None) or base_url
    seen: dict[str, int] = {}
    out: list[Link] = []
    for href, rel, date in found.anchors:
        href = href.strip()
        if not href or href.startswith(("#", "javascript:", "mailto:", "tel:")) or "nofollow" in rel.lower():
            continue
        url = absolute_url(base, href)
        if not url or not url.startswith(("http://", "https://")):
            continue
        if (key := same_page(url)) not in seen:
            if len(out) >= max_links:
                break
            seen[key] = len(out)
            out.append(Link(url, None, date))
        elif date is not None and out[seen[key]].published is None:  # the story's title linked it first, its stamp after
            out[seen[key]] = Link(out[seen[key]].url, None, date)
    return out


def same_page(url: str) -> str:
    """A key that two spellings of one page share, as cheap as a string split: the URL without its fragment, its
    query's parameters sorted (``canonicalize`` drops the one and sorts the other too). One page linked 20,000 times
    in other query orders, or with as many ``#comment-N`` fragments, took a page's CRAWL_PAGE_MAX_LINKS (or a feed's
    CRAWL_SITEMAP_MAX_URLS) with copies of itself, and the page's other links were left."""
    url = url.split("#", 1)[0]
    path, mark, query = url.partition("?")
    return f"{path}?{'&'.join(sorted(query.split('&')))}" if mark else url

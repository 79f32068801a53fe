"""Whether a page is served as HTML: its declared type, its body sniffed only where the type is no text type.

Scrapy makes a ``TextResponse`` of every text type, and sniffs the body of any other (application/warc included), so
a page served as ``text/plain``, ``application/json`` or ``application/warc`` whose body holds markup was read as an
article (a WARC file's header lines stored as its text: a black-box probe, hostile web round eight). A browser shows
such a page as text or downloads it; it renders HTML for an HTML or XHTML type (WHATWG HTML, "Loading a document"),
an XML type whose root is XHTML, and no type where the body sniffs as HTML (WHATWG MIME Sniffing 7.1: it opens with
an HTML tag). So a page is read only then; a text type (text/plain, JSON, JavaScript, CSS ...) is never read; and a
binary or unknown type is read only where its body opens as HTML, as with no type: an HTML page mislabelled
``application/octet-stream`` or ``image/png`` (held since stops 34-35: tests/test_hostile5_crawl.py,
tests/test_hostile2_crawl.py) is still read, where a WARC file ("WARC/1.1 ...") is not. Such a page is archived as
always and recorded as ``not-html``. Feeds and sitemaps are read by their own callbacks (crawler.spiders.documents),
whatever they are served as, and never come here. No scrapy imports.
"""

from __future__ import annotations

import re

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
XML_TYPES = frozenset({"text/xml", "application/xml"})
# types a browser shows as text (or hands to a script), never as a page: text/* but HTML and XML, JSON, JavaScript
TEXT_TYPES = frozenset({"application/json", "application/javascript", "application/x-javascript",
                        "application/ecmascript", "application/x-json", "application/ld+json"})
# MIME Sniffing 7.1: after white space, one of these (ASCII case-insensitive) and a space or ">"
_HTML_START = re.compile(
    rb"[\t\n\x0c\r ]*<(?:!DOCTYPE HTML|HTML|HEAD|SCRIPT|IFRAME|H1|DIV|FONT|TABLE|A|STYLE|TITLE|B|BODY|BR|P|!--)[ >]",
    re.IGNORECASE)
_XHTML_ROOT = re.compile(rb"<html\b[^>]*\bxmlns\s*=\s*[\"']http://www\.w3\.org/1999/xhtml[\"']", re.IGNORECASE)
_TYPE_RE = re.compile(r"\s*([!#$%&'*+.^_`|~0-9A-Za-z-]+/[!#$%&'*+.^_`|~0-9A-Za-z-]+)\s*(?:;|$)")
SNIFFED_BYTES = 1445  # MIME Sniffing's resource header: the first 1,445 bytes
XHTML_BYTES = 4096


def essence(content_type: str) -> str:
    """The MIME type essence of a Content-Type value ("" when none parses): the last valid one of a combined value
    ("text/plain, text/html" is text/html), as the Fetch Standard's "extract a MIME type" reads it."""
    found = ""
    for part in content_type.split(","):
        m = _TYPE_RE.match(part)
        if m:
            found = m.group(1).lower()
    return found


def not_html(content_type: str, body: bytes) -> str | None:
    """None when the page is read as HTML (see the module docstring); else why not (a ``not-html`` failure's
    detail)."""
    kind = essence(content_type)
    if kind in HTML_TYPES:
        return None
    if kind in XML_TYPES or kind.endswith("+xml"):
        if _XHTML_ROOT.search(body[:XHTML_BYTES]):
            return None  # XHTML served as XML: rendered as XHTML
        return f"served as {content_type.strip()[:100]}: an XML document, not an HTML page; archived, not read"
    if kind in TEXT_TYPES or kind.endswith("+json") or kind.startswith("text/"):
        return (f"served as {content_type.strip()[:100]}: a browser shows it as text, never as an HTML page; "
                f"archived, not read")
    # no type, an unknown or a binary one: HTML only where the body opens as HTML (a mislabelled page)
    if _HTML_START.match(body.removeprefix(b"\xef\xbb\xbf")[:SNIFFED_BYTES]):
        return None
    shown = f"served as {content_type.strip()[:100]}" if content_type.strip() else "served with no type"
    return f"{shown} and its body does not open as HTML (WHATWG MIME Sniffing); archived, not read"

"""The ``<meta http-equiv="refresh">`` of a page's head, read as a browser reads it (no scrapy imports).

Scrapy's MetaRefreshMiddleware reads it with ``w3lib.html.get_meta_refresh``, which (w3lib 2.5) replaces the
entities of a whole tag before it splits the tag into attributes: ``content="0;URL= &quot;/a&quot;"`` became
``content="0;URL= "/a""``, whose value is ``0;URL= ``, so the refresh pointed at the page itself and the crawl
recorded a ``redirect-loop`` and never fetched the target. Here lxml parses the head (each attribute value decoded
on its own) and the ``content`` value is read by the HTML Standard's "shared declarative refresh steps" (7.11.1):
whitespace and an optional quote before the URL skipped, the URL cut at the matching quote. No upstream issue found.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

_WHITESPACE = "\t\n\f\r "


def refresh_content(content: str) -> tuple[float, str | None] | None:
    """(seconds, URL string or None for the page itself) a refresh ``content`` declares; None when it is invalid.

    The HTML Standard's shared declarative refresh steps, written out because no maintained library implements
    them apart from a browser's: ``"5"``, ``"0; url='/a'"``, ``"0;URL= \\"/a\\""`` and ``"0, /a"`` all valid.
    """
    text, pos, end = content, 0, len(content)

    def skip_ws(p: int) -> int:
        while p < end and text[p] in _WHITESPACE:
            p += 1
        return p

    pos = skip_ws(pos)
    start = pos
    while pos < end and text[pos].isascii() and text[pos].isdigit():
        pos += 1
    if pos == start and (pos >= end or text[pos] != "."):
        return None
    seconds = float(text[start:pos] or 0)
    while pos < end and (text[pos] == "." or (text[pos].isascii() and text[pos].isdigit())):
        pos += 1
    if pos >= end:
        return seconds, None
    if text[pos] not in ";," + _WHITESPACE:
        return None
    pos = skip_ws(pos)
    if pos < end and text[pos] in ";,":
        pos = skip_ws(pos + 1)
    if pos >= end:
        return seconds, None
    if text[pos:pos + 3].lower() == "url":
        after = skip_ws(pos + 3)
        if after < end and text[after] == "=":
            pos = skip_ws(after + 1)
    quote = text[pos] if pos < end and text[pos] in "'\"" else ""
    url = text[pos + len(quote):]
    if quote and quote in url:
        url = url[:url.index(quote)]
    return seconds, url


def meta_refresh(html: str, base_url: str, ignore_tags: Iterable[str] = ("noscript",)) -> tuple[float, str] | None:
    """(seconds, absolute URL) of the first valid meta refresh in ``html`` (a page's head) that names a URL other
    than nothing; None when there is none. Metas inside ``ignore_tags`` (Scrapy's METAREFRESH_IGNORE_TAGS) are not
    read; a ``<base href>`` applies as a browser applies it (``_base_url``). Raises ValueError for a URL whose host
    no DNS name can be (``crawler.fetch.whatwg.long_host``), as for any other that is no URL: a browser ignores it."""
    from w3lib.url import safe_url_string

    from crawler.fetch.guards import drop_userinfo

    root = _parsed(html)
    for seconds, url in _refreshes(root, ignore_tags):
        url = (url or "").strip(_WHITESPACE)
        if not url:
            return None  # a refresh of the page itself: nothing to follow
        from urllib.parse import urljoin

        from crawler.fetch.whatwg import browser_reference, host_refusal, without_dot_segments

        # no userinfo, as a 3xx's Location (guards.as_followed): "http://x%2f@host/a" asked robots.txt of the host
        # "x%2F@host", a robots-unavailable retried each crawl (hostile web, stop 37); read as a browser reads it
        # ("\\host/x" is another host, not a path of this one: crawler/fetch/whatwg.py, round nine)
        base = _base_url(root, base_url)
        reference = browser_reference(url, base)
        if too_long := host_refusal(reference):  # no URL: ignored, before its quadratic IDNA (round twelve)
            raise ValueError(too_long)
        # and no "/./" a browser never asks for (round thirteen), as a 3xx's target (guards.redirect_target)
        return seconds, drop_userinfo(without_dot_segments(urljoin(base, safe_url_string(reference))))
    return None


def _base_url(root: Any, page_url: str) -> str:
    """The document's base URL (HTML Standard 2.4.1, "frozen base URL"): the first ``<base>`` with an ``href``,
    resolved against the page's URL as a browser resolves it (``crawler.fetch.whatwg``), else the page's URL.
    w3lib's ``get_base_url`` joins it by RFC 3986: ``<base href="\\\\host/">`` was a path of the page's host."""
    from urllib.parse import urljoin

    from w3lib.url import safe_url_string

    from crawler.fetch.whatwg import browser_reference, host_refusal

    for base in root.iter("base"):
        href = base.get("href")
        if href is None:
            continue
        href = browser_reference(href.strip(_WHITESPACE), page_url)
        # a base no DNS name can be is no URL: the page's own (round twelve: its IDNA encoding is quadratic)
        return urljoin(page_url, safe_url_string(href)) if href and not host_refusal(href) else page_url
    return page_url


def gate_refresh(html: str, page_url: str, ignore_tags: Iterable[str], cookie_set: bool) -> tuple[float, str] | None:
    """``meta_refresh``'s answer; and where it finds none but the page refreshes itself after setting a cookie that
    its URL was not yet asked with (``cookie_set``), that refresh, to ``page_url``.

    A bot check ("one moment, please...") answers 200 with a cookie and ``<meta http-equiv="refresh" content="1">``:
    a browser reloads the page with the cookie and gets the story. The crawl read a refresh of the page itself as
    nothing to follow, so it stored the check page (stop 41, tests/altsites16). Without a new cookie a page that
    refreshes itself (a live page every five minutes) is still a page, as before.
    """
    found = meta_refresh(html, page_url, ignore_tags)
    if found is not None or not cookie_set:
        return found
    seconds = _self_refresh(html, ignore_tags)
    return None if seconds is None else (seconds, page_url)


def _self_refresh(html: str, ignore_tags: Iterable[str]) -> float | None:
    """The delay of the first valid meta refresh of ``html`` when it names no URL (the page itself), else None."""
    for seconds, url in _refreshes(_parsed(html), ignore_tags):
        return seconds if not (url or "").strip(_WHITESPACE) else None
    return None


def _parsed(html: str) -> Any:
    """``html`` parsed as a browser would (lxml, recovering), or None where it holds no "refresh" at all (most
    pages: no parse)."""
    import lxml.etree

    if "refresh" not in html.lower():
        return None
    return lxml.etree.fromstring(html.encode("utf-8", "replace"), lxml.etree.HTMLParser(encoding="utf-8", recover=True))


def _refreshes(root: Any, ignore_tags: Iterable[str]) -> Iterable[tuple[float, str | None]]:
    """(seconds, URL as written or None) of each valid meta refresh of ``root`` in document order, those inside
    ``ignore_tags`` left out."""
    if root is None:
        return
    ignored = {tag.lower() for tag in ignore_tags}
    for meta in root.iter("meta"):
        if "refresh" not in (meta.get("http-equiv") or "").lower():
            continue
        if any(isinstance(a.tag, str) and a.tag.lower() in ignored for a in meta.iterancestors()):
            continue
        found = refresh_content(meta.get("content") or "")
        if found is not None:
            yield found

"""Round twelve's checks called directly, sending nothing: a host too long to be a DNS name is told by its length
before any IDNA encoding of it (crawler/fetch/whatwg.py ``long_host``), wherever the crawl reads a URL; an article page
of more elements than the extraction reads is not parsed for its later pages (crawler/spiders/parts.py).

Python's punycode encoder, which w3lib's ``safe_url_string``, Scrapy's ``Request`` and ``str.encode("idna")`` all
run, takes time quadratic in a label's distinct letters: 5,000 took 8 s of CPU, 10,000 31 s, before IDNA refused the
label for its length. The budgets below are CPU time (``time.process_time``), a tenth of what one such host cost.
tests/test_hostile12_crawl.py tries the same hosts in a crawl.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest
from scrapy.http import HtmlResponse, Request

from crawler.discovery.paged import continuation_parts
from crawler.discovery.parsers import absolute_url, dated_page_links, parse_feed, parse_sitemap
from crawler.discovery.urls import canonicalize
from crawler.fetch.guards import redirect_target
from crawler.fetch.refresh import meta_refresh
from crawler.fetch.whatwg import host_refusal, long_host
from crawler.spiders.parts import PagedArticles

PAGE = "http://127.42.12.1:8000/a/x"
LONG = "".join(chr(0x4E00 + n) for n in range(5000))  # 15,000 bytes: a Location of it fits a 16 KiB header line
BUDGET = 0.8  # CPU seconds; one such host cost 8
IDN = "خبر.مثال".encode("idna").decode("ascii")


def cpu(call: Callable[[], Any]) -> tuple[float, Any]:
    """(CPU seconds, result or the exception raised) of ``call``."""
    start = time.process_time()
    try:
        result = call()
    except ValueError as exc:
        result = exc
    return time.process_time() - start, result


@pytest.mark.parametrize(("host", "refused"), [
    ("a" * 63 + ".example", False),
    ("a" * 64 + ".example", True),  # a label of 64
    (".".join(["a" * 63] * 4)[:253], False),  # 253 characters, labels of 63
    (".".join(["a" * 63] * 4)[:253] + "b", True),  # 254
    ("خبر-ليبيا.مثال", False),  # an IDN host of the usual size
    ("ا" * 64 + ".example", True),
    (LONG, True),
    ("", False), (None, False),
])
def test_a_host_too_long_to_be_a_dns_name(host: str | None, refused: bool) -> None:
    assert bool(long_host(host)) is refused


def test_a_redirect_to_such_a_host_is_no_url_and_costs_nothing() -> None:
    """It was encoded (8 s) and then refused as off the outlet; it is ``bad-redirect`` now, told by its length."""
    seconds, result = cpu(lambda: redirect_target(PAGE, f"http://{LONG}/x".encode()))
    assert isinstance(result, ValueError) and "253" in str(result), str(result)[:200]
    assert seconds < BUDGET
    assert redirect_target(PAGE, "http://خبر.مثال/x".encode()) == f"http://{IDN}/x"  # an IDN of the usual size


def test_a_refresh_or_base_naming_such_a_host_is_no_url() -> None:
    """A meta refresh to it is no URL (the middleware ignores it, as a browser does); a ``<base href>`` naming it is
    none either, so the page's own URL is the base."""
    seconds, result = cpu(lambda: meta_refresh(f'<html><head><meta http-equiv="refresh" '
                                               f'content="0;url=http://{LONG}/x"></head></html>', PAGE))
    assert isinstance(result, ValueError) and seconds < BUDGET
    seconds, result = cpu(lambda: meta_refresh(f'<html><head><base href="http://{LONG}/"><meta http-equiv="refresh" '
                                               'content="0;url=/a/y"></head></html>', PAGE))
    assert result == (0.0, "http://127.42.12.1:8000/a/y") and seconds < BUDGET


def test_links_to_such_a_host_are_skipped_as_malformed_ones_are() -> None:
    """A listing link (its ``<base href>`` too), a sitemap entry and a feed item on ``<letters>.<outlet's host>``,
    which the outlet owns by its name: each was canonicalised (the quadratic encoding, more than once) and fetched;
    now each is skipped and the links beside it are read."""
    sub = f"http://{LONG}.127.42.12.1:8000"
    assert absolute_url(PAGE, f"{sub}/a/1") is None
    assert absolute_url(PAGE, "http://خبر.مثال/a/1") == "http://خبر.مثال/a/1"  # an IDN: encoded when fetched
    listing = f'<html><body><a href="{sub}/a/1">x</a><a href="/a/2">y</a></body></html>'
    assert [link.url for link in dated_page_links(listing, PAGE)] == ["http://127.42.12.1:8000/a/2"]
    based = f'<html><head><base href="{sub}/"></head><body><a href="a/3">z</a></body></html>'
    assert [link.url for link in dated_page_links(based, PAGE)] == ["http://127.42.12.1:8000/a/a/3"]
    sitemap = ('<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
               f"<url><loc>{sub}/a/1</loc></url><url><loc>http://127.42.12.1:8000/a/2</loc></url></urlset>").encode()
    seconds, doc = cpu(lambda: parse_sitemap(sitemap, PAGE))
    assert [link.url for link in doc.links] == ["http://127.42.12.1:8000/a/2"] and seconds < BUDGET
    feed = (f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><item><link>{sub}/a/1</link></item>'
            "<item><link>http://127.42.12.1:8000/a/2</link></item></channel></rss>").encode()
    assert [link.url for link in parse_feed(feed, PAGE)] == ["http://127.42.12.1:8000/a/2"]


def test_canonicalising_such_a_url_costs_nothing() -> None:
    """The last net: a URL that reaches ``canonicalize`` (the writer's claims, a caller not listed above) keeps its
    host as written, unencoded; before, the encoding alone took 8 s."""
    seconds, url = cpu(lambda: canonicalize(f"http://{LONG}.127.42.12.1:8000/a/1?b=2&a=1#f"))
    assert seconds < BUDGET and url.endswith(".127.42.12.1:8000/a/1?a=1&b=2")
    assert canonicalize("http://خبر.مثال/a") == f"http://{IDN}/a"


def test_an_articles_pager_beside_such_a_link_is_read_at_once() -> None:
    """Every link of a page that may be paged was escaped (``safe_url_string``) before its host was compared with
    the page's: one link to such a host held the crawl's reactor for 8 s. Such a link is none of the article's."""
    html = (f'<html><body><article><p>صفحة 1 من 2</p><a href="http://{LONG}/a/x?page=2">2</a>'
            '<a href="/a/x?page=2">2</a></article></body></html>')
    seconds, parts = cpu(lambda: continuation_parts(PAGE, html))
    assert [part.url for part in parts] == ["http://127.42.12.1:8000/a/x?page=2"] and seconds < BUDGET


def test_host_refusal_reads_any_url() -> None:
    assert host_refusal(f"//{LONG}/x") and host_refusal(f"http://u:p@{LONG}:80/")
    assert host_refusal("/a/relative") is None and host_refusal("http://[::1/") is None  # no URL: refused elsewhere


def test_an_article_page_of_more_elements_than_the_extraction_reads_is_not_read_for_parts() -> None:
    """Its later pages were read in the crawl's reactor from a tree of the whole page, every link escaped: 63 s of
    CPU and 878 MB for a million links (25 MB). The extraction refuses such a page (``too-many-elements``): the crawl
    neither parses it for parts nor for its runs of text now."""
    url = "http://127.42.12.1:8000/a/x"
    pager = '<html><body><article><h1>t</h1><p>صفحة 1 من 2</p><a href="?page=2">2</a>'
    huge = HtmlResponse(url, body=(pager + '<p><a href="/x">x</a></p>' * 60_000 + "</article></body></html>").encode(),
                        encoding="utf-8", request=Request(url))
    seconds, parts = cpu(lambda: PagedArticles._parts_of(None, huge, url, None))  # type: ignore[arg-type]
    assert parts == [] and PagedArticles._blocks(None, huge).runs == ()  # type: ignore[arg-type]
    assert seconds < BUDGET
    small = HtmlResponse(url, body=(pager + "</article></body></html>").encode(), encoding="utf-8",
                         request=Request(url))
    assert [p.url for p in PagedArticles._parts_of(None, small, url, None)] == [f"{url}?page=2"]  # type: ignore[arg-type]

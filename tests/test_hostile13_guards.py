"""Round thirteen's checks called directly, sending nothing: no proxy taken from the environment
(crawler/settings.py ``HTTPPROXY_ENABLED``), a tag of too many attributes told before the crawl's reactor parses a
page (crawler/spiders/parts.py ``unreadable``; the listing's check is in crawler/spiders/documents.py), a JSON Feed's
arrays and objects counted before it is loaded (crawler/discovery/jsonbound.py), dot segments resolved in a redirect's
or a refresh's target (crawler/fetch/whatwg.py ``without_dot_segments``), and cookies for a shared domain.

The budgets are CPU time (``time.process_time``), a tenth or less of what each case cost before.
tests/test_hostile13_crawl.py tries them in a crawl.
"""

from __future__ import annotations

import time
from types import SimpleNamespace

import lxml.html
import pytest
from scrapy.downloadermiddlewares.httpproxy import HttpProxyMiddleware
from scrapy.exceptions import NotConfigured
from scrapy.http import HtmlResponse, Request
from scrapy.settings import Settings

from crawler.discovery.jsonbound import JSON_MAX_CONTAINERS, json_containers
from crawler.discovery.parsers import empty_reason, parse_feed, parse_sitemap
from crawler.extraction.author import trafilatura_metadata
from crawler.extraction.date_markup import json_ld as date_json_ld
from crawler.extraction.giant_markup import more_attributes_than
from crawler.extraction.titles import iter_json_ld
from crawler.fetch.chain_cookies import add_set_cookies, cookie_header
from crawler.fetch.guards import as_followed, redirect_target
from crawler.fetch.refresh import meta_refresh
from crawler.fetch.whatwg import without_dot_segments
from crawler.spiders.parts import unreadable

PROXY = "http://127.43.13.9:3128"


def _project(**overrides: object) -> Settings:
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    settings.update(overrides, priority="cmdline")
    return settings


@pytest.mark.parametrize("variable", ["http_proxy", "https_proxy", "all_proxy", "HTTPS_PROXY"])
def test_no_proxy_is_taken_from_the_environment(monkeypatch: pytest.MonkeyPatch, variable: str) -> None:
    """Scrapy's HttpProxyMiddleware read ``*_proxy`` from the environment and sent every request there: the proxy
    resolved and connected to the targets, and the address guard saw only the proxy's address. The crawl's
    settings switch it off; ``-s HTTPPROXY_ENABLED=1`` takes the environment's proxy again, on purpose."""
    monkeypatch.setenv(variable, PROXY)
    with pytest.raises(NotConfigured):  # the middleware reads the crawler's settings only
        HttpProxyMiddleware.from_crawler(SimpleNamespace(settings=_project()))
    chosen = HttpProxyMiddleware.from_crawler(SimpleNamespace(settings=_project(HTTPPROXY_ENABLED=True)))
    assert chosen.proxies, "the opt-in takes the environment's proxy"


def _response(html: str, url: str = "http://127.43.13.1/a/story") -> HtmlResponse:
    return HtmlResponse(url, body=html.encode(), encoding="utf-8", request=Request(url))


def test_a_tag_of_too_many_attributes_is_told_before_the_reactor_parses_the_page() -> None:
    """A paged article page (or a listing) holding one tag of 400,000 attributes: libxml2 took 17 s of the reactor
    for 60,000 (quadratic). The page is told unreadable, in linear time, before any parse."""
    tag = "<div " + " ".join(f"a{n}" for n in range(400_000)) + "></div>"
    page = f"<html><body>{tag}<article><p>x</p><a href='?page=2'>2</a></article></body></html>"
    started = time.process_time()
    assert more_attributes_than(page)
    assert unreadable(_response(page))
    assert time.process_time() - started < 2.0
    assert not unreadable(_response("<html><body><article><p>x</p><a href='?page=2'>2</a></article></body></html>"))


def test_a_json_feed_of_empty_arrays_is_not_loaded() -> None:
    """32 MiB of ``[]`` beside one item: 770 MB and 5 s of the crawl's reactor when loaded. Counted first now,
    not loaded, and recorded ``too-many-elements``."""
    body = b'{"version": "https://jsonfeed.org/version/1.1", "items": [{"url": "/a/1"}], "x": [' \
        + b"[]," * (32 * 1024 * 1024 // 3) + b"[]]}"
    started = time.process_time()
    assert parse_feed(body, "http://127.43.13.1/feed.json") == []
    reason, detail = empty_reason(body, "feed", "none")
    assert time.process_time() - started < 1.5
    assert reason == "too-many-elements" and "JSON Feed of 11,184,815 arrays and objects" in detail, detail


def test_brackets_inside_strings_are_text() -> None:
    """A title of two million ``[`` is a string, not two million arrays: the feed is read. An open string of ``\\"``
    runs to the end, counted once (a pattern tried from each quote would take quadratic time)."""
    body = b'{"items": [{"url": "/a/1", "title": "' + b"[" * 2_000_000 + b'"}]}'
    assert [link.url for link in parse_feed(body, "http://127.43.13.1/feed.json")] == ["http://127.43.13.1/a/1"]
    started = time.process_time()
    assert json_containers(b'{"a": "' + b'\\"[' * 3_000_000, JSON_MAX_CONTAINERS) == 1
    assert time.process_time() - started < 1.0


def test_a_feed_of_5000_items_is_read() -> None:
    items = ",".join(f'{{"url": "/a/{n}", "tags": ["x"], "authors": [{{"name": "y"}}]}}' for n in range(5_000))
    body = f'{{"version": "https://jsonfeed.org/version/1.1", "items": [{items}]}}'.encode()
    assert len(parse_feed(body, "http://127.43.13.1/feed.json")) == 5_000


@pytest.mark.parametrize(("url", "resolved"), [
    ("http://h:1/a/./x", "http://h:1/a/x"),
    ("http://h/a/./y/../x?q=/./#f", "http://h/a/x?q=/./#f"),
    ("http://h/a/%2E%2e/x", "http://h/x"),
    ("http://h/../../etc/passwd", "http://h/etc/passwd"),
    ("http://h//x/./y", "http://h//x/y"),
    ("http://h/a/..%2fx", "http://h/a/..%2fx"),  # an escaped slash stays in its segment (round two)
    ("http://h/.well-known/x.html", "http://h/.well-known/x.html"),
    # a %2e inside a segment is no dot segment: the URL Standard leaves it escaped (stop 42's review)
    ("http://h/v1%2E2/./a%2ejs", "http://h/v1%2E2/a%2ejs"),
    ("http://h/a/.%2e./x/../y", "http://h/a/.%2e./y"),
])
def test_dot_segments_are_resolved_as_a_browser_resolves_them(url: str, resolved: str) -> None:
    assert without_dot_segments(url) == resolved


def test_a_redirect_or_refresh_with_dot_segments_is_followed_without_them() -> None:
    """``urljoin`` keeps the dot segments of an absolute reference (RFC 3986 5.2.2 and the URL Standard remove
    them): a 3xx to ``HTTP://host/a/./x`` was fetched as ``/a/./x``, and a loop spelled so was not one."""
    location = b"HTTP://127.43.13.1:8/a/./loop"
    target = redirect_target("http://127.43.13.1:8/a/loop", location)
    assert target == "http://127.43.13.1:8/a/loop"
    response = HtmlResponse("http://127.43.13.1:8/a/loop", status=302, headers={"Location": location}, body=b"")
    followed, _ = as_followed(response, location, response.url, target)
    assert followed.headers[b"Location"] == target.encode()
    assert meta_refresh('<meta http-equiv="refresh" content="0;url=HTTP://127.43.13.1:8/a/./x/../loop">',
                        "http://127.43.13.1:8/a/loop") == (0.0, "http://127.43.13.1:8/a/loop")


@pytest.mark.parametrize("domain", [".0.0.1", "0.0.1", "127.43.13.2", ".43.13.2", "github.io", ".io"])
def test_a_cookie_for_a_shared_domain_goes_to_its_own_host_only(domain: str) -> None:
    """Held: a redirect chain's cookies are its own host's whatever ``Domain`` says (``.0.0.1``, another host, a
    public suffix): never sent to another host, another outlet or another site of a shared suffix."""
    for here, there in (("http://127.43.13.1/a/x", "http://127.43.13.2/a/x"),
                        ("https://one.github.io/a/x", "https://two.github.io/a/x")):
        jar = add_set_cookies((), [f"sid=s3cret; Domain={domain}; Path=/"], here)
        assert cookie_header(jar, there) == ""
        assert cookie_header(jar, here) == "sid=s3cret"


def test_a_giant_json_ld_block_is_neither_loaded_nor_walked() -> None:
    """A JSON-LD block of 500,000 empty arrays (1.5 MB): the extraction loaded and walked it five times and
    trafilatura once more (8 MB took 22 s of a worker and 200 MB; 6.9 s and 23 MB now, the rest the page's size).
    A block of more than JSON_BLOCK_MAX_CONTAINERS (25 times the most in ../shared/corpora) is skipped as an
    unreadable one is; the page's other blocks are read."""
    giant = "[" + "[]," * 500_000 + "[]]"
    root = lxml.html.fromstring(
        f'<html><head><script type="application/ld+json">{giant}</script>'
        '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "h", '
        '"datePublished": "2024-05-01T10:00:00Z"}</script></head><body><p>x</p></body></html>')
    started = time.process_time()
    assert [item.get("headline") for item in iter_json_ld(root)] == ["h"]
    assert [found.day.isoformat() for found in date_json_ld(root)] == ["2024-05-01"]
    trafilatura_metadata(root)
    assert time.process_time() - started < 0.3


def test_an_xml_tag_of_60000_attributes_is_read_at_once() -> None:
    """Held: a sitemap ``<url>`` or a feed ``<item>`` of 60,000 attributes (libxml2's XML parser hashes them; its
    HTML parser took 17 s for the same in a listing)."""
    attrs = " ".join(f'a{n}="x"' for n in range(60_000))
    sitemap = (f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url {attrs}>'
               "<loc>http://127.43.13.1/a/1</loc></url></urlset>").encode()
    feed = f'<?xml version="1.0"?><rss><channel><item {attrs}><link>http://127.43.13.1/a/1</link></item></channel></rss>'
    started = time.process_time()
    assert [link.url for link in parse_sitemap(sitemap, "http://127.43.13.1/").links] == ["http://127.43.13.1/a/1"]
    assert [link.url for link in parse_feed(feed.encode(), "http://127.43.13.1/")] == ["http://127.43.13.1/a/1"]
    assert time.process_time() - started < 1.0

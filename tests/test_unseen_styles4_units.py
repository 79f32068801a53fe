"""The rules tests/test_e2e_altsites4.py needed, pinned one by one: an Atom feed's ``xml:base``, JSON Feed, and
cookies a redirect sets kept for the rest of its chain (a consent or cookie-check gate), never for other pages."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timezone
from types import SimpleNamespace

import pytest
from scrapy import Request, Spider
from scrapy.downloadermiddlewares.redirect import RedirectMiddleware
from scrapy.downloadermiddlewares.retry import get_retry_request
from scrapy.http import Response
from scrapy.utils.test import get_crawler

from crawler import netguard
from crawler.discovery.parsers import parse_feed
from crawler.fetch.chain_cookies import add_set_cookies, cookie_header, new_cookies_for
from crawler.fetch.limits import Limits
from crawler.fetch.safety import AddressPolicy
from crawler.middlewares import ChainCookiesMiddleware, RedirectAwareDupeFilter
from crawler.netguard import Refused, check_redirect

H = "http://agency.example"

ATOM = f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:base="{H}/news/"><title>x</title>
<link rel="self" href="{H}/feed/atom.xml"/>
<entry><title>a</title><link rel="alternate" type="text/html" href="48213"/><updated>2019-05-12T10:00:00Z</updated></entry>
<entry xml:base="/ar/"><title>b</title><link href="story/7"/></entry>
<entry><title>c</title><link xml:base="{H}/other/" href="9"/></entry>
</feed>""".encode()


def test_atom_links_resolve_against_xml_base():
    """RFC 4287 section 2: xml:base on the feed, an entry or the link itself is the base of a relative href (it was
    the feed's own URL: /feed/48213, a page that does not exist)."""
    links = parse_feed(ATOM, f"{H}/feed/atom.xml")
    assert [link.url for link in links] == [f"{H}/news/48213", f"{H}/ar/story/7", f"{H}/other/9"]
    assert links[0].published == "2019-05-12T10:00:00Z"


def test_rss_without_xml_base_resolves_against_the_feed_url():
    rss = b"<rss><channel><item><title>t</title><link>/news/5</link></item></channel></rss>"
    assert [link.url for link in parse_feed(rss, f"{H}/rss/feed.xml")] == [f"{H}/news/5"]


def test_json_feed_items_are_links():
    """JSON Feed 1.1 (jsonfeed.org): url, else an id that is a URL; title; date_published (it gave no link at all)."""
    body = """{"version": "https://jsonfeed.org/version/1.1", "title": "مدونة", "items": [
      {"id": "1", "url": "https://blog.example/posts/a/", "title": "أ", "date_published": "2024-03-18T10:00:00+02:00"},
      {"id": "https://blog.example/posts/b/", "title": "ب", "date_modified": "2024-04-01T00:00:00Z"},
      {"id": "3", "content_text": "a note without a URL"},
      {"url": "/posts/c/"}, "junk"]}""".encode()
    links = parse_feed(body, "https://blog.example/feed.json")
    assert [(link.url, link.title, link.published) for link in links] == [
        ("https://blog.example/posts/a/", "أ", "2024-03-18T10:00:00+02:00"),
        ("https://blog.example/posts/b/", "ب", "2024-04-01T00:00:00Z"),
        ("https://blog.example/posts/c/", None, None),
    ]
    assert parse_feed(b'{"items": 5}', "https://blog.example/feed.json") == []
    assert parse_feed(b"{not json", "https://blog.example/feed.json") == []


def test_chain_cookies_follow_rfc6265_host_path_and_expiry():
    jar = add_set_cookies(
        (),
        ["cc=accepted; Path=/; Max-Age=31536000", "t=1; Path=/consent"],
        "http://blog.example/consent/?return=/p/",
    )
    assert cookie_header(jar, "http://blog.example/posts/a/") == "cc=accepted"
    assert cookie_header(jar, "http://blog.example/consent/x") == "t=1; cc=accepted"
    assert cookie_header(jar, "http://other.example/posts/a/") == ""  # never to another host
    assert (
        cookie_header(
            add_set_cookies(jar, ["cc=; Max-Age=0; Path=/"], "http://blog.example/"),
            "http://blog.example/posts/a/",
        )
        == ""
    )
    # no Path: the directory of the URL that set it
    assert (
        cookie_header(add_set_cookies((), ["k=v"], "http://blog.example/a/b"), "http://blog.example/c") == ""
    )


class _Stats:
    def __init__(self) -> None:
        self.values: Counter[str] = Counter()

    def inc_value(self, key: str) -> None:
        self.values[key] += 1


@pytest.fixture
def crawler(monkeypatch: pytest.MonkeyPatch) -> SimpleNamespace:
    monkeypatch.setattr(netguard, "installed_resolver", lambda: SimpleNamespace(policy=AddressPolicy()))
    return SimpleNamespace(stats=_Stats(), spider=SimpleNamespace(allowed_domains=["blog.example"]))


def _gate_hop() -> Request:
    """The second hop of a consent gate: /posts/a/ sent the visitor to /consent/, which answers 302 back with a
    Set-Cookie; the middleware read that response."""
    post = "http://blog.example/posts/a/"
    request = Request(
        "http://blog.example/consent/?return=/posts/a/", meta={"redirect_urls": [post], "kind": "article"}
    )
    response = Response(
        request.url,
        status=302,
        headers={"Location": "/posts/a/", "Set-Cookie": "cc=accepted; Path=/"},
        request=request,
    )
    ChainCookiesMiddleware().process_response(request, response)
    return request


def test_a_gate_that_sets_a_cookie_and_leads_back_is_no_loop(crawler):
    """Old code: "redirect-loop" for every page behind the gate. The hop back carries the cookie, as a browser's."""
    request = _gate_hop()
    check_redirect(crawler, request, "http://blog.example/posts/a/", Limits.from_settings({}))
    back = request.replace(
        url="http://blog.example/posts/a/",
        meta={**request.meta, "redirect_urls": [*request.meta["redirect_urls"], request.url]},
    )
    dupes = RedirectAwareDupeFilter()
    dupes.request_seen(Request("http://blog.example/posts/a/"))  # the first hop was seen
    assert not dupes.request_seen(back)
    ChainCookiesMiddleware().process_request(back)
    assert back.headers.get("Cookie") == b"cc=accepted"
    # the same hop again with the same cookie is a loop
    assert not new_cookies_for(back.meta, back.url)
    again = back.replace(meta={**back.meta, "redirect_urls": [*back.meta["redirect_urls"], back.url]})
    with pytest.raises(Refused) as refused:
        check_redirect(crawler, again, back.url, Limits.from_settings({}))
    assert refused.value.reason == "redirect-loop"
    assert dupes.request_seen(again)


def test_a_loop_without_cookies_is_still_refused(crawler):
    request = Request("http://blog.example/b/", meta={"redirect_urls": ["http://blog.example/a/"]})
    with pytest.raises(Refused):
        check_redirect(crawler, request, "http://blog.example/a/", Limits.from_settings({}))


def test_cookies_never_reach_a_request_outside_the_chain():
    """A new page starts without cookies: the archive records what a first-time visitor is served."""
    fresh = Request("http://blog.example/posts/b/", meta={"kind": "article"})
    ChainCookiesMiddleware().process_request(fresh)
    assert b"Cookie" not in fresh.headers
    hop = _gate_hop()
    elsewhere = hop.replace(url="http://cdn.example/x", headers={"Cookie": "cc=accepted"})
    ChainCookiesMiddleware().process_request(elsewhere)
    assert b"Cookie" not in elsewhere.headers


@pytest.mark.parametrize(
    ("feed_base", "entry_base", "expected"),
    [
        ("", "https://agency.example/أخبار/", "https://agency.example/%D8%A3%D8%AE%D8%A8%D8%A7%D8%B1/2019/5"),
        ("/ar/", "أخبار/", f"{H}/ar/%D8%A3%D8%AE%D8%A8%D8%A7%D8%B1/2019/5"),  # outermost first
        ("", "/ar/a b/", f"{H}/ar/a%20b/2019/5"),
        ("/ar/", "javascript:alert(1)//", f"{H}/ar/2019/5"),  # no http(s) base: ignored
        ("", "file:///etc/", f"{H}/feed/2019/5"),
        ("", "http://[::1/", f"{H}/feed/2019/5"),
    ],
)
def test_xml_base_with_letters_spaces_or_no_http_scheme(feed_base: str, entry_base: str, expected: str):
    """lxml's ``el.base`` ignored an xml:base with Arabic letters or a space (the feed's URL instead: a page that does
    not exist) and gave ``javascript:`` back as the base (a relative link, "2019/5")."""
    feed_attr = f' xml:base="{feed_base}"' if feed_base else ""
    body = f"""<feed xmlns="http://www.w3.org/2005/Atom"{feed_attr}>
    <entry xml:base="{entry_base}"><title>t</title><link href="2019/5"/></entry></feed>""".encode()
    assert [link.url for link in parse_feed(body, f"{H}/feed/atom.xml")] == [expected]


@pytest.mark.parametrize(
    "encode",
    [
        lambda text: b"\xef\xbb\xbf" + text.encode(),
        lambda text: text.encode("utf-16"),
        lambda text: b"\xfe\xff" + text.encode("utf-16-be"),
        lambda text: b"\xef\xbb\xbf\n " + text.encode(),
    ],
)
def test_json_feed_with_a_byte_order_mark(encode):
    """A JSON Feed saved with a BOM (UTF-8, or UTF-16 decoded by it) was no ``{`` at the start: an empty feed."""
    body = encode('{"items": [{"url": "/posts/أ/", "title": "أ"}]}')
    assert [(link.url, link.title) for link in parse_feed(body, "https://blog.example/feed.json")] == [
        ("https://blog.example/posts/أ/", "أ")
    ]


def test_json_feed_takes_the_first_date_that_is_a_string():
    body = (
        b'{"items": [{"url": "/a/", "date_published": 123, "date_modified": "2019-05-13"}, {"url": "/b/"}]}'
    )
    assert [link.published for link in parse_feed(body, "https://blog.example/feed.json")] == [
        "2019-05-13",
        None,
    ]


NOW = datetime(2024, 6, 1, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    ("attrs", "kept"),
    [
        (
            "Expires=Thu, 01 Jan 1970 00:00:00 GMT",
            False,
        ),  # how most sites delete a cookie (RFC 6265 5.3 step 3)
        ("Expires=Thu, 01-Jan-1970 00:00:00 GMT", False),
        ("Expires=Wed, 21 Oct 2099 07:28:00 GMT", True),
        ("Expires=not a date", True),  # ignored (5.2.1)
        ("Max-Age=60; Expires=Thu, 01 Jan 1970 00:00:00 GMT", True),  # Max-Age wins
        ("Expires=Wed, 21 Oct 2099 07:28:00 GMT; Max-Age=0", False),
    ],
)
def test_chain_cookies_expire_by_date_and_max_age_wins(attrs: str, kept: bool):
    jar = add_set_cookies((), ["gate=1; Path=/"], "https://blog.example/consent/", now=NOW)
    jar = add_set_cookies(jar, [f"gate=1; Path=/; {attrs}"], "https://blog.example/x", now=NOW)
    assert cookie_header(jar, "https://blog.example/post/") == ("gate=1" if kept else "")


def test_secure_cookies_go_to_https_only_and_values_stay_as_sent():
    jar = add_set_cookies((), ["sid=S; Path=/; Secure", 'q="a b"; Path=/'], "https://blog.example/consent/")
    assert cookie_header(jar, "https://blog.example/post/") == 'sid=S; q="a b"'
    assert cookie_header(jar, "http://blog.example/post/") == 'q="a b"'


def _redirect(mw: ChainCookiesMiddleware, request: Request, set_cookie: str, to: str) -> Request:
    """The next hop, as Scrapy's RedirectMiddleware builds it from a 302 that sets ``set_cookie``."""
    crawler = get_crawler(Spider, {"REDIRECT_MAX_TIMES": 10})
    crawler.spider = Spider("s")
    response = Response(
        request.url, status=302, headers={"Location": to, "Set-Cookie": set_cookie}, request=request
    )
    mw.process_response(request, response)
    hop = RedirectMiddleware.from_crawler(crawler).process_response(request, response)
    mw.process_request(hop)
    return hop


def test_a_hop_that_deletes_the_last_cookie_sends_none():
    """The jar emptied, process_request returned early and the Cookie header Scrapy's redirect copied went again."""
    mw = ChainCookiesMiddleware()
    first = Request("https://blog.example/a")
    mw.process_request(first)
    second = _redirect(mw, first, "gate=1; Path=/", "/b")
    assert second.headers.get("Cookie") == b"gate=1"
    third = _redirect(mw, second, "gate=; Path=/; Max-Age=0", "/c")
    assert third.meta["chain_cookies"] == () and b"Cookie" not in third.headers


def test_a_retry_does_not_carry_the_cookie_its_failed_try_was_set():
    """Scrapy's retry copies meta and headers: a 503 that set a cookie passed it on the retry, which is no redirect.
    The retry goes with the jar its first try had; a redirect after it with that jar too."""
    crawler = get_crawler(Spider)
    crawler.spider = spider = Spider("s")
    spider.crawler = crawler
    mw = ChainCookiesMiddleware()
    post = _redirect(mw, Request("https://blog.example/consent/"), "cc=1; Path=/", "/post/")
    assert post.headers.get("Cookie") == b"cc=1"
    mw.process_response(
        post, Response(post.url, status=503, headers={"Set-Cookie": "bm=challenge; Path=/"}, request=post)
    )
    retry = get_retry_request(post, spider=spider, reason="503")
    mw.process_request(retry)
    assert retry.headers.get("Cookie") == b"cc=1"
    assert _redirect(mw, retry, "x=; Max-Age=0", "/post/2").headers.get("Cookie") == b"cc=1"

"""The rules tests/test_e2e_altsites4.py needed, pinned one by one: an Atom feed's ``xml:base``, JSON Feed, and
cookies a redirect sets kept for the rest of its chain (a consent or cookie-check gate), never for other pages."""

from __future__ import annotations

from collections import Counter
from types import SimpleNamespace

import pytest
from scrapy import Request
from scrapy.http import Response

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

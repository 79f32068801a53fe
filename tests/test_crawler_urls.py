"""URL canonicalisation: one article, one row."""

from __future__ import annotations

import pytest

from crawler.discovery.urls import (
    alias_reason,
    canonicalize,
    choose_canonical,
    identity_key,
    session_params_between,
    url_rank,
)


@pytest.mark.parametrize("a, b", [
    ("https://Example.com/a?b=2&a=1#frag", "https://example.com/a?a=1&b=2"),
    ("https://example.com:443/a?utm_source=rss&utm_medium=x", "https://example.com/a"),
    ("http://example.com/a?id=3&PHPSESSID=abc123", "http://example.com/a?id=3"),
    ("http://example.com/a;jsessionid=ABC?id=3", "http://example.com/a?id=3"),
    ("https://example.com/news/ليبيا-طرابلس", "https://example.com/news/%D9%84%D9%8A%D8%A8%D9%8A%D8%A7-%D8%B7%D8%B1%D8%A7%D8%A8%D9%84%D8%B3"),
    ("https://example.com/news/%d9%84%d9%8a", "https://example.com/news/%D9%84%D9%8A"),
    ("https://example.com", "https://example.com/"),
    ("https://example.com/a?fbclid=x&gclid=y", "https://example.com/a"),
])
def test_canonicalize(a, b):
    assert canonicalize(a) == b
    assert canonicalize(b) == b  # idempotent


def test_content_parameters_are_kept():
    assert canonicalize("http://x.example/article.php?sid=4&id=12") == "http://x.example/article.php?id=12&sid=4"


@pytest.mark.parametrize("declared, expected", [
    ("https://news.example/a/1", "https://news.example/a/1"),
    ("/a/1?utm_source=x", None),  # relative canonicals are resolved by extraction; unresolved ones are ignored
    ("https://other.example/a/1", "https://news.example/a/1?x=1"),  # off the outlet's domains
    ("https://news.example/", "https://news.example/a/1?x=1"),  # home page: a CMS bug, not the article
    (None, "https://news.example/a/1?x=1"),
])
def test_choose_canonical(declared, expected):
    fetched = "https://news.example/a/1?x=1&utm_campaign=y"
    got = choose_canonical(fetched, declared, ("news.example",))
    if expected is None:
        assert got == canonicalize(fetched)
    else:
        assert got == expected


# -- one article, many URLs (issues 12 and 13) ------------------------------------------------------


@pytest.mark.parametrize("a, b", [
    ("http://x.example/news/./2019/../2020/a.php?id=1", "http://x.example/news/2020/a.php?id=1"),
    ("http://x.example/a/b/../../c", "http://x.example/c"),
    ("http://x.example/../../a", "http://x.example/a"),  # ".." above the root stays at the root (RFC 3986 5.2.4)
    ("http://x.example/a/%2E%2E/b", "http://x.example/b"),  # an escaped ".." is a ".." (RFC 3986 2.3)
    ("http://x.example/a/b/..", "http://x.example/a/"),
    ("http://x.example//a/./b", "http://x.example//a/b"),  # a leading "//" in a path is not a host
    ("http://x.example/a..b/c.", "http://x.example/a..b/c."),  # dots inside a segment are not dot segments
])
def test_dot_segments_removed(a, b):
    assert canonicalize(a) == b
    assert canonicalize(b) == b


@pytest.mark.parametrize("a, b", [
    ("http://[::1]:8080/a/../b?x=1#f", "http://[::1]:8080/b?x=1"),
    ("http://[::1]:80/", "http://[::1]/"),
    ("https://[2001:DB8::1]/a", "https://[2001:db8::1]/a"),
])
def test_ipv6_literals_keep_brackets(a, b):
    assert canonicalize(a) == b
    assert canonicalize(b) == b


def test_learned_session_parameters_dropped_only_when_asked():
    url = "http://portal.example/article.php?id=5&sid=8f3a9c2e71"
    assert canonicalize(url) == url  # "sid" may select content: never dropped by default
    assert canonicalize(url, ("SID",)) == "http://portal.example/article.php?id=5"


@pytest.mark.parametrize("url, key", [
    ("http://x.example/index.php", "http://x.example/"),
    ("http://x.example/news/Default.aspx?id=3", "http://x.example/news/?id=3"),
    ("http://x.example/news/index.html", "http://x.example/news/"),
    ("http://x.example/news/article.php?id=3", "http://x.example/news/article.php?id=3"),
    ("http://x.example/index.php/news", "http://x.example/index.php/news"),  # not the last segment
])
def test_identity_key_drops_default_documents(url, key):
    assert identity_key(url) == key


@pytest.mark.parametrize("a, b, params", [
    ("http://p.example/a.php?id=5&sid=8f3a9c2e71", "http://p.example/a.php?id=5&sid=0b1d7e44aa", ("sid",)),
    ("http://p.example/a.php?id=5&sid=8f3a9c2e71", "http://p.example/a.php?id=5", ("sid",)),
    ("http://p.example/a.php?id=5&sid=4", "http://p.example/a.php?id=5", ()),  # "sid=4": a section, maybe
    ("http://p.example/a.php?id=20190417", "http://p.example/a.php?id=20190418", ()),  # digits only: content ids
    ("http://p.example/a.php?id=5&lang=arabic-ly", "http://p.example/a.php?id=5", ()),  # no digit: a word
    ("http://p.example/a.php?id=5&sid=8f3a9c2e71", "http://p.example/a.php?id=6&sid=8f3a9c2e72", ()),  # id differs
    ("http://p.example/a.php?id=5&sid=8f3a9c2e71", "http://p.example/b.php?id=5", ()),  # path differs
    ("http://p.example/a.php?id=5", "http://p.example/a.php?id=5", ()),
])
def test_session_params_between(a, b, params):
    assert session_params_between(a, b) == params
    assert session_params_between(b, a) == params


def test_alias_reason_and_rank():
    assert alias_reason("http://x.example/a/../b?utm_source=x", "http://x.example/b") == "url-rule"
    assert alias_reason("http://x.example/b?sid=8f3a9c2e71", "http://x.example/b") == "session-param"
    assert alias_reason("http://x.example/n/index.php?id=2", "http://x.example/n/?id=2") == "default-document"
    assert alias_reason("http://x.example/old/2", "http://x.example/n/?id=2") is None
    urls = ["http://x.example/a.php?id=5&sid=8f3a9c2e71", "http://x.example/a.php?id=5", "http://x.example/b"]
    assert sorted(urls, key=url_rank) == ["http://x.example/b", "http://x.example/a.php?id=5", urls[0]]


def test_legacy_encoded_query_values_keep_their_bytes():
    # windows-1256 "ليبيا" and "ليبيب": two searches, two URLs (a UTF-8 decode would make both U+FFFD)
    a, b = "http://x.example/s.php?q=%E1%ED%C8%ED%C7", "http://x.example/s.php?q=%e1%ed%c8%ed%c8"
    assert canonicalize(a) == a
    assert canonicalize(b) == "http://x.example/s.php?q=%E1%ED%C8%ED%C8"
    assert canonicalize("http://x.example/s.php?q=ليبيا") == "http://x.example/s.php?q=%D9%84%D9%8A%D8%A8%D9%8A%D8%A7"


@pytest.mark.parametrize("url, expected", [
    # an escaped "/" is part of its segment: not a segment break, never a way up the tree (RFC 3986 2.2, 6.2.2.2)
    ("http://x.example/a/dot-slug/..%2f..%2fetc%2fpasswd", "http://x.example/a/dot-slug/..%2F..%2Fetc%2Fpasswd"),
    ("http://x.example/a/b%2Fc/d", "http://x.example/a/b%2Fc/d"),
    ("http://x.example/50%25-off/%D9%84", "http://x.example/50%25-off/%D9%84"),  # "%25" stays a literal "%"
    # unreserved escapes are still decoded, and "%2E%2E" still resolved like ".."
    ("http://x.example/a/%2E%2E/b%7Ec", "http://x.example/b~c"),
    ("http://x.example/a/%d9%84%2f%d9%8a", "http://x.example/a/%D9%84%2F%D9%8A"),
])
def test_reserved_escapes_keep_their_meaning(url, expected):
    assert canonicalize(url) == expected
    assert canonicalize(expected) == expected

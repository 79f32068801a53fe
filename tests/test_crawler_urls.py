"""URL canonicalisation: one article, one row."""

from __future__ import annotations

import pytest

from crawler.urls import canonicalize, choose_canonical


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

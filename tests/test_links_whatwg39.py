"""A page's, feed's or sitemap's links are read as a browser reads them (stop 39, hostile web round nine's left-over).

Before, ``<a href="\\\\host/x">`` was joined by RFC 3986 and fetched as a path of the outlet (``/a/%5C%5Chost/x``):
nothing reached the other host, but the URL was no browser's, and the same link got another identity than its
redirect did (crawler/fetch/whatwg.py reads redirects, refreshes and ``<base>`` that way since round nine).
"""

from __future__ import annotations

from crawler.discovery.parsers import absolute_url, page_links

BASE = "http://outlet.example/a/page.html"


def test_backslashes_are_slashes_in_a_link():
    assert absolute_url(BASE, "\\\\other.example/x") == "http://other.example/x"
    assert absolute_url(BASE, "/\\other.example/x") == "http://other.example/x"
    assert absolute_url(BASE, "news\\12") == "http://outlet.example/a/news/12"
    assert absolute_url(BASE, "/news/12?q=a\\b") == "http://outlet.example/news/12?q=a\\b"  # the query keeps its own


def test_a_page_link_with_backslashes_names_the_host_a_browser_would_go_to():
    html = '<html><body><a href="\\\\other.example/x">x</a> <a href="\\news\\7">y</a></body></html>'
    assert page_links(html, BASE) == ["http://other.example/x", "http://outlet.example/news/7"]


def test_ordinary_links_are_joined_as_before():
    assert absolute_url(BASE, "../b/c") == "http://outlet.example/b/c"
    assert absolute_url(BASE, "//cdn.example/y") == "http://cdn.example/y"
    assert absolute_url(BASE, "https://x.example/z") == "https://x.example/z"
    assert absolute_url(BASE, "http://[x/") is None


def test_the_fast_path_reads_every_form_as_the_full_reading_does():
    # browser_join skips browser_reference for a reference urljoin reads alike (nearly every link: ~5 us less a link)
    from urllib.parse import urljoin

    from crawler.fetch.whatwg import browser_join, browser_reference

    forms = ["\\\\host/x", "/\\host/x", "https:host/x", "///host/x", " /a ", "a\tb", "http:///h/x", "mailto:x@y",
             "http:a/b", "/news/1", "//cdn.example/x", "?q=1", "#frag", "../a", "https://x.example/y",
             "HTTP://X.example/Y", "ftp:x", "a:b", "./x:y", "javascript:void(0)", "//h/a\\b", "news/1?x=a\\b"]
    for base in ("http://o.example/a/b.html", "https://o.example/a/"):
        for form in forms:
            assert browser_join(base, form) == urljoin(base, browser_reference(form, base)), (base, form)

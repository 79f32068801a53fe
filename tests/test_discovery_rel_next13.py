"""A listing's ``<link rel="next">`` is one of its links (unseen styles round 13: Ghost's Casper theme prints no
pager; its infinite scroll fetches ``/page/2/``, which only the head's rel=next names, so a crawl walking
``follow_urls`` never reached the older posts that no sitemap lists)."""

from __future__ import annotations

from crawler.discovery.parsers import dated_page_links, page_links

HEAD = ('<html><head><link rel="stylesheet" href="/assets/built/screen.css"><link rel="alternate" '
        'type="application/rss+xml" href="/rss/"><link rel="canonical" href="https://blog.example.ly/">'
        '<link rel="amphtml" href="/post/amp/"><link rel="prev" href="/">{next}</head>')


def test_a_head_rel_next_is_a_link_of_the_page():
    page = HEAD.format(next='<link rel="next" href="https://blog.example.ly/page/2/">') + (
        '<body><article><a href="/post-one/">one</a></article></body></html>')
    assert page_links(page, "https://blog.example.ly/") == ["https://blog.example.ly/page/2/",
                                                             "https://blog.example.ly/post-one/"]


def test_no_other_head_link_is_one():
    """Stylesheets, feeds, canonicals, AMP views and rel=prev are not walked as listing links."""
    page = HEAD.format(next="") + '<body><a href="/post-one/">one</a></body></html>'
    assert [link.url for link in dated_page_links(page, "https://blog.example.ly/")] == [
        "https://blog.example.ly/post-one/"]


def test_a_nofollow_next_is_not_one():
    page = HEAD.format(next='<link rel="next nofollow" href="/page/2/">') + "<body></body></html>"
    assert page_links(page, "https://blog.example.ly/") == []

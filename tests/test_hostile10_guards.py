"""Round ten's bounds called directly, sending nothing: a listing page's links read in bounded time and memory
(crawler/discovery/pagelinks.py), a JSON Feed's items held as an XML feed's are, and a byline cut to its bound.

The crawl's side of the round (requests led off the outlet, the listing trap, a declared URL of 100,000 characters)
is tests/test_hostile10_crawl.py.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from crawler.discovery import pagelinks, parsers
from crawler.extraction.author import MAX_AUTHOR_CHARS, bounded_author
from tests.helpers import ROOT


def test_a_listing_past_the_streams_bound_is_read_to_its_bound_in_page_order() -> None:
    """Every link was joined and handed on (1.5 million took 67 s of the reactor's time and 1 GB); now the first
    50,000 distinct ones, in page order. The page is past both of the stream's bounds (TREE_MAX_MARKUP tags, so it is
    streamed; STREAM_MAX_ANCHORS anchors, so the stream stops): a few thousand anchors past them show it as 300,000
    did, at two thirds of the work."""
    count = pagelinks.STREAM_MAX_ANCHORS + 5_000
    assert 2 * count > pagelinks.TREE_MAX_MARKUP  # two tags an anchor
    page = "<html><body>" + "".join(f'<a href="/a/{n}">x</a>' for n in range(count)) + "</body></html>"
    links = parsers.dated_page_links(page, "http://h.example/")
    assert len(links) == parsers.SITEMAP_MAX_LINKS
    assert [link.url for link in links[:2]] == ["http://h.example/a/0", "http://h.example/a/1"]
    assert links[-1].url == f"http://h.example/a/{parsers.SITEMAP_MAX_LINKS - 1}"


_RSS = """
import resource, sys
from crawler.discovery.parsers import dated_page_links
buf = bytearray(b"<html><body>")
for n in range(600_000):  # no list of 600,000 strings first: the peak before is the page's own bytes
    buf += b"<a href=/a/%d>x</a>" % n
page = (buf + b"</body></html>").decode()
del buf
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
links = dated_page_links(page, "http://h.example/")
print(len(links), (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) // 1024)
"""


def test_a_35_mb_listing_is_read_without_a_tree() -> None:
    """1.5 million links in 35 MB built a tree of about 700 MB in the crawl process (the peak rose by 1 GB with the
    links); past TREE_MAX_MARKUP the page is read as a stream of parser events. Measured in a fresh process, on
    600,000 links (14 MB): past both of the stream's bounds, and their tree alone (about 280 MB) would pass 150 MB."""
    run = subprocess.run([sys.executable, "-c", _RSS], capture_output=True, text=True, cwd=ROOT, timeout=300,
                         check=True)
    count, grown_mb = map(int, run.stdout.split())
    assert count == parsers.SITEMAP_MAX_LINKS
    assert grown_mb < 150, grown_mb


PAGE = """<html><head><base href="/news/"></head><body>
<a href="1?b=2&a=1">one</a><a href="1?a=1&b=2#c">one again</a><a href=" 2 ">two</a>
<a href="#top">top</a><a href="javascript:x()">js</a><a href="mailto:a@b">m</a><a href="3" rel="NoFollow">nf</a>
<map><area href="/maps/4"></map><a href="http://[x/">bad</a><a href="\\\\other.example/5">bs</a>
<a href="ftp://h.example/6">ftp</a><a>none</a></body></html>"""


@pytest.mark.parametrize("markup", [PAGE, PAGE.encode()])
def test_the_stream_reads_the_links_the_tree_reads(monkeypatch: pytest.MonkeyPatch, markup: str | bytes) -> None:
    tree = parsers.page_links(markup, "http://h.example/")
    assert tree == ["http://h.example/news/1?b=2&a=1", "http://h.example/news/2", "http://h.example/maps/4",
                    "http://other.example/5"]
    monkeypatch.setattr(pagelinks, "TREE_MAX_MARKUP", 0)
    assert parsers.page_links(markup, "http://h.example/") == tree


def test_the_stream_stops_at_its_bound_of_anchors(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pagelinks, "TREE_MAX_MARKUP", 0)
    monkeypatch.setattr(pagelinks, "STREAM_MAX_ANCHORS", 10)
    page = "".join(f'<a href="/a/{n}">x</a>' for n in range(100))
    assert len(parsers.page_links(page, "http://h.example/")) == 10


def test_a_json_feed_holds_its_newest_items_up_to_the_bound() -> None:
    """An XML feed holds 50,000 items at most; a JSON Feed's were all joined and handed on (700,000 took 30 s of the
    reactor's time). Now the newest, as of an XML feed, in document order; a page's first item stands."""
    # 70,000 items (120,000 before: the same bound, shown at about half the work)
    items = [{"url": f"/a/{n}", "date_published": f"2026-01-{1 + n % 28:02d}T00:00:00Z"} for n in range(70_000)]
    # the days the newest 49,999 hold (the first item stands besides): 2026-01-09 to 2026-01-28
    newest = {item["date_published"][:10]
              for item in sorted(items, key=lambda i: i["date_published"])[-(parsers.SITEMAP_MAX_LINKS - 1):]}
    assert len(newest) < 28  # the oldest days are left out
    items.insert(0, {"url": "/a/69999#copy", "title": "first", "date_published": "2026-02-01T00:00:00Z"})
    body = json.dumps({"version": "https://jsonfeed.org/version/1.1", "items": items}).encode()
    links = parsers.parse_feed(body, "http://h.example/feed.json")
    assert len(links) == parsers.SITEMAP_MAX_LINKS
    assert links[0].url == "http://h.example/a/69999#copy" and links[0].title == "first"
    assert {link.published[:10] for link in links[1:]} <= newest
    assert "http://h.example/a/69999" not in {link.url for link in links}  # a copy of the first item's page


def test_a_small_json_feed_reads_as_before() -> None:
    body = json.dumps({"items": [{"id": "http://h.example/a/1", "title": "t\udc00"}, {"url": "/a/2"}, {"url": 5},
                                 {"url": "/a/1"}, "x"]}).encode()
    links = parsers.parse_feed(body, "http://h.example/f.json")
    assert [(link.url, link.title) for link in links] == [("http://h.example/a/1", "t\ufffd"),
                                                          ("http://h.example/a/2", None)]


def test_a_byline_is_cut_at_a_word_to_its_bound() -> None:
    """A ``<meta name=author>`` of a megabyte was stored whole (catalogue, exports, reading room)."""
    long = bounded_author("كاتب " * 200_000)
    assert long is not None and len(long) <= MAX_AUTHOR_CHARS and long.endswith("كاتب…")
    unbroken = bounded_author("x" * 5_000)
    assert unbroken == "x" * (MAX_AUTHOR_CHARS - 1) + "…"
    for ordinary in (None, "", "محمد علي; سارة أحمد", "y" * MAX_AUTHOR_CHARS):
        assert bounded_author(ordinary) == ordinary

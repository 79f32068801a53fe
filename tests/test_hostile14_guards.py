"""Round fourteen's checks called directly, sending nothing: a gzip body of many members inflated in linear time
(crawler/discovery/gunzip.py), a ``Retry-After`` of more digits than a float holds (crawler/fetch/limits.py
``parse_retry_after``), and JSON holding an integer past Python's int-string limit (crawler/discovery/jsonbound.py
``loads``).

The budgets are CPU time (``time.process_time``), a tenth or less of what each case cost before.
tests/test_hostile14_crawl.py tries them in a crawl.
"""

from __future__ import annotations

import gzip
import time

import pytest

from crawler.discovery.parsers import MAX_GUNZIP, gunzip_whole, parse_feed, parse_sitemap
from crawler.fetch.limits import parse_retry_after

EMPTY = gzip.compress(b"", mtime=0)  # one empty member: 20 bytes
URLSET = gzip.compress(b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>http://h/a/1</loc>'
                       b"</url></urlset>", mtime=0)


def test_many_gzip_members_inflate_in_linear_time() -> None:
    """100,000 empty members (2 MB) before a sitemap's own: each member's leftover input was copied whole (``rest =
    d.unused_data``), quadratic: 40,000 took 0.8 s, 100,000 about 5 s in a fresh process and 40 s in a crawl's
    (a 32 MiB file holds 1.6 million: hours of the reactor). Now the input is handed over in pieces."""
    body = EMPTY * 100_000 + URLSET
    started = time.process_time()
    doc = parse_sitemap(body, "http://h/sitemap.xml.gz")
    assert time.process_time() - started < 0.5
    assert [link.url for link in doc.links] == ["http://h/a/1"] and doc.complete


def test_a_feed_of_many_members_is_read_too() -> None:
    body = EMPTY * 50_000 + gzip.compress(b'<rss version="2.0"><channel><item><link>http://h/a/2</link></item>'
                                          b"</channel></rss>", mtime=0)
    started = time.process_time()
    assert [link.url for link in parse_feed(body, "http://h/feed.xml.gz")] == ["http://h/a/2"]
    assert time.process_time() - started < 0.5


@pytest.mark.parametrize("cut", [1, 7, 19, 25, 400])
def test_members_cut_or_padded_read_as_before(cut: int) -> None:
    """A body cut inside a member is not whole; padding after the last member is ignored; a member split across the
    pieces the input is handed over in is read whole."""
    big = gzip.compress(bytes(range(256)) * 4000, mtime=0)  # incompressible enough to span several pieces
    body = EMPTY * 3 + big + URLSET
    assert gunzip_whole(body) == (bytes(range(256)) * 4000 + gzip.decompress(URLSET), True)
    assert gunzip_whole(body[:-cut])[1] is False
    assert gunzip_whole(body + b"\0" * cut)[1] is True


def test_the_inflated_bound_still_holds_across_members() -> None:
    bomb = gzip.compress(b"\0" * (8 << 20), mtime=0)
    with pytest.raises(ValueError):
        gunzip_whole(bomb * (MAX_GUNZIP // (8 << 20) + 1))


@pytest.mark.parametrize("digits", [309, 400, 4301, 16_000])
def test_a_retry_after_of_hundreds_of_digits_is_the_longest_wait(digits: int) -> None:
    """``Retry-After: 999...`` past what a float holds (309 digits) raised OverflowError in the back-off's signal
    handler, past 4,300 digits ValueError (Python's int-string limit): an ERROR, no back-off. It is now an
    infinite wait, which the back-off caps at CRAWL_RETRY_AFTER_MAX."""
    assert parse_retry_after("9" * digits) == float("inf")
    assert parse_retry_after("120") == 120.0 and parse_retry_after("0042") == 42.0


BIG = "7" * 5000  # past Python's int-string limit (4,300 digits): json.loads raised ValueError


def test_a_json_feed_holding_an_integer_of_5000_digits_keeps_its_items() -> None:
    """One such number anywhere in a JSON Feed lost every item (``empty-feed``)."""
    body = ('{"version": "https://jsonfeed.org/version/1.1", "items": [{"id": %s, "url": "http://h/a/1"}, '
            '{"url": "http://h/a/2", "_x": {"n": -%s}}]}' % (BIG, BIG)).encode()
    assert [link.url for link in parse_feed(body, "http://h/feed.json")] == ["http://h/a/1", "http://h/a/2"]


def test_json_ld_holding_an_integer_of_5000_digits_keeps_its_byline() -> None:
    """An article's JSON-LD with a ``wordCount`` of 5,000 digits was unreadable: its byline and headline lost."""
    from crawler.extraction.article import extract_article
    from tests.hostile9.site import page

    ld = ('<script type="application/ld+json">{"@type": "NewsArticle", "headline": "عنوان من البيانات", '
          '"author": {"@type": "Person", "name": "سالم أحمد"}, "wordCount": %s}</script>' % BIG)
    article = extract_article(page("عنوان الخبر", head=ld), "http://h/a/1")
    assert article.author == "سالم أحمد"


def test_json_integers_stay_integers_up_to_the_bound() -> None:
    from crawler.discovery.jsonbound import INT_MAX_DIGITS, loads

    assert loads('{"a": 12, "b": -3, "c": 1.5}') == {"a": 12, "b": -3, "c": 1.5}
    assert loads("9" * INT_MAX_DIGITS) == int("9" * INT_MAX_DIGITS)
    assert loads(BIG) == float("inf") and loads("-" + BIG) == float("-inf")

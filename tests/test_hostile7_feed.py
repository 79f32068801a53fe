"""A JSON Feed with one member nested past Python's recursion limit keeps its items (stop 37's hostile probe)."""

from __future__ import annotations

import json

from crawler.discovery.parsers import _shallow_json, parse_json_feed


def test_a_deeply_nested_member_does_not_lose_the_feeds_items() -> None:
    deep = "[" * 100_000 + "]" * 100_000  # json.loads raised RecursionError, read as "no entries" (empty-feed)
    feed = ('{"version": "https://jsonfeed.org/version/1.1", "title": "t", "_x": %s, "items": ['
            '{"id": "1", "url": "http://127.0.0.1/a/1", "title": "خبر [ { \\" ]"}]}' % deep).encode()
    links = parse_json_feed(feed, "http://127.0.0.1/feed.json")
    assert [(link.url, link.title) for link in links] == [("http://127.0.0.1/a/1", 'خبر [ { " ]')]


def test_the_cut_keeps_strings_and_shallow_values_whole() -> None:
    body = b'{"a": [[[1]]], "s": "[[{{\\"", "b": {"c": [1, 2]}, "d": 3}'
    assert json.loads(_shallow_json(body, max_depth=2)) == {"a": [None], "s": '[[{{"', "b": {"c": None}, "d": 3}
    assert json.loads(_shallow_json(body)) == json.loads(body)  # nothing as deep as the default: unchanged

"""A left-over of hostile web round five, closed by the lead: the pull-quote search looks at a bounded number of quote
blocks (the other, the crawl asking for no zstd, is checked on the round's crawl in tests/test_hostile5_crawl.py)."""

from __future__ import annotations

import time

from lxml import html as lxml_html

from crawler.extraction.article import extract_article
from crawler.extraction.pullquotes import PULL_QUOTE_MAX_BLOCKS, drop_pull_quotes


def _page(quotes: int) -> str:
    sentence = "The council met in Tripoli on Sunday to discuss the security situation in the city"
    story = "".join(f"<p>{sentence} number {i}. Officials said talks would go on.</p>" for i in range(quotes))
    blocks = "".join(f"<blockquote>{sentence} number {i}.</blockquote>" for i in range(quotes))
    return f"<html><body><article><h1>Council meets</h1>{story}{blocks}</article></body></html>"


def test_the_pull_quote_search_looks_at_a_bounded_number_of_blocks() -> None:
    root = lxml_html.fromstring(_page(PULL_QUOTE_MAX_BLOCKS + 50))
    quotes = list(root.iter("blockquote"))
    # every block repeats a sentence of the story: the first PULL_QUOTE_MAX_BLOCKS go, the rest stay as they are
    assert drop_pull_quotes(root, quotes) == PULL_QUOTE_MAX_BLOCKS
    assert len(list(root.iter("blockquote"))) == 50


def test_thousands_of_quote_blocks_cost_seconds_not_minutes() -> None:
    page = (
        "<html><head><title>T</title></head><body><article><h1>Council meets</h1><p>"
        + "The council met in Tripoli on Sunday to discuss the security situation in the city. " * 20
        + "</p>"
        + "<blockquote>x</blockquote>" * 10_000
        + "</article></body></html>"
    )
    started = time.process_time()  # CPU time: a loaded machine cannot fail it
    extract_article(page, "https://example.com/news/a")
    assert time.process_time() - started < 30  # 36 s before the budget on an idle machine, 1.5 s with it

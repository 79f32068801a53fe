"""crawler.extraction.page_index: one walk of a page for the elements its readers look up, the same as walking each."""

from __future__ import annotations

import gc
from copy import deepcopy

import lxml.html
import pytest

from crawler.extraction import page_index
from crawler.extraction.article import _parse
from crawler.extraction.date_text import _title_texts, headline_element
from crawler.extraction.page_index import ALL, INDEXED_TAGS, document_elements, elements

PAGE = (
    "<!DOCTYPE html><html><head><title>Road reopens | Site</title><meta property='og:title' content='Road reopens'>"
    "<meta name=author content='A. Writer'><link rel=canonical href='/a'><script type='application/ld+json'>{}</script>"
    "</head><body><header><h1><a href='/'><img src=logo.png alt=Site></a></h1></header><main><article>"
    "<h1>Road reopens</h1><time datetime='2024-05-01'>1 May</time><p>Text <a href='/b'>link</a></p>"
    "<svg><title>icon</title></svg></article></main><a>no href</a><script>var x;</script></body></html>"
)


def test_elements_are_those_a_walk_finds_per_tag() -> None:
    """Each indexed tag's elements in document order, and ALL of them in document order, from one walk."""
    root = _parse(PAGE)
    for tag in INDEXED_TAGS:
        assert elements(root, tag) == list(root.iter(tag))
        assert document_elements(root, tag) == root.xpath(f"//{tag}")
    assert elements(root, ALL) == list(root.iter(*INDEXED_TAGS))
    assert document_elements(root, "title", "meta") == root.xpath("//title | //meta")
    assert elements(root, "a") is elements(root, "a")  # walked once: the same list on every call


def test_a_subtree_and_a_copy_have_indexes_of_their_own() -> None:
    """An element other than the root is indexed for its own subtree; a copy (pruned later) for itself."""
    root = _parse(PAGE)
    article = root.find(".//article")
    assert elements(article, "h1") == list(article.iter("h1")) != elements(root, "h1")
    elements(root, "h1")
    copy = deepcopy(root)  # as extract_body prunes its copy of the page: changed before any reading of it
    copy.find(".//main").drop_tree()
    assert elements(copy, "h1") == list(copy.iter("h1")) != elements(root, "h1")
    assert len(elements(copy, "h1")) == 1 and len(elements(root, "h1")) == 2


def test_an_index_goes_with_its_tree() -> None:
    """Indexes are held under weak references: a tree no longer used leaves nothing behind."""
    root = _parse(PAGE)
    elements(root, "meta")
    held = len(page_index._INDEXES)
    del root
    gc.collect()
    assert len(page_index._INDEXES) == held - 1


@pytest.mark.parametrize("html", [
    PAGE,
    "<div><h1>A fragment's headline</h1><p>body</p></div>",  # lxml.html.fromstring gives the <div>, not the root
    "<html><head><title>T</title></head><body><h1>One</h1></body></html><h1>after the end</h1><title>Two</title>",
    "<html><body><h1>Headline without an article</h1><p>x</p></body></html>",
])
def test_the_headline_readers_find_what_their_xpaths_found(html: str) -> None:
    """The date search's headline and title texts on the index are those of its XPaths, whatever the document."""
    root = lxml.html.fromstring(html)
    headlines = root.xpath("//article//h1 | //main//h1") or root.xpath("//h1")
    assert document_elements(root, "h1") == root.xpath("//h1")
    assert _title_texts(root) == root.xpath("//title/text() | //meta[@property='og:title']/@content")
    headline = headline_element(root)
    assert headline is None if not headlines else headline in headlines

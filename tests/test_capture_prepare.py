"""The worker's preparation of an article: one tokenisation feeds relevance, story shingles and the search index."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from archive.corpus import stories
from archive.corpus.arabic import tokens
from archive.corpus.search import index_text, index_words
from archive.corpus.textfiles import render
from archive.records import ExtractedArticle
from crawler.capture.config import ArchiveConfig
from crawler.capture.prepare import prepare
from crawler.relevance.judge import judge, load_lexicon

DEMO = Path(__file__).resolve().parents[1] / "crawler" / "demo" / "data" / "articles.json"


@pytest.fixture(scope="module")
def lexicon():
    return load_lexicon(ArchiveConfig.from_settings({}).lexicon)


def demo_articles() -> list[ExtractedArticle]:
    """The demo site's articles (real Arabic news text), plus bodies and titles with awkward edges."""
    out = [ExtractedArticle(url=f"http://127.0.0.1/{a['key']}", title=a["title"], paragraphs=tuple(a["paragraphs"]))
           for a in json.loads(DEMO.read_text(encoding="utf-8"))["articles"]]
    body = out[0].paragraphs
    # a title ending in a diacritic or a zero-width joiner, a body opening with one, an empty title, digits, Latin
    edge = "http://127.0.0.1/edge"
    out += [ExtractedArticle(url=f"{edge}1", title="قوات الوفاقَ\u200d", paragraphs=("\u064eقال " + body[0],)),
            ExtractedArticle(url=f"{edge}2", title="", paragraphs=body),
            ExtractedArticle(url=f"{edge}3", title="Tripoli ١٠ ـــ", paragraphs=("ﻻ", "FOO_bar", *body[:2]))]
    return out


@pytest.mark.parametrize("article", demo_articles(), ids=lambda a: a.url.rsplit("/", 1)[1])
def test_prepare_equals_each_part_computed_on_its_own(article, lexicon):
    prepared = prepare(article, lexicon)
    shingles = stories.ordered_shingles(article.text)
    assert prepared.relevance == judge(article.title, article.text, lexicon)
    assert list(prepared.shingles) == shingles
    assert prepared.story_keys == tuple(stories.lsh_keys(shingles))
    assert prepared.search_text == index_text(article.title, article.text)
    assert prepared.rendered == render(article.title, article.paragraphs)


@pytest.mark.parametrize("article", demo_articles(), ids=lambda a: a.url.rsplit("/", 1)[1])
def test_a_title_and_body_tokenised_apart_are_the_two_tokenised_together(article):
    # what prepare relies on to hand index_words the title's and the body's tokens instead of tokenising again
    words = tokens(article.title) + tokens(article.text)
    assert words == tokens(f"{article.title}\n{article.text}")
    assert index_words(words) == index_text(article.title, article.text)

"""The worker's preparation of an article: one tokenisation feeds relevance, story shingles and the search index."""

from __future__ import annotations

import json
import pickle
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict
from multiprocessing.reduction import ForkingPickler
from pathlib import Path

import pytest

from archive.corpus import search, stories
from archive.corpus.arabic import stem_forms, tokens
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


def test_a_prepared_crosses_processes_sealed_and_opens_on_first_read(lexicon):
    # the crawl process passes a worker's Prepared on to the writer without unpickling its fields (issue 10)
    prepared = prepare(demo_articles()[0], lexicon)
    received = pickle.loads(ForkingPickler.dumps(prepared))  # in the crawl process
    assert "relevance" not in vars(received)  # still sealed
    passed_on = pickle.loads(ForkingPickler.dumps(received))  # in the writer: the same bytes went on
    assert pickle.dumps(received) == pickle.dumps(prepared)
    assert passed_on.search_text == prepared.search_text and "relevance" in vars(passed_on)  # one read opens all
    assert "_sealed" not in vars(passed_on)  # the blob is not kept beside its fields
    assert pickle.loads(pickle.dumps(passed_on)) == prepared  # an opened one is sealed again when pickled
    assert passed_on == prepared and received == prepared
    assert asdict(passed_on) == asdict(prepared) and list(passed_on.shingles) == list(prepared.shingles)
    with pytest.raises(AttributeError):
        received.nothing  # noqa: B018


def test_threads_opening_one_sealed_prepared_all_read_its_fields(lexicon):
    prepared = prepare(demo_articles()[0], lexicon)
    for _ in range(20):
        sealed = pickle.loads(pickle.dumps(prepared))
        with ThreadPoolExecutor(8) as pool:
            read = list(pool.map(lambda name, p=sealed: getattr(p, name), ["relevance", "search_text", "rendered"] * 8))
        assert read == [prepared.relevance, prepared.search_text, prepared.rendered] * 8


def test_the_search_texts_word_cache_is_bounded(monkeypatch):
    words = tokens("\n".join(demo_articles()[0].paragraphs))
    expected = " ".join(form for word in words for form in stem_forms(word))
    assert index_words(words) == expected and index_words(iter(words)) == expected
    monkeypatch.setattr(search, "_JOINED_MAX", 5)
    monkeypatch.setattr(search, "_JOINED", search._JoinedForms())
    assert index_words(words) == expected
    index_words(words[:3])  # the full cache is renewed before joining
    assert len(search._JOINED) == 3


def test_a_page_whose_extraction_runs_over_its_time_is_a_failure_not_a_hang(monkeypatch):
    # a hostile page once held a worker for hours in a backtracking regex (crawler/extraction/author.py, stop 35):
    # EXTRACT_TIMEOUT gives each page a limit, and the page is recorded as extract-timeout
    import signal
    import time

    import crawler.extraction.article as article_module
    from crawler.capture import prepare as prepare_module

    def endless(html, url, *args, **kwargs):
        while True:  # a pure-Python loop, as a runaway pattern's caller would be
            time.sleep(0.01)

    monkeypatch.setattr(article_module, "extract_article", endless)
    monkeypatch.setattr(prepare_module, "_TIMEOUT", 0.3)
    before = signal.getsignal(signal.SIGALRM)
    # the loop never ends by itself: returning at all is the limit at work
    result, prepared = prepare_module.extract_page(b"<html><body><p>x</p></body></html>", "text/html", "http://x.test/a")
    assert result.reason == "extract-timeout" and "EXTRACT_TIMEOUT" in result.detail and prepared is None
    assert signal.getsignal(signal.SIGALRM) is before and signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_the_time_limit_reaches_the_pool_from_the_settings():
    config = ArchiveConfig.from_settings({"EXTRACT_TIMEOUT": "12.5"})
    assert config.extract_timeout == 12.5
    assert ArchiveConfig.from_settings({}).extract_timeout == 60.0

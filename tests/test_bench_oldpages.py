"""The old-pages body benchmark's pieces (benchmarks/bench_oldpages_body.py): gold readers, halves, scorers."""

from __future__ import annotations

from collections import Counter

import pytest

from benchmarks.bench_oldpages_body import (
    CORPORA,
    FIXTURE_BYTES,
    _first_copies,
    load_sets,
    recall,
    starts_with_gold,
)

NO_CORPORA = pytest.mark.skipif(
    not (CORPORA / "newspaper4k-tests").exists() or not (CORPORA / "goose3-tests").exists(),
    reason=f"newspaper4k-tests or goose3-tests not found under {CORPORA} (../shared/corpora)",
)


def test_recall_counts_the_gold_tokens_the_body_holds_as_a_multiset() -> None:
    assert recall("Washington (CNN) -- Democrats pledged", "washington cnn democrats pledged on friday") == 1.0
    assert recall("the war and the peace", "the war") == pytest.approx(2 / 5)  # "the" twice in the gold, once read
    assert recall("Democrats pledged", "") == 0.0
    assert recall("", "anything") == 1.0  # an empty gold asks for nothing


def test_starts_with_gold_wants_the_gold_opening_first() -> None:
    gold = "Washington (CNN) -- Democrats pledged Friday to make Social Security a campaign issue this fall."
    assert starts_with_gold(gold, "WASHINGTON (CNN) — Democrats pledged Friday to make Social Security a campaign")
    assert not starts_with_gold(gold, "By Ed Hornick, CNN\nWashington (CNN) -- Democrats pledged Friday to make")
    assert not starts_with_gold(gold, "Washington (CNN) -- Democrats")  # shorter than the gold's first ten tokens
    assert starts_with_gold("This is the real content", "This is the real content. More follows.")  # short gold
    assert not starts_with_gold("", "anything")


def test_first_copies_keeps_one_entry_per_page_under_its_first_name() -> None:
    pages = [("b_copy", b"<html>same</html>", "u2", "gold b"), ("a_first", b"<html>same</html>", "u1", "gold a"),
             ("c_other", b"<html>other</html>", "u3", "gold c")]
    assert [name for name, *_ in _first_copies(pages)] == ["a_first", "c_other"]


@NO_CORPORA
def test_the_sets_read_as_recorded_with_fixed_halves() -> None:
    pages, half = load_sets()
    keys = [key for key, *_ in pages]
    assert len(keys) == len(set(keys)) == 63
    counts = Counter((key.split("/")[0], half[key]) for key in keys)
    assert counts == {("newspaper4k", "tune"): 13, ("newspaper4k", "kept-aside"): 9,
                      ("goose3", "tune"): 25, ("goose3", "kept-aside"): 16}
    # one page in both sets sits in one half; goose3's fixtures and repeated pages are left out
    assert half["goose3/test_cnn_arabic"] == half["newspaper4k/arabic_article"]
    assert "goose3/test_pattern_config" not in half and "goose3/test_businessWeek4" not in half
    assert "newspaper4k/cleveland.com1" in half and "newspaper4k/video_article_01" not in half
    assert all(len(data) >= FIXTURE_BYTES for key, data, _, _ in pages if key.startswith("goose3/"))


@NO_CORPORA
def test_the_gold_texts_are_the_full_article_or_the_start_of_it() -> None:
    pages = {key: (data, url, gold) for key, data, url, gold in load_sets()[0]}
    data, url, gold = pages["newspaper4k/arabic_article"]
    assert url == "http://arabic.cnn.com/2013/middle_east/8/3/syria.clashes/index.html"
    assert gold.startswith("دمشق، سوريا") and len(gold.split()) > 300  # the whole CNN Arabic story
    _, url, gold = pages["newspaper4k/latvian_article"]  # no metadata file: the placeholder url
    assert url == "http://example.com/latvian_article" and gold.startswith("Norvēģijas glābšanas komanda")
    _, url, gold = pages["goose3/test_cnn1"]
    assert gold == "Washington (CNN) -- Democrats pledged " and url.startswith("http://www.cnn.com/2010/POLITICS/")
    assert pages["goose3/test_gizmodo1"][2].count("\n") > 20  # the one goose3 gold that is the whole article

"""Tests of crawler.extraction.body: how many times trafilatura reads a page, and which reading is kept."""

from __future__ import annotations

import gzip
import json
from collections import Counter
from pathlib import Path

import lxml.html
import pytest

from crawler.extraction import body
from crawler.extraction.body import extract_body, shown_paragraphs, tokens, unread_prose

# ../shared beside the project (CI clones the project next to it)
ZYTE = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "article-extraction-benchmark"

STORY = (
    "The council of Misrata voted on Monday to reopen the coastal road closed for three weeks.",
    "Residents said the closure doubled travel times to Tripoli and cut the farmers off from markets.",
    "Engineers cleared the unexploded ordnance found near the bridge over the wadi last week.",
    "Traffic police expect the first lorries on Wednesday once the barriers near the port are gone.",
    "The mayor thanked the volunteers who worked at night to repair the damaged culverts.",
)
MODERN_PAGE = (
    "<html><head><title>Coastal road reopens</title></head><body>"
    '<nav><a href="/">Home</a> <a href="/news">News</a> <a href="/sport">Sport</a></nav>'
    "<main><article><h1>Coastal road reopens</h1>" + "".join(f"<p>{s}</p>" for s in STORY) + "</article></main>"
    '<aside><h2>Most read</h2><ul><li><a href="/n/7">Ten things to see in Misrata this summer</a></li></ul></aside>'
    "<footer>All rights reserved</footer></body></html>"
)


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[dict]:
    """The options of every trafilatura reading extract_body asks for (the readings themselves are real)."""
    seen: list[dict] = []
    real = body.read

    def counted(tree, url, **options):
        seen.append(options)
        return real(tree, url, **options)

    monkeypatch.setattr(body, "read", counted)
    return seen


def test_a_page_with_nothing_to_normalise_is_read_once_with_the_same_body(
        reads: list[dict], monkeypatch: pytest.MonkeyPatch) -> None:
    root = lxml.html.document_fromstring(MODERN_PAGE)
    once = extract_body(root, "http://misrata.example/news/1")
    assert reads == [{"favor_precision": True}]
    assert all(sentence in once for sentence in STORY)
    reads.clear()
    monkeypatch.setattr(body, "UNREAD_PROSE", -1.0)  # always check against the balanced reading, as before
    checked = extract_body(root, "http://misrata.example/news/1")
    assert reads == [{"favor_precision": True}, {}]
    assert checked == once
    assert lxml.html.tostring(root) == lxml.html.tostring(lxml.html.document_fromstring(MODERN_PAGE))  # unchanged


def test_a_legacy_layout_is_still_checked_against_the_untouched_reading(reads: list[dict]) -> None:
    cells = "".join(f"<td><font size=2>{sentence}</font></td>" for sentence in STORY[:3])
    page = (f"<html><head><title>Coastal road reopens</title></head><body><table border=0><tr>{cells}</tr></table>"
            f"<table><tr><td><div>{'<br><br>'.join(STORY[3:])}</div></td></tr></table></body></html>")
    paragraphs = extract_body(lxml.html.document_fromstring(page), "http://misrata.example/news/2")
    assert reads[:2] == [{}, {"favor_precision": True}]  # the reference first, then the normalised page
    text = "\n".join(paragraphs)
    assert all(sentence in text for sentence in STORY)


def test_shown_paragraphs_split_blocks_and_leave_scripts_out() -> None:
    page = lxml.html.document_fromstring(
        "<html><head><title>T</title><style>p {}</style></head><body>Lead line<div>First <b>bold</b> block"
        "<p>Inner paragraph</p>tail of the div</div><script>var x = 1;</script><td>cell</td>"
        "<select><option>Choose</option></select></body></html>")
    assert shown_paragraphs(page) == ("Lead line", "First bold block", "Inner paragraph", "tail of the div", "cell")


def test_unread_prose_counts_left_out_sentences_per_word_read() -> None:
    read = ("alpha beta gamma delta epsilon zeta",)
    unread = "one two three four five six seven eight"
    teaser = "red orange yellow green blue violet"
    shown = (read[0], unread, teaser, "Home page", "Most read today")  # labels under six words are not sentences
    assert unread_prose(read, shown, tokens([teaser])) == pytest.approx(8 / 6)  # link words do not count
    assert unread_prose(read, shown, Counter()) == pytest.approx(14 / 6)
    assert unread_prose(shown, shown, Counter()) == 0.0
    assert unread_prose((), shown, Counter()) == 20  # nothing read: every sentence word, per one word


@pytest.mark.skipif(not ZYTE.exists(), reason=f"Zyte benchmark corpus absent at {ZYTE}")
def test_a_precise_reading_that_cuts_into_the_story_is_checked(reads: list[dict]) -> None:
    """A real page (barrons.com) whose precise reading keeps 8 % of the story: the balanced reading is taken."""
    from crawler.extraction.article import _parse

    key = "f8ff621a0b9b7646cc0d57d37416feabba2bf78ef5dd0bfc5b080f9f97bbe584"
    truth = json.loads((ZYTE / "ground-truth.json").read_text())[key]["articleBody"]
    html = gzip.decompress((ZYTE / "html" / f"{key}.html.gz").read_bytes()).decode("utf-8", "replace")
    paragraphs = extract_body(_parse(html), "https://www.barrons.com/articles/home-depot-stock-earnings-report")
    assert reads[:2] == [{"favor_precision": True}, {}]
    gold = tokens([truth])
    assert sum((gold & tokens(paragraphs)).values()) / sum(gold.values()) >= 0.8

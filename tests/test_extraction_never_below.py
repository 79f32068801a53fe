"""Tests of the causes that left our body far below trafilatura's on some pages (issue 13), one synthetic page each."""

from __future__ import annotations

from collections import Counter

import lxml.html
import pytest

from crawler.extraction import body
from crawler.extraction.body import extract_body, lost_prose, tokens
from crawler.extraction.boilerplate import prune_boilerplate
from crawler.extraction.precision import left_out_short_prose

STORY = (
    "The water board of Sirte said on Tuesday that the new desalination plant will open in the spring.",
    "Engineers from Misrata finished the intake pipe last month after two years of delays at the port.",
    "The plant will supply the eastern districts, where taps have run dry for weeks every summer.",
    "Residents said tankers now charge three times what they did before the war for a load of water.",
)
NOTICE = "Reprints: this copy is for personal use only."  # a sentence, shorter than a lead (body.SPAN_WORDS)


def test_a_reference_that_reads_the_story_twice_does_not_count_the_second_copy_as_lost() -> None:
    """Some pages print the story twice (a print or reprint copy): the reading that holds it once lost nothing."""
    assert lost_prose(STORY, STORY + STORY, Counter()) == 0.0
    # a sentence left out still counts, once, and against the whole reference
    left_out = sum(tokens([STORY[-1]]).values())
    assert lost_prose(STORY[:-1], STORY + STORY, Counter()) == left_out / sum(tokens(STORY * 2).values())


def test_a_legacy_page_whose_reference_repeats_the_story_keeps_our_reading(monkeypatch: pytest.MonkeyPatch) -> None:
    """dragnet-train's tune half (a wire story with its reprint copy): the reference, read twice over, was kept."""
    page = lxml.html.document_fromstring(
        "<html><body><table><tr><td><a href='/'>Home</a></td><td>" + "".join(f"<p>{s}</p>" for s in STORY)
        + "</td></tr></table></body></html>")
    reference = (NOTICE, *STORY, NOTICE, *STORY)

    def answer(tree, url, **options):
        normalised = tree.find(".//table") is None
        return STORY if normalised and options.get("favor_precision") else reference

    monkeypatch.setattr(body, "read", answer)
    # before the change: half of the reference's sentence words "lost", over PROSE_LOSS
    assert lost_prose(STORY, reference, Counter()) < body.PROSE_LOSS
    assert extract_body(page, "http://sirte.example/news/water") == STORY


def test_a_short_linked_paragraph_is_checked_when_the_next_ones_wrapper_holds_an_ad_script() -> None:
    """Zyte's hawaiinewsnow page: the script in the next paragraph's wrapper hid that paragraph from the check."""
    cards = [f'<div class="card"><div class="content"><p>{STORY[0]}</p></div></div>',
             '<div class="card"><div class="content"><p>The plan was published on Monday in the '
             '<a href="/gazette/12">official gazette</a>.</p></div></div>',
             f'<div class="card"><div class="content"><p>{STORY[1]}</p><div class="slot"><div id="ad7"></div>'
             '<script>window.ads.push({slot: "ad7", size: [300, 250], lazy: true});</script></div></div></div>']
    page = lxml.html.document_fromstring(f"<html><body><div class='story'>{''.join(cards)}</div></body></html>")
    assert left_out_short_prose(page, STORY[:2]) == "The plan was published on Monday in the official gazette."
    # the check asks for the story on both sides: a last linked paragraph is not taken for a cut one
    assert left_out_short_prose(page, STORY[:1]) is None


def test_a_read_more_script_hook_round_a_description_is_not_pruned() -> None:
    """A description shown cut short with a button to read on (trafilatura's set: class="js_readmore") is the text."""
    description = "Four rooms, a garden and a view of the hills: " + " ".join(STORY[::-1])
    page = lxml.html.document_fromstring(
        "<html><body><main><h1>Holiday home by the lake</h1>" + "".join(f"<p>{s} {s}</p>" for s in STORY)
        + f'<p class="presentation-txt js_readmore">{description}</p>'
        '<div class="read-more"><a href="/homes/7">Read more</a></div>'
        '<div class="single-read-more"><h3>You may also like</h3>'
        + "".join(f'<a href="/homes/{i}">Another holiday home by the lake, number {i}</a>' for i in range(5))
        + "</div></main></body></html>")
    prune_boilerplate(page)
    text = " ".join(page.text_content().split())
    assert description in text  # under MAX_SHARE_OF_PAGE of the page's text: only being prose spares it
    assert "Read more" not in text and "number 3" not in text  # the link and the teaser box still go

"""Tests of crawler.extraction.precision: the story kept where trafilatura's precision mode would cut into it."""

from __future__ import annotations

import copy

import lxml.html
import pytest

from crawler.extraction import body, precision
from crawler.extraction.body import extract_body
from crawler.extraction.boilerplate import prune_boilerplate
from crawler.extraction.precision import keep_empty_tails, left_out_short_prose, lift_standfirsts
from crawler.extraction.reading import read

URL = "http://benghazi.example/news/2024/harbour-reopens"
STORY = (
    "The port authority of Benghazi reopened the old harbour on Sunday after eight months of dredging work.",
    "Fishermen who had moored their boats in Tobruk during the works began sailing back before dawn.",
    "The authority said the channel is now deep enough for the coastal ferries that stopped calling last year.",
    "Merchants in the old town expect the fish market beside the quay to open again within a fortnight.",
    "Divers removed two sunken barges and a crane that had blocked the northern berth since the war.",
    "The municipal council promised to repave the harbour road before the start of the summer season.",
    "Local traders asked for the customs office to return to the quay instead of the airport road.",
    "The ferry company said its first sailing to Misrata would leave on the first day of next month.",
    "Engineers will inspect the breakwater again in the autumn, when the winter storms are expected.",
)
LINKED = ('Dredging was paid for by <a href="/news/fund">a reconstruction fund</a> set up by the municipalities '
          "of the east.")
LINKED_TEXT = "Dredging was paid for by a reconstruction fund set up by the municipalities of the east."


def _block(html: str) -> str:
    """One paragraph as a modern site wraps it: a <div> in a <div> around each <p>."""
    return f'<div class="text-block"><div class="wrap"><p>{html}</p></div></div>'


def _page(blocks: list[str], header: str = "<header><h1>Old harbour reopens</h1></header>", after: str = "") -> str:
    """An article page: navigation, the article's header, its paragraph blocks, then ``after`` and a footer."""
    return ("<html><head><title>Old harbour reopens</title></head><body>"
            '<nav><a href="/">Home</a> <a href="/news">News</a> <a href="/sport">Sport</a></nav>'
            f"<main><article>{header}<div class='story'>{''.join(blocks)}</div>{after}</article></main>"
            "<footer>All rights reserved</footer></body></html>")


def _pruned(html: str) -> lxml.html.HtmlElement:
    """The page as extract_body reads it, before the precision guards."""
    page = lxml.html.document_fromstring(html)
    prune_boilerplate(page)
    return page


def test_keep_empty_tails_leaves_the_words_after_an_empty_element_in_place() -> None:
    page = lxml.html.fragment_fromstring(
        '<div><p><b>1925-40:</b> <b></b>"Head coach of the club from 1925 to 1940."</p>'
        '<p>He said <a href="/x"><span class="icon"></span>the road was closed</a> by the army.</p>'
        "<p><i>kept</i> as it is <span></span></p></div>")
    assert keep_empty_tails(page) == 2  # the trailing empty <span> has no tail to keep
    paragraphs = [p.text_content() for p in page.iter("p")]
    assert paragraphs[0] == '1925-40: "Head coach of the club from 1925 to 1940."'
    assert paragraphs[1] == "He said the road was closed by the army."
    assert page.find(".//a/span") is None and page.find(".//i") is not None and page.find(".//p/span") is not None


def test_an_empty_block_keeps_the_texts_on_either_side_apart() -> None:
    # minified markup: the clearfix <div> was all that separated two sentences (review of f5a5ff6)
    page = lxml.html.fragment_fromstring('<div><div class="text">Der Satz endet hier.<div class="clearfix"></div>'
                                         "Zweiter Satz.</div><p>Ein <b></b>Wort</p></div>")
    assert keep_empty_tails(page) == 2
    assert [e.text_content() for e in page] == ["Der Satz endet hier.\nZweiter Satz.", "Ein Wort"]


def test_text_after_an_empty_element_stays_in_the_body() -> None:
    blocks = [f"<p>{s}</p>" for s in STORY[:4]]
    blocks.append('<p><b>Sunday:</b> <b></b>"The harbour belongs to its fishermen again," the mayor told them.</p>')
    html = _page(blocks + [f"<p>{s}</p>" for s in STORY[4:]])
    precise = read(_pruned(html), URL, favor_precision=True)
    assert not any("belongs to its fishermen" in p for p in precise)  # what the guard is for (trafilatura 2.3.1)
    text = "\n".join(extract_body(lxml.html.document_fromstring(html), URL))
    assert '"The harbour belongs to its fishermen again," the mayor told them.' in text


def test_lift_standfirsts_moves_only_a_long_paragraph_out_of_the_article_header() -> None:
    standfirst = "After eight months of dredging the old harbour takes ferries and fishing boats again, the port says."
    page = lxml.html.document_fromstring(
        "<html><body><header><p>Benghazi news, every day, from the port to the desert and back again, since 1990</p>"
        f"</header><article><header><h1>Old harbour reopens</h1><p class='dek'>{standfirst}</p>"
        "<p>By Salem Ali, 12 May 2024</p></header><p>Story.</p></article></body></html>")
    assert lift_standfirsts(page) == 1
    header = page.find(".//article/header")
    assert header.getnext().get("class") == "dek"  # right after the header, in the article
    assert [p.text for p in header.iter("p")] == ["By Salem Ali, 12 May 2024"]  # a byline stays where it was
    assert page.find("body/header/p") is not None  # the site's header (no h1) is left alone


@pytest.mark.parametrize(
    "h1",
    ['<h1><a href="/"><img src="/logo.png" alt="Benghazi Post"></a></h1>', '<h1><a href="/index.php">Benghazi Post</a></h1>'],
)
def test_a_site_header_whose_h1_is_the_logo_keeps_its_blurb(h1: str) -> None:
    blurb = "Benghazi news every day, from the port to the desert and back again, since 1990, in Arabic and English."
    page = lxml.html.document_fromstring(f"<html><body><header>{h1}<p>{blurb}</p></header><p>Story.</p></body></html>")
    assert lift_standfirsts(page) == 0 and page.find("body/header/p") is not None


def test_a_standfirst_printed_again_in_the_story_is_not_lifted() -> None:
    standfirst = "After eight months of dredging the old harbour takes ferries and fishing boats again, the port says."
    page = lxml.html.document_fromstring(
        f"<html><body><article><header><h1>Old harbour reopens</h1><p>{standfirst}</p></header>"
        f"<p>{standfirst}</p><p>Story.</p></article></body></html>")
    assert lift_standfirsts(page) == 0


def test_a_fragment_whose_root_is_the_header_is_left_as_it_is() -> None:
    page = copy.deepcopy(lxml.html.fragment_fromstring(  # a copy has no parent: the header is the tree's root
        "<header><h1>Old harbour reopens</h1><p>After eight months of dredging the old harbour takes ferries and "
        "fishing boats again, the port says.</p></header>"))
    assert lift_standfirsts(page) == 0  # no sibling of the root to move it to (lxml raises TypeError)


def test_a_standfirst_in_the_article_header_stays_in_the_body() -> None:
    standfirst = ("After eight months of dredging, ferries and fishing boats are back in the old harbour, and the "
                  "fish market is due to follow.")
    header = f"<header><h1>Old harbour reopens</h1><p class='standfirst'>{standfirst}</p></header>"
    html = _page([f"<p>{s}</p>" for s in STORY], header=header)
    assert standfirst not in read(_pruned(html), URL, favor_precision=True)  # precision drops every <header>
    assert extract_body(lxml.html.document_fromstring(html), URL)[0] == standfirst


def test_a_short_paragraph_with_a_link_inside_the_story_is_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    blocks = [_block(s) for s in STORY[:4]] + [_block(LINKED)] + [_block(s) for s in STORY[4:]]
    html = _page(blocks)
    page = _pruned(html)
    precise = read(page, URL, favor_precision=True)
    assert LINKED_TEXT not in precise  # a <div> under 200 characters with a link: gone in precision mode
    assert left_out_short_prose(page, precise) == LINKED_TEXT
    assert LINKED_TEXT in extract_body(lxml.html.document_fromstring(html), URL)
    monkeypatch.setattr(body, "left_out_short_prose", lambda page, paragraphs: None)
    assert LINKED_TEXT not in extract_body(lxml.html.document_fromstring(html), URL)  # what the check adds


@pytest.mark.parametrize("blurb", [
    'Get our morning briefing: <a href="/newsletter">sign up here</a> for free and read it before breakfast.',
    'Copyright 2024 Benghazi Daily. <a href="/terms">Terms of use</a> apply to every article on this site.',
])
def test_a_linked_blurb_beside_the_story_asks_for_no_second_reading(blurb: str) -> None:
    page = _pruned(_page([_block(s) for s in STORY], after=_block(blurb)))
    assert left_out_short_prose(page, read(page, URL, favor_precision=True)) is None  # the story on one side only


def test_a_box_of_links_is_not_short_prose() -> None:
    links = " ".join(f'<a href="/t/{i}">{w}</a>,' for i, w in enumerate(["Benghazi", "Ports", "Fishing", "Ferries"]))
    page = _pruned(_page([_block(s) for s in STORY[:4]] + [_block(f"Topics: {links} more")]
                         + [_block(s) for s in STORY[4:]]))
    assert precision.left_out_short_prose(page, STORY) is None  # the story read around it: only its links decide

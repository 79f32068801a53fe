"""A story told in sections, each opened by a crosshead whose class names a widget ("widget-title"), reads whole.

fundus' tr/Haberturk_2024_07_03 (issue 13): each section of the story (a city's fire) is a box of a crosshead
<h2 class="widget-title">, a photo and the section's paragraphs. The pruning stage took the crosshead for the title
of a "related" box of alike cards (its other children mostly <p>s) and removed the box with it: every section but the
one that held the most prose, half the story.
"""

from __future__ import annotations

import lxml.html
import pytest

from benchmarks.bench_extraction_dev import page_scores
from benchmarks.bench_fundus_body import gold_body
from benchmarks.bench_titles import CORPORA, fundus_gold
from crawler.extraction.article import extract_article
from crawler.extraction.body import extract_body
from crawler.extraction.boilerplate import prune_boilerplate

CITIES = ("Izmir", "Samsun", "Bursa", "Sivas")
URL = "http://news.example/gundem/forest-fires-3700095"


def _section(city: str, paragraphs: int) -> str:
    """One section of the story: a widget-titled crosshead, a photo and ``paragraphs`` short paragraphs."""
    sentences = (
        f"A forest fire broke out on the edge of {city} on Wednesday afternoon, the governor's office said.",
        f"Two helicopters and six fire engines from {city} were sent to the area within minutes.",
        f"The fire in {city} was brought under control after about an hour of work.",
        f"Nobody was hurt in {city}, and the road closed as a precaution was opened again.",
    )
    return (
        f'<div class="page-break w-full"><h2 class="widget-title mb-5">{city.upper()} FIRE</h2>'
        f'<div class="widget-image"><img src="/{city}.jpg" alt=""></div><span class="caption-empty"></span>'
        + "".join(f"<p>{sentences[k % len(sentences)]}</p>" for k in range(paragraphs))
        + "</div>"
    )


def _page(extra: str = "") -> str:
    """The story: a lead, then one section per city, the second the longest (the page's densest block)."""
    sections = "".join(_section(city, 8 if n == 1 else 4) for n, city in enumerate(CITIES))
    return (
        "<html><head><title>Forest fires</title></head><body><main><article><h1>Forest fires across the country"
        "</h1><div class='cms-container'><p>Fires broke out in four provinces on Wednesday; firefighters put "
        f"out most of them by the evening.</p>{sections}</div></article>{extra}</main></body></html>"
    )


def test_pruning_keeps_every_section_of_a_story_and_its_crosshead() -> None:
    """A widget-titled heading that opens paragraphs of running text is a crosshead: it and its section stay."""
    page = lxml.html.document_fromstring(_page())
    prune_boilerplate(page)
    text = " ".join(page.text_content().split())
    for city in CITIES:
        assert f"{city.upper()} FIRE" in text
        assert f"Nobody was hurt in {city}" in text


def test_the_story_reads_whole() -> None:
    """Our reading holds every section, as trafilatura's does (before: the densest section alone, less its title)."""
    paragraphs = extract_body(lxml.html.document_fromstring(_page()), URL)
    text = "\n".join(paragraphs)
    for city in CITIES:
        assert f"The fire in {city} was brought under control" in text
    assert "SAMSUN FIRE" in paragraphs


@pytest.mark.parametrize(
    "card",
    [
        '<div class="card"><a href="/news/{n}">Teaser headline number {n} about something else entirely</a></div>',
        '<p><a href="/news/{n}">Teaser headline number {n} about something else entirely</a></p>',
    ],
)
def test_a_widget_titled_box_of_teaser_cards_still_goes(card: str) -> None:
    """The rule the crosshead fell to still removes a "Most read" box: its items are links, not running text."""
    box = (
        '<div class="most-read"><h3 class="widget-title">Most read</h3>'
        + "".join(card.format(n=n) for n in range(5))
        + "</div>"
    )
    page = lxml.html.document_fromstring(_page(box))
    prune_boilerplate(page)
    text = " ".join(page.text_content().split())
    assert "Most read" not in text and "number 3" not in text
    assert "Nobody was hurt in Sivas" in text


HABERTURK = "tr/Haberturk_2024_07_03"


@pytest.mark.skipif(not (CORPORA / "fundus-tests").exists(), reason=f"fundus-tests not found under {CORPORA}")
def test_the_haberturk_page_reads_whole() -> None:
    """The corpus page itself (../shared/corpora/fundus-tests): recall 0.47 before, the whole story now."""
    found = [(data, url, entry) for page_id, data, url, entry in fundus_gold() if page_id == HABERTURK]
    if not found:
        pytest.skip(f"{HABERTURK} not in the fundus corpus")
    data, url, entry = found[0]
    precision, recall, _ = page_scores(gold_body(entry), extract_article(data, url).text)
    assert recall > 0.95 and precision > 0.95

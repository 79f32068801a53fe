"""Tests of crawler.extraction.reading: trafilatura's fast mode where its fallback comparison cannot matter."""

from __future__ import annotations

import gzip
from pathlib import Path

import lxml.html
import pytest

from crawler.extraction.reading import LEAN_MIN_CHARS, _may_fall_back, read

# ../shared beside the project (CI clones the project next to it)
TRAFILATURA_SET = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "trafilatura-tests"

STORY = (
    "The council of Misrata voted on Monday to reopen the coastal road closed for three weeks.",
    "Residents said the closure doubled travel times to Tripoli and cut the farmers off from markets.",
    "Engineers cleared the unexploded ordnance found near the bridge over the wadi last week.",
    "Traffic police expect the first lorries on Wednesday once the barriers near the port are gone.",
    "The mayor thanked the volunteers who worked at night to repair the damaged culverts.",
    "Farmers from Tawergha said they would bring the first harvest to the market in Misrata this week.",
)
URL = "http://misrata.example/news/1"


def _page(paragraphs: tuple[str, ...], extra: str = "") -> lxml.html.HtmlElement:
    return lxml.html.document_fromstring(
        "<html><head><title>Coastal road reopens</title></head><body>"
        '<nav><a href="/">Home</a> <a href="/news">News</a></nav><main><article><h1>Coastal road reopens</h1>'
        + "".join(f"<p>{p}</p>" for p in paragraphs) + f"</article>{extra}</main></body></html>")


@pytest.fixture
def modes(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """The ``fast`` flag of every trafilatura reading asked for (the readings themselves are real)."""
    import trafilatura

    seen: list[bool] = []
    real = trafilatura.bare_extraction

    def counted(tree, **options):
        seen.append(bool(options.get("fast")))
        return real(tree, **options)

    monkeypatch.setattr(trafilatura, "bare_extraction", counted)
    return seen


def test_a_long_plain_reading_is_read_once_in_fast_mode_with_the_full_reading(modes: list[bool]) -> None:
    page = _page(STORY)
    assert sum(map(len, STORY)) > LEAN_MIN_CHARS
    lean = read(page, URL, favor_precision=True, lean=True)
    assert modes == [True]
    assert lean == read(page, URL, favor_precision=True)
    assert lean[-len(STORY):] == STORY  # after the headline
    assert modes == [True, False]


def test_a_short_reading_is_read_again_in_full(modes: list[bool]) -> None:
    page = _page(STORY[:2])  # under LEAN_MIN_CHARS: jusText may take over from trafilatura's own reading
    assert read(page, URL, favor_precision=True, lean=True) == read(page, URL, favor_precision=True)
    assert modes == [True, False, False]


def test_a_reading_that_holds_teaser_text_is_read_again_in_full(modes: list[bool]) -> None:
    teaser = "Earlier: the coastal road was closed by a landslide near Zliten."
    page = _page(STORY, f'<div class="RelatedTeaser"><p>{teaser}</p></div>')
    lean = read(page, URL, favor_precision=True, lean=True)
    assert modes == [True] and teaser not in lean  # its main pass prunes the teaser in either mode: read once
    # fast mode keeps teaser blocks when it recovers text after a short main pass; a reading holding one's text is
    # read again in full
    body = lxml.html.fragment_fromstring("".join(f"<p>{p}</p>" for p in (*STORY, teaser)), create_parent="body")
    assert _may_fall_back(body, page)
    assert not _may_fall_back(lxml.html.fragment_fromstring("".join(f"<p>{p}</p>" for p in STORY), create_parent="body"), page)


def test_a_reading_without_paragraph_text_is_read_again_in_full(modes: list[bool]) -> None:
    rows = "".join(f"<tr><td>{s}</td><td>{s}</td></tr>" for s in STORY)
    page = lxml.html.document_fromstring(f"<html><body><table>{rows}</table></body></html>")
    read(page, URL, favor_precision=True, lean=True)
    assert modes == [True, False]  # readability may be preferred over a reading of tables only


def test_without_lean_every_reading_is_full(modes: list[bool]) -> None:
    read(_page(STORY), URL)
    read(_page(STORY), URL, favor_precision=True)
    assert modes == [False, False]


@pytest.mark.skipif(not TRAFILATURA_SET.exists(), reason=f"trafilatura's evaluation set absent at {TRAFILATURA_SET}")
def test_a_real_page_whose_fast_reading_takes_in_the_teasers_is_read_in_full() -> None:
    """achgut.com: a short main pass; fast mode's recovery keeps a teaser column and leaves out two story lines."""
    from crawler.extraction.article import extract_article

    data = gzip.decompress((TRAFILATURA_SET / "eval" / "achgut.com-coronalage.html.gz").read_bytes())
    article = extract_article(data, "https://www.achgut.com/artikel/bericht_zur_coronalage_vom_22.04.2020")
    text = " ".join(" ".join(article.paragraphs).split())
    assert "Noch nicht offiziell ist die Zahl" in text
    assert "Wie schwer ist die Krankheit" in text
    assert "Sie lesen gern Achgut.com?" not in text


def test_a_lean_reading_is_a_precise_one_only() -> None:
    # the signs _may_fall_back reads are those of precision mode's comparison; balanced and recall decide otherwise
    with pytest.raises(ValueError, match="favor_precision"):
        read(lxml.html.fromstring("<html><body><p>x</p></body></html>"), "http://example.org/a", lean=True)

"""Our parse of a page (crawler.extraction.article._parse) builds the tree trafilatura's own load_html builds."""

from __future__ import annotations

import gzip
from pathlib import Path

import lxml.etree
import lxml.html
import pytest
from trafilatura.utils import load_html, repair_faulty_html

from crawler.extraction.article import HTML_PARSER, _load_html, _parse, _parse_flat, _repair_faulty_html

PAGES = [
    '<!DOCTYPE html>\n<html lang="ar"><head><title>خبر</title><!-- c --><?pi x?></head><body><div class="a">'
    "<p>نص <b>عريض</b> وذيل</p><form action='/s'><input name=q value=1><select><option>x</select>"
    "<textarea>t</textarea><label>l</label></form></div>&copy; &#1575;</body></html>",
    "<html/>\n<body><p>a self-closing html tag</p></body>",
    "<p>only a fragment</p>",  # dubious: no html tag and a single block
    "<div><p>one</p><p>two</p></div>",  # dubious, but two blocks
    "<html><body>\x0b\x0c<p>control characters</p></body></html>",
    "",
]
EXTRACTION_DEV = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "extraction-dev"


def _same(ours: lxml.html.HtmlElement | None, theirs: lxml.html.HtmlElement | None) -> None:
    """Both None, or trees with the same serialisation."""
    assert (ours is None) == (theirs is None)
    if ours is not None:
        assert lxml.etree.tostring(ours, encoding="unicode") == lxml.etree.tostring(theirs, encoding="unicode")


@pytest.mark.parametrize("html", PAGES)
def test_our_parse_builds_trafilaturas_tree(html: str) -> None:
    """The same tree as trafilatura.utils.load_html, the cases its repairs and checks handle included."""
    theirs = load_html(html)
    _same(_load_html(html), theirs)  # None where trafilatura gives up on the page, as it does
    if theirs is not None:
        _same(_parse(html), theirs)


@pytest.mark.parametrize("html", [
    *PAGES,
    *(f"<html><body><p>a{chr(c)}b</p></body></html>" for c in [*range(0x20), 0x7F, 0x85, 0xA0, 0xFFFD, 0xFFFE, 0xFFFF]),
    "<html><body><p>ليبيا\x01 \ufffe\u0600\uffff\U0001F600\ud800</p></body></html>",  # with a lone surrogate
    "<!DOCTYPE html PUBLIC 'x' 'y'/>\n<html><body><p>\x1f</p></body></html>",
    "<!doctype html>\n<html lang=ar/>\n<body><p>x</p></body>",
])
def test_our_repair_is_trafilaturas(html: str) -> None:
    """_repair_faulty_html, which searches only pages holding an invalid character, gives repair_faulty_html's page."""
    beginning = html[:50].lower()
    assert _repair_faulty_html(html, beginning) == repair_faulty_html(html, beginning)


def test_our_parse_looks_up_element_classes_in_c() -> None:
    """Every element is an HtmlElement (comments and the rest keep lxml.html's classes), no Python lookup per proxy."""
    root = _parse("<html><body><form><input name=q><textarea>t</textarea></form><p>x</p></body></html>")
    assert {type(e) for e in root.iter()} == {lxml.html.HtmlElement}
    assert type(root.makeelement("form", {})) is lxml.html.HtmlElement  # lxml.html's lookup makes a FormElement
    assert type(lxml.html.fromstring("<form></form>", parser=HTML_PARSER)) is lxml.html.HtmlElement


def test_a_page_nested_too_deep_is_seen_by_our_parser() -> None:
    """The parser's error log, which tells a page that libxml2 cut short, is our parser's."""
    html = "<html><body>" + "<div>" * 300 + "<p>deep text</p>" + "</div>" * 300 + "</body></html>"
    root, depth = _parse_flat(html)
    assert depth == 303  # html, body, 300 divs, p
    assert "deep text" in root.text_content()


@pytest.mark.skipif(not EXTRACTION_DEV.exists(), reason=f"extraction-dev corpus absent at {EXTRACTION_DEV}")
def test_real_pages_parse_to_trafilaturas_tree() -> None:
    """Twenty real pages (Dragnet and CleanEval) parse to trafilatura's tree, node for node."""
    from crawler.extraction.decode import decode_html

    files = sorted((EXTRACTION_DEV / "dragnet-train" / "html").glob("*.html.gz"))[:10]
    files += sorted((EXTRACTION_DEV / "cleaneval-dev" / "html").glob("*.html.gz"))[:10]
    assert files
    for path in files:
        html = decode_html(gzip.decompress(path.read_bytes()), None)
        _same(_parse(html), load_html(html))

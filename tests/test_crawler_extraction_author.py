"""The author search (crawler.extraction.author): byline_author gives trafilatura's extract_author answer, read in place."""

from __future__ import annotations

import gzip
import json
import random
import re
from pathlib import Path

import lxml.html
import pytest
from trafilatura.metadata import extract_author

from crawler.extraction.author import _host_stem, _name_words, byline_author, find_author

CORPORA = Path(__file__).resolve().parents[2] / "shared" / "corpora"
ZYTE = CORPORA / "article-extraction-benchmark"
DRAGNET = CORPORA / "extraction-dev" / "dragnet-train" / "html"

BODIES = [
    '<div class="author">By Jane Doe</div>',
    '<div class="byline">By<time datetime="2024-01-01">1 Jan</time>Jane Doe</div>',  # a deleted element's tail joins
    '<p class="byline">By <span class="date">today</span> <b>Jane</b><figure>x</figure>, Rome</p>',
    '<div id="comments"><span class="author">A commenter</span></div><span class="author-name">Real Author</span>',
    '<div class="sidebar"><a rel="author">Sidebar Name</a></div><p class="writer">Writer Name</p>',
    '<div class="author">' + "far too long a byline " * 10 + '</div><span class="author">Short Name</span>',
    '<div data-component="Byline">Data Component</div><span itemprop="author">Item Prop</span>',
    "<author>Tag Author</author><p>text</p>",
    '<div><p class="byl">x</p><p class="BBL">Big Byline</p></div>',
    '<div class="post-author">Outer <span class="author">Inner Name</span> <time>today</time></div>',
    '<div class="Comments-box"><p class="author">Hidden</p></div><div class="username">user_1</div>',
    '<span class="author"><rel>me</rel>Rel Child</span>',  # a <rel> child's text: trafilatura's own search
    '<div class="quote"><span class="author">Quoted</span></div>',
    "<p>No byline at all.</p>",
    '<span class="author">https://example.org/author</span>',  # normalize_authors drops it
    '<div class="author"><!-- c -->Comment <figure>f</figure>tail</div>',
]


@pytest.mark.parametrize("body", BODIES)
def test_byline_author_is_trafilaturas_extract_author(body: str) -> None:
    """The same author (or None) as trafilatura's copy-prune-search, the pruned text's joins included."""
    root = lxml.html.document_fromstring(f"<html><head><title>t</title></head><body>{body}</body></html>")
    assert byline_author(root) == extract_author(root)


def test_byline_author_of_a_subtree_is_trafilaturas() -> None:
    """A root inside a bigger document is searched by trafilatura itself (its // paths see only the copy)."""
    page = lxml.html.document_fromstring('<html><body><span class="author">Outside</span><div id="x">'
                                         '<p class="byline">Inside Name</p></div></body></html>')
    inner = page.get_element_by_id("x")
    assert byline_author(inner) == extract_author(inner) == "Inside Name"


def test_find_author_prefers_json_ld_then_meta_then_the_fallback() -> None:
    """JSON-LD names first, then <meta name=author>, then the fallback, junk refused."""
    ld = '<script type="application/ld+json">{"@type": "NewsArticle", "author": [{"name": "A B"}, "C D"]}</script>'
    meta = '<meta name="author" content="Meta Name">'
    root = lxml.html.document_fromstring(f"<html><head>{ld}{meta}</head><body></body></html>")
    assert find_author(root, lambda: "Never") == "A B; C D"
    root = lxml.html.document_fromstring(f"<html><head>{meta}</head><body></body></html>")
    assert find_author(root, lambda: "Never") == "Meta Name"
    root = lxml.html.document_fromstring("<html><head></head><body></body></html>")
    assert find_author(root, lambda: "Fallback  Name") == "Fallback Name"
    assert find_author(root, lambda: "www.example.org") is None


@pytest.mark.skipif(not ZYTE.exists() or not DRAGNET.exists(), reason=f"corpora absent under {CORPORA}")
def test_real_pages_give_trafilaturas_author() -> None:
    """Zyte's benchmark pages and Dragnet pages: the same author as trafilatura's extract_author, page for page."""
    from crawler.extraction.article import _parse
    from crawler.extraction.decode import decode_html

    keys = sorted(json.loads((ZYTE / "ground-truth.json").read_text()))[::3]
    files = [ZYTE / "html" / f"{key}.html.gz" for key in keys] + sorted(DRAGNET.glob("*.html.gz"))[:40]
    found = 0
    for path in files:
        root = _parse(decode_html(gzip.decompress(path.read_bytes()), None))
        expected = extract_author(root)
        assert byline_author(root) == expected, path.name
        found += expected is not None
    assert found >= 10  # the search is exercised, not only its "no candidate" answer


def _outlet_page(head: str, body: str) -> lxml.html.HtmlElement:
    """A page of the outlet "Kurier Nord" (kurier-nord.de) with the given <head> extras and <body>."""
    publisher = ('<script type="application/ld+json">{"@type": "NewsArticle", "headline": "H", "author": '
                 '{"@type": "Organization", "name": "Kurier Nord"}, "publisher": {"@type": "Organization", '
                 '"name": "Kurier Nord"}}</script>')
    head = head.replace("{ld}", publisher)
    return lxml.html.document_fromstring(f'<html><head><link rel="canonical" href="https://www.kurier-nord.de/a/1">'
                                         f'{head}</head><body><h1>H</h1>{body}</body></html>')


@pytest.mark.parametrize(("head", "body", "expected"), [
    # the outlet as JSON-LD author, the writer in the byline
    ("{ld}", '<p class="author">Jane Doe</p>', "Jane Doe"),
    # the outlet's host as <meta name=author>
    ('<meta name="author" content="kurier-nord.de">', '<p class="author">Jane Doe</p>', "Jane Doe"),
    # the byline's outlet part is left out ("MDR THÜRINGEN" beside "MDR")
    ("{ld}", '<p class="author">Jane Doe; Kurier Nord Hamburg</p>', "Jane Doe"),
    # a byline that names nobody (a button, initials, an agency) leaves the outlet's name
    ("{ld}", '<p class="author">Folgen</p>', "Kurier Nord"),
    ("{ld}", '<p class="author">dpa</p>', "Kurier Nord"),
    ("{ld}", '<p class="author">Meet the Author</p>', "Kurier Nord"),  # a role word
    ("{ld}", '<p class="author">Randallbrink July</p>', "Kurier Nord"),  # a commenter and the comment's month
    ("{ld}", '<p class="author">Par Jane Doe</p>', "Jane Doe"),  # the byline word left out
    ("{ld}", '<p class="author">Julio Iglesias</p>', "Julio Iglesias"),  # a month's name opening a name is kept
    ("{ld}", "<p>No byline.</p>", "Kurier Nord"),
    # a person named in the markup is never replaced by the byline
    ('<meta name="author" content="Max Muster">', '<p class="author">Jane Doe</p>', "Max Muster"),
])
def test_the_outlets_own_name_gives_way_to_a_person_in_the_byline(head: str, body: str, expected: str) -> None:
    """An author that is the outlet itself (JSON-LD publisher, og:site_name, canonical host) is a last resort."""
    assert find_author(_outlet_page(head, body), lambda: "Never") == expected


def test_a_spaceless_script_name_in_the_byline_replaces_the_outlet() -> None:
    """CJK names have no spaces: 松岡大地 in the byline is a person, 毎日新聞 (the site name) is not."""
    root = lxml.html.document_fromstring(
        '<html><head><meta property="og:site_name" content="毎日新聞"><script type="application/ld+json">'
        '{"@type": "NewsArticle", "headline": "H", "author": {"@type": "Organization", "name": "毎日新聞"}}</script>'
        '</head><body><span class="author">松岡大地</span></body></html>')
    assert find_author(root, lambda: None) == "松岡大地"


@pytest.mark.parametrize(("byline", "expected"), [
    ("محمد علي", "محمد علي"),
    ("بقلم: محمد علي", "محمد علي"),  # the Arabic byline word left out
    ("كتب محمد علي", "محمد علي"),
    ("محرر الوسط", "Kurier Nord"),  # Arabic has no capitals: its newsroom words say it is no name
    ("فريق التحرير", "Kurier Nord"),
    ("وكالة الأنباء الليبية", "Kurier Nord"),
])
def test_an_arabic_byline_replaces_the_outlet_only_when_it_names_a_person(byline: str, expected: str) -> None:
    assert find_author(_outlet_page("{ld}", f'<p class="author">{byline}</p>'), lambda: "Never") == expected


def test_a_publisher_given_as_a_string_is_the_outlet() -> None:
    root = lxml.html.document_fromstring(
        '<html><head><script type="application/ld+json">{"@type": "NewsArticle", "headline": "H", "author": '
        '{"@type": "Organization", "name": "Kurier Nord"}, "publisher": "Kurier Nord"}</script></head><body><h1>H</h1>'
        '<p class="author">Jane Doe</p></body></html>')
    assert find_author(root, lambda: "Never") == "Jane Doe"


@pytest.mark.parametrize("head", ['<meta property="og:url" content="https://[bad">',
                                  '<link rel="canonical" href="https://[bad"><link rel="canonical" href="/a/2">'])
def test_a_malformed_page_address_does_not_fail_the_article(head: str) -> None:
    from crawler.extraction.article import extract_article

    paragraphs = "".join(f"<p>Sentence number {i} of a story long enough to be kept as an article body.</p>"
                         for i in range(8))
    page = (f"<html><head><title>H</title>{head}<script type='application/ld+json'>{{\"@type\": \"NewsArticle\", "
            f"\"headline\": \"H\", \"author\": {{\"@type\": \"Organization\", \"name\": \"Kurier\"}}}}</script>"
            f"</head><body><article><h1>H</h1>{paragraphs}</article></body></html>")
    result = extract_article(page, "https://kurier.example/a/1")
    assert hasattr(result, "text"), result


# The host-name reading of a name, as the regex it replaced read it (that regex backtracked quadratically)
_OLD_HOST_SUFFIX = re.compile(r"^(?:https?://)?(?:www\.)?([^\s/]+?)(?:\.[a-z]{2,6})+/?$", re.IGNORECASE)


def test_host_stem_reads_names_as_the_regex_did() -> None:
    rng = random.Random(35)
    names = ["alwasat.ly", "www.alwasat.ly", "https://www.alwasat.ly/", "bbc.co.uk", "news.bbc.co.uk", "www.com",
             "al-wasat.com.ly", "http://x.y/z", ".la.awwc", "www..ly", "libya observer"]
    names += ["".join(rng.choice("ab.w/: 1xyzcomly-h") for _ in range(rng.randint(1, 16))) for _ in range(20000)]
    for name in names:
        old = _OLD_HOST_SUFFIX.match(name)
        assert _host_stem(name) == (old.group(1) if old else None), name


def test_a_huge_dotted_author_name_is_read_in_linear_time() -> None:
    # 200 KB of "a.aa.aa...!": the regex took about 3 minutes here (1.2 MB: hours), holding a worker and the crawl
    name = "a" + ".aa" * 70_000 + "!"
    assert _host_stem(name) is None  # "!" is no suffix: not a host name
    assert _name_words(name)[:2] == ("a", "aa")

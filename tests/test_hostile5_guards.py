"""Round five's guards called directly: feeds read as a stream, the extraction's element bound, a 206 to a request
for the whole page, and the transfer and content codings a server lies about."""

from __future__ import annotations

import random
import subprocess
import sys
import time

import pytest
from twisted.python.failure import Failure

from benchmarks.bench_sitemap_memory import whole_feed
from crawler.discovery import parsers
from crawler.extraction import article
from crawler.extraction.article import PAGE_MAX_ELEMENTS, extract_article
from crawler.extraction.giant_markup import more_elements_than
from crawler.fetch.guards import DECODE_ERRORS, unasked_partial, unknown_transfer_coding
from crawler.fetch.limits import is_transient
from crawler.netguard import classify
from tests.helpers import ROOT
from tests.hostile.site import PARAGRAPH

RESOURCES = ROOT.parent / "shared" / "corpora" / "trafilatura-tests" / "resources"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"

# -- 1a: a feed read as a stream -------------------------------------------------------------------------------------

FEEDS = [
    # RSS 2.0: link, else guid (isPermaLink), dates in any of four names, the first title, duplicates by fragment
    b'<rss><channel><item><title>A &amp; b</title><link> /a/1 </link><pubDate>Mon</pubDate><dc:date>x</dc:date>'
    b'</item><item><guid>https://x.example/g/2</guid></item><item><guid isPermaLink="false">/g/3</guid></item>'
    b'<item><link>/a/1#c2</link></item><item><title></title><title>second</title><link></link><link>/a/4</link>'
    b'</item></channel></rss>',
    # RSS 1.0 (RDF): rdf:about, a namespaced guid the tree's find("guid") does not see, dc:date
    f'<rdf:RDF xmlns:rdf="{RDF}" xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">'
    f'<item rdf:about="https://x.example/r/1?a=1&amp;b=2"><title>r</title><dc:date>2024-05-01</dc:date></item>'
    f'<item><guid>https://x.example/r/2</guid></item></rdf:RDF>'.encode(),
    # Atom: alternate first, else a link that is no side resource; &amp; in an href; xml:base nested and relative,
    # one with Arabic letters and a space, one that is javascript: (ignored)
    ('<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://x.example/news/"><entry><link rel="replies" '
     'href="c"/><link rel="alternate" href="1?a=1&amp;b=2"/><published>2024</published><updated>2023</updated>'
     '</entry><entry xml:base="sub/"><link rel="related" href="r"/><link rel="enclosure" href="e"/>'
     '<link href="2"/></entry><entry xml:base="javascript:alert(1)"><link href="3"/></entry>'
     '<entry xml:base="/\u0623\u062e\u0628\u0627\u0631 \u0627\u0644\u064a\u0648\u0645/"><link href="4"/></entry>'
     '<entry><link rel="" href="5"/><link href="6"/></entry><entry><link href=""/></entry></feed>').encode(),
    # text as the tree has it: up to the first child, comment or PI; CDATA; an empty first link
    b'<rss><channel><item><title>t<!-- c -->u</title><link><![CDATA[/a/cdata]]></link></item>'
    b'<item><link><b>/a/x</b>/a/tail</link><link>/a/second</link></item>'
    b'<item><title><?pi x?>z</title><link>/a/pi</link></item></channel></rss>',
    # broken: a stray < and &, a title left open, an item left open, a feed cut short
    b'<rss><channel><item><title>a < b & c</title><link>/a/1</link></item><item><link>/a/2</link></item>',
    b'<rss><channel><title>a & b</title><item><title>x<link>/a/from-broken</link></item><item><link>/a/3',
    b'  <?xml version="1.0"?><rss><channel><item><link>/a/1</link></item></channel></rss><html>Warning</html>',
    b'<rss><channel><item><link>/a/1</link></item>\x00<item><link>/a/2</link></item></channel></rss>',
    '<?xml version="1.0" encoding="windows-1256"?><rss><channel><item><title>\u062e\u0628\u0631</title><link>/\u0627'
    '</link></item></channel></rss>'.encode("cp1256"),
    b'<Item><Link>/a/upper</Link><PubDate>Tue</PubDate></Item>', b"not xml at all", b"", b"<rss/>",
]


def as_tuples(links: list[parsers.Link]) -> list[tuple[str, str | None, str | None]]:
    return [(link.url, link.title, link.published) for link in links]


@pytest.mark.parametrize("body", FEEDS)
def test_a_streamed_feed_reads_as_the_whole_tree_did(body: bytes) -> None:
    """Links, titles and dates as the tree reading (crawler/discovery/parsers.py at de8fa68) gave them."""
    assert as_tuples(parsers.parse_feed(body, "https://x.example/f.xml")) == whole_feed(body, "https://x.example/f.xml")


@pytest.mark.skipif(not RESOURCES.is_dir(), reason=f"{RESOURCES} not present (../shared/corpora)")
@pytest.mark.parametrize("name", ["feed1.atom", "feed2.rss"])
def test_real_feeds_read_as_the_whole_tree_did(name: str) -> None:
    body = (RESOURCES / name).read_bytes()
    assert as_tuples(parsers.parse_feed(body, "http://example.org/")) == whole_feed(body, "http://example.org/")


def test_an_attribute_ampersand_reaches_the_link_as_written() -> None:
    """libxml2 hands a parser target each ``&`` of an attribute as ``&#38;``: an Atom href with a query kept it."""
    body = b'<feed><entry><link href="/a?x=1&amp;y=2&amp;amp;z=&#38;#38;"/></entry></feed>'
    assert [link.url for link in parsers.parse_feed(body, "https://x.example/")] == [
        "https://x.example/a?x=1&y=2&amp;z=&#38;"]


def test_what_the_stream_reads_otherwise() -> None:
    """An item nested in another (``<item>`` left open): handed over as it ends, the inner first; each keeps its
    place in the document. Where both give one page, the inner one's title stands (the tree: the outer's)."""
    body = b"<rss><channel><item><title>o</title><link>/a/1</link><item><title>i</title><link>/a/2</link></item>" \
           b"</item></channel></rss>"
    assert as_tuples(parsers.parse_feed(body, "https://x.example/")) == whole_feed(body, "https://x.example/")
    same = b"<rss><item><title>o</title><item><title>i</title><link>/a/1</link></item></item></rss>"
    assert as_tuples(parsers.parse_feed(same, "https://x.example/")) == [("https://x.example/a/1", "i", None)]
    assert whole_feed(same, "https://x.example/") == [("https://x.example/a/1", "o", None)]


def test_a_feed_s_entities_are_never_expanded() -> None:
    levels = b"".join(b'<!ENTITY l%d "%s">' % (n, (b"&l%d;" % (n - 1) if n > 1 else b"lol") * 10) for n in range(1, 10))
    laughs = b"<?xml version='1.0'?><!DOCTYPE r [" + levels + b"]><rss><channel><item><link>&l9;</link></item>" \
        b"<item><link>/a/ok</link></item></channel></rss>"
    assert [link.url for link in parsers.parse_feed(laughs, "https://x.example/")] == ["https://x.example/a/ok"]
    xxe = b'<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><rss><item><link>/a/&x;</link></item></rss>'
    assert [link.url for link in parsers.parse_feed(xxe, "https://x.example/")] == ["https://x.example/a/"]
    only = b'<!DOCTYPE r [<!ENTITY a "https://x.example/a/1">]><rss><item><link>&a;</link></item></rss>'
    assert parsers.parse_feed(only, "https://x.example/") == []
    assert parsers.empty_reason(only, "feed", "")[0] == "xml-entities"


def test_a_capped_feed_keeps_what_the_spider_takes_of_the_whole() -> None:
    """At most ``max_links`` entries are held; the spider's newest-first pick of them is its pick of every entry.
    (A page listed twice in a feed longer than ``max_links``, its first copy left, may be taken by a later copy.)"""
    rng = random.Random(5)
    days = ["Wed, %02d May 2024 10:00:00 +0000" % d for d in range(1, 29)] + ["", "garbage"]
    items = "".join(f"<item><link>/a/{n}</link><pubDate>{rng.choice(days)}</pubDate></item>" for n in range(5000))
    body = f"<rss><channel>{items}</channel></rss>".encode()

    def take(links: list[parsers.Link]) -> list[str]:
        return [link.url for link in sorted(links, key=lambda x: x.published or "", reverse=True)[:700]]

    whole = parsers.parse_feed(body, "https://x.example/", max_links=10_000)
    capped = parsers.parse_feed(body, "https://x.example/", max_links=700)
    assert len(whole) == 5000 and len(capped) == 700 and take(capped) == take(whole)
    assert as_tuples(whole) == whole_feed(body, "https://x.example/")
    copies = f"<rss><channel>{items.replace('</link>', '#c</link>')}{items}</channel></rss>".encode()
    once = parsers.parse_feed(copies, "https://x.example/")  # every page twice, under the cap: its first copy
    assert len(once) == 5000 and as_tuples(once) == whole_feed(copies, "https://x.example/")


def test_a_16_mb_feed_is_read_in_bounded_memory() -> None:
    """The whole tree of a 30 MB feed rose the process by 145-226 MB (benchmarks/bench_sitemap_memory.py --feed)."""
    script = """
import resource
from crawler.discovery.parsers import parse_feed
item = ("<item><title>t %d</title><link>https://n.example/a/%d</link><pubDate>Wed, 01 May 2024</pubDate>"
        "<description><![CDATA[<p>" + "x" * 150 + "</p>]]></description></item>")
body = ("<rss><channel>" + "".join(item % (n, n) for n in range(60_000)) + "</channel></rss>").encode()
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
links = parse_feed(body, "https://n.example/")
print(len(body), len(links), (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) // 1024)
"""
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, check=True)
    size, links, rise_mb = map(int, out.stdout.split())
    assert size > 16_000_000 and links == parsers.SITEMAP_MAX_LINKS and rise_mb < 80, out.stdout


def test_a_document_of_distinct_tags_is_read_in_bounded_memory() -> None:
    """The streams remembered every tag's local name: 2.5 million distinct tags (26 MB) rose a sitemap's or a feed's
    reading by 161 MB, as much as the whole tree the stream replaced; now by nothing."""
    script = """
import resource
from crawler.discovery.parsers import parse_feed, parse_sitemap
tags = b"".join(b"<t%d/>" % n for n in range(400_000))
feed = b"<rss><channel><item><link>/a/1</link>" + tags + b"</item></channel></rss>"
sitemap = b"<urlset><url><loc>/a/1</loc>" + tags + b"</url></urlset>"
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
read = len(parse_feed(feed, "https://n.example/")) + len(parse_sitemap(sitemap, "https://n.example/").links)
print(read, (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) // 1024)
"""
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, check=True)
    read, rise_mb = map(int, out.stdout.split())
    assert read == 2 and rise_mb < 15, out.stdout


# -- 1b: a page too large to read --------------------------------------------------------------------------------------


def test_200000_paragraphs_are_refused_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """They held an extraction worker for 90-150 s; four million (a 32 MiB page) built a 1 GB tree first."""
    def no_tree(html: str) -> None:
        raise AssertionError("the page was parsed into a tree")

    monkeypatch.setattr(article, "_parse_flat", no_tree)
    for count in (200_000, 4_000_000):
        started = time.process_time()  # CPU time: a loaded machine cannot fail it
        got = extract_article("<html><body>" + "<p>x</p>" * count + "</body></html>", "http://h.example/a/1")
        assert got.reason == "too-many-elements" and f"more than {PAGE_MAX_ELEMENTS:,}" in got.detail
        assert time.process_time() - started < 5


def test_markup_characters_that_are_no_elements_cost_no_page() -> None:
    """60,000 "<" in a script and in text (escaped or not) are not elements: the page is read."""
    script = "<script>var a = [" + ",".join("i<n" for _ in range(30_000)) + "];</script>"
    text = "".join(f"<p>{PARAGRAPH} {'&lt; ' * 10}</p>" for _ in range(3)) + "<p>" + "1 < 2 " * 30_000 + "</p>"
    html = f"<html><head><title>خبر</title>{script}</head><body><article><h1>خبر</h1>{text}</article></body></html>"
    assert html.count("<") > PAGE_MAX_ELEMENTS and not more_elements_than(html, PAGE_MAX_ELEMENTS)
    got = extract_article(html, "http://h.example/a/1")
    assert got.title == "خبر" and PARAGRAPH in got.paragraphs[0], got


# -- 2: a 206 to a request for the whole page, codings a server lies about ----------------------------------------------


def test_a_206_is_refused_unless_a_range_was_asked_for() -> None:
    detail = unasked_partial(206, None, b"bytes 0-99/5000")
    assert detail is not None and "Content-Range: bytes 0-99/5000" in detail
    assert unasked_partial(206, None, None) is not None  # no Content-Range at all: still a part, of unknown size
    assert unasked_partial(206, b"bytes=0-99", b"bytes 0-99/5000") is None
    assert unasked_partial(200, None, b"bytes 0-99/5000") is None
    assert is_transient("http-206")  # a cache's stored range may be purged by the next crawl


def test_an_unreadable_transfer_coding_is_bad_encoding_not_a_retried_fetch_error() -> None:
    assert "'gzip, chunked'" in unknown_transfer_coding([KeyError(b"gzip, chunked")])
    assert unknown_transfer_coding([KeyError("content-length"), ValueError(b"x")]) is None


@pytest.mark.parametrize("name", ["zstd", "brotli", "zlib"])
def test_a_body_that_lies_about_any_coding_asked_for_is_bad_encoding(name: str) -> None:
    """Scrapy asks for gzip, deflate, br and zstd; a lying zstd body was a fetch-error, retried for three crawls."""
    error = next(e for e in DECODE_ERRORS if name in e.__module__ or name in e.__name__.lower())
    reason, detail = classify(Failure(error("Unknown frame descriptor")))
    assert reason == "bad-encoding" and "Content-Encoding" in detail


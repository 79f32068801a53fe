"""Round four's guards called directly: one charset check for the crawl and ``newsarchive extract``, URLs stored cut,
sitemaps read as a stream, dates at the ends of the calendar, numbers that only look like numbers, listings libxml2
stopped reading, duplicates in disguise, the URL cache, gzipped robots.txt files and chain cookie floods."""

from __future__ import annotations

import gzip
import json
import random
import resource
import subprocess
import sys
from datetime import UTC, datetime

import lxml.etree
import pytest
from scrapy.utils.misc import build_from_crawler
from scrapy.utils.test import get_crawler

from archive.records import Exchange
from crawler.capture.ingest import listed_date_iso
from crawler.capture.sitemap_reads import fetch_time
from crawler.discovery import parsers
from crawler.discovery.lastmod import newest_first, w3c_end
from crawler.discovery.urls import _canonical, canonicalize
from crawler.extensions import ArchiveSessionOwner
from crawler.extraction.decode import decode_html
from crawler.fetch.chain_cookies import COOKIES_PER_HOST, add_set_cookies, cookie_header
from crawler.fetch.head import inflated_head, web_content_type, without_foreign_charset
from crawler.fetch.limits import bounded_url, from_the_future, parse_retry_after
from crawler.spiders.outlets import OutletSpider
from tests.helpers import ROOT, cli
from tests.hostile.site import PARAGRAPH

# -- 1a: one charset check, for the crawl and for `newsarchive extract` -----------------------------------------------


@pytest.mark.parametrize("content_type", ["charset=zlib", "charset=base64", ";charset=punycode",
                                          "text/html; charset=zlib, text/html", "charset=base64; q=1"])
def test_a_foreign_label_in_any_spelling_w3lib_reads_is_dropped(content_type: str) -> None:
    """``newsarchive extract --charset zlib`` builds ``charset=zlib``: no media type before it, which the parameter
    filter skipped and w3lib reads; a comma after the label hid it from the filter too."""
    from w3lib.encoding import http_content_type_encoding

    fixed = without_foreign_charset(content_type)
    assert fixed is not None and http_content_type_encoding(fixed) is None, fixed
    assert decode_html(b"<p>plain ascii</p>", content_type) == "<p>plain ascii</p>"


def test_extract_with_a_codec_label_neither_raises_nor_hangs(tmp_path) -> None:
    """``--charset zlib`` and ``base64`` raised LookupError (no article); ``punycode`` on this 2 MB page ran past a
    minute (its decoder is quadratic). Read as a browser reads them: the label ignored."""
    page = tmp_path / "page.html"
    paragraphs = "".join(f"<p>{PARAGRAPH} ({n})</p>" for n in range(4))
    page.write_bytes(f"<html><head><title>خبر</title></head><body><article><h1>خبر</h1>{paragraphs}</article>"
                     "</body></html><!--".encode() + b"-" + b"zz9a" * 500_000 + b"-->")
    for label in ("zlib", "base64", "punycode"):
        started = _children_cpu()  # the command's CPU time: a loaded machine cannot fail it
        result = cli("extract", str(page), "--charset", label, "--jsonl")
        assert result.returncode == 0, (label, result.stdout[-500:], result.stderr[-1500:])
        assert "مصراتة" in json.loads(result.stdout)["text"]
        assert _children_cpu() - started < 30, label


def test_a_meta_charset_after_a_megabyte_of_comments_is_honoured() -> None:
    """A browser whose first bytes named no charset changes to the one its parser meets in the head (HTML Standard
    13.2.3.4); detection guessed windows-1250 for this windows-1256 page."""
    body = (b"<html><head><!--" + b"x" * 1_000_000 + b'--><meta charset="windows-1256"><title>t</title></head><body>'
            + f"<p>{PARAGRAPH}</p>".encode("cp1256") + b"</body></html>")
    assert PARAGRAPH in decode_html(body, "text/html")
    commented = body.replace(b'--><meta charset="windows-1256">', b'<meta charset="koi8-r">-->')
    assert "koi8" not in (web_content_type("text/html", commented) or "")


# -- 1b: URLs stored cut ----------------------------------------------------------------------------------------------


def test_a_long_url_is_stored_cut_findable_and_the_same_each_time() -> None:
    url = "http://h.example/a/" + "x" * 100_000
    cut = bounded_url(url, 2083)
    assert len(cut) < 2083 + 80 and cut.startswith(url[:2083]) and "100019 characters" in cut
    assert bounded_url(cut, 2083) == cut  # a row's URL given back is not cut again
    assert bounded_url(url + "y", 2083) != cut  # two long URLs sharing their first characters stay two rows
    assert bounded_url("http://h.example/a/1", 2083) == "http://h.example/a/1"
    escaped = "http://h.example/" + "%D8%A7" * 1000
    assert bounded_url(escaped, 2083).split(" ")[0][-3:].startswith("%")  # not cut inside an escape


@pytest.fixture
def session(tmp_path):
    """A crawl's session writing to a fresh data folder, its writer on a thread of this process."""
    seeds = tmp_path / "outlets.toml"
    seeds.write_text('[[outlet]]\nname = "portal"\nstart_urls = ["http://portal.example/"]\n', encoding="utf-8")
    crawler = get_crawler(OutletSpider, {
        "ARCHIVE_DATA_DIR": str(tmp_path / "data"), "ARCHIVE_SEEDS": str(seeds), "ARCHIVE_DISK_RESERVE": 0,
        "CRAWL_CONTACT_URL": "http://127.0.0.1/contact", "ARCHIVE_WRITER": "thread"})
    owner = build_from_crawler(ArchiveSessionOwner, crawler)
    yield owner.session
    owner.session.finish()
    owner.session.close()


def test_the_session_keeps_a_long_url_cut_in_every_row(session) -> None:
    """discover, settle and record_failure all store the cut form, so the rows agree and the next discovery of the
    same URL finds it settled (it is not fetched and refused again)."""
    url = "http://portal.example/a/" + "x" * 100_000
    assert session.discover(url, "portal", "article") == "pending"
    session.record_failure("portal", url, "fetch", "url-too-long", "100024 characters; CRAWL_URL_MAX_LENGTH is 2083")
    session.settle(url, "done", "url-too-long")
    assert session.flush(timeout=10)
    db = session.catalogue.db
    [(frontier, status)] = db.execute("select url, status from frontier").fetchall()
    [(failed, detail)] = db.execute("select url, detail from failures").fetchall()
    assert frontier == failed == bounded_url(url, 2083) and status == "done"
    assert detail.endswith("the URL (100024 characters) is stored cut"), detail
    assert session.discover(url, "portal", "article") == "done"


def test_a_last_modified_from_the_future_is_not_sent_back(session) -> None:
    """Its ETag still is: a change is then caught by the ETag, or by the whole page."""
    url = "http://portal.example/a/1"
    headers = (("Last-Modified", "Fri, 31 Dec 9999 23:59:59 GMT"), ("ETag", '"v1"'))
    session.archive(Exchange(url=url, method="GET", request_headers=(), request_body=b"", status=200, reason="OK",
                             protocol="HTTP/1.1", response_headers=headers, body=b"<p>x</p>",
                             fetched_at=datetime.now(UTC), ip_address=None), "portal")
    assert session.flush(timeout=10)
    assert session.validators(url) == {"If-None-Match": '"v1"'}


# -- 1c: a sitemap read as a stream -------------------------------------------------------------------------------------

BROKEN_SITEMAPS = [
    b'<urlset xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"><url><loc>/a/1</loc><news:title>a < b'
    b'</news:title></url><url><loc>/a/2</loc></url></urlset>',
    b'<urlset><url><loc>/a/1?x=1&y=2</loc></url><url><loc>/a/2</loc><lastmod>2024-05-01</lastmod></url></urlset>',
    b'<urlset><url><loc>/a/1</loc></url><url><loc>/a/2',  # cut short: the entry it was cut in still counts
    b'  <?xml version="1.0"?><urlset><url><loc>/a/1</loc></url></urlset>',
    b'<urlset><url><loc>/a/1</loc></url>\x00<url><loc>/a/2</loc></url></urlset>',
    b'<urlset><url><loc>/a/1</loc></url></urlset><html>Warning: mysql</html>',
    b'<sitemapindex><<sitemap><loc>/m/1.xml</loc><lastmod>2024-01-01</lastmod></sitemap></sitemapindex>',
    b'<urlset><url><loc>/a/1<!-- c -->x</loc></url><url><loc><![CDATA[/a/2]]></loc></url></urlset>',
    b'<urlset><url><x><loc>/nested</loc></x><loc>/a/1</loc><lastmod>2020<y/>x</lastmod></url></urlset>',
    b'<urlset><url><lastmod>2020<lastmod>2021</lastmod></lastmod><loc>/n</loc></url></urlset>',
    '<?xml version="1.0" encoding="windows-1256"?><urlset><url><loc>/ا</loc></url></urlset>'.encode("cp1256"),
    b"not xml at all", b"", b"<urlset/>",
]


def whole_tree(body: bytes, base: str) -> tuple[bool, list[tuple[str, str | None, str | None]]]:
    """The reading before round four: the whole tree (crawler/discovery/parsers.py at e0c0d46)."""
    try:
        root = lxml.etree.fromstring(body.lstrip(), lxml.etree.XMLParser(recover=True, resolve_entities=False))
    except lxml.etree.XMLSyntaxError:
        root = None
    if root is None:
        return False, []

    def first(el: lxml.etree._Element, name: str) -> str | None:
        found = next((c for c in el.iter() if c is not el and parsers._local(c.tag) == name
                      and (c.text or "").strip()), None)
        return found.text.strip() if found is not None else None

    links = []
    for el in root:
        loc = next((c.text.strip() for c in el if parsers._local(c.tag) == "loc" and (c.text or "").strip()), None)
        if parsers._local(el.tag) in ("url", "sitemap") and loc and (url := parsers.absolute_url(base, loc)):
            links.append((url, first(el, "title"), first(el, "publication_date") or first(el, "lastmod")))
    return parsers._local(root.tag) == "sitemapindex", links


@pytest.mark.parametrize("body", BROKEN_SITEMAPS)
def test_a_streamed_sitemap_reads_as_the_whole_tree_did(body: bytes) -> None:
    """lxml's parser target keeps the whole-document parser's recovery (XMLPullParser's push parser stops for good
    at the stray ``<`` of ``a < b``: the second entry was lost) and builds no tree."""
    doc = parsers.parse_sitemap(body, "https://x.example/")
    assert (doc.is_index, [(link.url, link.title, link.published) for link in doc.links]) == whole_tree(
        body, "https://x.example/")


def test_what_the_stream_reads_otherwise() -> None:
    """The two differences from the tree: a prefix never declared (``news:title`` with no ``xmlns:news``) is read by
    its local name, where the tree kept "news:title" and lost the title; an entity the document does not declare
    (``&nbsp;``) is dropped with the text after it kept, where the tree kept the text before it only."""
    body = b"<urlset><url><loc>/a/1</loc><news:title>T&nbsp;x</news:title></url></urlset>"
    assert parsers.parse_sitemap(body, "https://x.example/").links[0].title == "Tx"
    assert whole_tree(body, "https://x.example/")[1][0][1] is None


def test_a_sitemap_s_entities_are_never_expanded() -> None:
    """A parser target is handed the text of the entities a DTD declares (the tree left them unexpanded): the DTD is
    blanked first, so billion laughs expand to nothing and an external entity is never read, as before."""
    levels = b"".join(b'<!ENTITY l%d "%s">' % (n, (b"&l%d;" % (n - 1) if n > 1 else b"lol") * 10) for n in range(1, 10))
    laughs = b"<?xml version='1.0'?><!DOCTYPE u [" + levels + b"]><urlset><url><loc>&l9;</loc></url>" \
        b"<url><loc>/a/ok</loc></url></urlset>"
    assert [link.url for link in parsers.parse_sitemap(laughs, "https://x.example/").links] == ["https://x.example/a/ok"]
    xxe = b'<!DOCTYPE u [<!ENTITY x SYSTEM "file:///etc/passwd">]><urlset><url><loc>/a/&x;</loc></url></urlset>'
    assert [link.url for link in parsers.parse_sitemap(xxe, "https://x.example/").links] == ["https://x.example/a/"]
    only = b'<!DOCTYPE u [<!ENTITY a "https://x.example/a/1">]><urlset><url><loc>&a;</loc></url></urlset>'
    assert parsers.parse_sitemap(only, "https://x.example/").links == ()
    assert parsers.empty_reason(only, "sitemap", "")[0] == "xml-entities"


def test_a_capped_sitemap_keeps_what_the_spider_takes_of_the_whole() -> None:
    """At most ``max_links`` entries are held; the spider's newest-first pick of them is its pick of every entry."""
    random.seed(4)
    dates = ["2024-05-%02d" % d for d in range(1, 29)] + ["", "garbage", "9999-12-31", "0001-01-01T00:00+14:00"]
    for root, tag in (("urlset", "url"), ("sitemapindex", "sitemap")):
        entries = "".join(f"<{tag}><loc>/a/{n}</loc><lastmod>{random.choice(dates)}</lastmod></{tag}>"
                          for n in range(5000))
        body = f"<{root}>{entries}</{root}>".encode()
        whole = parsers.parse_sitemap(body, "https://x.example/", max_links=10_000)
        capped = parsers.parse_sitemap(body, "https://x.example/", max_links=700)
        assert whole.complete and not capped.complete and len(capped.links) == 700
        if root == "urlset":
            def take(doc: parsers.SitemapDoc) -> list[str]:
                return [link.url for link in sorted(doc.links, key=lambda x: x.published or "", reverse=True)[:700]]
        else:
            def take(doc: parsers.SitemapDoc) -> list[str]:
                return [link.url for link in newest_first(doc.links)[:700]]
        assert take(capped) == take(whole)


def test_a_16_mb_sitemap_is_read_in_bounded_memory() -> None:
    """The whole tree of this 16 MB sitemap rose the process by ~200 MB (benchmarks/bench_sitemap_memory.py)."""
    script = """
import resource, sys
from crawler.discovery.parsers import parse_sitemap
entry = b"<url><loc>https://n.example/a/%d</loc><lastmod>2024-05-01</lastmod></url>"
body = b"<urlset>" + b"".join(entry % n for n in range(250_000)) + b"</urlset>"
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
doc = parse_sitemap(body, "https://n.example/")
print(len(body), len(doc.links), (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) // 1024)
"""
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, check=True)
    size, links, rise_mb = map(int, out.stdout.split())
    assert size > 16_000_000 and links == parsers.SITEMAP_MAX_LINKS and rise_mb < 80, out.stdout


# -- dates at the ends of the calendar -------------------------------------------------------------------------------


@pytest.mark.parametrize("lastmod", ["9999-12-31", "9999", "9999-12", "9999-W52", "9999-12-31T23", "0001-01-01"])
def test_a_lastmod_at_the_end_of_time_is_read_not_raised(lastmod: str) -> None:
    """``9999-12-31`` ended past datetime's range: OverflowError in the spider cost the index's other children."""
    end = w3c_end(lastmod)
    assert end is not None and (end.year == 9999 or lastmod.startswith("0001"))
    links = (parsers.Link("a", None, lastmod), parsers.Link("b", None, "2024-01-01"),
             parsers.Link("c", None, "0001-01-01T00:00:00+14:00"))
    assert sorted(link.url for link in newest_first(links)) == ["a", "b", "c"]


@pytest.mark.parametrize(("listed", "stored"), [
    ("Mon, 01 Jan 0001 00:00:00 +1400", None),  # RFC 2822 reads year 0001 as 2001: dated 2001-01-01
    ("Fri, 01 Jan 99999 00:00:00 GMT", None), ("Fri, 31 Dec 9999 23:59:59 GMT", None), ("9999-12-31", None),
    ("yesterday", None), ("Mon, 01 Jan 24 10:00:00 GMT", "2024-01-01"), ("2024-05-01T10:00:00Z", "2024-05-01"),
])
def test_a_listed_date_is_the_year_it_writes_and_not_to_come(listed: str, stored: str | None) -> None:
    assert listed_date_iso(listed, now=datetime(2026, 1, 1, tzinfo=UTC)) == stored


def test_a_last_modified_from_the_future_is_not_asked_back() -> None:
    """``If-Modified-Since: Fri, 31 Dec 9999`` would have every later edit answered 304 (RFC 9110 8.8.2.1)."""
    fetched = "2026-01-01T10:00:00+00:00"
    assert from_the_future("Fri, 31 Dec 9999 23:59:59 GMT", fetched)
    assert not from_the_future("Thu, 01 Jan 2026 12:00:00 GMT", fetched)  # a clock a little ahead
    assert not from_the_future("not a date", fetched)


# -- numbers that only look like numbers ----------------------------------------------------------------------------


def test_a_superscript_digit_is_no_number() -> None:
    """``str.isdigit()`` says yes to "²" and ``int()`` then raised: in the back-off's signal handler (Retry-After),
    in the chain cookie jar (Max-Age: the redirect lost, a fetch-error), in a sitemap's fetch time (Age)."""
    assert parse_retry_after(b"\xb2") is None and parse_retry_after(b"-5") is None
    assert parse_retry_after(b"Thu, 01 Jan 1970 00:00:00 GMT") == 0.0
    assert add_set_cookies((), ["s=1; Max-Age=\u00b2"], "http://h.example/a") == (("h.example", "/", "s", "1", False),)
    asked = "2026-01-01T10:00:00+00:00"
    assert fetch_time(asked, "Thu, 01 Jan 2026 09:00:00 GMT", "\u00b2") == "2026-01-01T09:00:00+00:00"


def test_a_redirect_chain_holds_fifty_cookies_a_host() -> None:
    """Five hops setting 250 cookies of 1 KB each sent a 1.26 MB Cookie header on the last (RFC 6265 6.1)."""
    jar: tuple = ()
    for hop in range(5):
        jar = add_set_cookies(jar, [f"c{hop}x{n}={'v' * 1000}; Path=/" for n in range(250)] + ["big=" + "v" * 5000],
                              "http://h.example/a/x")
    assert len(jar) == COOKIES_PER_HOST and not any(name == "big" for _, _, name, _, _ in jar)
    assert jar[-1][2] == "c4x249" and len(cookie_header(jar, "http://h.example/a/y")) < 60_000


# -- listings libxml2 stopped reading, duplicates in disguise, the URL cache ----------------------------------------------


def test_links_after_a_10_mb_text_node_or_300_open_tags_are_read() -> None:
    script = "<html><head><script>var s='" + "x" * 11_000_000 + "';</script></head><body><a href='/a/1'>x</a>"
    assert parsers.page_links(script, "http://h.example/") == ["http://h.example/a/1"]
    legacy = "<html><body>" + "".join(f"<font><a href='/t/{n}'>x</a>" for n in range(300)) + "<a href='/a/2'>y</a>"
    assert parsers.page_links(legacy, "http://h.example/")[-1] == "http://h.example/a/2"


def test_one_page_in_many_spellings_is_one_link() -> None:
    """20,000 query orders (or fragments) of one URL took the page's CRAWL_PAGE_MAX_LINKS with copies of it."""
    html = "".join(f"<a href='/a/q?b={n % 2}&a=1#c{n}'>x</a><a href='/a/q?a=1&b={n % 2}'>y</a>" for n in range(500))
    assert parsers.page_links(html + "<a href='/a/other'>z</a>", "http://h.example/") == [
        "http://h.example/a/q?b=0&a=1#c0", "http://h.example/a/q?b=1&a=1#c1", "http://h.example/a/other"]
    feed = "".join(f"<item><link>http://h.example/a/x#c{n}</link></item>" for n in range(300))
    assert len(parsers.parse_feed(f"<rss><channel>{feed}</channel></rss>".encode(), "http://h.example/")) == 1


def test_a_long_url_is_canonicalized_without_being_kept() -> None:
    """The cache held its 4,096 URLs whatever their length: 300 links of 100 KB kept 73 MB alive."""
    _canonical.cache_clear()
    url = "http://h.example/a/" + "x" * 100_000
    assert canonicalize(url) == url and _canonical.cache_info().currsize == 0
    assert canonicalize("http://H.example/a/1#x") == "http://h.example/a/1" and _canonical.cache_info().currsize == 1


# -- robots.txt gzipped with no Content-Encoding -----------------------------------------------------------------------


def test_a_gzipped_robots_txt_is_read_up_to_its_limit() -> None:
    rules = b"User-agent: *\nDisallow: /a/private\n"
    assert inflated_head(gzip.compress(rules), 500_000) == rules
    assert len(inflated_head(gzip.compress(b"\0" * 10_000_000), 500_001)) == 500_001  # a bomb costs the limit
    assert inflated_head(b"\x1f\x8b not gzip", 100) == b""


def _children_cpu() -> float:
    """CPU seconds of this process's finished child processes (user and system)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime

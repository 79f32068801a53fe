"""End to end on two more unseen outlet styles (tests/altsites9): a news portal behind Cloudflare and a print daily's
website.

The portal (tests/altsites9/cdn.py): its HTML comes brotli-compressed, its RSS feed zlib-wrapped ``deflate`` and its
sitemap raw ``deflate``, every reply with ``Vary: Accept-Encoding, User-Agent`` (a mobile user agent gets a lighter
page); Cloudflare's email obfuscation puts "[email protected]" and a ``data-cfemail`` code where its stories print an
address (an editor's contact line, a statement's address) and links ``/cdn-cgi/l/email-protection``, which robots.txt
forbids; and it answers with soft 404s: a removed story (still in the feed and the sitemap) answers 200 with the story
template headed "this story is no longer available", a deleted one (in the sitemap and a related box) 301 to the home
page, a mistyped story id (the ticker's, a section card's) 200 with the "page not found" template over the latest
stories' teasers.
The daily (tests/altsites9/daily.py): stories ``/<yyyy>/<mm>/<dd>/<id>.html``, the issue day in the URL their only
Gregorian date (a Hijri dateline under the headline, the latest issue's day in the top bar of every page); an endless
calendar archive ``/archive/<yyyy>-<mm>-<dd>`` (every day answers, each links the day before and after and its month);
stories with an interview in questions and answers, a table of figures, footnote markers and notes with "↩"
back-links, and pull-quotes repeating a sentence of the story.

Decisions. An obfuscated address is the address, as a reader's browser shows it (Cloudflare's script decodes it
there). A page that says the story or page is not found or no longer there is no article, whatever its status and
markup (a soft 404: a ``failures`` row, reason ``soft-404``); a story that redirects to the home page is none either.
The issue day in the URL is the story's date; a Hijri-only dateline is not converted, and the top bar's day is the
latest issue's, not the story's. A table is part of the story, a line per row as trafilatura writes grid rows
("| a | b |"), its caption the first row; an interview's questions are lines of the story; the notes are part of the
story (the author's sources) under their heading, each a list line ("- note"), the markers "[n]" as printed, the
back-links not; a pull-quote is no part of it (the sentence stays once, where the story has it). The calendar's trap
is ended by the outlet's ``max_depth`` (3), as a user leaves it. The checks, as tests/test_e2e_altsites8.py's, plus:
no placeholder or obfuscation code in a body, the compressed replies (br, deflate both ways) read and archived as they
came (the WARC record's Content-Encoding, read back decoded), no row for a soft 404 or a redirect to the home page and
a ``soft-404`` failure for each, the archive-only story found and the archive walked a bounded number of pages, the
pull-quote's sentence once in its story, and nothing of the removed, deleted or mistyped stories fetched again.
"""

from __future__ import annotations

import io
import re
from urllib.parse import urlsplit

import altsite_checks as checks
import brotli
import pytest
from altsites9 import serve_alt_sites9
from altsites9.cdn import MOBILE_MARKERS
from altsites9.content_cdn import ARTICLES as CDN_ARTICLES
from altsites9.content_cdn import GONE, MISTYPED
from altsites9.content_daily import ARTICLES as DAILY_ARTICLES
from helpers import catalogue
from warcio.archiveiterator import ArchiveIterator

from crawler.discovery.urls import canonicalize
from crawler.web.records import parse_response, record_bytes

# Written the way a user would, from what the sites show. The portal: its home page, the section pages of its menu, the
# feed its pages name, the story links as they are printed (the pattern left open at the end, as users write them).
# The daily: its front page, its sections and calendar archive (the "issue archive" link of the top bar), its feed.
CONFIG = r"""
[[outlet]]
name = "alt-cdn"
display_name = "الواحة نيوز"
start_urls = ["{cdn}/"]
feeds = ["{cdn}/feed"]
article_urls = ['/news/[a-z]+/\d+']
follow_urls = ['/news/[a-z]+/$']
download_delay = 0.0
concurrency = 4

[[outlet]]
name = "alt-daily"
display_name = "صحيفة الرقيب"
start_urls = ["{daily}/"]
feeds = ["{daily}/rss.xml"]
article_urls = ['/\d{{4}}/\d{{2}}/\d{{2}}/\d+\.html']
follow_urls = ['/section/\w+$', '/archive/\d{{4}}-\d{{2}}-\d{{2}}$']
download_delay = 0.0
concurrency = 4
"""
SITE_OF = {"cdn": "alt-cdn", "daily": "alt-daily"}
ITEMS = {f"cdn-{a['id']}": a for a in CDN_ARTICLES} | {f"daily-{a['id']}": a for a in DAILY_ARTICLES}
OUTLET_OF = {k: SITE_OF[k.split("-")[0]] for k in ITEMS}
RELEVANT = [k for k, a in ITEMS.items() if a["relevant"]]
KNOWN_MISSES: dict[str, str] = {}
DISTRACTORS = [k for k, a in ITEMS.items() if not a["relevant"]]
# words of the sites' chrome that no article body holds: the portal's menu, breadcrumb, byline, caption, tools,
# related box, sidebar and footer; the daily's issue bar, menu, dateline, tools, more-news box and footer
CHROME = [
    "الرئيسية",
    "عاجل",
    "صورة من الأرشيف",
    "طباعة",
    "فيسبوك",
    "أخبار ذات صلة",
    "الأكثر قراءة",
    "راسلونا",
    "جميع الحقوق محفوظة",
    "سالم الفرجاني",
    "نجلاء المصراتي",
    "أرشيف الأعداد",
    "العدد",
    "رجب",
    "هـ",
    "نسخة للطباعة",
    "التعليقات",
    "المزيد من أخبار العدد",
    "يومية ليبية مستقلة",
]
# what Cloudflare's obfuscation leaves where it is not decoded
PLACEHOLDER = ["email protected", "[email", "cdn-cgi", "cfemail"]


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    """One real crawl of the sites by the CLI in a subprocess, then a second one."""
    yield from checks.crawl_twice(tmp_path_factory.mktemp("altsites9"), serve_alt_sites9, CONFIG)


def _row(crawled, key: str):
    return checks.found_row(crawled, key, OUTLET_OF[key])


def test_crawl_exits_zero(crawled):
    checks.check_crawl_exits_zero(crawled)


@pytest.mark.parametrize("key", checks.with_xfails(RELEVANT, KNOWN_MISSES))
def test_relevant_article_is_catalogued_as_relevant(crawled, key):
    checks.check_relevant(_row(crawled, key), key)


@pytest.mark.parametrize("key", DISTRACTORS)
def test_distractor_is_not_relevant(crawled, key):
    checks.check_distractor(_row(crawled, key), key)


@pytest.mark.parametrize("key", list(ITEMS))
def test_every_article_has_its_exact_headline(crawled, key):
    checks.check_headline(crawled, _row(crawled, key), key)


@pytest.mark.parametrize("key", list(ITEMS))
def test_body_token_f1(crawled, key):
    checks.check_body_f1(crawled, _row(crawled, key), key)


@pytest.mark.parametrize("key", list(ITEMS))
def test_one_paragraph_per_line(crawled, key):
    """Addresses decoded, table rows, questions and notes a line each, no pull-quote."""
    checks.check_paragraphs(crawled, _row(crawled, key), key)


@pytest.mark.parametrize("key", list(ITEMS))
def test_no_chrome_in_the_body(crawled, key):
    checks.check_no_chrome(crawled, _row(crawled, key), key, CHROME)


@pytest.mark.parametrize("key", [k for k in ITEMS if k.startswith("cdn-")])
def test_no_obfuscation_left_in_the_body(crawled, key):
    checks.check_no_chrome(crawled, _row(crawled, key), key, PLACEHOLDER)


def test_every_obfuscated_address_of_a_story_is_in_its_body(crawled):
    addresses = [(a["id"], e) for a in CDN_ARTICLES for e in a["email"]]
    assert len(addresses) >= 6
    for story, address in addresses:
        assert address in _row(crawled, f"cdn-{story}")["text"], (story, address)


@pytest.mark.parametrize("key", [k for k in ITEMS if k.startswith("cdn-")])
def test_publication_moment(crawled, key):
    """The portal's JSON-LD datePublished."""
    checks.check_moment(_row(crawled, key), key, ITEMS[key])


@pytest.mark.parametrize("key", [k for k in ITEMS if k.startswith("daily-")])
def test_the_issue_day_in_the_url_is_the_date(crawled, key):
    """Neither the top bar's latest issue day nor a misread Hijri dateline."""
    row = _row(crawled, key)
    checks.check_day(row, key, ITEMS[key], hour=False)
    assert row["published_source"] == "url", (key, row["published_source"])


def test_the_pull_quote_sentence_is_once_in_its_story(crawled):
    pulls = [a for a in DAILY_ARTICLES if a["pull"]]
    assert len(pulls) >= 2
    for a in pulls:
        words = " ".join(re.findall(r"\w+", a["pull"][0]))
        assert " ".join(re.findall(r"\w+", _row(crawled, f"daily-{a['id']}")["text"])).count(words) == 1, a["id"]


def test_one_row_per_article_and_one_text_file_per_relevant_one(crawled):
    """No row for a removed, deleted or mistyped story, nor for the home page a deleted one redirects to."""
    checks.check_one_row_per_article(crawled, SITE_OF, len(RELEVANT) - len(KNOWN_MISSES))


def test_every_variant_fetched_resolves_to_its_article(crawled):
    checks.check_variants_resolve(crawled)


def test_each_soft_404_was_asked_once_and_recorded_as_such(crawled):
    """The removed story (feed, sitemap), the deleted one (sitemap) and the mistyped ids were each fetched once, by the
    two crawls together; each is a ``soft-404`` failure, the redirect to the home page too, and none is a row."""
    site = crawled["sites"].sites["cdn"]
    asked = [(raw, story, status) for raw, story, status in site.gone]
    removed = [g["id"] for g in GONE if g["state"] == "removed"]
    deleted = [g["id"] for g in GONE if g["state"] == "deleted"]
    assert sorted(story for _, story, _ in asked) == sorted([*removed, *deleted, *MISTYPED]), asked
    conn = catalogue(crawled["data"])
    failures = {canonicalize(r["url"]): r["reason"] for r in conn.execute("select url, reason from failures")}
    for raw, _, _ in asked:
        assert failures.get(canonicalize(site.base + raw)) == "soft-404", (raw, failures)
    home = conn.execute("select count(*) from articles where url = ?", [canonicalize(site.base + "/")]).fetchone()[0]
    assert home == 0


def test_the_compressed_replies_were_read_and_archived_as_they_came(crawled):
    """The HTML came brotli-compressed, the feed and the sitemap deflated (zlib-wrapped, raw); each WARC record holds
    the bytes as they came with their Content-Encoding (digests: test_every_capture_row_points_at_its_warc_record),
    which decode to the desktop page; the deflated ones replay."""
    site = crawled["sites"].sites["cdn"]
    sent = dict(site.encodings)
    assert sent["/feed"] == "deflate" and sent["/sitemap.xml"] == "deflate" and sent["/"] == "br", sent
    conn = catalogue(crawled["data"])
    for a in CDN_ARTICLES:
        record = _record(crawled, _row(crawled, f"cdn-{a['id']}")["capture_id"])
        assert record.http_headers.get_header("Content-Encoding") == "br", a["id"]
        page = brotli.decompress(record.raw_stream.read()).decode("utf-8")
        assert a["title"] in page and 'class="desktop"' in page, a["id"]  # not the mobile page
    for path in ("/feed", "/sitemap.xml"):
        capture = conn.execute("select * from captures where url = ?", [site.base + path]).fetchone()
        member = record_bytes(crawled["data"], capture["warc_file"], capture["warc_offset"], capture["warc_length"])
        assert parse_response(member).body.startswith(b"<?xml"), path


def test_an_archived_brotli_page_replays(crawled):
    """warcio 1.8.1 could not inflate brotli >= 1.1's output (webrecorder/warcio#73): archive/warc/reader.py adapts it."""
    row = _row(crawled, f"cdn-{CDN_ARTICLES[0]['id']}")
    capture = catalogue(crawled["data"]).execute("select * from captures where id = ?", [row["capture_id"]]).fetchone()
    member = record_bytes(crawled["data"], capture["warc_file"], capture["warc_offset"], capture["warc_length"])
    assert CDN_ARTICLES[0]["title"] in parse_response(member).body.decode("utf-8")


def _record(crawled, capture_id: int):
    """The WARC record of a capture row, read with warcio."""
    capture = catalogue(crawled["data"]).execute("select * from captures where id = ?", [capture_id]).fetchone()
    member = record_bytes(crawled["data"], capture["warc_file"], capture["warc_offset"], capture["warc_length"])
    return next(iter(ArchiveIterator(io.BytesIO(member))))


def test_the_crawler_asked_as_a_desktop_client_accepting_brotli(crawled):
    """One user agent for every request, none a mobile one, and brotli accepted (the site varies on both)."""
    cdn = [r for r in crawled["log"] if r.site == "cdn"]
    agents = {r.headers.get("User-Agent", "") for r in cdn}
    assert len(agents) == 1 and not any(m in a for a in agents for m in MOBILE_MARKERS), agents
    assert all("br" in r.headers.get("Accept-Encoding", "") for r in cdn if r.path != "/robots.txt")


def test_the_archive_only_story_was_found_and_the_calendar_walk_ended(crawled):
    only = [a for a in DAILY_ARTICLES if a["links"] == ("archive",)]
    assert only
    for a in only:
        assert _row(crawled, f"daily-{a['id']}")["relevant"] == int(a["relevant"])
    days = {r.path for r in crawled["log"] if r.site == "daily" and r.path.startswith("/archive/")}
    assert 3 <= len(days) <= 70, sorted(days)
    assert len([r for r in crawled["log"] if r.site == "daily" and r.path.startswith("/archive/")]) == len(days)


def test_the_feeds_and_the_sitemap_were_read(crawled):
    paths = {(r.site, r.path) for r in crawled["log"]}
    assert {("cdn", "/feed"), ("cdn", "/sitemap.xml"), ("daily", "/rss.xml")} <= paths


def test_no_page_is_an_article_but_a_story(crawled):
    conn = catalogue(crawled["data"])
    urls = [urlsplit(r["url"]).path for r in conn.execute("select url from articles")]
    assert all(re.fullmatch(r"/news/[a-z]+/\d+|/\d{4}/\d\d/\d\d/\d+\.html", u) for u in urls), urls


def test_no_story_url_was_guessed_wrong(crawled):
    assert not [(r.site, r.path) for r in crawled["log"] if r.status == 404]


def test_the_config_would_reach_robots_forbidden_urls(crawled):
    for site in crawled["sites"].sites.values():
        wanted = checks.robots_forbidden_the_config_reaches(crawled, site.forbidden_links())
        assert len(wanted) >= 2, (site.name, wanted)


def test_nothing_fetched_that_robots_txt_forbids(crawled):
    checks.check_nothing_forbidden_fetched(crawled)


def test_every_capture_row_points_at_its_warc_record(crawled):
    checks.check_captures_on_their_warc_records(crawled)


def test_a_second_crawl_fetches_no_article_again_and_changes_nothing(crawled):
    checks.check_second_crawl(crawled)


def test_the_second_crawl_asked_for_no_gone_story_again(crawled):
    again = [r.path for r in crawled["log_again"] if r.site == "cdn" and r.path.startswith("/news/")]
    assert not [p for p in again if p.rstrip("/").split("/")[-1].isdigit()], again

"""End to end on two more unseen outlet styles (tests/altsites12): a Libyan news portal on Drupal 7 and a Libyan
outlet's Telegram channel read through t.me's web preview.

The portal (tests/altsites12/drupal.py): nodes ``/ar/<section>/<Arabic slug>`` (Pathauto, escaped in upper case) and
``/node/<nid>``, ``/ar/node/<nid>`` (an editor's links in a body and its teaser, a "related" block), all 200 under a relative rel=canonical
and rel=shortlink; Views listings paged with ``?page=N`` (0-based); taxonomy term pages and their ``/feed``;
``/rss.xml`` with ``xml:base``; the xmlsitemap module's sitemap, alone leading to the oldest node; Drupal 7's robots.txt
(``Crawl-delay: 10``); Bartik's markup: ``field-name-body``, the "submitted" line in the medium format (US order,
"السبت, 05/04/2019 - 14:30") inside ``<span property="dc:date dc:created" content="...">``, a colorbox gallery, a
file field with a PDF, tags, the read count and "log in to post comments" links, a comment thread whose comments
carry their own RDFa dates and bodies, "most read" and "related" blocks.
The channel (tests/altsites12/telegram.py): the preview ``/s/<channel>`` with its ``?before=<id>`` "load more" link,
message pages ``/<channel>/<id>`` that are shells (the message in ``og:description`` only; ``telegram-widget.js``
draws it; the title is the channel's name), a message's bold first line as its headline, an album, a forwarded and an
edited message, hashtags linked to ``?q=``.

Decisions. A shell post's text is its description, one paragraph a line, and its headline the short first line the
author typed (crawler/extraction/post_shell.py); Drupal's node links and "submitted" line are chrome whatever the date
format (crawler/extraction/boilerplate.py); a gallery's picture titles and an attached file's name are no part of the
story. One row per node under its alias whatever link led to it; one row per message under ``/<channel>/<id>``; no
listing, term, preview or hashtag page a story.

A message is dated by its stamp on the preview: a ``<time datetime>`` inside the link to it (the message page prints
no date; crawler/discovery/stamps.py). A node is dated by its RDFa ``dc:date`` span (crawler/extraction/date_markup.py,
since stop 39: before, the printed m/d/Y date was read day first, 4 May 2019 stored as 5 April).
"""

from __future__ import annotations

import re

import altsite_checks as checks
import pytest
from altsites12 import serve_alt_sites12
from altsites12.content import CHANNEL, NODES, POSTS
from helpers import catalogue, crawl_cli

# Written the way a user would, from what the sites show. The portal: its front page and section listings (paged with
# ?page=), the feed icons it shows, its sitemap; nodes by alias and by system path. The channel: its preview, the
# "load more" link, a message's address.
CONFIG = r"""
[[outlet]]
name = "alt-drupal"
display_name = "بوابة الوسط الليبية"
start_urls = ["{drupal}/ar", "{drupal}/ar/libya", "{drupal}/ar/economy"]
feeds = ["{drupal}/rss.xml", "{drupal}/ar/taxonomy/term/12/feed"]
sitemaps = ["{drupal}/sitemap.xml"]
article_urls = ['/ar/(libya|economy)/[^/?]+$', '/node/\d+$']
follow_urls = ['/ar/(libya|economy)(\?page=\d+)?$', '/ar/taxonomy/term/\d+$']
download_delay = 0.0
concurrency = 4

[[outlet]]
name = "alt-telegram"
display_name = "ليبيا الأحرار"
start_urls = ["{telegram}/s/libyaalahrar_news"]
article_urls = ['/libyaalahrar_news/\d+$']
follow_urls = ['/s/libyaalahrar_news\?before=\d+$']
download_delay = 0.0
concurrency = 4
"""
SITE_OF = {"drupal": "alt-drupal", "telegram": "alt-telegram"}
ITEMS = {f"drupal-{n['nid']}": n for n in NODES} | {f"telegram-{p['id']}": p for p in POSTS}
OUTLET_OF = {k: SITE_OF[k.split("-")[0]] for k in ITEMS}
RELEVANT = [k for k, a in ITEMS.items() if a["relevant"]]
DISTRACTORS = [k for k, a in ITEMS.items() if not a["relevant"]]
# words of the chrome that no story holds: Drupal's submitted line, node links (the read count, "log in to post
# comments"), tags and file fields, blocks, footer, the comment thread;
# t.me's author line, forwarded header, footer (views, edited), page actions and channel info
CHROME = ["أرسلت بواسطة", "محرر الأخبار", "سجل دخولك", "إرسال تعليقات", "الوسوم", "الملفات المرفقة", ".pdf",
          "صورة من موقع القصف", "الأكثر قراءة", "محتوى ذو صلة", "اقرأ المزيد", "جميع الحقوق محفوظة", "Powered by",
          "التجاوز إلى المحتوى", "Forwarded from", "edited", "views", "subscribers", "View in Telegram", "Context",
          "ليبيا الأحرار", "تعليقات", "رابط ثابت", "غير متحقق", "حسبنا الله", "المجتمع الدولي", "قراءة"]


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    """One real crawl of both sites by the CLI in a subprocess (one crawl: the suite is near its time budget)."""
    tmp = tmp_path_factory.mktemp("altsites12")
    with serve_alt_sites12() as sites:
        seeds = tmp / "outlets.toml"
        seeds.write_text(CONFIG.format(**sites.bases), encoding="utf-8")
        # the portal asks Crawl-delay: 10; capped (tests/test_crawl_delay.py checks the delay itself)
        proc = crawl_cli(seeds, tmp / "data", "-s", "CRAWL_ROBOTS_DELAY_MAX=0.01", timeout=120)
        yield {"proc": proc, "data": tmp / "data", "sites": sites, "seeds": seeds, "log": list(sites.requests_log),
               "expected": {e.key: e for e in sites.expected}}


def _row(crawled, key: str):
    return checks.found_row(crawled, key, OUTLET_OF[key])


def test_crawl_exits_zero(crawled):
    checks.check_crawl_exits_zero(crawled)


@pytest.mark.parametrize("key", RELEVANT)
def test_relevant_story_is_catalogued_as_relevant(crawled, key):
    checks.check_relevant(_row(crawled, key), key)


@pytest.mark.parametrize("key", DISTRACTORS)
def test_distractor_is_not_relevant(crawled, key):
    checks.check_distractor(_row(crawled, key), key)


@pytest.mark.parametrize("key", list(ITEMS))
def test_every_story_has_its_exact_headline(crawled, key):
    """A node's page title; a message's bold first line, not the channel's name that titles every message page."""
    checks.check_headline(crawled, _row(crawled, key), key)


@pytest.mark.parametrize("key", list(ITEMS))
def test_the_whole_story_one_paragraph_a_line(crawled, key):
    """A node's body field, its crosshead a line; a message's lines under its headline, from the description."""
    checks.check_paragraphs(crawled, _row(crawled, key), key)


@pytest.mark.parametrize("key", list(ITEMS))
def test_no_chrome_in_the_body(crawled, key):
    checks.check_no_chrome(crawled, _row(crawled, key), key, CHROME)


@pytest.mark.parametrize("key", list(ITEMS))
def test_the_day_is_the_published_one(crawled, key):
    """The node's dc:date (05/04/2019 is 4 May: Drupal's medium format is month first); the message's stamp on the
    preview (a <time datetime> inside the link to it: the message page prints no date)."""
    checks.check_day(_row(crawled, key), key, ITEMS[key], hour=False)


def test_a_message_is_dated_by_its_stamp_on_the_preview(crawled):
    sources = {_row(crawled, f"telegram-{p['id']}")["published_source"] for p in POSTS}
    assert sources == {"listing"}, sources


def test_one_row_per_story_and_one_text_file_per_relevant_one(crawled):
    checks.check_one_row_per_article(crawled, SITE_OF, len(RELEVANT))


def test_every_variant_fetched_resolves_to_its_story(crawled):
    """/node/<nid> from an editor's link in a teaser: an alias of the node's row (its rel=canonical), never a row."""
    variants = checks.check_variants_resolve(crawled)
    assert variants["drupal"] >= 1, variants


def test_no_listing_term_preview_or_hashtag_page_is_a_story(crawled):
    conn = catalogue(crawled["data"])
    urls = [r["url"] for r in conn.execute("select url from articles")]
    assert all(re.search(rf"/ar/(libya|economy)/[^/?]+$|/{CHANNEL}/\d+$", u) for u in urls), urls


def test_the_feeds_the_sitemap_and_every_preview_page_were_read(crawled):
    paths = {(r.site, r.path) for r in crawled["log"]}
    ids = sorted(p["id"] for p in POSTS)  # two a page here: the first page's "load more", then the second's
    older = [ids[-2], ids[-4]]
    assert {("drupal", "/rss.xml"), ("drupal", "/ar/taxonomy/term/12/feed"), ("drupal", "/sitemap.xml"),
            ("drupal", "/ar/libya?page=1")} <= paths, sorted(paths)
    assert {("telegram", f"/s/{CHANNEL}?before={i}") for i in older} <= paths, sorted(paths)


def test_no_story_url_was_guessed_wrong(crawled):
    assert not [(r.site, r.path) for r in crawled["log"] if r.status == 404]


def test_nothing_fetched_that_robots_txt_forbids(crawled):
    checks.check_nothing_forbidden_fetched(crawled)


def test_every_capture_row_points_at_its_warc_record(crawled):
    checks.check_captures_on_their_warc_records(crawled)

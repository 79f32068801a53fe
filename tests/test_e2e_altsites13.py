"""End to end on two more unseen outlet styles (tests/altsites13): a Libyan news site on Next.js whose story pages
are shells, and a Libyan newsletter outlet on Ghost 5.

The Next.js site (tests/altsites13/nextjs.py): story pages ``/article/<id>/<Arabic slug>`` whose HTML holds the
headline, the excerpt, the date and the photo but an empty ``<div class="article-body">``: the story is only in
``<script id="__NEXT_DATA__">``'s ``props.pageProps.article.content`` (HTML, with a photo's caption and an editor's
"read also" line in it), beside the related and "most read" stories' excerpts; no JSON-LD; ``/article/<id>`` (the
feed's links) and ``?utm_source=most_read`` variants under a rel=canonical; a "load more" button (no link past the
first listing page), a feed of some stories, next-sitemap's index of every story; a cookie banner.
The Ghost outlet (tests/altsites13/ghost.py): posts ``/<Arabic slug>/`` and their AMP views ``/<slug>/amp/``; Casper's
markup (the byline's ``<time>`` printed with Arabic-Indic digits, the datetime attribute too), Koenig cards (an image
card's caption, a bookmark card previewing another post, a signup card), a members-only post's public preview and
its upgrade box, the comments app, "read more" cards; ``/page/2/`` named only by ``<link rel="next">``; ``/rss/``;
a sitemap index of four sitemaps.

Decisions. A shell's story is its page state's article object (the object whose title is the page's headline) read
as a JSON-LD articleBody is read (crawler/extraction/state_body.py): its captions and "read also" line are no part of
the story; a related story's excerpt in the state is never read. A members-only post is its public preview. One row
per story under its rel=canonical whatever link led to it; no listing, tag, author or page-2 page a story.
"""

from __future__ import annotations

import re

import altsite_checks as checks
import pytest
from altsites13 import serve_alt_sites13
from altsites13.content import GHOST_POSTS, NEXT_STORIES
from helpers import catalogue, crawl_cli

from crawler.discovery.urls import canonicalize

# Written the way a user would, from what the sites show: the Next.js site's home and category pages, its feed and
# its sitemap; the Ghost outlet's home page (its older posts come through the sitemap robots.txt names and /page/2/),
# its tags and its feed. Article patterns from the addresses a reader copies.
CONFIG = r"""
[[outlet]]
name = "alt-nextjs"
display_name = "ليبيا 360"
start_urls = ["{nextjs}/", "{nextjs}/category/libya", "{nextjs}/category/economy"]
feeds = ["{nextjs}/rss.xml"]
sitemaps = ["{nextjs}/sitemap.xml"]
article_urls = ['/article/\d+(/[^/?]+)?$']
download_delay = 0.0
concurrency = 4

[[outlet]]
name = "alt-ghost"
display_name = "المرصد الليبي"
start_urls = ["{ghost}/", "{ghost}/tag/libya/", "{ghost}/tag/society/"]
feeds = ["{ghost}/rss/"]
article_urls = ['^https?://[^/]+/[^/?]+/(amp/)?$']
deny_urls = ['/(tag|author|p|ghost|about)/']
follow_urls = ['/page/\d+/$']
download_delay = 0.0
concurrency = 4
"""
OLDEST = next(p for p in GHOST_POSTS if p["page2"])
SITE_OF = {"nextjs": "alt-nextjs", "ghost": "alt-ghost"}
ITEMS = {f"nextjs-{s['id']}": s for s in NEXT_STORIES} | {f"ghost-{p['id']}": p for p in GHOST_POSTS}
OUTLET_OF = {k: SITE_OF[k.split("-")[0]] for k in ITEMS}
RELEVANT = [k for k, a in ITEMS.items() if a["relevant"]]
DISTRACTORS = [k for k, a in ITEMS.items() if not a["relevant"]]
# words of the chrome that no story holds: the Next.js site's cookie banner, menu, share bar, "read also" line,
# captions, related and "most read" boxes, footer; Ghost's byline, captions, bookmark and signup cards, upgrade box,
# subscribe call, read-more cards, footer
CHROME = ["ملفات تعريف الارتباط", "عاجل", "نسخ الرابط", "اقرأ أيضا", "آثار الاشتباكات على واجهة", "مقر مصرف ليبيا",
          "أخبار ذات صلة", "الأكثر قراءة", "تحميل المزيد", "جميع الحقوق محفوظة", "فريق التحرير",
          "دقائق قراءة", "تصوير:", "آليات عسكرية", "مخيم للنازحين", "النازحون من تاورغاء", "نشرة المرصد الأسبوعية",
          "بريدك", "للمشتركين فقط", "اشترك", "سجل الدخول", "Powered by Ghost", "سالم الورفلي", "هدى المسماري"]


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    """One real crawl of both sites by the CLI in a subprocess, then one more of the unchanged sites."""
    yield from checks.crawl_twice(tmp_path_factory.mktemp("altsites13"), serve_alt_sites13, CONFIG)


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
    checks.check_headline(crawled, _row(crawled, key), key)


@pytest.mark.parametrize("key", list(ITEMS))
def test_the_whole_story_one_paragraph_a_line(crawled, key):
    """The Next.js shell's story from its page state (not the related stories' cards the HTML shows); a Ghost
    post's gh-content without its cards; a members-only post's public preview."""
    checks.check_paragraphs(crawled, _row(crawled, key), key)


@pytest.mark.parametrize("key", list(ITEMS))
def test_no_chrome_in_the_body(crawled, key):
    checks.check_no_chrome(crawled, _row(crawled, key), key, CHROME)


@pytest.mark.parametrize("key", [k for k in ITEMS if k.startswith("nextjs")])
def test_a_story_of_the_nextjs_site_is_dated_to_the_minute(crawled, key):
    """Its ``<time dateTime="...Z">`` under the headline: the instant, not the local time its text prints without a
    zone (the outlet names no timezone)."""
    checks.check_moment(_row(crawled, key), key, ITEMS[key])


@pytest.mark.parametrize("key", [k for k in ITEMS if k.startswith("ghost")])
def test_a_ghost_post_is_dated_on_its_day_in_libya(crawled, key):
    """``article:published_time`` in UTC; a post published at 01:30 in Libya (23:30 UTC the day before) is dated by
    the day its byline prints (in Arabic-Indic digits)."""
    row = _row(crawled, key)
    from datetime import datetime, timedelta, timezone

    day = datetime.fromisoformat(ITEMS[key]["date"].replace("Z", "+00:00")).astimezone(timezone(timedelta(hours=2)))
    assert (row["published"] or "")[:10] == day.date().isoformat(), (key, row["published"], row["published_source"])


def test_one_row_per_story_and_one_text_file_per_relevant_one(crawled):
    checks.check_one_row_per_article(crawled, SITE_OF, len(RELEVANT))


def test_the_text_files_are_in_seed_format(crawled):
    """The headline, a blank line, the story one paragraph a line (tests/test_archive_textexport.py's format)."""
    conn = catalogue(crawled["data"])
    rows = conn.execute("select url, title, text, text_file from articles where relevant = 1").fetchall()
    for row in rows:
        got = (crawled["data"] / row["text_file"]).read_text(encoding="utf-8")
        assert got == f"{row['title']}\n\n{row['text']}\n", row["url"]
        assert re.fullmatch(r"text/\d{3,}_[0-9a-f]{16}\.txt", row["text_file"]), row["text_file"]


def test_every_variant_fetched_resolves_to_its_story(crawled):
    """/article/<id> (the feed's links), ?utm_source=most_read, /<slug>/amp/: aliases of the story's row."""
    variants = checks.check_variants_resolve(crawled)
    assert variants["nextjs"] >= 1, variants


def test_no_listing_tag_author_or_page_is_a_story(crawled):
    conn = catalogue(crawled["data"])
    urls = [r["url"] for r in conn.execute("select url from articles")]
    assert all(re.search(r"/article/\d+/[^/?]+$|:\d+/[^/?]+/$", u) for u in urls), urls


def test_the_sitemaps_the_feeds_and_page_two_were_read(crawled):
    """``/page/2/`` too, which only the home page's ``<link rel="next">`` names (crawler/discovery/parsers.py; before
    round 13 only ``<a>`` and ``<area>`` were a listing's links, and the older posts came from the sitemap alone)."""
    paths = {(r.site, r.path) for r in crawled["log"]}
    assert {("nextjs", "/rss.xml"), ("nextjs", "/sitemap-0.xml"), ("ghost", "/rss/"),
            ("ghost", "/sitemap-posts.xml"), ("ghost", "/page/2/")} <= paths, sorted(paths)


def test_the_older_post_is_found_on_page_two_without_the_sitemap(tmp_path):
    """A crawl of the Ghost outlet's home page alone (no feed, no sitemap: ``robots_sitemaps = false``) reaches the
    post that only ``/page/2/`` lists."""
    config = CONFIG.split("[[outlet]]")[2].replace('feeds = ["{ghost}/rss/"]', "robots_sitemaps = false")
    config = "[[outlet]]" + config.replace('"{ghost}/tag/libya/", "{ghost}/tag/society/"', "")
    with serve_alt_sites13() as sites:
        seeds = tmp_path / "outlets.toml"
        seeds.write_text(config.replace("{ghost}", sites.bases["ghost"]), encoding="utf-8")
        proc = crawl_cli(seeds, tmp_path / "data", timeout=120)
        assert proc.returncode == 0, proc.stderr[-2000:]
        old = next(e for e in sites.expected if e.key == f"ghost-{OLDEST['id']}")
    conn = catalogue(tmp_path / "data")
    assert conn.execute("select count(*) from articles where url = ?", [canonicalize(old.canonical_url)]).fetchone()[0]


def test_no_story_url_was_guessed_wrong(crawled):
    assert not [(r.site, r.path) for r in crawled["log"] if r.status == 404]


def test_nothing_fetched_that_robots_txt_forbids(crawled):
    checks.check_nothing_forbidden_fetched(crawled)


def test_every_capture_row_points_at_its_warc_record(crawled):
    checks.check_captures_on_their_warc_records(crawled)


def test_a_second_crawl_changes_nothing(crawled):
    checks.check_second_crawl(crawled)

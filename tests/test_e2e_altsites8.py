"""End to end on two more unseen outlet styles (tests/altsites8): a client-rendered single-page app and a metered-paywall
newspaper.

The single-page app: every page's HTML is a shell (header, an empty ``<div id="root">``, footer, the app's data in a
``<script type="application/json">`` blob); a story page ``/ar/news/<id>/<slug>`` adds a rel=canonical, og tags, a
``<noscript>`` with the headline and the first paragraph only, and a JSON-LD NewsArticle whose ``articleBody`` holds
the whole story (paragraphs separated by "\\n\\n" on some pages, "\\n" on others, by nothing on others). Its home page
is a shell too: stories are found through the RSS feed (``/ar/news/<id>?utm_source=rss``, no slug) and the sitemap
index robots.txt names; both list sponsored stories under ``/sponsored/``, which robots.txt forbids.
The paywall newspaper (WordPress): ``/akhbar/<id>/`` with the id in Arabic-Indic digits (``/akhbar/٤٨١٧/``), linked
escaped in lower case by the cards, in upper case by the sitemap, with ASCII digits by the news ticker and as the
short link ``/?p=<id>`` by the "most read" box (both answer 301 to the pretty URL); a paywalled story's page shows
the headline, the standfirst and two paragraphs, then a "اشترك لمتابعة القراءة" box in ``<div class="paywall">``,
its JSON-LD (Google's paywall markup: ``isAccessibleForFree`` false, ``hasPart`` naming ``.paywall``) the whole
story in ``articleBody``; free stories are whole on the page and in articleBody, but for one whose articleBody is a
teaser ending in "...".

Decisions. The story is what a reader of the served page is given, its JSON-LD included: the page's own structured
data is served to every reader and is how the publisher states its article (schema.org ``articleBody``: "the actual
body of the article"), and news-please, Zyte's and Diffbot's extractors and Google read it. So the body of a shell or
a paywalled page is the whole story from its articleBody, paragraphs as the text gives them: where it runs them
together (a CMS's strip_tags of ``</p><p>``), a full stop followed directly by a letter is a paragraph break, as
prose puts a space there. The subscribe box is no part of it; a teaser articleBody never replaces a whole page. The
standfirst is the story's description (its meta description, og:description and JSON-LD ``description``), set apart
from the body by the publisher's own markup (the entry header beside the headline, not the entry content, and not in
articleBody), so it is no part of the body, whatever page a story is on. One row per story under its pretty URL,
the ASCII-digit URL and the short link its aliases (redirect). The checks, as tests/test_e2e_altsites7.py's, plus:
no paywall prompt in a body, the teaser articleBody left aside, the stories only a short link or an ASCII-digit link
leads to found, the shell home page and the sponsored stories never rows.
"""

from __future__ import annotations

import altsite_checks as checks
import pytest
from altsites8 import serve_alt_sites8
from altsites8.content_paywall import ARTICLES as PAYWALL_ARTICLES
from altsites8.content_spa import ARTICLES as SPA_ARTICLES
from helpers import catalogue

# Written the way a user would, from what the sites show. The app: its home page (a shell, but the address a user
# has), the feed its pages name, the story URLs of the feed (with and without the slug). The newspaper: its home page,
# the section pages of its menu, its feed, and the story links seen: pretty (digits of either kind), and the short
# links of the "most read" box.
CONFIG = r"""
[[outlet]]
name = "alt-spa"
display_name = "بوابة الساحل"
start_urls = ["{spa}/"]
feeds = ["{spa}/feed.xml"]
article_urls = ['/ar/news/\d+']
download_delay = 0.0
concurrency = 4

[[outlet]]
name = "alt-paywall"
display_name = "صحيفة الشاهد الليبية"
start_urls = ["{paywall}/"]
feeds = ["{paywall}/feed/"]
article_urls = ['/akhbar/\d+/', '/\?p=\d+$']
follow_urls = ['/category/\w+/$']
download_delay = 0.0
concurrency = 4
"""
SITE_OF = {"spa": "alt-spa", "paywall": "alt-paywall"}
ITEMS = {f"spa-{a['id']}": a for a in SPA_ARTICLES} | {f"paywall-{a['id']}": a for a in PAYWALL_ARTICLES}
OUTLET_OF = {k: SITE_OF[k.split("-")[0]] for k in ITEMS}
RELEVANT = [k for k, a in ITEMS.items() if a["relevant"]]
KNOWN_MISSES: dict[str, str] = {}
DISTRACTORS = [k for k, a in ITEMS.items() if not a["relevant"]]
# words of the sites' chrome that no article body holds: the app's menu, data blob strings and footer; the
# newspaper's meter bar, masthead, ticker, byline, caption, tags, share buttons, read-also box and footer
CHROME = [
    "الرئيسية",
    "المغرب العربي",
    "اقرأ المزيد",
    "شارك الخبر",
    "جار التحميل",
    "منصة إخبارية",
    "من نحن",
    "جميع الحقوق محفوظة",
    "مقالات مجانية",
    "آخر الأخبار",
    "بقلم",
    "صورة أرشيفية",
    "الوسوم",
    "مشاركة",
    "فيسبوك",
    "اقرأ أيضا",
    "الأكثر قراءة",
    "آخر التعليقات",
]
# the subscribe box of a paywalled page
PROMPT = ["اشترك", "لمتابعة القراءة", "متاح لمشتركي", "وصول غير محدود", "سجل الدخول", "لديك اشتراك"]


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    """One real crawl of the sites by the CLI in a subprocess, then a second one."""
    yield from checks.crawl_twice(tmp_path_factory.mktemp("altsites8"), serve_alt_sites8, CONFIG)


def _row(crawled, key: str):
    return checks.found_row(crawled, key, OUTLET_OF[key])


def test_crawl_exits_zero(crawled):
    checks.check_crawl_exits_zero(crawled)


@pytest.mark.parametrize("key", checks.with_xfails(RELEVANT, KNOWN_MISSES))
def test_relevant_article_is_catalogued_as_relevant(crawled, key):
    checks.check_relevant(_row(crawled, key), key)


@pytest.mark.parametrize("key", list(ITEMS))
def test_every_article_has_its_exact_headline(crawled, key):
    checks.check_headline(crawled, _row(crawled, key), key)


@pytest.mark.parametrize("key", list(ITEMS))
def test_body_token_f1(crawled, key):
    """The whole story: from the articleBody on a shell or a paywalled page, from the page where it is whole."""
    checks.check_body_f1(crawled, _row(crawled, key), key)


@pytest.mark.parametrize("key", list(ITEMS))
def test_one_paragraph_per_line(crawled, key):
    """Also where the articleBody runs its paragraphs together."""
    checks.check_paragraphs(crawled, _row(crawled, key), key)


@pytest.mark.parametrize("key", list(ITEMS))
def test_no_chrome_in_the_body(crawled, key):
    checks.check_no_chrome(crawled, _row(crawled, key), key, CHROME)


@pytest.mark.parametrize("key", [k for k in ITEMS if k.startswith("paywall-")])
def test_no_paywall_prompt_in_the_body(crawled, key):
    checks.check_no_chrome(crawled, _row(crawled, key), key, PROMPT)


@pytest.mark.parametrize("key", list(ITEMS))
def test_publication_moment(crawled, key):
    """The moment the JSON-LD datePublished states."""
    checks.check_moment(_row(crawled, key), key, ITEMS[key])


@pytest.mark.parametrize("key", DISTRACTORS)
def test_distractor_is_not_relevant(crawled, key):
    checks.check_distractor(_row(crawled, key), key)


def test_one_row_per_article_and_one_text_file_per_relevant_one(crawled):
    checks.check_one_row_per_article(crawled, SITE_OF, len(RELEVANT) - len(KNOWN_MISSES))


def test_every_variant_fetched_resolves_to_its_article(crawled):
    """Each story page answered is its row URL or an alias: the app's feed links without the slug included."""
    variants = checks.check_variants_resolve(crawled)
    assert variants["spa"] >= 4, variants


def test_the_ascii_digit_and_short_links_are_aliases_of_their_story(crawled):
    """Each ``/akhbar/<ascii>/`` and ``/?p=<id>`` the crawl asked for (a 301) is kept as an alias of its story's row."""
    site = crawled["sites"].sites["paywall"]
    conn = catalogue(crawled["data"])
    asked = {(raw, n) for raw, n in site.redirected}
    assert {raw for raw, _ in asked if raw.startswith("/?p=")} and {
        raw for raw, _ in asked if "akhbar" in raw
    }
    for raw, n in asked:
        checks.check_alias(conn, site.base + raw, _row(crawled, f"paywall-{n}"), raw)


def test_the_stories_only_a_short_or_ascii_link_leads_to_were_found(crawled):
    for a in PAYWALL_ARTICLES:
        if set(a["links"]) <= {"mostread", "ticker"}:
            assert _row(crawled, f"paywall-{a['id']}")["relevant"] == int(a["relevant"])


def test_the_teaser_article_body_left_the_whole_page_alone(crawled):
    """The free story whose articleBody is cut short with "...": its row holds the page's whole story."""
    teasers = [a for a in PAYWALL_ARTICLES if a["ld"] == "teaser"]
    assert teasers
    for a in teasers:
        assert _row(crawled, f"paywall-{a['id']}")["text"].split("\n") == a["paras"]


def test_the_feeds_and_the_sitemaps_were_read(crawled):
    paths = {(r.site, r.path) for r in crawled["log"]}
    assert {("spa", "/feed.xml"), ("spa", "/sitemap.xml"), ("spa", "/sitemaps/articles-2019-08.xml")} <= paths
    assert {
        ("paywall", "/feed/"),
        ("paywall", "/sitemap_index.xml"),
        ("paywall", "/post-sitemap.xml"),
    } <= paths


def test_no_page_is_an_article_but_a_story(crawled):
    """Not the app's shell home page, not a section page, not a sponsored story."""
    conn = catalogue(crawled["data"])
    urls = [r["url"] for r in conn.execute("select url from articles")]
    assert not [u for u in urls if "/ar/news/" not in u and "/akhbar/" not in u], urls


def test_no_story_url_was_guessed_wrong(crawled):
    assert not [(r.site, r.path) for r in crawled["log"] if r.status == 404]


def test_the_config_would_reach_robots_forbidden_urls(crawled):
    for site in crawled["sites"].sites.values():
        wanted = checks.robots_forbidden_the_config_reaches(crawled, site.forbidden_links())
        assert len(wanted) >= 2, (site.name, wanted)


def test_nothing_fetched_that_robots_txt_forbids(crawled):
    checks.check_nothing_forbidden_fetched(crawled, "the sites received no request at all")


def test_every_capture_row_points_at_its_warc_record(crawled):
    checks.check_captures_on_their_warc_records(crawled)


def test_a_second_crawl_fetches_no_article_again_and_changes_nothing(crawled):
    checks.check_second_crawl(crawled)

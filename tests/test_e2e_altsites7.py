"""End to end on two more unseen outlet styles (tests/altsites7): a 2020s pan-Arab site with "continuous reading",
and a mobile-split newspaper with a desktop (www) and a mobile (m.) host.

The pan-Arab site: each story page ``/<section>/<id>-<slug>`` prints, below the story, the next one or two stories
whole (each in its own ``<article>`` with its own h1 or h2, date, share bar and microdata), as server-rendered infinite
scroll leaves them; a sticky "most read" rail, a breaking-news bar, a photo gallery between paragraphs (captions, a
"1 / 3" counter), an embedded tweet and a "related" box inside the story. Its listings are a JSON endpoint
``/api/section?page=N`` that only scripts fetch: stories are found through the RSS feed, the Google News sitemap
robots.txt names, and the server-rendered first page of the home page and of each section (whose cards also link
each story's comments page, which robots.txt forbids).
The newspaper: desktop stories ``/news/<yyyy>/<mm>/<id>.html`` or ``/<section>/<id>/<slug>`` (rel=canonical to
themselves, ``rel=alternate media=...`` naming the mobile twin), mobile twins ``m./article?id=<id>`` in a bare
``<br><br>`` template with a rel=canonical to the desktop URL; the desktop home page, the mobile home page and the RSS
1.0 (RDF) feed link a mix of both hosts, the only sitemap is gzipped and named by the desktop robots.txt (which asks a
Crawl-delay and forbids the print views), each host has its own robots.txt, and one long read is split over two
desktop pages (``?page=2``, linked only from page 1) while its mobile twin holds it whole.

Decisions: the story is what its page is about, so the next stories a continuous-reading page prints below it are no
part of its body (each is its own row, from its own page); an embedded tweet is quoted whole, its text and its
"— Name (@handle) date" line, as the Zyte benchmark's gold keeps one. A story is one row under its desktop URL
whichever host led to it, the mobile URL an alias. The long read: its ``?page=2`` is fetched as the article's second
part (since stop 38, README "An article split over pages") and kept as an alias, never a row; its row holds the whole
story (the parts joined, or the mobile twin, a rendering that holds it whole, whichever is met: the fuller wins); no
print view is fetched. The checks, as tests/test_e2e_altsites6.py's, plus: no text of an appended story in a body, the JSON
listing never requested, the gzipped sitemap and the RDF feed read.
"""

from __future__ import annotations

import altsite_checks as checks
import pytest
from altsites7 import serve_alt_sites7
from altsites7.content_mobile import ARTICLES as MOBILE_ARTICLES
from altsites7.content_scroll import ARTICLES as SCROLL_ARTICLES
from altsites7.mobile import m_path, www_path
from helpers import catalogue

# The desktop robots.txt asks Crawl-delay: 5; capped here (tests/test_crawl_delay.py checks the delay itself)
FAST_ROBOTS = ("-s", "CRAWL_ROBOTS_DELAY_MAX=0.01")  # one request at a time still, 0.01 s apart

# Written the way a user would, from what the sites show. The pan-Arab site: its home page and section pages (the
# menu), its RSS feed (the <link rel=alternate> of every page), the story links; the "load more" button's JSON is no
# page to walk, and the news sitemap comes from robots.txt. The newspaper: both home pages (the desktop one links the
# mobile host), the RDF feed its home page names, the section pages of its menu, and the three story URL styles seen
# (desktop news, desktop sections, mobile).
CONFIG = r"""
[[outlet]]
name = "alt-scroll"
display_name = "مدار 24"
start_urls = ["{scroll}/"]
feeds = ["{scroll}/rss.xml"]
article_urls = ['/(middle-east|world|business|sport)/\d+-']
follow_urls = ['/(middle-east|world|business|sport)$']
download_delay = 0.0
concurrency = 4

[[outlet]]
name = "alt-mobile"
display_name = "صحيفة السرايا الليبية"
start_urls = ["{www}/", "{m}/"]
feeds = ["{www}/rss.rdf"]
article_urls = ['/news/\d\d\d\d/\d\d/\d+\.html', '/(sport|culture)/\d+/', '/article\?id=\d+']
follow_urls = ['/category/\w+$']
download_delay = 0.0
concurrency = 4
"""
SITE_OF = {"scroll": "alt-scroll", "www": "alt-mobile"}
ITEMS = {f"scroll-{a['id']}": a for a in SCROLL_ARTICLES} | {f"www-{a['id']}": a for a in MOBILE_ARTICLES}
OUTLET_OF = {k: SITE_OF[k.split("-")[0]] for k in ITEMS}
RELEVANT = [k for k, a in ITEMS.items() if a["relevant"]]
KNOWN_MISSES: dict[str, str] = {}
DISTRACTORS = [k for k, a in ITEMS.items() if not a["relevant"]]
# words of the sites' chrome that no article body holds: the pan-Arab site's menus, breaking bar, most read, share
# bars, stream labels and loader, gallery, related box, ad, newsletter and footer; the newspaper's top bar, tools,
# photo caption, pager, comment form, poll, "most shared" box, mobile header and footer
CHROME = [
    "الأكثر قراءة",
    "الأكثر تداولا",
    "عاجل",
    "شارك",
    "فيسبوك",
    "تويتر",
    "واتساب",
    "نسخ الرابط",
    "القصة التالية",
    "جار تحميل",
    "من موقع الحدث",
    "1 / 3",
    "مواضيع ذات صلة",
    "صورة أرشيفية",
    "رويترز",
    "إعلان",
    "النشرة البريدية",
    "بتوقيت أبوظبي",
    "تعليق",
    "المزيد من الأخبار",
    "جميع الحقوق محفوظة",
    "النسخة المحمولة",
    "نشر بتاريخ",
    "عدد القراءات",
    "طباعة",
    "أرسل لصديق",
    "تكبير الخط",
    "أرشيفية",
    "صفحات المقال",
    "الصفحة التالية",
    "أضف تعليقك",
    "استطلاع الرأي",
    "الأكثر مشاركة",
    "القائمة",
    "النسخة الكاملة",
    "التعليقات",
]


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    """One real crawl of the sites by the CLI in a subprocess, then a second one."""
    yield from checks.crawl_twice(
        tmp_path_factory.mktemp("altsites7"), serve_alt_sites7, CONFIG, *FAST_ROBOTS
    )


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
    """The story alone (not the stories appended below it); the long read whole."""
    checks.check_body_f1(crawled, _row(crawled, key), key)


@pytest.mark.parametrize("key", list(ITEMS))
def test_one_paragraph_per_line(crawled, key):
    checks.check_paragraphs(crawled, _row(crawled, key), key)


@pytest.mark.parametrize("key", list(ITEMS))
def test_no_chrome_in_the_body(crawled, key):
    checks.check_no_chrome(crawled, _row(crawled, key), key, CHROME)


@pytest.mark.parametrize("key", list(ITEMS))
def test_publication_date(crawled, key):
    """The day; and on the pan-Arab site the hour its metadata states (UTC+4), which the mobile twins do not carry."""
    checks.check_day(_row(crawled, key), key, ITEMS[key], hour=key.startswith("scroll-"))


@pytest.mark.parametrize("key", DISTRACTORS)
def test_distractor_is_not_relevant(crawled, key):
    checks.check_distractor(_row(crawled, key), key)


def test_one_row_per_article_and_one_text_file_per_relevant_one(crawled):
    checks.check_one_row_per_article(crawled, SITE_OF, len(RELEVANT) - len(KNOWN_MISSES))


def test_every_variant_fetched_resolves_to_its_article(crawled):
    """Each story page either host answered is its story's row URL or one of its aliases."""
    variants = checks.check_variants_resolve(crawled)
    assert variants["m"] >= 4, variants  # the mobile twins the home pages and the feed lead to


@pytest.mark.parametrize("key", [k for k in ITEMS if k.startswith("scroll-")])
def test_no_text_of_the_appended_stories(crawled, key):
    """Not one paragraph of the next stories printed below the story is in its body."""
    site = crawled["sites"].sites["scroll"]
    text = _row(crawled, key)["text"] or ""
    appended = site.next_of(ITEMS[key])
    leaked = [o["id"] for o in appended for p in o["paras"] if p in text and p not in ITEMS[key]["paras"]]
    assert not leaked, (key, leaked)
    assert appended or key == f"scroll-{site.articles[-1]['id']}"  # every page but the oldest appends stories


def test_the_json_listing_was_never_requested(crawled):
    """Only scripts fetch it: no link leads the crawl there, and every story was found without it."""
    assert not [r.path for r in crawled["log"] if r.path.startswith("/api/")]


def test_the_stories_only_the_sitemap_or_a_section_page_lead_to_were_found(crawled):
    for key, a in ITEMS.items():
        if key.startswith("scroll-") and set(a["where"]) <= {"sitemap", "section"}:
            _row(crawled, key)


def test_a_story_only_mobile_links_lead_to_is_stored_under_its_desktop_url(crawled):
    """Its desktop page is never fetched; its row is under the desktop URL (the twin's canonical), the twin an alias."""
    www, m = crawled["sites"].sites["www"], crawled["sites"].sites["m"]
    conn = catalogue(crawled["data"])
    only_mobile = [
        a for a in MOBILE_ARTICLES if not set(a["links"]) & {"home", "rdf-www", "sitemap", "category"}
    ]
    assert only_mobile
    for a in only_mobile:
        assert not [raw for raw, n in www.served if n == a["id"]]
        row = _row(crawled, f"www-{a['id']}")
        assert row["url"].startswith(www.base)
        checks.check_alias(conn, m.base + m_path(a), row, a["id"])


def test_the_long_read_is_one_row_with_the_whole_story_its_second_page_a_part_and_no_print_view(crawled):
    www = crawled["sites"].sites["www"]
    conn = catalogue(crawled["data"])
    long_reads = [a for a in MOBILE_ARTICLES if a.get("pages", 1) > 1]
    assert long_reads
    for a in long_reads:
        row = _row(crawled, f"www-{a['id']}")
        assert row["text"].split("\n") == list(a["paras"])
        assert [raw for raw, n in www.served if n == a["id"]], "page 1 was not met"
        # since stop 38 an article's own later pages are fetched as its parts and kept as its aliases
        checks.check_alias(conn, www.base + www_path(a) + "?page=2", row, a["id"])
    assert www.later_pages and all("print" not in raw for raw in www.later_pages), www.later_pages
    assert not conn.execute(
        "select url from articles where url like '%page=%' or url like '%print=%'"
    ).fetchall()


def test_the_gzipped_sitemap_and_the_rdf_feed_were_read(crawled):
    paths = {(r.site, r.path) for r in crawled["log"]}
    assert ("www", "/sitemap.xml.gz") in paths and ("www", "/rss.rdf") in paths
    assert ("scroll", "/sitemaps/news.xml") in paths and ("scroll", "/rss.xml") in paths
    assert ("m", "/robots.txt") in paths, "the mobile host's own robots.txt was not asked"


def test_no_page_is_an_article_but_a_story(crawled):
    conn = catalogue(crawled["data"])
    assert not conn.execute(
        "select url from articles where url like '%/category/%' or url like '%/comments%' or url like '%/api/%'"
    ).fetchall()


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

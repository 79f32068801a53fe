"""End to end on two more unseen outlet styles (tests/altsites5): a satellite TV channel's news site and a regional
portal on a shared-hosting PHP CMS.

The channel: video stories ``/news/<id>/<Arabic slug>`` whose text is a summary under the player and the report's
transcript under a "نص التقرير" heading, the slug escaped in upper case by the CMS and in lower case by the
most-watched box, the archive by date and the monthly sitemaps, ``/news/<id>`` answering 301 to the slugged URL, a
``/video/<id>`` twin with a rel=canonical to the story, ages as "منذ 3 ساعات" on every list and the full date and
time on the story, programme pages in the sitemap (no articles), a story only the archive and the sitemap lead to,
and robots.txt forbidding the player embeds and ``?autoplay=`` links. The portal: Arabic folders and slugs
unencoded in hrefs, every title and headline written as numeric character references, ``<font>`` and nested
tables, ``<br><br>`` bodies, the CMS's old ``/news.php?id=N`` (the same page, no canonical) in the ticker, a sitemap
served as a text file, and a robots.txt with a UTF-8 BOM, CRLF line ends and a Crawl-delay.

Decisions: the transcript is the story (the channel's report, word for word), so the body is the summary, the
transcript's heading and the transcript, one paragraph a line; the portal's Crawl-delay (10 s) is honoured, here
capped at 0.01 s by ``CRAWL_ROBOTS_DELAY_MAX`` to keep the test short (tests/test_crawl_delay.py checks the delay
itself), and every Disallow under a BOM is obeyed.
The checks, as tests/test_e2e_altsites4.py's: one catalogue row per article whatever URL led to it (the others in
``article_aliases``), the exact visible headline, a body of token F1 >= 0.97 one paragraph a line, the right
publication day, no chrome in the body, no distractor relevant, nothing fetched that robots.txt forbids, every
capture row pointing at its WARC record; plus: every sitemap read (the text one too), no programme page stored as an
article, and a second crawl that fetches no article again.
"""

from __future__ import annotations

import altsite_checks as checks
import pytest
from altsites5 import serve_alt_sites5
from altsites5.content import PORTAL_ARTICLES, TV_ARTICLES
from helpers import catalogue

# the portal asks Crawl-delay: 10; capped here (tests/test_crawl_delay.py checks the delay itself): one request at
# a time still, 0.01 s apart (a tenth of a second before each of its requests only made both crawls longer)
FAST_ROBOTS = ("-s", "CRAWL_ROBOTS_DELAY_MAX=0.01")

# Written the way a user would, from what the sites show. The channel: its home page and the archive (by day), the
# story links (the 301ing short form, the slugged form, the video section's), the sitemap its robots.txt names. The
# portal: its home page, the section folders as the hrefs print them (Arabic) and their pages, story links, and the
# old script's links (``*.php?id=N``, a pattern that also meets the print and send pages robots.txt forbids).
CONFIG = r"""
[[outlet]]
name = "alt-tv"
display_name = "قناة الساحل الليبية"
start_urls = ["{tv}/", "{tv}/archive"]
article_urls = ['/news/\d+(/[^/?#]+)?', '/video/\d+$']
follow_urls = ['/archive/\d{{4}}-\d\d-\d\d$']
download_delay = 0.0
concurrency = 4

[[outlet]]
name = "alt-portal"
display_name = "بوابة الجبل الإخبارية"
start_urls = ["{portal}/"]
article_urls = ['/(أخبار-محلية|رياضة)/\d+-[^/]+\.html$', '\.php\?id=\d+$']
follow_urls = ['/(أخبار-محلية|رياضة)/(\?page=\d+)?$']
download_delay = 0.0
concurrency = 4
"""
SITE_OF = {"tv": "alt-tv", "portal": "alt-portal"}
ITEMS = {f"tv-{a['id']}": a for a in TV_ARTICLES} | {f"portal-{a['id']}": a for a in PORTAL_ARTICLES}
RELEVANT = [k for k, a in ITEMS.items() if a["relevant"]]
KNOWN_MISSES: dict[str, str] = {}
DISTRACTORS = [k for k, a in ITEMS.items() if not a["relevant"]]
# words of the sites' chrome that no article body holds (live bar, menus, most watched, schedule, cards, share,
# footer; the portal's ticker, side box, poll, tools and footer)
CHROME = [
    "البث المباشر",
    "يعرض الآن",
    "الأكثر مشاهدة",
    "مشاهدة",
    "جدول البرامج",
    "منذ",
    "تشغيل تلقائي",
    "رابط مختصر",
    "الوسوم",
    "شارك",
    "واتساب",
    "فيديوهات ذات صلة",
    "نايل سات",
    "جميع الحقوق محفوظة",
    "عاجل",
    "الأكثر قراءة",
    "استطلاع الرأي",
    "صوت",
    "نشر بتاريخ",
    "عدد القراءات",
    "طباعة",
    "أرسل لصديق",
    "تصميم وبرمجة",
]


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    """One real crawl of the two sites by the CLI in a subprocess, then a second one."""
    yield from checks.crawl_twice(
        tmp_path_factory.mktemp("altsites5"), serve_alt_sites5, CONFIG, *FAST_ROBOTS
    )


def _row(crawled, key: str):
    return checks.found_row(crawled, key, SITE_OF[crawled["expected"][key].site])


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
    checks.check_body_f1(crawled, _row(crawled, key), key)


@pytest.mark.parametrize("key", list(ITEMS))
def test_one_paragraph_per_line(crawled, key):
    checks.check_paragraphs(crawled, _row(crawled, key), key)


@pytest.mark.parametrize("key", list(ITEMS))
def test_no_chrome_in_the_body(crawled, key):
    checks.check_no_chrome(crawled, _row(crawled, key), key, CHROME)


@pytest.mark.parametrize("key", list(ITEMS))
def test_publication_date(crawled, key):
    """The day the story prints (the channel: with its hour), never the day of the crawl that the lists' "منذ 3
    ساعات" would give."""
    checks.check_day(_row(crawled, key), key, ITEMS[key], hour="time" in ITEMS[key])


@pytest.mark.parametrize("key", DISTRACTORS)
def test_distractor_is_not_relevant(crawled, key):
    checks.check_distractor(_row(crawled, key), key)


def test_one_row_per_article_and_one_text_file_per_relevant_one(crawled):
    checks.check_one_row_per_article(crawled, SITE_OF, len(RELEVANT) - len(KNOWN_MISSES))


def test_every_variant_fetched_resolves_to_its_article(crawled):
    """Each URL a site answered with an article page is that article's row URL or one of its aliases."""
    variants = checks.check_variants_resolve(crawled)
    assert variants["tv"] >= 2 and variants["portal"] >= 2, variants


def test_the_short_story_urls_are_aliases_of_their_story(crawled):
    """``/news/<id>`` (a 301 to the slugged URL) is kept as its story's alias."""
    tv = crawled["sites"].sites["tv"]
    conn = catalogue(crawled["data"])
    met = [r.path for r in crawled["log"] if r.site == "tv" and r.status == 301]
    assert met, "no short story URL met"
    for path in met:
        a = tv.by_id[int(path.strip("/").split("/")[1])]
        checks.check_alias(conn, tv.base + path, _row(crawled, f"tv-{a['id']}"), path)


def test_no_programme_page_is_an_article(crawled):
    conn = catalogue(crawled["data"])
    assert not conn.execute("select url from articles where url like '%/programs/%'").fetchall()


def test_every_sitemap_was_read(crawled):
    """The channel's monthly sitemaps (through the index robots.txt names) and the portal's text sitemap gave their
    URLs: each was requested, and none is recorded as empty or unreadable."""
    conn = catalogue(crawled["data"])
    paths = {(r.site, r.path) for r in crawled["log"]}
    assert ("tv", "/sitemap.xml") in paths and ("portal", "/sitemap.txt") in paths, sorted(paths)
    failed = conn.execute(
        "select url, reason from failures where url like '%sitemap%' or reason like '%sitemap%'"
    ).fetchall()
    assert not [tuple(r) for r in failed]


def test_the_stories_only_a_sitemap_or_archive_leads_to_were_found(crawled):
    """The channel's story in no list of the home page, and the portal's story on a section page the pager no
    longer links (only the text sitemap, its URL escaped, leads to it; the config's pattern is written in Arabic)."""
    for key, a in ITEMS.items():
        if a.get("archive_only") or a.get("page", 1) > 2:
            _row(crawled, key)


def test_no_story_url_was_guessed_wrong(crawled):
    """Every request a site answered 404 is a URL it never linked (none: unencoded Arabic hrefs, mixed-case escapes
    and the text sitemap's lines all name pages that exist)."""
    assert not [(r.site, r.path) for r in crawled["log"] if r.status == 404]


def test_the_sites_variants_were_all_met(crawled):
    """Each kind of variant was met (else the tests above prove little)."""
    served = [(site.name, raw) for site in crawled["sites"].sites.values() for raw, _ in site.served]
    assert any(n == "tv" and raw.startswith("/video/") for n, raw in served), served
    assert any(n == "portal" and raw.startswith("/news.php?id=") for n, raw in served), served
    assert any(r.site == "tv" and r.path.startswith("/archive/") for r in crawled["log"]), (
        "archive not walked"
    )


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

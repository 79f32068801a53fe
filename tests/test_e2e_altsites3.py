"""End to end on two more unseen outlet styles (tests/altsites3): a 2008-2014 Arabic portal and a 2020s
server-rendered (Next.js / Arc-like) news site.

The portal: windows-1256 pages stated in a ``<meta http-equiv>`` only, the HTTP header only, both, a stale template
meta under a right header, and PHP's default ``charset=UTF-8`` header over a windows-1256 page; a table layout with
the headline in ``<td class="title">`` or ``<font>``; ``/news.php?action=show&id=N`` beside a print view, a
send-to-a-friend form (robots.txt forbids it) and the old ``/index.asp?page=details&newsID=N&cat=C`` (301); dates in
words, Hijri and Gregorian, some in Arabic-Indic digits; a windows-1256 RSS feed with ``&amp;`` links in two
parameter orders. The modern site: JSON-LD NewsArticle with an author list, SEO og:titles, AMP renderings
(``/amp/...``, ``?outputType=amp``), a Google News sitemap in a sitemap index named by robots.txt, relative and
protocol-relative links, ``?ref=``/``utm_*`` links, a 308 from the URL without its slash, a 301 from an old slug, a
live blog, read-also boxes inside the story and an English edition (hreflang).

Decisions: the live blog is one article whose body is its summary and every update (heading and text; the clock
times beside them may stay); the English edition is an article of its own (another text, ``language`` "en"), never
merged with the Arabic one. The checks: one catalogue row per article whatever URL led to it (the others in
``article_aliases``), every article with its exact headline (the visible one, not the SEO title), a body of token F1
>= 0.97 one paragraph a line, the right publication date, no chrome in the body, no distractor relevant, nothing
fetched that robots.txt forbids, every capture row pointing at its WARC record.
"""

from __future__ import annotations

import altsite_checks as checks
import pytest
from altsites3 import serve_alt_sites3
from altsites3.content import OLD_ARTICLES
from altsites3.content_modern import ENGLISH, LIVE, MODERN_ARTICLES

# Written the way a user would, from what the sites show. The portal: its home page and the local-news list (paged
# with &page=N), the RSS icon, article links of the PHP script in either parameter order and the old ASP ones. The
# modern site: the home page and the Libya section, the sitemap index robots.txt names, article paths
# /<section>/YYYY/MM/DD/<slug> (AMP and English editions included), the section fronts and their pages.
CONFIG = r"""
[[outlet]]
name = "alt-oldportal"
display_name = "شبكة برقة الإخبارية"
start_urls = ["{oldportal}/", "{oldportal}/news.php?action=list&cat=5"]
feeds = ["{oldportal}/rss.php"]
article_urls = ['news\.php\?(.*&)?id=\d+', 'index\.asp\?(.*&)?newsID=\d+']
follow_urls = ['news\.php\?(.*&)?action=list']
download_delay = 0.0
concurrency = 4

[[outlet]]
name = "alt-modern"
display_name = "الأفق نيوز"
start_urls = ["{modern}/", "{modern}/libya/"]
sitemaps = ["{modern}/sitemap-index.xml"]
article_urls = ['/(amp/)?(en/)?(libya|world|sport|economy)/20\d\d/\d\d/\d\d/[^/?#]+']
follow_urls = ['/(libya|world|sport|economy)/(\?page=\d+)?$']
download_delay = 0.0
concurrency = 4
"""
SITE_OF = {"oldportal": "alt-oldportal", "modern": "alt-modern"}
ITEMS = (
    {f"oldportal-{a['id']}": a for a in OLD_ARTICLES}
    | {f"modern-{a['id']}": a for a in MODERN_ARTICLES}
    | {"modern-520": LIVE, "modern-601": {**ENGLISH, "relevant": False}}
)
RELEVANT = [k for k, a in ITEMS.items() if a["relevant"]]
DISTRACTORS = [k for k, a in ITEMS.items() if not a["relevant"] and k != "modern-601"]
# words of the sites' chrome that no article body holds (menus, ticker, read-also, related, comments, footers)
CHROME = [
    "عاجل",
    "عدد القراءات",
    "اقرأ أيضا",
    "أخبار ذات صلة",
    "التعليقات",
    "أضف تعليقك",
    "جميع الحقوق محفوظة",
    "طباعة",
    "أرسل لصديق",
    "الأكثر قراءة",
    "استفتاء",
    "رابط الخبر",
    "الموافق",
    "شارك",
    "الكلمات المفتاحية",
    "صورة أرشيفية",
    "اشترك في النشرة",
    "بقلم",
    "الأكثر تداولا",
    "رابط التحديث",
    "النسخة الكاملة",
]


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    """One real crawl of the two sites by the CLI in a subprocess."""
    yield from checks.crawl_twice(tmp_path_factory.mktemp("altsites3"), serve_alt_sites3, CONFIG)


def _row(crawled, key: str):
    return checks.found_row(crawled, key, SITE_OF[crawled["expected"][key].site])


def test_crawl_exits_zero(crawled):
    checks.check_crawl_exits_zero(crawled)


@pytest.mark.parametrize("key", RELEVANT)
def test_relevant_article_is_catalogued_as_relevant(crawled, key):
    checks.check_relevant(_row(crawled, key), key)


@pytest.mark.parametrize("key", list(ITEMS))
def test_every_article_has_its_exact_headline(crawled, key):
    checks.check_headline(crawled, _row(crawled, key), key)


@pytest.mark.parametrize("key", list(ITEMS))
def test_body_token_f1(crawled, key):
    checks.check_body_f1(crawled, _row(crawled, key), key)


@pytest.mark.parametrize("key", [k for k in ITEMS if k != "modern-520"])
def test_one_paragraph_per_line(crawled, key):
    checks.check_paragraphs(crawled, _row(crawled, key), key)


@pytest.mark.parametrize("key", list(ITEMS))
def test_no_chrome_in_the_body(crawled, key):
    checks.check_no_chrome(crawled, _row(crawled, key), key, CHROME)


@pytest.mark.parametrize("key", list(ITEMS))
def test_publication_date(crawled, key):
    """The portal prints a day (in words, Hijri first): that day; the modern site's markup a moment: that moment."""
    row, item = _row(crawled, key), ITEMS[key]
    if "g" in item:
        checks.check_day(row, key, item, hour=False)
    else:
        checks.check_moment(row, key, item)


@pytest.mark.parametrize("key", [k for k in ITEMS if k.startswith("modern-")])
def test_every_author_of_the_list(crawled, key):
    row = _row(crawled, key)
    assert all(name in (row["author"] or "") for name in ITEMS[key]["authors"]), (key, row["author"])


def test_the_english_edition_is_its_own_row(crawled):
    row = _row(crawled, "modern-601")
    arabic = _row(crawled, "modern-501")
    assert row["language"] == "en" and arabic["language"] == "ar" and row["id"] != arabic["id"]


@pytest.mark.parametrize("key", DISTRACTORS)
def test_distractor_is_not_relevant(crawled, key):
    checks.check_distractor(_row(crawled, key), key)


def test_one_row_per_article_and_one_text_file_per_relevant_one(crawled):
    checks.check_one_row_per_article(crawled, SITE_OF, len(RELEVANT))


def test_every_variant_fetched_resolves_to_its_article(crawled):
    """Each URL a site answered with an article page is that article's row URL or one of its aliases."""
    variants = checks.check_variants_resolve(crawled)
    assert variants["oldportal"] >= 3 and variants["modern"] >= 4, variants


def test_the_sites_variants_were_all_met(crawled):
    """Each kind of variant was met (else the test above proves little)."""
    served = [raw for site in crawled["sites"].sites.values() for raw, _ in site.served]
    for marker in ("action=print", "/amp/", "outputType=amp"):
        assert any(marker in raw for raw in served), (marker, served)
    log = crawled["log"]
    assert any(r.path.startswith("/index.asp") and r.status == 301 for r in log), "no ASP 301 met"
    assert any(r.status == 308 for r in log), "no URL without its slash met"
    olds = [crawled["sites"].sites["modern"].path(a, slug=a["old"]) for a in MODERN_ARTICLES if a.get("old")]
    assert any(r.path in olds and r.status == 301 for r in log), "the old slug was not followed"


def test_tracking_parameters_are_dropped_before_fetching(crawled):
    assert not [r.path for r in crawled["log"] if "utm_" in r.path or "ref=" in r.path]


def test_the_config_would_reach_robots_forbidden_urls(crawled):
    wanted = checks.robots_forbidden_the_config_reaches(crawled, crawled["sites"].forbidden_links())
    assert len(wanted) >= 2, wanted


def test_nothing_fetched_that_robots_txt_forbids(crawled):
    checks.check_nothing_forbidden_fetched(crawled)


def test_every_capture_row_points_at_its_warc_record(crawled):
    checks.check_captures_on_their_warc_records(crawled)


def test_a_second_crawl_fetches_no_article_again_and_changes_nothing(crawled):
    checks.check_second_crawl(crawled)

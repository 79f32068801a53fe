"""End to end on two more unseen outlet styles (tests/altsites4): a state news agency and a static (Hugo) news blog
behind a CDN consent gate.

The agency: numbered stories (``/news/48213``) linked from the wire lists as ``/news/48213/<Arabic slug>`` (a
rel=canonical names the number), a "latest" wire paged with ``?page=N``, the date only in the dateline opening the
story ("طرابلس 12 مايو 2019 (وال)-", some in Arabic-Indic digits) or in an Arabic-Indic stamp, today's date in the
top bar, related stories and a sidebar with their own dates, photo-caption blocks, a share-by-mail form robots.txt
forbids, and an Atom feed with ``xml:base`` and entry links relative to it. The blog: ``/posts/<slug>/``, its
``index.html`` twin and a 301 from the URL without its slash, a renamed post's Hugo alias page (meta refresh), tag
pages ``/tags/<tag>/page/N/`` with canonicals, a JSON Feed 1.1 (the feed the user configures), a sitemap index of
per-language sitemaps with ``xhtml:link`` hreflang alternates, JSON-LD BlogPosting, and a consent gate: a visitor
without the consent cookie is sent to ``/consent/?return=...``, which sets it and sends them back.

Decisions: the dateline is part of the story's first paragraph (the agency prints it so; the corpus keeps it); a
cookie set by a redirect is sent on the rest of that redirect chain only, as a fresh browser would, and never on
another page (the archive records what any first-time visitor is served: each page goes through the gate). The
checks, as tests/test_e2e_altsites3.py's: one catalogue row per article whatever URL led to it (the others in
``article_aliases``), the exact visible headline, a body of token F1 >= 0.97 one paragraph a line, the right
publication date, no chrome in the body, no distractor relevant, nothing fetched that robots.txt forbids, every
capture row pointing at its WARC record; plus: every configured feed read (no ``empty-feed``), no story URL guessed
wrong (no 404 on the agency), and a second crawl that fetches no article again.
"""

from __future__ import annotations

from urllib.parse import unquote

import altsite_checks as checks
import pytest
from altsites4 import serve_alt_sites4
from altsites4.content import AGENCY_ARTICLES, BLOG_ARTICLES
from helpers import catalogue

from crawler.config.outlets import load_outlets

# Written the way a user would, from what the sites show. The agency: its home page and the "latest" wire (paged),
# the Atom icon in the footer, story links (with or without their slug). The blog: its home page, the tag pages
# (paged), the JSON Feed its <head> advertises, post permalinks (the theme also links index.html and slashless ones).
CONFIG = r"""
[[outlet]]
name = "alt-agency"
display_name = "وكالة الأنباء الليبية"
start_urls = ["{agency}/", "{agency}/latest"]
feeds = ["{agency}/feed/atom.xml"]
article_urls = ['/news/\d+(/[^/?#]+)?$']
follow_urls = ['/latest(\?page=\d+)?$']
download_delay = 0.0
concurrency = 4

[[outlet]]
name = "alt-blog"
display_name = "مدونة المرصد الليبي"
start_urls = ["{blog}/"]
feeds = ["{blog}/feed.json"]
article_urls = ['//[^/]+/posts/[a-z0-9-]+(/|/index\.html)?$']
follow_urls = ['/tags/[^/?#]+/(page/\d+/)?$']
download_delay = 0.0
concurrency = 4
"""
SITE_OF = {"agency": "alt-agency", "blog": "alt-blog"}
ITEMS = {f"agency-{a['id']}": a for a in AGENCY_ARTICLES} | {f"blog-{a['id']}": a for a in BLOG_ARTICLES}
RELEVANT = [k for k, a in ITEMS.items() if a["relevant"]]
# Relevance misses seen here, left to whoever owns crawler/relevance: none now (the UN report on detention centres
# run by armed groups, blog-4, scored 0.833 with the lexicon of ea44ebd and is kept since relevance round 47).
KNOWN_MISSES: dict[str, str] = {}
DISTRACTORS = [k for k, a in ITEMS.items() if not a["relevant"]]
# words of the sites' chrome that no article body holds (top bar, ticker, caption, share, related, sidebar, footer)
CHROME = [
    "عاجل",
    "آخر الأخبار",
    "أخبار ذات علاقة",
    "شارك الخبر",
    "أرسل لصديق",
    "طباعة",
    "الطقس",
    "جميع الحقوق محفوظة",
    "أرشيف",
    "جانب من",
    "عمال يجنون",
    "ملعب طرابلس الدولي",
    "السابق",
    "التالي",
    "دقائق",
    "واتساب",
    "مدعوم من",
    "دخول المحررين",
    "من الأرشيف",
]


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    """One real crawl of the two sites by the CLI in a subprocess, then a second one."""
    yield from checks.crawl_twice(tmp_path_factory.mktemp("altsites4"), serve_alt_sites4, CONFIG)


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
    """The agency prints a day (its dateline, or a stamp): that day, never today's date of its top bar nor a related
    story's; the blog's markup a moment: that moment."""
    row, item = _row(crawled, key), ITEMS[key]
    if "g" in item:
        checks.check_day(row, key, item, hour=False)
    else:
        checks.check_moment(row, key, item)


@pytest.mark.parametrize("key", DISTRACTORS)
def test_distractor_is_not_relevant(crawled, key):
    checks.check_distractor(_row(crawled, key), key)


def test_one_row_per_article_and_one_text_file_per_relevant_one(crawled):
    checks.check_one_row_per_article(crawled, SITE_OF, len(RELEVANT) - len(KNOWN_MISSES))


def test_every_variant_fetched_resolves_to_its_article(crawled):
    """Each URL a site answered with an article page is that article's row URL or one of its aliases."""
    variants = checks.check_variants_resolve(crawled)
    assert variants["agency"] >= 3 and variants["blog"] >= 2, variants


def test_the_old_slug_is_an_alias_of_its_post(crawled):
    """The Hugo alias page (200, meta refresh) of a renamed post leads to the post and is kept as its alias."""
    blog = crawled["sites"].sites["blog"]
    conn = catalogue(crawled["data"])
    for slug, a in blog.old.items():
        checks.check_alias(conn, f"{blog.base}/posts/{slug}/", _row(crawled, f"blog-{a['id']}"), slug)


def test_every_configured_feed_was_read(crawled):
    """The agency's Atom feed (relative links under xml:base) and the blog's JSON Feed gave their entries."""
    conn = catalogue(crawled["data"])
    feeds = [f for o in load_outlets(crawled["seeds"]) for f in o.feeds]
    failed = conn.execute(
        f"select url, reason from failures where url in ({','.join('?' * len(feeds))})", feeds
    ).fetchall()
    assert not [tuple(r) for r in failed]


def test_no_story_url_was_guessed_wrong(crawled):
    """Every request the agency answered 404 is a URL it never linked (none: feed links resolve against xml:base)."""
    assert not [(r.site, r.path) for r in crawled["log"] if r.status == 404]


def test_the_consent_gate_was_passed_page_by_page(crawled):
    """Each blog page went through the gate once: the cookie /consent/ sets is sent back on that redirect chain, and
    on no other request (no session: the archive records what a first-time visitor gets)."""
    blog = [r for r in crawled["log"] if r.site == "blog"]
    assert any(r.path.startswith("/consent/") for r in blog)
    with_cookie = [
        r for r in blog if "cookie_consent" in {k.lower(): v for k, v in r.headers.items()}.get("cookie", "")
    ]
    assert with_cookie, "the consent cookie was never sent back"
    for n, r in enumerate(blog):
        if r in with_cookie:
            # the request right before it on the same page's chain is the /consent/ hop that set the cookie
            hops = [p for p in blog[:n] if p.path.startswith("/consent/?return=")]
            assert any(unquote(p.path.split("return=", 1)[1]) == r.path for p in hops), r.path
    firsts = [r for r in blog if r.status == 302 and not r.path.startswith("/consent/")]
    assert len(firsts) >= len([k for k in ITEMS if k.startswith("blog-")]), "pages fetched without the gate"


def test_the_sites_variants_were_all_met(crawled):
    """Each kind of variant was met (else the tests above prove little)."""
    served = [raw for site in crawled["sites"].sites.values() for raw, _ in site.served]
    assert any(raw.endswith("/index.html") for raw in served), served
    assert any(raw.count("/") == 3 and raw.startswith("/news/") for raw in served), served
    log = crawled["log"]
    assert any(r.site == "blog" and r.status == 301 for r in log), "no URL without its slash met"
    assert any(r.site == "agency" and r.path.startswith("/latest?page=") for r in log), (
        "the wire was not paged"
    )


def test_the_config_would_reach_robots_forbidden_urls(crawled):
    wanted = checks.robots_forbidden_the_config_reaches(crawled, crawled["sites"].forbidden_links())
    assert len(wanted) >= 2, wanted


def test_nothing_fetched_that_robots_txt_forbids(crawled):
    checks.check_nothing_forbidden_fetched(crawled)


def test_every_capture_row_points_at_its_warc_record(crawled):
    checks.check_captures_on_their_warc_records(crawled)


def test_a_second_crawl_fetches_no_article_again_and_changes_nothing(crawled):
    checks.check_second_crawl(crawled)

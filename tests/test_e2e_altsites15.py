"""End to end on two more unseen outlet styles (tests/altsites15): a Libyan news site on Nuxt whose story pages are
shells, and a Libyan outlet's live coverage pages beside its ordinary stories.

The Nuxt site (tests/altsites15/nuxt.py): the story is only in the app's state, the older stories' as Nuxt 2's
``window.__NUXT__=(function(a,b,...){return {...}}(...))`` (a JavaScript call whose arguments are the values used
twice, the headline among them), the newer ones' as Nuxt 3's ``__NUXT_DATA__`` (devalue's flat array of indexes); the
server HTML holds the headline, a standfirst, the date and the related stories' cards around an empty body. The live
outlet (tests/altsites15/live.py): "the day's events" pages of the Tripoli war, schema.org ``LiveBlogPosting``, the
entries newest first with their times, a ``?post=<n>`` link per entry, a ``<meta http-equiv="refresh">`` reloading
the page every minute; ordinary ``NewsArticle`` stories beside them.

Decisions. A live page is one article: its row is the live page's URL (an entry's ``?post=`` link an alias), its
headline the page's, its date the coverage's start (``datePublished``; not the last entry's time, which changes
with every entry), its text the standfirst and then the entries as the page prints them, newest first, each entry
opened by its time ("16:55") and its heading where it has one, so the entries' times stay with their text. A re-crawl
of a page that has grown is a new version of that article (the same row, the same text file rewritten), not a new
article; its date stays the coverage's start.
"""

from __future__ import annotations

import re
import subprocess
import sys

import altsite_checks as checks
import pytest
from altsites15 import serve_alt_sites15
from altsites15.content import LIVE_PAGES, NUXT_STORIES
from helpers import FAST, ROOT, catalogue, crawl_cli

from crawler.discovery.urls import canonicalize

# Written the way a user would, from what the sites show: each home page, the Nuxt site's feed, the live outlet's
# Libya section; a story's and a live page's address as the browser shows it; the live outlet prints Libya's time.
CONFIG = r"""
[[outlet]]
name = "alt-nuxt"
display_name = "ليبيا الغد"
start_urls = ["{nuxt}/"]
feeds = ["{nuxt}/feed"]
article_urls = ['/news/\d+']
follow_urls = ['/section/']
download_delay = 0.0
concurrency = 4

[[outlet]]
name = "alt-live"
display_name = "الرائد نت"
start_urls = ["{live}/", "{live}/section/libya"]
article_urls = ['/(live|news)/\d+/']
follow_urls = ['/section/libya']
timezone = "Africa/Tripoli"
download_delay = 0.0
concurrency = 4
"""
SITE_OF = {"nuxt": "alt-nuxt", "live": "alt-live"}
ITEMS = {f"nuxt-{s['id']}": s for s in NUXT_STORIES} | {f"live-{p['id']}": p for p in LIVE_PAGES}
OUTLET_OF = {k: SITE_OF[k.split("-")[0]] for k in ITEMS}
RELEVANT = [k for k, a in ITEMS.items() if a["relevant"]]
DISTRACTORS = [k for k, a in ITEMS.items() if not a["relevant"]]
ONE_WORKER = ("-s", "EXTRACT_WORKERS=1")  # eleven pages: one extraction process starts faster than two (time budget)
GROWN = "live-4512"  # the live page that gains entries between the crawl and the re-crawl
# words of the chrome that no story holds: both sites' menus, tickers, share rows, related and most-shared boxes,
# footers; the Nuxt pages' standfirst is the first paragraph's opening, so it is no chrome word; the live page's badge,
# meta line, auto-refresh note and entries' link rows
CHROME = ["الرئيسية", "عاجل", "فيسبوك", "تويتر", "شارك", "غرد", "أخبار ذات صلة", "الأكثر مشاركة", "منذ", "جميع الحقوق",
          "اتصل بنا", "مستقل", "مباشر", "بدأت التغطية", "آخر تحديث", "تلقائيا", "رابط الخبر", "اقرأ أيضا",
          "النشرة البريدية", "تغطيات مباشرة", "نشر في", "أغسطس 2023", "مايو 2019"]


def _recrawl(crawled: dict, url: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "crawler.cli.main", "recrawl", url, "--seeds", str(crawled["seeds"]),
                           "--data", str(crawled["data"]), *FAST, *ONE_WORKER], cwd=ROOT, capture_output=True, text=True,
                          timeout=120, check=False)


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    """One real crawl of both sites by the CLI in a subprocess; then the live page grows and is re-crawled."""
    tmp = tmp_path_factory.mktemp("altsites15")
    data = tmp / "data"
    with serve_alt_sites15() as sites:
        seeds = tmp / "outlets.toml"
        seeds.write_text(CONFIG.format(**sites.bases), encoding="utf-8")
        proc = crawl_cli(seeds, data, *ONE_WORKER, timeout=120)
        result = {"proc": proc, "data": data, "sites": sites, "seeds": seeds, "log": list(sites.requests_log),
                  "expected": {e.key: e for e in sites.expected}, "state": checks.state(data)}
        url = canonicalize(result["expected"][GROWN].canonical_url)
        result["before"] = dict(catalogue(data).execute("select * from articles where url = ?", [url]).fetchone() or {})
        live = sites.sites["live"]
        live.grow()
        result["grown"] = next(e for e in live.expected() if e.key == GROWN)
        result["recrawl"] = _recrawl(result, result["expected"][GROWN].canonical_url)
        yield result


def _row(crawled, key: str):
    """The story's row as the crawl left it (the grown live page's as it was before its re-crawl)."""
    if key == GROWN and crawled["before"]:
        return crawled["before"]
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
    """A Nuxt story: its state's body (the photo's caption and the "read also" line left out); a live page: the
    standfirst, then each entry's heading and paragraphs, newest first (not the clock times beside them)."""
    checks.check_paragraphs(crawled, _row(crawled, key), key)


@pytest.mark.parametrize("key", list(ITEMS))
def test_no_chrome_in_the_body(crawled, key):
    checks.check_no_chrome(crawled, _row(crawled, key), key, CHROME)


@pytest.mark.parametrize("key", list(ITEMS))
def test_the_date_is_the_published_moment(crawled, key):
    """A Nuxt story: the moment its state and ``<time datetime>`` give; a live page: the coverage's start."""
    checks.check_moment(_row(crawled, key), key, ITEMS[key])


def test_one_row_per_story_and_one_text_file_per_relevant_one(crawled):
    checks.check_one_row_per_article(crawled, SITE_OF, len(RELEVANT))


def test_every_variant_fetched_resolves_to_its_story(crawled):
    """``/news/<id>`` and ``?utm_source=...&fbclid=`` on the Nuxt site, an entry's ``?post=`` on a live page:
    aliases of the story's row, never rows."""
    variants = checks.check_variants_resolve(crawled)
    assert variants["nuxt"] >= 1 and variants["live"] >= 1, variants


def test_the_text_files_are_in_seed_format(crawled):
    """Title, a blank line, one paragraph a line, a final newline: the text as a researcher cites it."""
    conn = catalogue(crawled["data"])
    rows = conn.execute("select title, text, text_file from articles where relevant = 1").fetchall()
    assert rows
    for row in rows:
        got = (crawled["data"] / row["text_file"]).read_text(encoding="utf-8")
        assert got == f"{row['title']}\n\n{row['text']}\n", row["text_file"]


def test_nothing_fetched_that_robots_txt_forbids(crawled):
    checks.check_nothing_forbidden_fetched(crawled)


def test_a_grown_live_page_is_a_new_version_of_its_article(crawled):
    """The re-crawl of the grown live page: one row still, its second version holding the new entries on top, the
    text file rewritten, the headline and the date (the coverage's start) unchanged."""
    proc, grown = crawled["recrawl"], crawled["grown"]
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-3000:]
    assert "new version 2" in proc.stdout, proc.stdout[-2000:]
    conn = catalogue(crawled["data"])
    rows = conn.execute("select * from articles where outlet = 'alt-live'").fetchall()
    assert len(rows) == len(LIVE_PAGES)
    row = conn.execute("select * from articles where url = ?", [canonicalize(grown.canonical_url)]).fetchone()
    assert row["text"].split("\n") == list(grown.paragraphs)
    assert row["title"] == grown.title
    checks.check_moment(row, GROWN, ITEMS[GROWN])
    versions = conn.execute("select count(*) from article_versions where article_id = ?", [row["id"]]).fetchone()[0]
    assert versions == 2
    got = (crawled["data"] / row["text_file"]).read_text(encoding="utf-8")
    assert got == f"{grown.title}\n\n" + "\n".join(grown.paragraphs) + "\n"
    assert not re.search(r"^[0-9]{1,2}:[0-9]{2}$", got, re.MULTILINE)  # the entries' clock times are no lines of it

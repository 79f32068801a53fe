"""End to end on two more unseen outlet styles (tests/altsites17): a news agency that publishes each report in Arabic,
English and French, and a news site whose story pages carry the next stories inline ("infinite article").

The agency (tests/altsites17/agency.py): editions ``/ar/ليبيا/<Arabic slug>/<id>``, ``/en/africa/<slug>/<id>``,
``/fr/afrique/<slug>/<id>`` naming each other by ``<link rel="alternate" hreflang>`` and a "read in" box under the
story; the English and French editions of one report carry a rel=canonical to the Arabic one, the Arabic edition of
another a rel=canonical to the English one, and one report's Arabic edition is in no feed or listing any more (its
English edition, canonical to it, is); ``<html lang>`` wrong on some pages (French served as ``ar`` and as ``en``,
English as ``ar``); one RSS feed per language (``?utm_source=rss`` links), a "most read" box of short
``/<lang>/news/<id>`` links (301). The scroll site (tests/altsites17/scroll.py): each ``/article/<slug>`` page holds
its story and then the next two whole, each in a ``<div class="article-item">`` with its own h1, date line and body,
the first naming its URL in ``data-article-url``, the second only in the ``history.pushState`` queue of the page's
script, and under each story a "read also" box of two teasers whose lead is the other story's whole first paragraph.

Decisions. Each language edition the outlet is configured to crawl is its own article (its own row and text, its
language recorded), never an alias of another edition, whatever its rel=canonical says: a canonical that the page
itself names as its edition in another language is set aside for the edition it names in its own language
(crawler/extraction/editions.py). The language is the text's: a Latin-script text's common words decide over a
wrong ``<html lang>`` (crawler/extraction/language.py). The "read in" box is chrome. An inlined story is no part of
the page's body; each story is one row under its own URL. An English edition is judged by the lexicon's English
names, as an English-language outlet is. Known gap (xfail): the lexicon holds no French spellings, so the French
edition of a relevant report is judged not relevant.

One crawl.
"""

from __future__ import annotations

import gzip
import re

import altsite_checks as checks
import pytest
from altsites17 import serve_alt_sites17
from altsites17.content import REPORTS, SCROLL_STORIES
from helpers import catalogue, crawl_cli
from warcio.archiveiterator import ArchiveIterator

# Written the way a user would: the Arabic home page, the three feeds the agency's pages name, the scroll site's
# home page and feed, story addresses as the browser shows them.
CONFIG = r"""
[[outlet]]
name = "alt-agency"
display_name = "وكالة المتوسط للأنباء"
start_urls = ["{agency}/ar/"]
feeds = ["{agency}/ar/rss.xml", "{agency}/en/rss.xml", "{agency}/fr/rss.xml"]
article_urls = ['/(ar|en|fr)/[^/]+/[^/]+/\d+$', '/(ar|en|fr)/news/\d+$']
download_delay = 0.0
concurrency = 4

[[outlet]]
name = "alt-scroll"
display_name = "بوابة الأفق الإخبارية"
start_urls = ["{scroll}/"]
feeds = ["{scroll}/rss"]
article_urls = ['/article/[a-z0-9-]+$']
download_delay = 0.0
concurrency = 4
"""
SITE_OF = {"agency": "alt-agency", "scroll": "alt-scroll"}
ITEMS = {f"agency-{lang}-{r['id']}": {**r, **e, "lang": lang} for r in REPORTS for lang, e in r["editions"].items()
         if lang not in r.get("unlisted", ())}
ITEMS |= {f"scroll-{s['id']}": {**s, "lang": "ar"} for s in SCROLL_STORIES}
OUTLET_OF = {k: SITE_OF[k.split("-")[0]] for k in ITEMS}
RELEVANT = [k for k, a in ITEMS.items() if a["relevant"]]
DISTRACTORS = [k for k, a in ITEMS.items() if not a["relevant"]]
# the lexicon reads Arabic and English: the French edition of a relevant report is judged with none of its words
RELEVANCE_GAP = {"agency-fr-1512": "the lexicon holds no French spellings (Libye, combats, gouvernement d'union)"}
CHROME = ["اقرأ هذا الخبر بـ", "Read this story in", "Lire cet article en", "Français", "English", "العربية",
          "الأكثر قراءة", "Most read", "Les plus lus", "تحديث", "Updated", "Mis à jour", "اقرأ أيضا", "شارك",
          "عاجل", "جميع الحقوق", "بتوقيت أبوظبي", "صورة أرشيفية", "الرئيسية"]
ARGS = ("-s", "EXTRACT_WORKERS=1")


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    """One real crawl of both sites by the CLI (a re-crawl adds nothing here that earlier rounds do not check)."""
    tmp = tmp_path_factory.mktemp("altsites17")
    with serve_alt_sites17() as sites:
        seeds = tmp / "outlets.toml"
        seeds.write_text(CONFIG.format(**sites.bases), encoding="utf-8")
        proc = crawl_cli(seeds, tmp / "data", *ARGS, timeout=120)
        yield {"proc": proc, "data": tmp / "data", "sites": sites, "seeds": seeds, "log": list(sites.requests_log),
               "expected": {e.key: e for e in sites.expected}}


def _row(crawled, key: str):
    return checks.found_row(crawled, key, OUTLET_OF[key])


def test_the_crawl_exits_zero(crawled):
    checks.check_crawl_exits_zero(crawled)


@pytest.mark.parametrize("key", checks.with_xfails(RELEVANT, RELEVANCE_GAP))
def test_relevant_story_is_catalogued_as_relevant(crawled, key):
    checks.check_relevant(_row(crawled, key), key)


@pytest.mark.parametrize("key", DISTRACTORS)
def test_distractor_is_not_relevant(crawled, key):
    checks.check_distractor(_row(crawled, key), key)


@pytest.mark.parametrize("key", list(ITEMS))
def test_every_edition_and_story_has_its_exact_headline(crawled, key):
    """The edition's own h1 in its own language; on the scroll site the page's story's, not a neighbour's."""
    checks.check_headline(crawled, _row(crawled, key), key)


@pytest.mark.parametrize("key", list(ITEMS))
def test_its_own_text_one_paragraph_a_line(crawled, key):
    """No other edition's text, no neighbour's story, no teaser's lead, no "read in" box."""
    checks.check_paragraphs(crawled, _row(crawled, key), key)


@pytest.mark.parametrize("key", list(ITEMS))
def test_no_chrome_in_the_body(crawled, key):
    neighbours = [p for k, a in ITEMS.items() if k != key for p in (a["title"], *a["paras"])]
    checks.check_no_chrome(crawled, _row(crawled, key), key, CHROME + neighbours)


@pytest.mark.parametrize("key", list(ITEMS))
def test_the_language_is_the_editions(crawled, key):
    """French is "fr" whether the page says ``lang="ar"``, ``lang="en"`` or nothing; English is "en" under "ar"."""
    row = _row(crawled, key)
    assert row["language"] == ITEMS[key]["lang"], (key, row["language"])


@pytest.mark.parametrize("key", list(ITEMS))
def test_the_day_and_hour_are_the_published_ones(crawled, key):
    """The agency's "21.04.2019" under an "updated" day; the scroll site's own date line, not a neighbour's."""
    checks.check_day(_row(crawled, key), key, ITEMS[key], hour=True)


def test_one_row_per_edition_and_story_and_one_text_file_per_relevant_one(crawled):
    """Each edition under its own URL (never under the edition its canonical names), each story once."""
    checks.check_one_row_per_article(crawled, SITE_OF, len(RELEVANT) - len(RELEVANCE_GAP))


def test_no_edition_is_an_alias_of_another(crawled):
    """An edition's URL is never another edition's alias: each language's URLs lead to rows in that language."""
    conn = catalogue(crawled["data"])
    rows = conn.execute("select a.url alias, r.url, r.language from article_aliases a join articles r "
                        "on r.id = a.article_id where r.outlet = 'alt-agency'").fetchall()
    assert rows, "the short /<lang>/news/<id> links are aliases"
    for row in rows:
        lang = re.search(r"://[^/]+/(ar|en|fr)/", row["alias"]).group(1)
        assert lang == row["language"] == re.search(r"://[^/]+/(ar|en|fr)/", row["url"]).group(1), tuple(row)
    for row in conn.execute("select url, language from articles where outlet = 'alt-agency'"):
        assert f"/{row['language']}/" in row["url"], tuple(row)


def test_every_url_a_site_answered_leads_to_its_row(crawled):
    """A feed's ``?utm_source=`` link and the home page's ``?ref=home``: the row of that edition or story."""
    checks.check_variants_resolve(crawled)


def test_the_text_files_are_in_seed_format(crawled):
    """Title, a blank line, one paragraph a line, a final newline (/work/shared/seed-format)."""
    conn = catalogue(crawled["data"])
    rows = conn.execute("select title, text, text_file from articles where relevant = 1").fetchall()
    assert len(rows) == len(RELEVANT) - len(RELEVANCE_GAP)
    for row in rows:
        got = (crawled["data"] / row["text_file"]).read_text(encoding="utf-8")
        assert got == f"{row['title']}\n\n{row['text']}\n", row["text_file"]


def test_every_exchange_is_in_the_warc(crawled):
    """Each response the sites gave (the 301s of the short links too) is a WARC record (a page met twice, once a
    revisit record)."""
    records = []
    for path in sorted((crawled["data"] / "warc").glob("*.warc.gz")):
        with gzip.open(path, "rb") as raw, open(path, "rb") as stream:
            assert raw.read(4) == b"WARC"
            for record in ArchiveIterator(stream):
                if record.rec_type in ("response", "revisit"):
                    uri = record.rec_headers.get_header("WARC-Target-URI")
                    records.append((re.sub(r"^https?://[^/]+", "", uri), record.http_headers.get_statuscode()))
    served = [(r.path, str(r.status)) for r in crawled["log"] if r.path != "/robots.txt"]
    assert sorted(served) == sorted(p for p in records if p[0] != "/robots.txt")


def test_nothing_fetched_that_robots_txt_forbids(crawled):
    checks.check_nothing_forbidden_fetched(crawled)


def test_every_capture_row_points_at_its_warc_record(crawled):
    checks.check_captures_on_their_warc_records(crawled)

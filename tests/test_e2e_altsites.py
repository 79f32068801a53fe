"""End to end on unseen sites: crawl three independently built outlet sites with a config written from their structure.

The sites (tests/altsites: WordPress-, Drupal- and ASP.NET-style) share no markup with crawler/demo. The checks
are issue 2's "done when": every Libya-conflict article with its exact headline and body (token F1 >= 0.97), no
distractor marked relevant, nothing fetched that robots.txt forbids, every capture row pointing at its WARC record.
"""

from __future__ import annotations

import re
import sqlite3
from collections import Counter

import pytest
from altsites import load_content, serve_alt_sites
from helpers import article_row, captures_off_their_warc_records, catalogue, crawl_cli, token_f1

from crawler.config.outlets import load_outlets

# Written the way a user would, from what the sites show: the WordPress feed, permalinks and ?p= shortlinks,
# /page/N/ (and ?paged=N) pagination; the Drupal home page (its sitemaps are announced in robots.txt) with
# aliased /ar/news/ paths and /node/N links; the ASP.NET home page, NewsList.aspx sections, NewsDetails.aspx pages.
CONFIG = r"""
[[outlet]]
name = "alt-wordpress"
display_name = "الساحل نيوز"
start_urls = ["{wordpress}/"]
feeds = ["{wordpress}/feed/"]
article_urls = ['/20\d\d/\d\d/\d\d/[^/?#]+/$', '/\?p=\d+$']
follow_urls = ['/page/\d+/$', '[?&]paged=\d+']
download_delay = 0.0
concurrency = 4

[[outlet]]
name = "alt-drupal"
display_name = "الخبر الليبي"
start_urls = ["{drupal}/ar"]
article_urls = ['/ar/news/[^/?#]+$', '/node/\d+']
download_delay = 0.0
concurrency = 4

[[outlet]]
name = "alt-aspnet"
display_name = "صحيفة الميدان"
start_urls = ["{aspnet}/"]
article_urls = ['NewsDetails\.aspx\?NewsID=\d+']
follow_urls = ['NewsList\.aspx\?CatID=\d+']
download_delay = 0.0
concurrency = 4
"""


def _keys(relevant: bool) -> list[str]:
    content = load_content()
    keys = [f"wordpress-{p['id']}" for p in content["wordpress"]["posts"] if p["relevant"] == relevant]
    keys += [f"drupal-{n['nid']}" for n in content["drupal"]["nodes"] if n["relevant"] == relevant]
    keys += [f"aspnet-{n['news_id']}" for n in content["aspnet"]["news"] if n["relevant"] == relevant]
    return keys


RELEVANT = _keys(True)
DISTRACTORS = _keys(False)



@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    """One real crawl of the three sites by the CLI in a subprocess (the reactor runs once per process)."""
    tmp = tmp_path_factory.mktemp("altsites")
    data = tmp / "data"
    with serve_alt_sites() as sites:
        seeds = tmp / "outlets.toml"
        seeds.write_text(CONFIG.format(**sites.bases), encoding="utf-8")
        proc = crawl_cli(seeds, data, timeout=120)
        yield {"proc": proc, "data": data, "sites": sites, "seeds": seeds,
               "expected": {e.key: e for e in sites.expected}, "log": list(sites.requests_log)}


def _db(crawled) -> sqlite3.Connection:
    return catalogue(crawled["data"])


def _row(crawled, key: str) -> tuple[sqlite3.Row | None, str]:
    """The article row of an expected article, and a diagnosis for the assertion message when it is missing."""
    exp = crawled["expected"][key]
    return article_row(crawled["data"], exp.canonical_url, "alt-" + exp.site)


def test_crawl_exits_zero(crawled):
    proc = crawled["proc"]
    assert proc.returncode == 0, proc.stderr[-3000:]


@pytest.mark.parametrize("key", RELEVANT)
def test_relevant_article_is_catalogued_as_relevant(crawled, key):
    row, why = _row(crawled, key)
    assert row is not None, why
    assert row["relevant"] == 1, (key, row["relevance_score"], row["matched_terms"])


@pytest.mark.parametrize("key", RELEVANT)
def test_relevant_article_has_exact_headline(crawled, key):
    row, why = _row(crawled, key)
    assert row is not None, why
    assert row["title"] == crawled["expected"][key].title


@pytest.mark.parametrize("key", RELEVANT)
def test_relevant_article_body_token_f1(crawled, key):
    row, why = _row(crawled, key)
    assert row is not None, why
    exp = crawled["expected"][key]
    f1 = token_f1("\n".join(exp.paragraphs), row["text"] or "")
    expected_tokens = Counter(re.findall(r"\w+", "\n".join(exp.paragraphs)))
    got_tokens = Counter(re.findall(r"\w+", row["text"] or ""))
    extra = " ".join((got_tokens - expected_tokens).elements())[:400]
    missing = " ".join((expected_tokens - got_tokens).elements())[:400]
    assert f1 >= 0.97, f"{key}: F1 {f1:.3f}; extra tokens: {extra!r}; missing tokens: {missing!r}"


@pytest.mark.parametrize("key", RELEVANT)
def test_relevant_article_is_in_the_text_corpus(crawled, key):
    row, why = _row(crawled, key)
    assert row is not None, why
    assert row["text_file"], f"{key}: relevant article without a text file"
    text = (crawled["data"] / row["text_file"]).read_text(encoding="utf-8")
    assert text.startswith(crawled["expected"][key].title + "\n\n")


@pytest.mark.parametrize("key", DISTRACTORS)
def test_distractor_is_not_relevant(crawled, key):
    row, _ = _row(crawled, key)
    if row is not None:
        assert row["relevant"] == 0 and row["text_file"] is None, (key, row["relevance_score"], row["matched_terms"])


def test_the_config_would_reach_robots_forbidden_urls(crawled):
    """Without robots.txt the crawler would fetch some forbidden links (so the next test can fail)."""
    outlets = load_outlets(crawled["seeds"])
    wanted = [u for u in crawled["sites"].forbidden_links()
              if any(o.owns(u) and (o.is_article(u) or o.is_followed(u)) for o in outlets)]
    assert len(wanted) >= 2, wanted


def test_nothing_fetched_that_robots_txt_forbids(crawled):
    sites = crawled["sites"]
    bad = [r for r in crawled["log"] if sites.sites[r.site].robots.forbids(r.path)]
    assert not bad, [(r.site, r.path) for r in bad]
    assert crawled["log"], "the sites received no request at all"


def test_every_capture_row_points_at_its_warc_record(crawled):
    conn = _db(crawled)
    assert conn.execute("select count(*) from captures").fetchone()[0]
    wrong = captures_off_their_warc_records(conn, crawled["data"])
    assert not wrong, wrong[:5]

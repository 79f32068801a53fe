"""End to end on two more unseen outlet styles (tests/altsites2): a Joomla 3 portal and a Blogger news blog.

Each article answers under several URLs (SEF and non-SEF Joomla links with differing ``Itemid``, with and without the
alias, a print view, a redirect-component 301; Blogger ``?m=1``, ``?amp=1``, ``?showComment=``, ``utm_*`` /
``utm-*`` links and a renamed post's old address) and is typed in more than one editor style (``<p>``, Blogger's
``<div>`` lines, shift-enter ``<br />`` pairs, TinyMCE spans). The checks: one catalogue row and, for a relevant
article, one text file whatever URL led to it (the others in ``article_aliases``), also after a second crawl and after
``newsarchive dedupe`` of a crawl without aliases; every article with its exact headline, a body of token F1 >= 0.97
(one paragraph a line), its byline and publication time; no chrome in the body; no distractor relevant; nothing
fetched that robots.txt forbids; every capture row pointing at its WARC record.
"""

from __future__ import annotations

import re
import sqlite3
from collections import Counter

import pytest
from altsites2 import serve_alt_sites2
from altsites2.content import BLOGGER_POSTS, JOOMLA_ARTICLES
from helpers import article_row, captures_off_their_warc_records, catalogue, cli, crawl_cli, token_f1

from crawler.config.outlets import load_outlets
from crawler.discovery.urls import canonicalize

# Written the way a user would, from what the sites show. Joomla: the home page and the Libya category blog, the
# category blogs of the menu (paged with ?start=), the Libya blog's RSS icon, article links in both the SEF and the
# index.php form. Blogger: the home page, the Atom feed in the page head, posts under /YYYY/MM/*.html, the monthly
# archive, the label pages and the older-posts pager.
CONFIG = r"""
[[outlet]]
name = "alt-joomla"
display_name = "بوابة الجبل الإخبارية"
start_urls = ["{joomla}/", "{joomla}/news/libya.html"]
feeds = ["{joomla}/news/libya.html?format=feed&type=rss"]
article_urls = ['/news/[a-z]+/\d+-[^/]+\.html', 'option=com_content&view=article']
follow_urls = ['/news/[a-z]+\.html(\?start=\d+)?$']
download_delay = 0.0
concurrency = 4

[[outlet]]
name = "alt-blogger"
display_name = "مدونة أخبار فزان"
start_urls = ["{blogger}/"]
feeds = ["{blogger}/feeds/posts/default"]
article_urls = ['/20\d\d/\d\d/[^/]+\.html']
follow_urls = ['/20\d\d/\d\d/(\?m=1)?$', '/search/label/', '/search\?updated-max=']
download_delay = 0.0
concurrency = 4
"""
SITE_OF = {"joomla": "alt-joomla", "blogger": "alt-blogger"}
KEYS = {key: item["relevant"] for key, item in
        [(f"joomla-{a['id']}", a) for a in JOOMLA_ARTICLES] + [(f"blogger-{p['id']}", p) for p in BLOGGER_POSTS]}
ITEMS = {f"joomla-{a['id']}": a for a in JOOMLA_ARTICLES} | {f"blogger-{p['id']}": p for p in BLOGGER_POSTS}
RELEVANT = [k for k, rel in KEYS.items() if rel]
DISTRACTORS = [k for k, rel in KEYS.items() if not rel]
# words of the sites' chrome that no article body holds (menus, ticker, comments, share bars, footers, captions)
CHROME = ["زيارات", "التفاصيل", "الفئة", "كتب بواسطة", "الأكثر قراءة", "اقرأ المزيد", "أضف تعليق", "جميع الحقوق محفوظة",
          "شارك", "مواضيع ذات صلة", "مرسلة بواسطة", "التسميات", "تعليقات", "رسالة أقدم", "صورة أرشيفية",
          "المشاركات الشائعة", "عاجل", "طباعة"]


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    """One real crawl of the two sites by the CLI in a subprocess."""
    tmp = tmp_path_factory.mktemp("altsites2")
    data = tmp / "data"
    with serve_alt_sites2() as sites:
        seeds = tmp / "outlets.toml"
        seeds.write_text(CONFIG.format(**sites.bases), encoding="utf-8")
        proc = crawl_cli(seeds, data, timeout=120)
        log = list(sites.requests_log)
        state = _state(data)
        served = {name: len(site.served) for name, site in sites.sites.items()}
        # a second crawl of the unchanged sites (Joomla's hit counter still changes every article page)
        again = crawl_cli(seeds, data, timeout=120)
        yield {"proc": proc, "data": data, "sites": sites, "seeds": seeds, "state": state, "again": again,
               "again_served": [raw for name, site in sites.sites.items() for raw, _ in site.served[served[name]:]],
               "expected": {e.key: e for e in sites.expected}, "log": log, "log_again": sites.requests_log[len(log):]}


@pytest.fixture(scope="module")
def deduped(tmp_path_factory):
    """A crawl that stores every URL as its own row (ARCHIVE_ALIASES=False), then ``newsarchive dedupe``."""
    tmp = tmp_path_factory.mktemp("altsites2-dedupe")
    data = tmp / "data"
    with serve_alt_sites2() as sites:
        seeds = tmp / "outlets.toml"
        seeds.write_text(CONFIG.format(**sites.bases), encoding="utf-8")
        proc = crawl_cli(seeds, data, "-s", "ARCHIVE_ALIASES=False", timeout=120)
        before = len(_state(data)[0])
        yield {"proc": proc, "before": before, "dedupe": cli("dedupe", "--data", str(data)),
               "check": cli("check", "--data", str(data)), "data": data, "sites": sites}


def _state(data) -> tuple:
    """The catalogue's articles and aliases and the text files, to compare across crawls."""
    conn = sqlite3.connect(data / "catalogue.db")
    try:
        articles = sorted(conn.execute("select id, url, title, text, relevant, text_file, seq from articles"))
        aliases = sorted(conn.execute("select url, article_id from article_aliases"))
    finally:
        conn.close()
    return articles, aliases, sorted(p.name for p in (data / "text").iterdir())


def _db(crawled) -> sqlite3.Connection:
    return catalogue(crawled["data"])


def _row(crawled, key: str) -> tuple[sqlite3.Row | None, str]:
    """The article row of an expected article, and a diagnosis for the assertion message when it is missing."""
    exp = crawled["expected"][key]
    return article_row(crawled["data"], exp.canonical_url, SITE_OF[exp.site])


def test_crawl_exits_zero(crawled):
    proc = crawled["proc"]
    assert proc.returncode == 0, proc.stderr[-3000:]


@pytest.mark.parametrize("key", RELEVANT)
def test_relevant_article_is_catalogued_as_relevant(crawled, key):
    row, why = _row(crawled, key)
    assert row is not None, why
    assert row["relevant"] == 1, (key, row["relevance_score"], row["matched_terms"])


@pytest.mark.parametrize("key", list(KEYS))
def test_every_article_has_its_exact_headline(crawled, key):
    row, why = _row(crawled, key)
    assert row is not None, why
    assert row["title"] == crawled["expected"][key].title


@pytest.mark.parametrize("key", RELEVANT)
def test_relevant_article_body_token_f1(crawled, key):
    row, why = _row(crawled, key)
    assert row is not None, why
    want = "\n".join(crawled["expected"][key].paragraphs)
    f1 = token_f1(want, row["text"] or "")
    got_tokens, want_tokens = Counter(re.findall(r"\w+", row["text"] or "")), Counter(re.findall(r"\w+", want))
    extra = " ".join((got_tokens - want_tokens).elements())[:400]
    missing = " ".join((want_tokens - got_tokens).elements())[:400]
    assert f1 >= 0.97, f"{key}: F1 {f1:.3f}; extra tokens: {extra!r}; missing tokens: {missing!r}"


@pytest.mark.parametrize("key", list(KEYS))
def test_one_paragraph_per_line(crawled, key):
    """The body as written, one paragraph a line, whatever the editor made of it (<p>, <div> lines, <br /> pairs)."""
    row, why = _row(crawled, key)
    assert row is not None, why
    assert (row["text"] or "").split("\n") == list(crawled["expected"][key].paragraphs)


@pytest.mark.parametrize("key", list(KEYS))
def test_no_chrome_in_the_body(crawled, key):
    row, why = _row(crawled, key)
    assert row is not None, why
    want = "\n".join(crawled["expected"][key].paragraphs)
    found = [w for w in CHROME if w in (row["text"] or "") and w not in want]
    assert not found, f"{key}: chrome in the body: {found}"


@pytest.mark.parametrize("key", list(KEYS))
def test_byline_and_publication_time(crawled, key):
    """The writer's name without the words that introduce it ("مرسلة بواسطة"), the time the markup declares."""
    row, why = _row(crawled, key)
    assert row is not None, why
    assert (row["author"], row["published"]) == (ITEMS[key]["author"], ITEMS[key]["date"])


@pytest.mark.parametrize("key", RELEVANT)
def test_relevant_article_is_in_the_text_corpus(crawled, key):
    row, why = _row(crawled, key)
    assert row is not None, why
    assert row["text_file"], f"{key}: relevant article without a text file"
    text = (crawled["data"] / row["text_file"]).read_text(encoding="utf-8")
    assert text.startswith(crawled["expected"][key].title + "\n\n")


@pytest.mark.parametrize("key", DISTRACTORS)
def test_distractor_is_not_relevant(crawled, key):
    row, why = _row(crawled, key)
    assert row is not None, why
    assert row["relevant"] == 0 and row["text_file"] is None, (key, row["relevance_score"], row["matched_terms"])


def test_one_row_per_article_and_one_text_file_per_relevant_one(crawled):
    conn = _db(crawled)
    for site, outlet in SITE_OF.items():
        want = sorted(canonicalize(e.canonical_url) for e in crawled["expected"].values() if e.site == site)
        got = sorted(r["url"] for r in conn.execute("select url from articles where outlet = ?", [outlet]))
        assert got == want, (outlet, sorted(set(got) - set(want)), sorted(set(want) - set(got)))
    files = sorted(p.name for p in (crawled["data"] / "text").iterdir())
    assert len(files) == len(RELEVANT), files


def test_every_variant_fetched_resolves_to_its_article(crawled):
    """Each URL a site answered with an article page is that article's row URL or one of its aliases."""
    conn = _db(crawled)
    urls = {r["url"]: r["id"] for r in conn.execute("select id, url from articles")}
    aliases = {r["url"]: r["article_id"] for r in conn.execute("select url, article_id from article_aliases")}
    wrong, variants = [], Counter()
    for site in crawled["sites"].sites.values():
        for raw, article_id in site.served:
            exp = crawled["expected"][f"{site.name}-{article_id}"]
            row_id = urls.get(canonicalize(exp.canonical_url))
            url = canonicalize(site.base + raw)
            if url != canonicalize(exp.canonical_url):
                variants[site.name] += 1
            if row_id is None or (urls.get(url) or aliases.get(url)) != row_id:
                wrong.append((site.name, raw, urls.get(url), aliases.get(url), row_id))
    assert not wrong, wrong
    # the variants were met: the test would fail if a merge went wrong
    assert variants["joomla"] >= 5 and variants["blogger"] >= 5, variants


def test_the_sites_variants_were_all_fetched(crawled):
    """Each kind of variant link was followed at least once (else the test above proves little)."""
    served = [raw for site in crawled["sites"].sites.values() for raw, _ in site.served]
    for marker in ("option=com_content", "tmpl=component", "m=1", "amp=1", "showComment="):
        assert any(marker in raw for raw in served), (marker, served)
    log = crawled["log"]
    old = [p["old"] for p in BLOGGER_POSTS if p.get("old")]
    assert any(r.path in old and r.status == 301 for r in log), "the renamed post's old address was not followed"
    assert any(r.path.startswith("/index.php/") and r.status == 301 for r in log), "no redirect-component 301 met"


def test_tracking_parameters_are_dropped_before_fetching(crawled):
    assert not [r.path for r in crawled["log"] if "utm" in r.path.lower()]


def test_a_second_crawl_fetches_no_article_again_and_changes_nothing(crawled):
    assert crawled["again"].returncode == 0, crawled["again"].stderr[-3000:]
    assert crawled["again_served"] == [], "article pages fetched again by discovery"
    assert _state(crawled["data"]) == crawled["state"]
    assert not [r.path for r in crawled["log_again"] if crawled["sites"].sites[r.site].robots.forbids(r.path)]


def test_the_config_would_reach_robots_forbidden_urls(crawled):
    """Without robots.txt the crawler would fetch some forbidden links (so the next test can fail)."""
    outlets = load_outlets(crawled["seeds"])
    wanted = [u for u in crawled["sites"].forbidden_links()
              if any(o.owns(u) and (o.is_article(u) or o.is_followed(u)) for o in outlets)]
    assert len(wanted) >= 2, wanted


def test_nothing_fetched_that_robots_txt_forbids(crawled):
    sites = crawled["sites"].sites
    bad = [(r.site, r.path) for r in crawled["log"] if sites[r.site].robots.forbids(r.path)]
    assert not bad, bad
    assert crawled["log"], "the sites received no request at all"


def test_every_capture_row_points_at_its_warc_record(crawled):
    conn = _db(crawled)
    assert conn.execute("select count(*) from captures").fetchone()[0]
    wrong = captures_off_their_warc_records(conn, crawled["data"])
    assert not wrong, wrong[:5]


def test_dedupe_of_a_crawl_without_aliases_leaves_one_row_per_article(deduped):
    assert deduped["proc"].returncode == 0 and deduped["dedupe"].returncode == 0, deduped["dedupe"].stderr[-2000:]
    articles, aliases, files = _state(deduped["data"])
    want = sorted(canonicalize(e.canonical_url) for e in deduped["sites"].expected)
    assert deduped["before"] > len(want)  # the variants were rows of their own before
    assert sorted(url for _, url, *_ in articles) == want
    assert len(files) == len(RELEVANT)
    assert deduped["check"].returncode == 0, deduped["check"].stdout[-2000:]

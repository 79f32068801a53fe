"""End to end on one more unseen outlet style (tests/altsites6): an AMP-first news site whose canonical pages are thin
and whose AMP pages hold the story.

The outlet: the canonical story page ``/akhbar/<id>-<slug>`` shows the headline, the date, a lead photo and the lead
paragraph, and an empty ``<div data-src="/api/story/<id>.json">`` that a script fills in a browser (robots.txt
forbids ``/api/``; the crawl runs no JavaScript), with a ``<noscript>`` link to the AMP page; ``<link rel="amphtml">``
names ``/amp/akhbar/<id>-<slug>``, which holds the whole story (``<html ⚡>``, amp-img with a caption, amp-sidebar,
amp-social-share, a "اقرأ أيضا" box inside the story, an amp-carousel of related stories, amp-ad, JSON-LD
NewsArticle) under a ``rel=canonical`` back to the thin page. The home and section pages link the canonical URLs,
the most-read box the short ``/akhbar/<id>`` (a 301 to the slugged URL), the share links carry ``?share=`` (which
robots.txt forbids), and the only sitemap, named by robots.txt, lists AMP URLs alone (one story only it leads to,
and an "about" page).

Decision: the article is what the outlet publishes under its canonical URL, and its text is the fullest rendering
the crawl can read without running scripts: the AMP page's. So one row per story, under the canonical URL, the AMP
URL (and the short one) its aliases, and the body the AMP page's whole story, whichever page the crawl met first;
the thin page's lead paragraph alone is never the stored text.
The checks, as tests/test_e2e_altsites5.py's: one catalogue row per article whatever URL led to it, the exact
visible headline, a body of token F1 >= 0.97 one paragraph a line, the right publication day and hour, no chrome in
the body, no distractor relevant, nothing fetched that robots.txt forbids, every capture row pointing at its WARC
record, and a second crawl that fetches no article again. Known gap (non-strict xfails): the newest story is not yet in
the AMP sitemap, and discovery follows no link of an article page (``rel=amphtml`` included), so its row holds the
thin page's text.
"""

from __future__ import annotations

import re
from collections import Counter

import pytest
from altsites6 import serve_alt_sites6
from altsites6.content import ARTICLES
from helpers import article_row, captures_off_their_warc_records, catalogue, crawl_cli, token_f1

from crawler.config.outlets import load_outlets
from crawler.discovery.urls import canonicalize

# Written the way a user would, from what the site shows: its home page, the section pages and their pager, the story
# links (canonical, short, AMP: one pattern meets all three).
CONFIG = r"""
[[outlet]]
name = "alt-amp"
display_name = "منصة الخبر الليبي"
start_urls = ["{amp}/"]
article_urls = ['/akhbar/\d+']
follow_urls = ['/qism/\w+(\?page=\d+)?$']
download_delay = 0.0
concurrency = 4
"""
OUTLET = "alt-amp"
ITEMS = {f"amp-{a['id']}": a for a in ARTICLES}
RELEVANT = [k for k, a in ITEMS.items() if a["relevant"]]
KNOWN_MISSES: dict[str, str] = {}
DISTRACTORS = [k for k, a in ITEMS.items() if not a["relevant"]]
# The story too new for the AMP sitemap: only its thin page's ``<link rel="amphtml">`` and ``<noscript>`` link lead to
# its AMP page, and discovery follows neither (no link of an article page is followed; following every article's
# rel=amphtml would fetch each story twice on every outlet that publishes AMP). So its row holds the thin page's
# text: the headline, the date, the lead and the "loading" line (what a reader without JavaScript sees).
THIN_ONLY = {
    k: "only the thin page leads to its AMP page, and discovery follows no link of an article page (rel=amphtml "
    "included): the row holds the thin page's lead and its 'loading' line"
    for k, a in ITEMS.items()
    if a.get("sitemap_lag")
}


def _body_keys() -> list:
    """Every article, the thin-only ones as non-strict xfails."""
    return [
        pytest.param(k, marks=pytest.mark.xfail(reason=THIN_ONLY[k], strict=False)) if k in THIN_ONLY else k
        for k in ITEMS
    ]


# words of the site's chrome that no article body holds (menus, most read, share, loading, noscript, caption, read
# also, tags, related, ad, footer)
CHROME = [
    "الأكثر قراءة",
    "شارك",
    "واتساب",
    "فيسبوك",
    "جار تحميل",
    "اقرأ الخبر كاملا",
    "صورة أرشيفية",
    "تصوير",
    "اقرأ أيضا",
    "الوسوم",
    "أخبار ذات صلة",
    "إعلان",
    "القائمة",
    "النسخة الكاملة",
    "تابعونا",
    "جميع الحقوق محفوظة",
]


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    """One real crawl of the site by the CLI in a subprocess, then a second one."""
    tmp = tmp_path_factory.mktemp("altsites6")
    data = tmp / "data"
    with serve_alt_sites6() as sites:
        seeds = tmp / "outlets.toml"
        seeds.write_text(CONFIG.format(**sites.bases), encoding="utf-8")
        proc = crawl_cli(seeds, data, timeout=120)
        log, state = list(sites.requests_log), _state(data)
        served = {name: len(site.served) for name, site in sites.sites.items()}
        again = crawl_cli(seeds, data, timeout=120)
        yield {
            "proc": proc,
            "data": data,
            "sites": sites,
            "seeds": seeds,
            "log": log,
            "state": state,
            "again": again,
            "again_served": [raw for n, site in sites.sites.items() for raw, _ in site.served[served[n] :]],
            "log_again": sites.requests_log[len(log) :],
            "expected": {e.key: e for e in sites.expected},
        }


def _state(data) -> tuple:
    """The catalogue's articles and aliases and the text files, to compare across crawls."""
    conn = catalogue(data)
    try:
        articles = sorted(
            tuple(r) for r in conn.execute("select id, url, title, text, relevant, text_file from articles")
        )
        aliases = sorted(tuple(r) for r in conn.execute("select url, article_id from article_aliases"))
    finally:
        conn.close()
    return articles, aliases, sorted(p.name for p in (data / "text").iterdir())


def _row(crawled, key: str):
    return article_row(crawled["data"], crawled["expected"][key].canonical_url, OUTLET)


def test_crawl_exits_zero(crawled):
    assert crawled["proc"].returncode == 0, crawled["proc"].stderr[-3000:]


@pytest.mark.parametrize(
    "key",
    [
        pytest.param(k, marks=pytest.mark.xfail(reason=KNOWN_MISSES[k], strict=False))
        if k in KNOWN_MISSES
        else k
        for k in RELEVANT
    ],
)
def test_relevant_article_is_catalogued_as_relevant(crawled, key):
    row, why = _row(crawled, key)
    assert row is not None, why
    assert row["relevant"] == 1, (key, row["relevance_score"], row["matched_terms"])


@pytest.mark.parametrize("key", list(ITEMS))
def test_every_article_has_its_exact_headline(crawled, key):
    row, why = _row(crawled, key)
    assert row is not None, why
    assert row["title"] == crawled["expected"][key].title


@pytest.mark.parametrize("key", _body_keys())
def test_body_token_f1(crawled, key):
    """The AMP page's whole story, never the thin page's lead paragraph alone."""
    row, why = _row(crawled, key)
    assert row is not None, why
    want = "\n".join(crawled["expected"][key].paragraphs)
    f1 = token_f1(want, row["text"] or "")
    got_tokens, want_tokens = (
        Counter(re.findall(r"\w+", row["text"] or "")),
        Counter(re.findall(r"\w+", want)),
    )
    extra = " ".join((got_tokens - want_tokens).elements())[:400]
    missing = " ".join((want_tokens - got_tokens).elements())[:400]
    assert f1 >= 0.97, f"{key}: F1 {f1:.3f}; extra tokens: {extra!r}; missing tokens: {missing!r}"


@pytest.mark.parametrize("key", _body_keys())
def test_one_paragraph_per_line(crawled, key):
    row, why = _row(crawled, key)
    assert row is not None, why
    assert (row["text"] or "").split("\n") == list(crawled["expected"][key].paragraphs)


@pytest.mark.parametrize("key", _body_keys())
def test_no_chrome_in_the_body(crawled, key):
    row, why = _row(crawled, key)
    assert row is not None, why
    want = "\n".join(crawled["expected"][key].paragraphs)
    found = [w for w in CHROME if w in (row["text"] or "") and w not in want]
    assert not found, f"{key}: chrome in the body: {found}"


@pytest.mark.parametrize("key", list(ITEMS))
def test_publication_date(crawled, key):
    """The day and hour both renderings state (UTC+2 in the metadata)."""
    row, why = _row(crawled, key)
    assert row is not None, why
    item, got = ITEMS[key], row["published"] or ""
    assert got[:10] == "%04d-%02d-%02d" % item["g"], (key, got, row["published_source"])
    assert got[11:16] == item["time"], (key, got, row["published_source"])


@pytest.mark.parametrize("key", DISTRACTORS)
def test_distractor_is_not_relevant(crawled, key):
    row, why = _row(crawled, key)
    assert row is not None, why
    assert row["relevant"] == 0 and row["text_file"] is None, (
        key,
        row["relevance_score"],
        row["matched_terms"],
    )


def test_one_row_per_article_and_one_text_file_per_relevant_one(crawled):
    conn = catalogue(crawled["data"])
    want = sorted(canonicalize(e.canonical_url) for e in crawled["expected"].values())
    got = sorted(r["url"] for r in conn.execute("select url from articles where outlet = ?", [OUTLET]))
    assert got == want, (sorted(set(got) - set(want)), sorted(set(want) - set(got)))
    files = sorted(p.name for p in (crawled["data"] / "text").iterdir())
    relevant = [r["text_file"] for r in conn.execute("select text_file from articles where relevant = 1")]
    assert len(files) == len(relevant) >= len(RELEVANT) - len(KNOWN_MISSES), files


def test_every_variant_fetched_resolves_to_its_article(crawled):
    """Each URL the site answered with a story page (thin or AMP) is that story's row URL or one of its aliases."""
    conn = catalogue(crawled["data"])
    urls = {r["url"]: r["id"] for r in conn.execute("select id, url from articles")}
    aliases = {r["url"]: r["article_id"] for r in conn.execute("select url, article_id from article_aliases")}
    wrong, amp = [], 0
    for site in crawled["sites"].sites.values():
        for raw, article_id in site.served:
            exp = crawled["expected"][f"{site.name}-{article_id}"]
            row_id = urls.get(canonicalize(exp.canonical_url))
            url = canonicalize(site.base + raw)
            amp += raw.startswith("/amp/")
            if row_id is None or (urls.get(url) or aliases.get(url)) != row_id:
                wrong.append((site.name, raw, urls.get(url), aliases.get(url), row_id))
    assert not wrong, wrong
    assert amp >= len(ITEMS) - len(THIN_ONLY), "the AMP pages were not all met"


def test_the_short_story_urls_are_aliases_of_their_story(crawled):
    """``/akhbar/<id>`` (a 301 to the slugged URL) is kept as its story's alias."""
    site = crawled["sites"].sites["amp"]
    conn = catalogue(crawled["data"])
    met = [r.path for r in crawled["log"] if r.status == 301]
    assert met, "no short story URL met"
    for path in met:
        row, why = _row(crawled, f"amp-{path.rstrip('/').split('/')[-1]}")
        assert row is not None, why
        got = conn.execute(
            "select article_id from article_aliases where url = ?", [canonicalize(site.base + path)]
        ).fetchone()
        assert got is not None and got[0] == row["id"], (path, got)


def test_the_story_only_the_amp_sitemap_leads_to_was_found(crawled):
    for key, a in ITEMS.items():
        if a["page"] == 0:
            row, why = _row(crawled, key)
            assert row is not None, why


def test_the_sitemap_was_read_and_no_page_is_an_article(crawled):
    conn = catalogue(crawled["data"])
    assert any(r.path == "/sitemap-amp.xml" for r in crawled["log"])
    assert not conn.execute(
        "select url from articles where url like '%/page/%' or url like '%/qism/%'"
    ).fetchall()


def test_no_story_url_was_guessed_wrong(crawled):
    assert not [r.path for r in crawled["log"] if r.status == 404]


def test_the_config_would_reach_robots_forbidden_urls(crawled):
    outlets = load_outlets(crawled["seeds"])
    for site in crawled["sites"].sites.values():
        wanted = [
            u
            for u in site.forbidden_links()
            if any(o.owns(u) and (o.is_article(u) or o.is_followed(u)) for o in outlets)
        ]
        assert len(wanted) >= 2, (site.name, wanted)


def test_nothing_fetched_that_robots_txt_forbids(crawled):
    bad = [(r.site, r.path) for r in crawled["log"] if crawled["sites"].sites[r.site].robots.forbids(r.path)]
    assert not bad, bad
    assert crawled["log"], "the site received no request at all"


def test_every_capture_row_points_at_its_warc_record(crawled):
    conn = catalogue(crawled["data"])
    assert conn.execute("select count(*) from captures").fetchone()[0]
    wrong = captures_off_their_warc_records(conn, crawled["data"])
    assert not wrong, wrong[:5]


def test_a_second_crawl_fetches_no_article_again_and_changes_nothing(crawled):
    assert crawled["again"].returncode == 0, crawled["again"].stderr[-3000:]
    assert crawled["again_served"] == [], "article pages fetched again by discovery"
    assert _state(crawled["data"]) == crawled["state"]
    sites = crawled["sites"].sites
    assert not [r.path for r in crawled["log_again"] if sites[r.site].robots.forbids(r.path)]

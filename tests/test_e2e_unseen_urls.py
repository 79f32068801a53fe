"""End to end, adversarial: one article, one row, one text file on an outlet whose URL styles no other test shows.

The site (tests/unseenportal) serves each article under many URLs at once (Joomla menu ids and slugs, ``;jsessionid=``,
an unlisted ``s=`` token, tracking parameters, raw / lower-case / NFD Arabic slugs, dot segments, ``index.html``, AMP,
print and mobile twins, a redirect chain that starts on another origin, an unrelated archive path) and sets the traps
a merge must not fall into (a canonical on another outlet, on the home page, on a section page; two briefs in one
boilerplate-heavy template). Real crawls by the CLI, the catalogue read back, the merge command on a catalogue built
without the alias logic.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from helpers import cli, crawl_cli, rows
from unseenportal import ARTICLES, CLEAN, LATE_LINK, WEEK, seeds, serve_unseen

from archive.catalogue.aliases import url_id
from archive.catalogue.db import Catalogue
from crawler.discovery.urls import canonicalize, identity_key
from crawler.scheduling.recrawl import find_article
from crawler.web.app import build_datasette

TITLES = {title: n for n, (title, _) in ARTICLES.items()}
LATEST = "آخر الأخبار"  # the "latest" listing's title
PORTAL = "unseen-portal"
# paths of article pages (and their old addresses): never fetched again by the second crawl
ARTICLE_PATHS = ("/index.php?", "/portal/", "/ar/news/", "/articles/", "/print/", "/m/", "/legacy/", "/news.php",
                 "/old/", "/archive/", "/briefs/")


def by_article(data: Path) -> dict[int, list[dict]]:
    """The portal's rows grouped by which article they hold (told by title: a row for the "latest" listing fails)."""
    out: dict[int, list[dict]] = {}
    for r in rows(data, "select * from articles where outlet = ? order by seq", (PORTAL,)):
        out.setdefault(TITLES[r["title"]], []).append(r)
    return out


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """Two crawls with aliases on (one data folder), one with them off (another); every visit prints new tokens.

    The crawl with aliases off reads a portal of its own (the same pages on other ports, already printing the late
    link, as the first portal does by the time of its second crawl) in a thread while the two others run: it shares
    no data folder with them, and the request logs of the first portal stay theirs alone."""
    tmp = tmp_path_factory.mktemp("unseen")
    with serve_unseen() as portal, serve_unseen() as off_portal, ThreadPoolExecutor(1) as pool:
        off_portal.late = True
        off_config = tmp / "outlets-off.toml"
        off_config.write_text(seeds(off_portal), encoding="utf-8")
        off_job = pool.submit(crawl_cli, off_config, tmp / "old", "-s", "ARCHIVE_ALIASES=False", timeout=180)
        config = tmp / "outlets.toml"
        config.write_text(seeds(portal), encoding="utf-8")
        first = crawl_cli(config, tmp / "data", timeout=180)
        log1 = list(portal.requests)
        portal.late = True  # a new old address of a known, unchanged article (answering 304 to If-None-Match)
        second = crawl_cli(config, tmp / "data", timeout=180)
        log2 = portal.requests[len(log1):]
        off = off_job.result()
        yield {"portal": portal, "off_portal": off_portal, "data": tmp / "data", "old": tmp / "old",
               "runs": (first, second, off), "log1": log1, "log2": log2}


def test_crawls_ran(site):
    for proc in site["runs"]:
        assert proc.returncode == 0, proc.stderr[-3000:]


def test_one_row_and_one_text_file_per_article(site):
    data, base = site["data"], site["portal"].base
    grouped = by_article(data)
    assert sorted(grouped) == sorted(ARTICLES)
    assert all(len(g) == 1 for g in grouped.values()), {n: [r["url"] for r in g] for n, g in grouped.items() if len(g) > 1}
    for n, [row] in grouped.items():
        if n == 77:
            assert row["url"] in (base + CLEAN[n], site["portal"].mobile + CLEAN[n])
        elif CLEAN[n] is not None:
            assert row["url"] == base + CLEAN[n], n
        assert row["text_file"] == f"text/{row['seq']:03d}_{row['id']}.txt"
        assert (data / row["text_file"]).read_text(encoding="utf-8").startswith(ARTICLES[n][0] + "\n\n")
    texts = sorted(p.name for p in (data / "text").iterdir())
    assert texts == sorted(Path(r["text_file"]).name for r in rows(data, "select text_file from articles"))


def test_no_wrong_merge(site):
    """Canonicals on another outlet, the home page and a section page, and one template: every article keeps its text."""
    data, base, portal = site["data"], site["portal"].base, site["portal"]
    for n, [row] in by_article(data).items():
        assert row["text"].startswith(ARTICLES[n][1][0]), n  # its own story, never another's
    [agency] = rows(data, "select * from articles where outlet = 'wire-agency'")
    assert agency["url"] == f"{portal.agency}/story/1" and agency["title"] == ARTICLES[66][0]
    # the URLs many pages declared as their canonical name no article
    for url in ("/", "/ar/", "/index.php", "/ar/politics/"):
        for host in (base, portal.mobile):
            assert rows(data, "select * from article_aliases where url = ?", (host + url,)) == [], url
            assert rows(data, "select * from articles where url = ?", (host + url,)) == [], url
    # the section page two articles declared is remembered, so no later article takes it
    assert rows(data, "select outlet from contested_canonicals where url = ?", (base + "/ar/politics/",)) == [
        {"outlet": "unseen-portal"}]
    assert rows(data, "select * from frontier where reason = 'contested-canonical'", ()) == []
    # the "latest" listing (its lead item is article 44 in full) never replaced article 44's row
    [row44] = by_article(data)[44]
    assert row44["title"] == ARTICLES[44][0] and row44["url"] == base + "/articles/44/"


def test_every_url_finds_its_article(site):
    """Each link the listings printed (this visit's tokens and the first crawl's) leads to its article."""
    data, portal = site["data"], site["portal"]
    ids = {n: g[0]["id"] for n, g in by_article(data).items()}
    drop = tuple(r["name"] for r in rows(data, "select name from session_params where outlet = ?", (PORTAL,)))
    first_token = next(p.split("?s=")[1].split("&")[0] for p in site["log1"] if "/portal/story.jsp?s=" in p)
    catalogue = Catalogue(data / "catalogue.db")
    try:
        for token in ("q0123456789ab", first_token):
            for n, links in portal.links(token).items():
                for link in links:
                    url = link if "://" in link.lower() else portal.base + link
                    found = find_article(catalogue, canonicalize(url, drop)) or find_article(
                        catalogue, identity_key(url, drop))
                    assert found is not None and found["id"] == ids[n], (n, link)
        for alias in rows(data, "select url, article_id from article_aliases"):
            assert catalogue.article_for_url(alias["url"])["id"] == alias["article_id"]
        # no alias is its own article's URL (a row re-keyed to a URL it first knew as an alias drops that alias)
        assert rows(data, "select al.url from article_aliases al join articles a on a.id = al.article_id "
                          "where al.url = a.url") == []
    finally:
        catalogue.close()


def test_aliases_record_how_each_url_was_learned(site):
    data, portal = site["data"], site["portal"]
    base = portal.base
    ids = {n: g[0]["id"] for n, g in by_article(data).items()}
    how = {r["url"]: (r["article_id"], r["how"]) for r in rows(data, "select * from article_aliases")}
    # a 301 from another origin, then a 302: both hops, and the other old address
    for old in (f"{portal.old}/old/article.asp?ID=55", f"{base}/legacy/55", f"{base}/news.php?id=55",
                canonicalize(base + LATE_LINK)):
        assert how[old] == (ids[55], "redirect"), old
    slug = base + CLEAN[33]
    assert how[slug[:-1]] == (ids[33], "redirect")  # the slug without its slash answers 301
    assert how[slug + "amp/"] == (ids[33], "canonical")
    assert how[slug + "?amp=1"] == (ids[33], "canonical")
    assert how[slug + "index.html"] == (ids[33], "default-document")
    for twin in ("/articles/44/?print=1", "/print/articles/44/", "/m/articles/44/"):
        assert how[base + twin] == (ids[44], "same-body"), twin
    assert how[f"{base}/archive/2019/item-120.html"] == (ids[120], "same-body")
    assert how[f"{base}/articles/99/?output=amp"] == (ids[99], "same-body")
    assert rows(data, "select name from session_params where outlet = ?", (PORTAL,)) == [{"name": "s"}]
    # the token link that taught "s" (recorded as same-body when it came before the clean URL did)
    assert any(h in ((ids[22], "session-param"), (ids[22], "same-body")) and "?s=" in u for u, h in how.items())


def test_reading_room_leads_from_an_alias_to_the_article(site):
    data, base = site["data"], site["portal"].base
    [row] = by_article(data)[55]
    ds = build_datasette(data)
    moved = asyncio.run(ds.client.get(f"/article/{url_id(base + '/legacy/55')}"))
    assert moved.status_code == 301 and moved.headers["location"].endswith(f"/article/{row['id']}")


def test_second_crawl_fetches_no_article_again(site):
    assert site["log2"], "the second crawl fetched nothing at all"
    fetched = [p.split(" ", 1)[1] for p in site["log2"]]
    # only the new old address, and the article it leads to (fetched whole: the address must be seen to arrive)
    assert [p for p in fetched if p.startswith(ARTICLE_PATHS)] == ["/news.php?id=55&lang=ar", "/articles/55/"]
    assert rows(site["data"], "select url from frontier where status = 'pending'") == []
    [crawl] = rows(site["data"], "select * from crawls order by id desc limit 1")
    assert (crawl["articles_new"], crawl["status"]) == (0, "finished")


def test_check_passes(site):
    proc = cli("check", "--data", str(site["data"]))
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_dedupe_merges_an_old_catalogue(site):
    """Without the alias logic each twin is a row; the merge command folds them, keeping what it must."""
    old, base = site["old"], site["off_portal"].base
    before = by_article(old)
    assert sum(len(g) for g in before.values()) > len(ARTICLES)
    assert all(len(before[n]) == 1 for n in (66, 88, 101, 102, 131))  # the traps: no merge at save time
    lowest = {n: min(r["seq"] for r in g) for n, g in before.items()}
    captures = rows(old, "select id, url, warc_record_id from captures order by id")
    done = cli("dedupe", "--data", str(old))
    assert done.returncode == 0, done.stderr
    after = by_article(old)
    assert sorted(after) == sorted(ARTICLES) and all(len(g) == 1 for g in after.values()), {
        n: [r["url"] for r in g] for n, g in after.items()}
    for n, [row] in after.items():
        assert row["seq"] == lowest[n], n
        assert row["text"].startswith(ARTICLES[n][1][0]), n
        assert "s=" not in row["url"]
    assert rows(old, "select id, url, warc_record_id from captures order by id") == captures
    assert sorted(p.name for p in (old / "text").iterdir()) == sorted(
        Path(r["text_file"]).name for r in rows(old, "select text_file from articles"))
    how = {r["url"]: r["how"] for r in rows(old, "select * from article_aliases")}
    assert how[f"{site['off_portal'].old}/old/article.asp?ID=55"] == "redirect"
    assert how[f"{base}/legacy/55"] == "redirect"  # a chain's middle hop too
    check = cli("check", "--data", str(old))
    assert check.returncode == 0, check.stdout + check.stderr
    assert "merged 0 rows" in cli("dedupe", "--data", str(old)).stdout


def test_the_weeks_digest_is_no_article(site):
    """Linked headlines with each story's first paragraph: a listing, though its URL looks like an article's."""
    assert rows(site["data"], "select url from articles where title = ?", (WEEK,)) == []
    [failure] = rows(site["data"], "select reason, detail from failures where url like ?", ("%/articles/week/",))
    assert failure["reason"] == "not-article" and "summaries of" in failure["detail"], failure


def test_latest_listing_is_no_article(site):
    assert rows(site["data"], "select url from articles where title = ?", (LATEST,)) == []
    [failure] = rows(site["data"], "select reason, detail from failures where url like ?", ("%/articles/latest/",))
    assert failure["reason"] == "not-article" and "/articles/44/" in failure["detail"], failure

"""End to end: one article, one row, one text file on a legacy portal where articles have many URLs (issue 13).

The portal (tests/legacyportal) puts a new ``&sid=`` token in every link on every visit, 301s old addresses to the
clean one, serves a folder as ``/`` and ``/index.php``, has a print page with ``rel=canonical``, a mobile page with
the same body under an unrelated URL, and a link with ``..``. Real crawls by the CLI; the catalogue read back.
"""

from __future__ import annotations

import asyncio
import socket
import sqlite3
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import quote

import pytest
from helpers import cli, crawl_cli, rows
from legacyportal import ARTICLES, CONFIG, clean_url, serve_portal

from archive.catalogue.db import Catalogue
from crawler.discovery.urls import identity_key
from crawler.scheduling.recrawl import find_article
from crawler.web.app import build_datasette

TITLES = {title: n for n, (title, _) in ARTICLES.items()}
ARTICLE_PATHS = ("/article.php", "/news_view.php", "/print.php", "/mobile/", "/reports/")


def by_article(data: Path) -> dict[int, list[dict]]:
    """Catalogue rows grouped by which portal article they hold (told by title)."""
    out: dict[int, list[dict]] = {}
    for r in rows(data, "select * from articles order by seq"):
        out.setdefault(TITLES[r["title"]], []).append(r)
    return out


@pytest.fixture(scope="module")
def portal(tmp_path_factory):
    """Two crawls with aliases on (one data folder), one with them off (another): the portal's sid changes each time."""
    tmp = tmp_path_factory.mktemp("portal")
    # the crawl with aliases off reads a portal of its own (the same pages on another port) in a thread while the two
    # others run: it shares no data folder with them, and the first portal's request log stays theirs alone
    with serve_portal() as site, serve_portal() as off_site, ThreadPoolExecutor(1) as pool:
        off_seeds = tmp / "outlets-off.toml"
        off_seeds.write_text(CONFIG.format(base=off_site.base), encoding="utf-8")
        off_job = pool.submit(crawl_cli, off_seeds, tmp / "old", "-s", "ARCHIVE_ALIASES=False", timeout=180)
        seeds = tmp / "outlets.toml"
        seeds.write_text(CONFIG.format(base=site.base), encoding="utf-8")
        first = crawl_cli(seeds, tmp / "data", timeout=180)
        log1 = list(site.requests)
        # what a crawl killed before "sid" was learned would leave: a pending URL with an old token
        conn = sqlite3.connect(tmp / "data" / "catalogue.db")
        with conn:
            conn.execute("insert into frontier (url, outlet, kind, status, attempts) values (?, ?, 'article', "
                         "'pending', 0)", [f"{site.base}/article.php?id=2&sid=0123456789ab", "legacy-portal"])
        conn.close()
        second = crawl_cli(seeds, tmp / "data", timeout=180)
        log2 = site.requests[len(log1):]
        off = off_job.result()
        yield {"base": site.base, "off_base": off_site.base, "data": tmp / "data", "old": tmp / "old",
               "runs": (first, second, off), "log1": log1, "log2": log2}


def test_crawls_ran(portal):
    for proc in portal["runs"]:
        assert proc.returncode == 0, proc.stderr[-3000:]


def test_one_row_and_one_text_file_per_article(portal):
    data, base = portal["data"], portal["base"]
    grouped = by_article(data)
    assert sorted(grouped) == sorted(ARTICLES)
    assert all(len(group) == 1 for group in grouped.values()), {n: [r["url"] for r in g] for n, g in grouped.items()}
    for n, [row] in grouped.items():
        if n == 5:  # same body under two unrelated URLs: whichever was stored first keeps its row
            assert row["url"] in (clean_url(base, 5), f"{base}/mobile/story.php?n=5")
        else:
            assert identity_key(row["url"]) == clean_url(base, n)
        assert "sid=" not in row["url"]
        assert row["text_file"] == f"text/{row['seq']:03d}_{row['id']}.txt"
        assert (data / row["text_file"]).read_text(encoding="utf-8").startswith(ARTICLES[n][0] + "\n\n")
    files = sorted(p.name for p in (data / "text").iterdir())
    assert files == sorted(Path(r["text_file"]).name for g in grouped.values() for r in g)


def test_aliases_record_every_other_url_and_how(portal):
    data, base = portal["data"], portal["base"]
    ids = {n: g[0]["id"] for n, g in by_article(data).items()}
    aliases = {r["url"]: (r["article_id"], r["how"]) for r in rows(data, "select * from article_aliases")}
    assert aliases[f"{base}/news_view.php?nid=1"] == (ids[1], "redirect")
    assert aliases[f"{base}/reports/tripoli-truce/index.php"] == (ids[4], "default-document")
    assert aliases[f"{base}/print.php?id=3"] == (ids[3], "canonical")
    mobile, clean5 = f"{base}/mobile/story.php?n=5", clean_url(base, 5)
    assert aliases.get(mobile, aliases.get(clean5))[0] == ids[5]
    # the first crawl's session tokens, as the listing printed them
    sid = next(p.split("sid=")[1] for p in portal["log1"] if p.startswith("/article.php?id=2&sid="))
    for n in (1, 2, 6):
        assert aliases[f"{base}/article.php?id={n}&sid={sid}"] == (ids[n], "session-param")
    # article 5's sid link matched the mobile page's body before "sid" was learned, or the clean URL after
    assert aliases[f"{base}/article.php?id=5&sid={sid}"][0] == ids[5]
    assert rows(data, "select outlet, name from session_params") == [{"outlet": "legacy-portal", "name": "sid"}]


def test_every_alias_finds_its_article(portal):
    catalogue = Catalogue(portal["data"] / "catalogue.db")
    try:
        for alias in rows(portal["data"], "select url, article_id from article_aliases"):
            assert catalogue.article_for_url(alias["url"])["id"] == alias["article_id"]
            assert find_article(catalogue, alias["url"])["id"] == alias["article_id"]
    finally:
        catalogue.close()


def test_dot_segments_never_requested(portal):
    """Issue 12: the listing's "/news/./../article.php" link is fetched as "/article.php", never as written."""
    assert any(p.startswith("/article.php?id=6") for p in portal["log1"])
    assert [p for p in portal["log1"] + portal["log2"] if "/./" in p or "/../" in p] == []


def test_second_crawl_fetches_no_article_again(portal):
    assert portal["log2"], "the second crawl fetched nothing at all"
    assert [p for p in portal["log2"] if p.startswith(ARTICLE_PATHS)] == []
    [crawl] = rows(portal["data"], "select * from crawls order by id desc limit 1")
    assert (crawl["articles_new"], crawl["status"]) == (0, "finished")
    # the pending URL with an old token is settled, not fetched and not left pending for ever
    assert rows(portal["data"], "select status, reason from frontier where url like '%sid=0123456789ab'") == [
        {"status": "done", "reason": "canonical form changed"}]
    assert rows(portal["data"], "select url from frontier where status = 'pending'") == []
    assert sum(len(g) for g in by_article(portal["data"]).values()) == len(ARTICLES)


def test_check_passes(portal):
    proc = cli("check", "--data", str(portal["data"]))
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_dedupe_merges_an_old_catalogue(portal):
    old, base = portal["old"], portal["off_base"]
    before = by_article(old)
    # without the alias logic: the sid link and the redirect, the folder and its index.php, the mobile page
    assert Counter({n: len(g) for n, g in before.items()}) == Counter({1: 2, 2: 1, 3: 1, 4: 2, 5: 2, 6: 1})
    lowest = {n: min(r["seq"] for r in g) for n, g in before.items()}
    captures = rows(old, "select id, url, warc_record_id from captures order by id")
    files = sorted(p.name for p in (old / "text").iterdir())
    assert len(files) == 9

    dry = cli("dedupe", "--data", str(old), "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "would merge" in dry.stdout and "nothing changed" in dry.stdout
    assert sorted(p.name for p in (old / "text").iterdir()) == files
    assert sum(len(g) for g in by_article(old).values()) == 9

    done = cli("dedupe", "--data", str(old))
    assert done.returncode == 0, done.stderr
    after = by_article(old)
    assert sorted(after) == sorted(ARTICLES) and all(len(g) == 1 for g in after.values())
    for n, [row] in after.items():
        assert row["seq"] == lowest[n], n
        assert "sid=" not in row["url"]
    assert rows(old, "select id, url, warc_record_id from captures order by id") == captures
    assert sorted(p.name for p in (old / "text").iterdir()) == sorted(
        f"{g[0]['seq']:03d}_{g[0]['id']}.txt" for g in after.values())
    aliases = {r["url"]: r for r in rows(old, "select * from article_aliases")}
    assert aliases[f"{base}/news_view.php?nid=1"]["how"] == "redirect"
    assert aliases[f"{base}/reports/tripoli-truce/index.php"]["how"] == "default-document"
    # a merged-away row's id leads to the article it went into
    for n, group in before.items():
        for r in group:
            if r["id"] != after[n][0]["id"]:
                assert rows(old, "select article_id from article_aliases where url_id = ?", (r["id"],)) == [
                    {"article_id": after[n][0]["id"]}]
    check = cli("check", "--data", str(old))
    assert check.returncode == 0, check.stdout + check.stderr
    again = cli("dedupe", "--data", str(old))
    assert "merged 0 rows" in again.stdout


def test_reading_room_leads_from_a_merged_id_to_the_article(portal):
    """After the merge, /article/<id of a merged-away row> answers 301 to the article; aliases are a table."""
    old = portal["old"]
    if not rows(old, "select 1 from article_aliases where how = 'same-body'"):
        pytest.skip("runs after test_dedupe_merges_an_old_catalogue")
    alias = rows(old, "select * from article_aliases where how = 'same-body'")[0]
    ds = build_datasette(old)
    moved = asyncio.run(ds.client.get(f"/article/{alias['url_id']}"))
    assert moved.status_code == 301 and moved.headers["location"].endswith(f"/article/{alias['article_id']}")
    page = asyncio.run(ds.client.get(f"/article/{alias['article_id']}"))
    assert page.status_code == 200 and ARTICLES[5][0] in page.text
    found = asyncio.run(ds.client.get(f"/catalogue/article_aliases.json?url={quote(alias['url'])}&_shape=array"))
    assert [r["article_id"] for r in found.json()] == [alias["article_id"]]


def _ipv6_loopback() -> bool:
    try:
        with socket.socket(socket.AF_INET6) as s:
            s.bind(("::1", 0))
        return True
    except OSError:
        return False


@pytest.mark.skipif(not _ipv6_loopback(), reason="no IPv6 loopback (::1) on this machine")
def test_ipv6_literal_urls_are_fetched(tmp_path):
    """Issue 12: http://[::1]:PORT/ keeps its brackets through canonicalisation, so the site is crawled."""
    with serve_portal("::1") as site:
        seeds = tmp_path / "outlets.toml"
        seeds.write_text(CONFIG.format(base=site.base), encoding="utf-8")
        proc = crawl_cli(seeds, tmp_path / "data", timeout=180)
        assert proc.returncode == 0, proc.stderr[-3000:]
        assert any(p.startswith("/article.php") for p in site.requests)
    urls = [r["url"] for r in rows(tmp_path / "data", "select url from articles")]
    assert len(urls) == len(ARTICLES)
    assert all(u.startswith(site.base + "/") and site.base.startswith("http://[::1]:") for u in urls)


def test_dedupe_command_help_and_wrong_folder(tmp_path):
    from click.testing import CliRunner

    from crawler.cli.main import cli as newsarchive

    runner = CliRunner()
    helped = runner.invoke(newsarchive, ["dedupe", "-h"])
    assert helped.exit_code == 0 and "Example: newsarchive dedupe --data data --dry-run" in helped.output
    wrong = runner.invoke(newsarchive, ["dedupe", "--data", str(tmp_path / "nothing")])
    assert wrong.exit_code != 0 and "is" in wrong.output and "data folder" in wrong.output
    assert not (tmp_path / "nothing").exists()  # a read of a mistyped folder creates nothing

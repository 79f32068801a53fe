"""One real crawl of a tenth hostile outlet (tests/hostile10) and an edit-watch re-fetch after it: requests made past
Scrapy's duplicate and offsite filters (an article's later pages, ``recrawl``) led off the outlet, a listing trap, a
declared URL and a byline of megabytes, text that looks like SQL or a path, a second answer nobody asked for.

The crawl runs with ``--allow-private`` so that the host off the outlet stands for a public site, which the address
guard lets through: only the outlet's domains keep a request on it. Nothing ever leaves loopback. Every refusal is a
failure row with its reason, the catalogue and the WARC agree (``newsarchive check``), and the crawl logs no error.
"""

from __future__ import annotations

import re
import sqlite3
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from tests.helpers import FAST, cli, crawl_cli
from tests.hostile10.site import FORGED, HOST, SQL_TITLE, TRAP, Sites, serve

BUDGET = 40  # CRAWL_OUTLET_MAX_PAGES of this crawl


@dataclass
class Crawled:
    """The outlets after one crawl and one re-fetch of /a/moved."""

    sites: Sites
    data: Path
    result: subprocess.CompletedProcess[str]
    recrawl: subprocess.CompletedProcess[str]

    def query(self, sql: str) -> list[tuple]:
        """Rows of a query on the catalogue."""
        with sqlite3.connect(self.data / "catalogue.db") as db:
            return db.execute(sql).fetchall()

    def failures(self) -> dict[str, tuple[str, str]]:
        """{path: (reason, detail)} of the outlet's failures."""
        return {re.sub(r"^https?://[^/]+", "", url): (reason, detail or "")
                for url, reason, detail in self.query(f"select url, reason, detail from failures "
                                                      f"where url like 'http://{HOST}:%'")}

    def records(self) -> dict[str, bytes]:
        """{target URI: payload} of every WARC response record, read back with warcio."""
        out = {}
        for path in sorted((self.data / "warc").glob("*.warc.gz")):
            with open(path, "rb") as fh:
                for record in ArchiveIterator(fh):
                    if record.rec_type == "response":
                        out[record.rec_headers.get_header("WARC-Target-URI")] = record.content_stream().read()
        return out


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Crawled]:
    tmp = tmp_path_factory.mktemp("hostile10")
    with serve() as sites:
        seeds = sites.write_seeds(tmp / "seeds.toml")
        settings = ("--allow-private", "-s", "RETRY_TIMES=0", "-s", "DOWNLOAD_TIMEOUT=20")
        result = crawl_cli(seeds, tmp / "data", *settings, "-s", f"CRAWL_OUTLET_MAX_PAGES={BUDGET}", timeout=180)
        assert result.returncode == 0, result.stderr[-3000:]
        sites.moved = True  # the archived article now answers with a redirect off the outlet
        recrawl = cli("recrawl", "--seeds", str(seeds), "--data", str(tmp / "data"), *settings, *FAST,
                      f"{sites.bases[HOST]}/a/moved")
        yield Crawled(sites, tmp / "data", result, recrawl)


@pytest.mark.parametrize(("path", "how", "target"), [
    ("/a/paged-3xx?page=2", "redirect", "/part-redirect"),
    ("/a/paged-refresh?page=2", "meta refresh", "/part-refresh"),
])
def test_an_articles_later_page_is_not_followed_off_the_outlet(crawled: Crawled, path: str, how: str,
                                                               target: str) -> None:
    """A later page is requested past the duplicate filter (dont_filter), which Scrapy's offsite filter and the
    redirect check read as leave to go anywhere: its redirect and its refresh were fetched from the other host."""
    reason, detail = crawled.failures().get(path, (None, ""))
    assert reason == "offsite-redirect" and f"{how} to " in detail and target in detail, (path, reason, detail)
    assert crawled.sites.elsewhere_paths == []
    titles = {re.sub(r"^https?://[^/]+", "", u): t for u, t in crawled.query("select url, title from articles")}
    assert titles["/a/paged-3xx"] == "خبر من صفحتين"  # stored with the page that came


def test_the_edit_watch_is_not_led_off_the_outlet(crawled: Crawled) -> None:
    """``recrawl`` (the scheduler's edit watch) re-fetches an article past the duplicate filter: its new redirect off
    the outlet was followed and the other host's page stored as the article's second version."""
    assert "offsite-redirect" in crawled.recrawl.stdout, crawled.recrawl.stdout + crawled.recrawl.stderr[-2000:]
    assert crawled.failures()["/a/moved"][0] == "offsite-redirect"
    assert crawled.sites.elsewhere_paths == []
    rows = crawled.query("select title, versions from articles where url like '%/a/moved'")
    assert rows == [("خبر سينتقل", 1)]


def test_a_listing_trap_queues_no_more_requests_than_the_budget_can_send(crawled: Crawled) -> None:
    """Each trap listing links 200 new listings: on a budget of 40 the crawl queued some 4,000 requests, each refused
    when its turn came and written as an ``outlet-limit`` row. Now no more article and listing requests are made than
    the budget can send: the first one left is recorded, the rest counted."""
    rows = crawled.query(f"select reason, detail from failures where url like 'http://{TRAP}:%'")
    # the first left at discovery, and at most the start page's share of the budget refused when sent
    assert len(rows) <= 2 and {reason for reason, _ in rows} == {"outlet-limit"}, rows[:5]
    assert any("requests of trap10 made in this crawl" in detail for _, detail in rows)
    assert len([p for p in crawled.sites.trap_paths if p != "/robots.txt"]) == BUDGET
    assert "newsarchive/discovery/outlet-limit" in crawled.result.stderr


def test_a_declared_url_past_the_length_bound_is_no_rows_url(crawled: Crawled) -> None:
    """A rel=canonical of 100,000 characters that matches article_urls became the row's URL whole (no URL the crawl
    fetches or stores is longer than CRAWL_URL_MAX_LENGTH)."""
    urls = [u for (u,) in crawled.query("select url from articles union all select url from article_aliases "
                                        "union all select url from contested_canonicals")]
    assert max(map(len, urls)) <= 2083
    assert any(u.endswith("/a/long-canonical") for u in urls)


def test_a_byline_of_a_megabyte_is_stored_bounded(crawled: Crawled) -> None:
    (author, language), = crawled.query("select author, language from articles where url like '%/a/long-canonical'")
    assert author.startswith("كاتب كاتب") and len(author) <= 500 and author.endswith("…")
    assert language == "ar"  # held: a lang attribute of 50,000 characters


def test_sitemaps_and_pages_off_the_outlet_are_never_asked(crawled: Crawled) -> None:
    """Held: a robots.txt ``Sitemap:`` line, an index child and a sitemap entry on the other host, a pager whose
    page 2 is there: the outlet's domains keep each on it (no request at all)."""
    asked = set(crawled.sites.elsewhere_paths)
    assert not asked & {"/robots-map.xml", "/child-off.xml", "/a/map-off", "/a/paged-off?page=2"}, asked
    assert {"/child.xml", "/a/map-ok", "/a/paged-off"} <= set(crawled.sites.paths)


def test_text_that_looks_like_sql_or_a_path_is_stored_as_text(crawled: Crawled) -> None:
    """Held: the title is stored as written, the text file is named by its number, inside text/."""
    (title, path), = crawled.query("select title, text_file from articles where url like '%/a/sql-title'")
    assert title == SQL_TITLE and re.fullmatch(r"text/\d{3,}_[\w-]+\.txt", path), path
    assert (crawled.data / path).read_text(encoding="utf-8").startswith(SQL_TITLE + "\n\n")
    assert crawled.query("select count(*) from articles")[0][0] >= 9


def test_an_answer_nobody_asked_for_is_never_archived(crawled: Crawled) -> None:
    """Held: a second answer sent right behind the first on a kept-alive connection is dropped by the client (it
    reads no answer it did not ask for), so no record holds it and the next page has its own."""
    records = crawled.records()
    assert not [uri for uri, payload in records.items() if FORGED in payload]
    after = next(payload for uri, payload in records.items() if uri.endswith("/a/after-pipelined"))
    assert "خبر بعد جواب مزدوج".encode() in after


def test_the_archive_and_catalogue_agree_and_no_error_is_logged(crawled: Crawled) -> None:
    for run in (crawled.result, crawled.recrawl):
        assert " ERROR " not in run.stderr and "Traceback" not in run.stderr, run.stderr[-3000:]
    check = cli("check", "--data", str(crawled.data))
    assert check.returncode == 0 and "OK" in check.stdout, check.stdout + check.stderr

"""One real crawl of an eleventh hostile outlet (tests/hostile11): URL sources no earlier round tried with a public
host off the outlet, a page that claims another outlet's article, a meta refresh and a date of a megabyte, page text
that imitates a WARC record.

The crawl runs with ``--allow-private`` so that the host off the outlet stands for a public site, which the address
guard lets through: only the outlet's domains keep a request on it. Nothing ever leaves loopback. Every refusal is a
failure row with its reason, the catalogue and the WARC agree (``newsarchive check``), and the crawl logs no error.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from tests.helpers import cli, crawl_cli
from tests.hostile.crawled import Crawled as HostileCrawl
from tests.hostile11.site import BOMB, HOST, LONG_SLUG, SECOND, SECOND_TITLE, serve

Crawled = HostileCrawl  # the outlet after one crawl


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Crawled]:
    tmp = tmp_path_factory.mktemp("hostile11")
    with serve() as sites:
        seeds = sites.write_seeds(tmp / "seeds.toml")
        result = crawl_cli(seeds, tmp / "data", "--allow-private", "-s", "RETRY_TIMES=0", "-s",
                           "DOWNLOAD_TIMEOUT=20", timeout=180)
        assert result.returncode == 0, result.stderr[-3000:]
        yield Crawled(sites, tmp / "data", result, HOST)


def test_no_url_source_leads_off_the_outlet(crawled: Crawled) -> None:
    """Feed autodiscovery, rel=amphtml, an HTTP Link header, a paged feed's next page, a later part's own pager, a
    configured sitemap's redirect, a Location whose userinfo names the outlet: the other host is never asked."""
    assert crawled.sites.elsewhere_paths == []
    assert {"/a/amp", "/a/link-header", "/a/part-chain?page=2", "/a/userinfo", "/moved-map.xml",
            "/feed.xml", "/a/from-feed"} <= set(crawled.sites.paths)
    failures = crawled.failures()
    assert failures["/a/userinfo"][0] == "offsite-redirect", failures.get("/a/userinfo")
    assert failures["/moved-map.xml"][0] == "offsite-redirect", failures.get("/moved-map.xml")


@pytest.mark.parametrize(("path", "how", "target"), [
    ("/a/to-second", "redirect", "/a/moved-in"),
    ("/a/refresh-second", "meta refresh", "/a/refreshed-in"),
    ("/a/part-second?page=2", "redirect", "/a/part-second?page=2"),
])
def test_a_redirect_does_not_carry_one_outlets_request_to_another(crawled: Crawled, path: str, how: str,
                                                                   target: str) -> None:
    """The crawl's offsite filter reads every outlet's domains as one list: an article of the first outlet that
    redirected (or refreshed, or whose later page redirected) to the second outlet's host was fetched there and
    stored as an article of the first outlet under the second's URL. Now it is ``offsite-redirect``, and the second
    outlet's host is asked only for what the second outlet finds."""
    reason, detail = crawled.failures().get(path, (None, ""))
    assert reason == "offsite-redirect" and f"{how} to " in detail and "second11" in detail, (path, reason, detail)
    assert target not in crawled.sites.second_paths
    rows = crawled.query("select url, outlet from articles where url like ?", f"http://{SECOND}:%")
    assert {outlet for _, outlet in rows} == {"second11"}, rows
    assert "/a/listed-by-first" not in crawled.sites.second_paths  # held: a feed item on the other outlet's host


def test_a_robots_txt_that_inflates_past_the_page_limit_keeps_the_site_out(crawled: Crawled) -> None:
    """A gzipped robots.txt whose rules are in its first line and which inflates past DOWNLOAD_MAXSIZE: Scrapy's
    decompression refuses it with IgnoreRequest, which was read as a redirect not followed (all allowed), so its
    disallowed articles were fetched and nothing was recorded. An answer that cannot be read is as good as none
    (RFC 9309 2.3.1.4): the site is ``robots-unavailable`` for this crawl."""
    assert "/a/one" not in crawled.sites.bomb_paths, crawled.sites.bomb_paths
    rows = crawled.query(f"select url, reason, detail from failures where url like 'http://{BOMB}:%'")
    assert {reason for _, reason, _ in rows} == {"robots-unavailable"}, rows
    assert any(url.endswith("/robots.txt") and "DOWNLOAD_MAXSIZE" in detail for url, _, detail in rows), rows


def test_a_page_cannot_take_another_outlets_article(crawled: Crawled) -> None:
    """A page of the first outlet declares the second outlet's article its own (canonical, og:url, JSON-LD): the
    second outlet's row keeps its own page, and the first page is stored under its own URL."""
    rows = crawled.query("select url, outlet, title from articles where url like ?", f"http://{SECOND}:%")
    assert [(outlet, title) for _, outlet, title in rows] == [("second11", SECOND_TITLE)], rows
    mine = crawled.query("select url, outlet from articles where title = ?", "خبر يدعي عنوان غيره")
    assert len(mine) == 1 and mine[0][0].endswith("/a/claims-second") and mine[0][1] == "hostile11", mine


def test_a_page_cannot_write_megabytes_into_a_row(crawled: Crawled) -> None:
    """A meta refresh to a URL of a megabyte, a published date and a description of a megabyte: no failure detail,
    article column or alias holds more than a few kilobytes."""
    longest = crawled.query("select max(length(detail)), max(length(url)) from failures")[0]
    assert longest[0] <= 10_000 and longest[1] <= 2_200, longest
    for column in ("url", "title", "published", "published_source", "author", "language", "matched_terms"):
        (size,), = crawled.query(f"select max(length({column})) from articles")
        assert (size or 0) <= 10_000, column
    (size,), = crawled.query("select max(length(url)) from article_aliases")
    assert (size or 0) <= 2_200
    assert "/a/huge-refresh" in crawled.failures() or crawled.query(
        "select 1 from articles where url like '%/a/huge-refresh'")


def test_a_slug_longer_than_a_file_name_is_stored(crawled: Crawled) -> None:
    """Held: a 300-letter Arabic slug (600 bytes) names no file; the text file is named by number."""
    (path,), = crawled.query("select text_file from articles where title = ?", "خبر برابط طويل")
    assert (crawled.data / path).is_file() and len(Path(path).name) < 100
    assert LONG_SLUG in crawled.sites.paths


def test_page_text_that_imitates_a_warc_record_is_one_record(crawled: Crawled) -> None:
    """Held: the body and title hold WARC headers; warcio reads back one response per URL and nothing forged."""
    uris = []
    for path in sorted((crawled.data / "warc").glob("*.warc.gz")):
        with open(path, "rb") as fh:
            uris += [r.rec_headers.get_header("WARC-Target-URI") for r in ArchiveIterator(fh)
                     if r.rec_type == "response"]
    assert not [u for u in uris if "forged" in u]
    assert len([u for u in uris if u.endswith("/a/warc-text")]) == 1


def test_the_archive_and_catalogue_agree_and_no_error_is_logged(crawled: Crawled) -> None:
    assert " ERROR " not in crawled.result.stderr and "Traceback" not in crawled.result.stderr, \
        crawled.result.stderr[-3000:]
    check = cli("check", "--data", str(crawled.data))
    assert check.returncode == 0 and "OK" in check.stdout, check.stdout + check.stderr

"""One real crawl of a twelfth hostile outlet (tests/hostile12): hosts too long to be DNS names, spelled with
thousands of distinct letters, in every place the crawl reads a URL from; a robots.txt that starts with a byte order
mark; URL sources no earlier round tried with a public host off the outlet; an XHTML article declaring entities; a
sitemap ``<lastmod>`` of a megabyte.

The crawl runs with ``--allow-private`` so that the host off the outlet stands for a public site, which the address
guard lets through: only the outlet's domains keep a request on it. Nothing ever leaves loopback (no host the crawl
is offered needs a DNS lookup: the long ones are refused before any). Every refusal is a failure row with its
reason, the catalogue and the WARC agree (``newsarchive check``), and the crawl logs no error. The time the long
hosts cost is measured in tests/test_hostile12_guards.py, in CPU time.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.helpers import cli, crawl_cli
from tests.hostile.crawled import Crawled as HostileCrawl
from tests.hostile12.site import BOM, HOST, LONG, serve

Crawled = HostileCrawl  # the outlet after one crawl


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Crawled]:
    tmp = tmp_path_factory.mktemp("hostile12")
    with serve() as sites:
        seeds = sites.write_seeds(tmp / "seeds.toml")
        result = crawl_cli(seeds, tmp / "data", "--allow-private", "-s", "RETRY_TIMES=0", "-s",
                           "DOWNLOAD_TIMEOUT=20", "-s", "EXTRACT_WORKERS=1", timeout=300)
        assert result.returncode == 0, result.stderr[-3000:]
        yield Crawled(sites, tmp / "data", result, HOST)


def test_a_redirect_to_a_host_no_dns_name_can_be_is_refused_at_once(crawled: Crawled) -> None:
    """A 302 to a host of 4,000 distinct letters: its IDNA encoding (w3lib's safe_url_string, in the crawl's
    reactor) took seconds before it was refused as off the outlet; a 16 KiB Location holds 5,400 of them (8 s a
    hop). With this outlet's other long hosts the crawl took 202 s, 18 s now. It is no URL: ``bad-redirect``, told
    by the host's length."""
    reason, detail = crawled.failures().get("/a/to-long", (None, ""))
    assert reason == "bad-redirect" and "no DNS name is longer than 253" in detail, (reason, detail[:300])
    assert len(detail) < 1000


def test_a_refresh_to_such_a_host_is_ignored_and_the_page_read(crawled: Crawled) -> None:
    """A meta refresh to it: the page was read, after the same IDNA time (the refresh is now no URL at once, as for a
    browser, which stays on the page; tests/test_hostile12_guards.py measures it)."""
    assert "/a/refresh-long" not in crawled.failures(), crawled.failures().get("/a/refresh-long")
    assert crawled.titles()["/a/refresh-long"] == "خبر بتحديث إلى اسم طويل"


def test_links_to_such_a_host_on_the_outlets_name_are_not_urls(crawled: Crawled) -> None:
    """A listing link, a sitemap index child, a sitemap entry and a robots.txt ``Sitemap:`` line on
    ``<4,000 letters>.<the outlet's host>``, which the outlet owns by its name: each was canonicalised (IDNA, the
    same quadratic time, more than once) and made a request refused as ``url-too-long``. Now each is skipped as a
    malformed link is, and the links beside them are read."""
    assert not [url for (url,) in crawled.query("select url from failures union all select url from frontier")
                if LONG[:50] in url or "%E4%B8%80%E4%B8%81" in url], "a long host reached a row"
    assert {"/a/map-ok", "/a/map-date", "/a/json-ok"} <= set(crawled.titles())
    paths = set(crawled.sites.paths)
    assert {"/child.xml", "/a/paged-long", "/a/paged-long?page=2"} <= paths, paths


def test_a_robots_txt_that_starts_with_a_byte_order_mark_is_obeyed(crawled: Crawled) -> None:
    """Held: ``\\xef\\xbb\\xbfUser-agent: *`` / ``Disallow: /a/`` (Protego alone reads ``\\ufeffUser-agent`` as no
    group line; Scrapy decodes the file as ``utf-8-sig``, which drops the BOM): the article is not fetched."""
    assert "/a/one" not in crawled.sites.bom_paths, crawled.sites.bom_paths
    rows = crawled.query(f"select url, reason from failures where url like 'http://{BOM}:%'")
    assert [reason for url, reason in rows if url.endswith("/a/one")] == ["robots-disallowed"], rows


def test_an_article_page_of_200000_links_is_not_read_for_later_pages(crawled: Crawled) -> None:
    """An article page with a pager and 200,000 links was parsed whole in the crawl's reactor for its later pages
    (a tree, and every link escaped: 13 s of CPU here, 63 s and 878 MB for a million) and its page 2 fetched, where
    the extraction refuses the page (more than PAGE_MAX_ELEMENTS). Neither is read now: the page is archived and
    recorded ``too-many-elements``, and its page 2 never asked."""
    assert crawled.failures()["/a/paged-huge"][0] == "too-many-elements"
    assert "/a/paged-huge?page=2" not in crawled.sites.paths


def test_url_sources_new_to_this_round_never_lead_off_the_outlet(crawled: Crawled) -> None:
    """Held: a sitemap entry's ``xhtml:link`` alternate and ``image:loc``, a JSON Feed's ``next_url`` and an item's
    ``external_url``, an article's ``hreflang`` alternate, a 307 and a 308: the other host is never asked."""
    assert crawled.sites.elsewhere_paths == []
    failures = crawled.failures()
    for path in ("/a/to-307", "/a/to-308"):
        assert failures.get(path, ("",))[0] == "offsite-redirect", (path, failures.get(path))
    assert {"/a/hreflang", "/a/json-ok", "/a/map-ok"} <= set(crawled.titles())


def test_an_xhtml_article_declaring_entities_is_read_unexpanded(crawled: Crawled) -> None:
    """Held: an article served as ``application/xhtml+xml`` whose DTD would expand ``&h;`` to 10^8 characters is
    read by the HTML parser, which expands no entity; the text stays small."""
    (title, path), = crawled.query("select title, text_file from articles where url like '%/a/xhtml-laughs'")
    assert "hahaha" not in title
    assert (crawled.data / path).stat().st_size < 20_000


def test_a_lastmod_of_a_megabyte_is_no_date(crawled: Crawled) -> None:
    """Held: a sitemap entry's ``<lastmod>`` of a megabyte is not the article's date, and no row holds it."""
    (published,), = crawled.query("select published from articles where url like '%/a/map-date'")
    assert published is None
    assert max(crawled.query("select max(length(detail)) from failures")[0][0] or 0, 0) < 10_000


def test_the_archive_and_catalogue_agree_and_no_error_is_logged(crawled: Crawled) -> None:
    assert " ERROR " not in crawled.result.stderr and "Traceback" not in crawled.result.stderr, \
        crawled.result.stderr[-3000:]
    check = cli("check", "--data", str(crawled.data))
    assert check.returncode == 0 and "OK" in check.stdout, check.stdout + check.stderr

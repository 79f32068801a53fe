"""One real crawl of a fourth hostile outlet (tests/hostile4) and two outlets with a misbehaving robots.txt:
duplicates in disguise, dates at the ends of the calendar, numbers that only look like numbers, listings libxml2
stopped reading, robots.txt files that are gzipped or redirect, huge and deep page parts, URLs of 100 KB.

Every refusal is a failure row with its reason, no row grows with an attacker's URL, the internal address is never
connected to, and the crawl neither hangs nor logs an error.
"""

from __future__ import annotations

import re
import resource
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from tests.helpers import ROOT, crawl_cli
from tests.hostile4.site import GZROBOTS, HOST, ROBOTS_AWAY, ROBOTS_HOP, Sites, serve

SETTINGS = (
    "-s", "DOWNLOAD_TIMEOUT=30",  # nothing here drips: a timeout would be the reactor held by a page
    # one retry: in 2 of 4 full-suite runs at stop 35 (never in 24 runs of this file alone, under load or not) the
    # cookie chain stopped after its second hop with /a/cookies/0 left pending, which a transient failure leaves; the
    # cause was not found (README, "Notes for the team"). The retried 503s stay pending as before.
    "-s", "RETRY_TIMES=1",
    "-s", "CRAWL_PAGE_MAX_LINKS=100",
    "-s", "CRAWL_RETRY_AFTER_MAX=1",  # the absurd Retry-After is capped by it (300 s by default)
)
MARK = re.compile(r" \[cut: url-too-long, ([0-9]+) characters, sha256 [0-9a-f]{16}\]$")


@dataclass
class Crawled:
    """The outlets after one crawl."""

    sites: Sites
    data: Path
    result: subprocess.CompletedProcess[str]
    seconds: float
    cpu_seconds: float = 0.0  # the crawl's and its reaped children's CPU time: what other processes do not stretch

    def query(self, sql: str) -> list[tuple]:
        """Rows of a query on the catalogue."""
        with sqlite3.connect(self.data / "catalogue.db") as db:
            return db.execute(sql).fetchall()

    def failures(self, host: str = HOST) -> dict[str, tuple[str, str]]:
        """{path: (reason, detail)} of one host's failures."""
        return {re.sub(r"^https?://[^/]+", "", url): (reason, detail or "") for url, reason, detail in
                self.query("select url, reason, detail from failures") if f"//{host}:" in url}

    def articles(self, host: str = HOST) -> dict[str, tuple[str, str | None]]:
        """{path: (title, published)} of one host's articles."""
        return {re.sub(r"^https?://[^/]+", "", url): (title, published) for url, title, published in
                self.query("select url, title, published from articles") if f"//{host}:" in url}


def _children_cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Crawled]:
    tmp = tmp_path_factory.mktemp("hostile4")
    with serve() as sites:
        started, cpu = time.monotonic(), _children_cpu()
        result = crawl_cli(sites.write_seeds(tmp / "seeds.toml"), tmp / "data", *SETTINGS, timeout=180)
        assert result.returncode == 0, result.stderr[-3000:]
        yield Crawled(sites, tmp / "data", result, time.monotonic() - started,
                      _children_cpu() - cpu)


def test_urls_of_100_kb_are_refused_and_stored_cut(crawled: Crawled) -> None:
    """A link, a robots.txt Sitemap line, a sitemap <loc> of 100 KB and a Location of 10 KB: each refused, each row
    its first 2,083 characters and a mark with its length (they were stored whole, in failures and frontier)."""
    rows = crawled.query("select url, detail from failures where reason = 'url-too-long'")
    assert len(rows) == 4, [(u[:60], d) for u, d in rows]
    for url, detail in rows:
        mark = MARK.search(url)
        assert mark and mark.start() <= 2083 and int(mark[1]) > 10_000, url[-90:]
        assert f"{mark[1]} characters; CRAWL_URL_MAX_LENGTH is 2083" in detail and "stored cut" in detail, detail
    assert max(length for (length,) in crawled.query("select length(url) from frontier")) < 2083 + 80
    assert crawled.query("select count(*) from frontier where url like '% [cut: url-too-long%'") == [(2,)]


@pytest.mark.parametrize(("path", "reason", "detail"), [
    ("/a/long-location", "too-large", "header line passed 16384 bytes"),  # Twisted's line limit, as round two's
    ("/a/self-fragment", "redirect-loop", "/a/self-fragment -> "),  # to itself with a fragment: a loop
    ("/a/retry-past", "http-503", ""), ("/a/retry-negative", "http-503", ""),
    ("/a/retry-absurd", "http-503", ""), ("/a/retry-superscript", "http-503", ""),
    ("/a/empty-gzip", "no-text", "empty page"),
])
def test_each_case_is_a_failure_with_a_clear_reason(crawled: Crawled, path: str, reason: str, detail: str) -> None:
    got = crawled.failures().get(path)
    assert got is not None and got[0] == reason and detail in got[1], (path, got)


def test_what_should_be_read_is_read(crawled: Crawled) -> None:
    articles = crawled.articles()
    for path in (
        "/a/charset-only",  # Content-Type "charset=zlib", no media type: was read with the zlib label
        "/a/bad-crc", "/a/identity-gzip",  # a gzip trailer's CRC wrong (browsers show it too), "identity, gzip"
        "/a/after-script", "/a/after-unclosed",  # links after a 11 MB script and 300 open <font>s: were lost
        "/a/after-cookie",  # a redirect whose Set-Cookie says "Max-Age=²": was a fetch-error, retried
        "/a/cookies-done", "/a/refresh-target", "/a/future-dates", "/a/from-long-map",
        "/a/from-map-end-of-time", "/a/from-map-garbage", "/a/from-map-year-one", "/a/from-map-year-9999",
        "/a/canonical-internal", "/a/canonical-file", "/a/canonical-js",
    ):
        assert path in articles, (path, sorted(articles))
    assert articles["/a/charset-only"][0] == "خبر بلا نوع"
    assert articles["/a/late-meta"][0] == "خبر متأخر الترميز"  # <meta charset> after 1 MB of comments
    assert len(articles["/a/huge-title"][0]) <= 10_000  # a 1.2 MB title is stored bounded (extraction's cap)


def test_one_page_in_many_spellings_is_fetched_once(crawled: Crawled) -> None:
    """1,000 feed items with fragments and 20,000 links in other query orders: one fetch, one row each, and the
    copies no longer take a page's CRAWL_PAGE_MAX_LINKS (19,900 links were left)."""
    paths = crawled.sites.paths()
    assert paths.count("/a/frag-target") == 1 and len([p for p in paths if p.startswith("/a/q?")]) == 1
    assert crawled.query("select count(*) from frontier where url like '%/a/q?%' or url like '%/a/frag-target%'") \
        == [(2,)]
    assert "newsarchive/discovery/page-links-left" not in crawled.result.stderr


def test_dates_at_the_ends_of_the_calendar(crawled: Crawled) -> None:
    """A lastmod of 9999-12-31 raised OverflowError and cost its index every child; year 0001 in a pubDate was read
    as 2001; a date to come is no publication date."""
    articles = crawled.articles()
    assert articles["/a/date-0001"][1] is None and articles["/a/date-9999"][1] is None
    assert articles["/a/date-99999"][1] is None and articles["/a/listed-9999"][1] is None
    assert articles["/a/frag-target"][1] == "2024-01-01"
    assert {f"/maps/{n}.xml" for n in ("end-of-time", "garbage", "year-one", "year-9999")} <= set(
        crawled.sites.paths())


def test_robots_txt_gzipped_or_redirected(crawled: Crawled) -> None:
    """Gzipped with no Content-Encoding, its Disallow was read as no rule; a redirect to another outlet's robots.txt is
    followed and its rules apply (RFC 9309 2.3.1.2); one to an internal address is not followed, is read as
    unavailable (allowed) and is now recorded."""
    assert "/a/private/1" not in crawled.sites.paths(GZROBOTS) and "/a/public/1" in crawled.sites.paths(GZROBOTS)
    assert crawled.failures(GZROBOTS)["/a/private/1"][0] == "robots-disallowed"
    reason, detail = crawled.failures(ROBOTS_HOP)["/robots.txt"]
    assert reason == "private-address" and "RFC 9309 2.3.1.2" in detail, detail
    assert "/a/private/1" in crawled.sites.paths(ROBOTS_HOP)
    assert "/a/private/1" not in crawled.sites.paths(ROBOTS_AWAY) and "/a/public/1" in crawled.sites.paths(ROBOTS_AWAY)


def test_the_internal_address_is_never_connected_to(crawled: Crawled) -> None:
    assert crawled.sites.internal_connections == 0
    assert not crawled.query("select url from article_aliases where url like '%secret%' or url like 'file:%'")


def test_a_redirect_chain_sends_a_bounded_cookie_header(crawled: Crawled) -> None:
    """Each hop set 250 cookies of 1 KB: the last hop's Cookie header was 1.26 MB, now 50 cookies at most."""
    sizes = []
    for path in sorted((crawled.data / "warc").glob("*.warc.gz")):
        with path.open("rb") as stream:
            for record in ArchiveIterator(stream):
                uri = record.rec_headers.get_header("WARC-Target-URI") or ""
                if record.rec_type == "request" and ("/a/cookies" in uri):
                    sizes.append(len(record.http_headers.get_header("Cookie") or ""))
    assert len(sizes) == 6 and 0 < max(sizes) < 55_000, sizes


def test_huge_and_deep_parts_are_recorded_not_hung(crawled: Crawled) -> None:
    """A JSON-LD block nested 10,000 deep or of 11 MB: the page's article is kept (the block is skipped, the page parsed
    with libxml2's huge limits; both lost their article before), stored or, its body being another page's, an alias of
    it; never a hang. 100,000 meta refreshes: the first."""
    for path in ("/a/jsonld-deep", "/a/jsonld-big"):
        aliased = crawled.query(f"select how from article_aliases where url like '%{path}'")
        assert path in crawled.articles() or aliased, (path, crawled.failures().get(path))
    assert crawled.query("select how from article_aliases where url like '%/a/refresh-flood'") == [("redirect",)]
    # no hang: 60 s of the crawl's CPU time (its wall time, 15-20 s alone, reached 69 s on 2 cores loaded by parallel
    # test workers and other runs), and a wall time well under crawl_cli's 180 s timeout
    assert crawled.cpu_seconds < 60 and crawled.seconds < 150, (crawled.cpu_seconds, crawled.seconds)


def test_nothing_pending_but_the_transient_ones_and_no_error(crawled: Crawled) -> None:
    pending = sorted(re.sub(r"^https?://[^/]+", "", u)
                     for (u,) in crawled.query("select url from frontier where status = 'pending'"))
    assert pending == ["/a/retry-absurd", "/a/retry-negative", "/a/retry-past", "/a/retry-superscript"]
    stderr = crawled.result.stderr
    assert "Spider error" not in stderr and "Error caught on signal handler" not in stderr, stderr[-3000:]
    assert "'newsarchive/backoff/max_wait': 1.0" in stderr  # the absurd Retry-After, capped
    check = subprocess.run([sys.executable, "-m", "crawler.cli.main", "check", "--data", str(crawled.data)],
                           capture_output=True, text=True, timeout=120, cwd=ROOT, check=False)
    assert check.returncode == 0, check.stdout + check.stderr

"""One real crawl of a ninth hostile outlet (tests/hostile9): references a browser reads as another host (backslashes,
``https:host``), a NUL and other C0 controls in header values, ports no browser fetches from, and the internal host
offered by every URL source the crawler reads; a second outlet whose robots.txt answer is malformed.

Every refusal is a failure row with its reason, the catalogue and the WARC agree (``newsarchive check``), the
internal address is never connected to, and the crawl logs no error.
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

from tests.helpers import cli, crawl_cli
from tests.hostile9.site import INTERNAL, SECOND, Sites, serve


@dataclass
class Crawled:
    """The outlet after one crawl."""

    sites: Sites
    data: Path
    result: subprocess.CompletedProcess[str]

    def query(self, sql: str) -> list[tuple]:
        """Rows of a query on the catalogue."""
        with sqlite3.connect(self.data / "catalogue.db") as db:
            return db.execute(sql).fetchall()

    def failures(self) -> dict[str, tuple[str, str]]:
        """{path: (reason, detail)} of the outlet's failures."""
        return {re.sub(r"^https?://[^/]+", "", url): (reason, detail or "")
                for url, reason, detail in self.query("select url, reason, detail from failures")}

    def responses(self) -> dict[str, str]:
        """{target URI: HTTP head as text} of every WARC response record, read back with warcio."""
        out = {}
        for path in sorted((self.data / "warc").glob("*.warc.gz")):
            with open(path, "rb") as fh:
                for record in ArchiveIterator(fh):
                    if record.rec_type == "response":
                        out[record.rec_headers.get_header("WARC-Target-URI")] = record.http_headers.to_str()
        return out


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Crawled]:
    tmp = tmp_path_factory.mktemp("hostile9")
    with serve() as sites:
        result = crawl_cli(sites.write_seeds(tmp / "seeds.toml"), tmp / "data", "-s", "RETRY_TIMES=0",
                           "-s", "DOWNLOAD_TIMEOUT=20", timeout=120)
        assert result.returncode == 0, result.stderr[-3000:]
        yield Crawled(sites, tmp / "data", result)


@pytest.mark.parametrize(("path", "target"), [
    # a browser reads "\\host/x", "/\host/x" and "\/host/x" as //host/x: they were followed as paths of the outlet
    # ("/a/%5C%5C127.39.9.2:port/secret-bs2", a 404), where no guard read the host a browser goes to
    ("/a/to-bs2", "/secret-bs2"),
    ("/a/to-slash-bs", "/secret-sbs"),
    ("/a/to-bs-slash", "/secret-bss"),
    # "https:host/x" on an http page names the host (URL Standard: special authority ignore slashes); it was an
    # offsite-redirect to a URL with no host
    ("/a/to-https-colon", "/secret-https"),
    ("/p/refresh-bs2", "/secret-refresh"),  # a meta refresh, likewise
])
def test_a_backslashed_reference_is_checked_as_the_host_a_browser_goes_to(crawled: Crawled, path: str,
                                                                        target: str) -> None:
    reason, detail = crawled.failures().get(path, (None, ""))
    assert reason == "private-address" and f"{INTERNAL}:" in detail and target in detail, (path, reason, detail)
    assert crawled.sites.internal_connections == 0


def test_a_backslashed_reference_to_the_outlet_is_followed_as_a_browser_follows_it(crawled: Crawled) -> None:
    paths = crawled.sites.paths
    assert "/a/landed-home" in paths and "/a/landed-path" in paths
    assert not [p for p in paths if "%5C" in p.upper() or "secret" in p], paths
    titles = dict(crawled.query("select url, title from articles"))
    assert {re.sub(r"^https?://[^/]+", "", u) for u in titles} >= {"/a/landed-home", "/a/landed-path"}


def test_a_nul_in_a_header_value_is_refused_archived_and_settled(crawled: Crawled) -> None:
    failures = crawled.failures()
    for path, header in (("/p/nul-value", "X-Note"), ("/a/to-nul", "Location")):
        reason, detail = failures.get(path, (None, ""))
        assert reason == "bad-header" and f"NUL byte in the value of the {header} header" in detail, (path, detail)
    heads = crawled.responses()
    nul = next(head for uri, head in heads.items() if uri.endswith("/p/nul-value"))
    assert "X-Note: a\x00b\r\n" in nul  # archived as sent, and warcio reads it back
    assert not [p for p in crawled.sites.paths if "%00" in p]  # the Location with a NUL was followed before
    pending = crawled.query("select url from frontier where status = 'pending' and url like '%nul%'")
    assert pending == []  # settled: a browser's refusal is permanent


def test_other_c0_controls_in_header_values_are_kept_and_the_page_read(crawled: Crawled) -> None:
    assert "/p/c0-values" not in crawled.failures()
    head = next(head for uri, head in crawled.responses().items() if uri.endswith("/p/c0-values"))
    assert "X-A: a\x01b\x0bc\x0cd\r\n" in head and "X-B: e\x1bf\x1cg\x1dh\x1ei\r\n" in head
    assert "X-C: j\x7fk\x85l\r\n" in head


def test_a_robots_txt_refused_as_malformed_is_unavailable(crawled: Crawled) -> None:
    """A NUL in a header of the robots.txt answer: a network error to a browser, so the robots.txt is unreachable
    and the site disallowed for this crawl (RFC 9309 2.3.1.4); it was read as a redirect not followed (a 4xx),
    everything allowed."""
    rows = crawled.query(f"select url, reason, detail from failures where url like 'http://{SECOND}:%'")
    robots = [(reason, detail) for url, reason, detail in rows if url.endswith("/robots.txt")]
    assert robots and robots[0][0] == "robots-unavailable" and "bad-header" in robots[0][1], rows
    assert "/" not in crawled.sites.second_paths and "/a/behind" not in crawled.sites.second_paths


@pytest.mark.parametrize(("path", "port"), [("/a/redis", "6379"), ("/a/smtp-link", "25"), ("/a/to-smtp", "25")])
def test_ports_no_browser_fetches_from_are_never_connected_to(crawled: Crawled, path: str, port: str) -> None:
    """A link to the outlet's own host at port 6379 or 25 sent "GET /robots.txt" to them (robots-unavailable,
    retried for three crawls); a redirect to port 25 likewise."""
    reason, detail = crawled.failures().get(path, (None, ""))
    assert reason == "bad-port" and f"port {port}" in detail, (path, reason, detail)
    assert not [url for (url,) in crawled.query("select url from failures") if f":{port}/robots.txt" in url]


def test_every_url_source_naming_the_inside_is_refused(crawled: Crawled) -> None:
    """Held: feed links and enclosures, xml:base, sitemap and index entries in five spellings, robots.txt Sitemap,
    <base href>, JSON-LD, canonical, AMP, og:url and a next part, a chain of three hops ending inside."""
    assert crawled.sites.internal_connections == 0
    assert crawled.failures()["/a/chain-3"][0] == "private-address"
    assert {"/a/feed-ok", "/a/map-ok", "/a/self-urls", "/a/stack", "/a/cookie-landed"} <= set(crawled.sites.paths)
    assert crawled.sites.cookies["/a/cookie-landed"] < 4096  # 2,000 Set-Cookie on the hop: 50 a host are sent on
    assert not [u for (u,) in crawled.query("select url from frontier") if "root:" in u]  # no external entity


def test_the_archive_and_catalogue_agree_and_no_error_is_logged(crawled: Crawled) -> None:
    assert " ERROR " not in crawled.result.stderr and "Traceback" not in crawled.result.stderr, \
        crawled.result.stderr[-3000:]
    check = cli("check", "--data", str(crawled.data))
    assert check.returncode == 0 and "OK" in check.stdout, check.stdout + check.stderr

"""One real crawl of an eighth hostile outlet (tests/hostile8): status lines Twisted reads with ``int()``, white space
before the first header, framing and header content (a NUL, a bare CR) that must stay out of the WARC's own fields, the internal host in spellings no earlier round tried, and pages that are WARC files themselves.

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
from tests.hostile8.site import HOST, VICTIM, Sites, serve


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

    def records(self, *, bodies: bool = False) -> list:
        """(record type, target URI, HTTP head as text[, body]) of every WARC record."""
        out = []
        for path in sorted((self.data / "warc").glob("*.warc.gz")):
            with open(path, "rb") as fh:
                for record in ArchiveIterator(fh):
                    head = record.http_headers.to_str() if record.http_headers else ""
                    found = (record.rec_type, record.rec_headers.get_header("WARC-Target-URI") or "", head)
                    out.append((*found, record.content_stream().read()) if bodies else found)
        return out


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Crawled]:
    tmp = tmp_path_factory.mktemp("hostile8")
    with serve() as sites:
        result = crawl_cli(sites.write_seeds(tmp / "seeds.toml"), tmp / "data", "-s", "RETRY_TIMES=0",
                           "-s", "DOWNLOAD_TIMEOUT=20", timeout=120)
        assert result.returncode == 0, result.stderr[-3000:]
        yield Crawled(sites, tmp / "data", result)


@pytest.mark.parametrize(("path", "detail"), [
    # Twisted's int() took each of these: a status over 2**63 raised OverflowError in the writer (its WARC record left
    # without a catalogue row, `newsarchive check` failing), "-200" was a capture of status -200, "+200" and "2_00"
    # pages stored as articles
    ("/a/status-huge", "20000000000000000000"),
    ("/a/status-minus", "HTTP/1.1 -200 OK"),
    ("/a/status-plus", "HTTP/1.1 +200 OK"),
    ("/a/status-under", "HTTP/1.1 2_00 OK"),
    ("/a/version-plus", "HTTP/+1.1 200 OK"),
    # held: two Content-Lengths (Twisted refuses them)
    ("/a/two-lengths", "conflicting Content-Length"),
])
def test_a_head_no_browser_reads_is_a_fetch_error(crawled: Crawled, path: str, detail: str) -> None:
    reason, got = crawled.failures().get(path, (None, ""))
    assert reason == "fetch-error" and detail in got, (path, reason, got)


def test_the_archive_and_catalogue_agree_and_no_error_is_logged(crawled: Crawled) -> None:
    assert "OverflowError" not in crawled.result.stderr and " ERROR " not in crawled.result.stderr, \
        crawled.result.stderr[-3000:]
    assert not [s for (s,) in crawled.query("select status from captures") if not 100 <= s <= 999]
    check = cli("check", "--data", str(crawled.data))
    assert check.returncode == 0 and "OK" in check.stdout, check.stdout + check.stderr


@pytest.mark.parametrize("path", ["/p/lead-fold", "/p/status-bare", "/p/cr-value", "/p/te-and-cl"])
def test_pages_with_a_rare_but_readable_head_are_read(crawled: Crawled, path: str) -> None:
    """/p/lead-fold was a fetch-error (AttributeError in Scrapy's parser); the others held."""
    assert path not in crawled.failures()
    rows = crawled.query(f"select status, payload_digest from captures where url like '%{path}'")
    assert [status for status, _ in rows] == [200], rows
    body = next(body for kind, uri, _, body in crawled.records(bodies=True) if kind == "response" and uri.endswith(path))
    assert body.startswith(b"<!DOCTYPE html>") and body.endswith(b"</html>")


def test_header_values_never_reach_the_warc_fields(crawled: Crawled) -> None:
    records = crawled.records()
    assert {rec_type for rec_type, _, _ in records} <= {"warcinfo", "request", "response", "revisit"}
    heads = {uri: head for rec_type, uri, head in records if rec_type == "response"}
    cr = next(head for uri, head in heads.items() if uri.endswith("/p/cr-value"))
    assert "X-Evil: a WARC-Type: revisit\r\n" in cr and "\r" not in cr.replace("\r\n", "")
    assert "X-F: a\tWARC-X: y\r\n" in cr
    nul = next(head for uri, head in heads.items() if uri.endswith("/p/nul-value"))
    assert "X-Note: a\x00b\r\n" in nul  # archived as sent; refused as bad-header (round nine)
    assert crawled.failures()["/p/nul-value"][0] == "bad-header"


def test_a_page_that_is_a_warc_file_is_archived_as_its_body(crawled: Crawled) -> None:
    records = crawled.records()
    assert not [uri for _, uri, _ in records if uri == VICTIM]
    served = [uri for rec_type, uri, _ in records if rec_type == "response" and re.search(r"/p/warc(-gz)?$", uri)]
    assert len(served) == 2, served


@pytest.mark.parametrize("name", ["circled", "trailing-dot", "nat64", "compatible", "tab", "short"])
def test_the_internal_host_in_new_spellings_is_refused(crawled: Crawled, name: str) -> None:
    failures = crawled.failures()
    for how in ("to", "refresh"):
        reason, detail = failures.get(f"/{'a' if how == 'to' else 'p'}/{how}-{name}", (None, ""))
        assert reason == "private-address" and "127.38.8.2" in detail, (how, name, reason, detail)
    assert crawled.sites.internal_connections == 0


def test_a_redirect_to_gopher_is_refused_and_a_refresh_to_it_ignored(crawled: Crawled) -> None:
    assert crawled.failures()["/a/to-gopher"][0] == "unsupported-scheme"
    assert "/p/refresh-gopher" not in crawled.failures()  # a browser stays on the page too
    assert all(path.startswith(("/a/", "/p/", "/robots.txt")) or path == "/" for path in crawled.sites.paths), HOST

"""One real crawl of a thirteenth hostile outlet (tests/hostile13) with an HTTP proxy named in its environment: a
proxy reached by the environment or a ``305 Use Proxy``, a tag of 20,000 attributes on a listing and on a paged
article, a JSON Feed of 1.4 million empty arrays, redirect loops spelled anew at each hop, a reason phrase and a link
holding what looks like a WARC record, cookies for a shared domain, hosts spelled with other dots, and a feed naming
the crawl's own data folder.

The crawl runs with ``--allow-private`` so that the host off the outlet stands for a public site, which the address
guard lets through: only the outlet's domains keep a request on it. Nothing ever leaves loopback (the proxy is a
loopback host too). Every refusal is a failure row with its reason, the catalogue and the WARC agree
(``newsarchive check``), and the crawl logs no error. The costs are measured in tests/test_hostile13_guards.py, in
CPU time.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from warcio.archiveiterator import ArchiveIterator

from tests.helpers import FAST, ROOT, cli
from tests.hostile.crawled import Crawled as HostileCrawl
from tests.hostile13.site import HOST, WARC_LOOKALIKE, serve


@dataclass
class Crawled(HostileCrawl):
    """The outlet after one crawl, and its WARC records."""

    def records(self) -> list[tuple[str, str, bytes]]:
        """(WARC-Type, WARC-Target-URI, the HTTP head as warcio reads it back) of every record of the crawl."""
        found = []
        for path in sorted((self.data / "warc").rglob("*.warc.gz")):
            with path.open("rb") as stream:
                for record in ArchiveIterator(stream):
                    head = record.http_headers.to_str().encode("latin-1", "replace") if record.http_headers else b""
                    found.append((record.rec_type, record.rec_headers.get_header("WARC-Target-URI") or "", head))
        return found


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Crawled]:
    tmp = tmp_path_factory.mktemp("hostile13")
    with serve() as sites:
        sites.data = tmp / "data"
        proxy = sites.bases["127.43.13.9"]
        env = {key: value for key, value in os.environ.items() if "proxy" not in key.lower()}
        env.update(http_proxy=proxy, https_proxy=proxy, all_proxy=proxy, HTTP_PROXY=proxy, HTTPS_PROXY=proxy)
        result = subprocess.run(
            [sys.executable, "-m", "crawler.cli.main", "crawl", "--seeds", str(sites.write_seeds(tmp / "seeds.toml")),
             "--data", str(sites.data), *FAST, "--allow-private", "-s", "RETRY_TIMES=0", "-s", "DOWNLOAD_TIMEOUT=20",
             "-s", "EXTRACT_WORKERS=1"],
            capture_output=True, text=True, timeout=300, cwd=ROOT, env=env, check=False)
        assert result.returncode == 0, result.stderr[-3000:]
        yield Crawled(sites, sites.data, result, HOST)


def test_a_proxy_named_in_the_environment_is_never_asked(crawled: Crawled) -> None:
    """``http_proxy`` (and its kin) in the crawl's environment: Scrapy's HttpProxyMiddleware sent every request to
    the proxy in absolute form (``GET http://host/path``), so the address guard checked the proxy's address and never
    the target's: the proxy resolved and connected to whatever a page named. The crawl takes no proxy from the
    environment now; it connects to the outlet itself."""
    assert crawled.sites.proxy_targets == [], crawled.sites.proxy_targets[:5]
    assert "/" in crawled.sites.paths


def test_a_305_use_proxy_is_not_followed(crawled: Crawled) -> None:
    """Held: a ``305 Use Proxy`` naming a proxy (RFC 9110 15.4.6: deprecated for security; Scrapy follows no 305)
    is checked as any 3xx with a ``Location`` is: off the outlet, ``offsite-redirect``; the proxy is never asked."""
    assert crawled.failures()["/a/use-proxy"][0] == "offsite-redirect", crawled.failures().get("/a/use-proxy")
    assert crawled.sites.proxy_targets == []


def test_a_listing_with_a_tag_of_20000_attributes_is_not_parsed_in_the_reactor(crawled: Crawled) -> None:
    """A listing page holding one tag of 20,000 attributes was parsed for its links in the crawl's reactor, where
    libxml2 compares each attribute with those before it (quadratic, in C: 17 s for 60,000, hours for the millions
    a 32 MiB page holds; the extraction refuses such a page as ``too-many-attributes`` since stop 36). It is archived
    and recorded ``too-many-attributes`` now, unread."""
    assert crawled.failures().get("/listing-attrs", ("",))[0] == "too-many-attributes", crawled.failures()
    assert "/a/after-attrs" not in crawled.sites.paths


def test_a_paged_article_with_such_a_tag_is_not_read_for_its_later_pages(crawled: Crawled) -> None:
    """An article page with such a tag and a pager was parsed for its later pages in the reactor (twice: its parts and
    its runs of text) and its page 2 fetched, where the extraction refuses the page. Neither now."""
    assert crawled.failures()["/a/paged-attrs"][0] == "too-many-attributes"
    assert "/a/paged-attrs?page=2" not in crawled.sites.paths


def test_a_json_feed_of_a_million_empty_arrays_is_not_loaded(crawled: Crawled) -> None:
    """A JSON Feed of 1.4 million empty arrays (4.2 MB) was loaded whole in the crawl's reactor: a Python list each,
    about 100 MB (a 32 MiB one: 770 MB and 5 s of CPU). A JSON Feed holding more arrays and objects than its items
    bound can use is recorded ``too-many-elements``, unread."""
    reason, detail = crawled.failures().get("/feed.json", ("", ""))
    assert reason == "too-many-elements" and "JSON" in detail, (reason, detail)
    assert "/a/json-item" not in crawled.sites.paths


def test_redirect_loops_spelled_anew_at_each_hop_are_loops(crawled: Crawled) -> None:
    """``/a/x`` -> ``HTTP://HOST/a/./x`` (by a 3xx and by a meta refresh) and ``/a/x`` -> ``/A/x`` -> ``/a/./y/../x`` come back to where they began,
    as a browser (and RFC 3986 5.2.2) resolves them; ``urljoin`` keeps the dot segments of an absolute reference,
    so the crawl asked ``/a/./x``, a URL no browser asks (a server that does not resolve it: 404; one that does:
    the loop seen a hop late, an alias with dots). Now ``redirect-loop`` at the hop that comes back, no dotted URL
    asked."""
    failures = crawled.failures()
    assert failures["/a/loop-case"][0] == "redirect-loop", failures["/a/loop-case"]
    assert failures["/a/refresh-dots"][0] == "redirect-loop", failures["/a/refresh-dots"]  # a meta refresh too
    loop = failures.get("/a/loop-path") or failures.get("/A/loop-path")  # recorded at the hop that came back
    assert loop and loop[0] == "redirect-loop", failures
    assert not [path for path in crawled.sites.paths if "/." in path], crawled.sites.paths


def test_a_reason_phrase_or_a_link_cannot_forge_a_warc_record(crawled: Crawled) -> None:
    """Held: a reason phrase holding a NUL, bare CRs and a WARC record's first lines, and a link whose ``href``
    holds CR LF and a WARC header: warcio reads back one response per URL, none forged, no CR or LF in a target."""
    records = crawled.records()
    assert not [r for r in records if "forged.example" in r[1] or r[0] == "resource"], records
    assert all("\r" not in uri and "\n" not in uri and " " not in uri for _, uri, _ in records)
    reason = [head for kind, uri, head in records if kind == "response" and uri.endswith("/a/reason")]
    assert len(reason) <= 1
    if reason:
        assert WARC_LOOKALIKE.split("\r\n")[1].encode() not in reason[0].split(b"\r\n", 1)[1]
    crlf = {uri.rsplit("/", 1)[1] for _, uri, _ in records if "/a/crlf" in uri}
    assert crlf == {"crlf", "crlfWARC-Type:%20resource"}, crlf


def test_cookies_for_a_shared_domain_go_nowhere_else(crawled: Crawled) -> None:
    """Held: cookies with ``Domain=.0.0.1``, ``Domain=<the other host>`` and ``Domain=43.13.2`` on a redirect off the
    outlet (``offsite-redirect``, never asked), and on a redirect within it (its own host only)."""
    assert crawled.failures()["/a/cookie-off"][0] == "offsite-redirect"
    assert crawled.sites.elsewhere_paths == []
    assert "/a/cookie-landed" in crawled.titles()


def test_hosts_spelled_with_other_dots_or_digits_are_not_the_outlet(crawled: Crawled) -> None:
    """Held: the host off the outlet with fullwidth or ideographic dots, in fullwidth digits, or behind a userinfo
    that names the outlet with a trailing dot: a browser reads each as that host; it is never asked."""
    assert crawled.sites.elsewhere_paths == []
    assert not [url for (url,) in crawled.query("select url from frontier") if "127.43.13.2" in url]


def test_a_feed_naming_the_data_folder_reads_nothing_there(crawled: Crawled) -> None:
    """Held: an RSS feed whose items are ``file:`` URLs of the crawl's own data folder and catalogue: no row names
    them and nothing is read (only http and https are fetched)."""
    assert "/feed.xml" in crawled.sites.paths
    assert not crawled.query("select url from frontier where url like 'file:%' union all "
                             "select url from failures where url like 'file:%'")


def test_the_archive_and_catalogue_agree_and_no_error_is_logged(crawled: Crawled) -> None:
    assert " ERROR " not in crawled.result.stderr and "Traceback" not in crawled.result.stderr, \
        crawled.result.stderr[-3000:]
    check = cli("check", "--data", str(crawled.data))
    assert check.returncode == 0 and "OK" in check.stdout, check.stdout + check.stderr

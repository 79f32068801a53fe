"""One real crawl of a fourteenth hostile outlet (tests/hostile14): a gzipped sitemap of 60,000 empty members, a 503
whose ``Retry-After`` no float holds, a title and text holding the Unicode line separators (then exported as JSON
Lines), a robots.txt of 2,000 ``Sitemap:`` lines, an RSS 1.0 feed and headers that name a host off the outlet without
being a redirect, a ``Content-Encoding`` of 1,000 codings, links and sitemap entries with dot segments, and a JSON
Feed and an article's JSON-LD holding an integer of 5,000 digits.

The crawl runs with ``--allow-private`` so that the host off the outlet stands for a public site, which the address
guard lets through: only the outlet's domains keep a request on it. Nothing ever leaves loopback. Every refusal is a
failure row with its reason, the catalogue and the WARC agree (``newsarchive check``), and the crawl logs no error.
The costs are measured in tests/test_hostile14_guards.py, in CPU time.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers import FAST, ROOT, cli
from tests.hostile.crawled import Crawled as HostileCrawl
from tests.hostile14.site import BYLINE, HOST, serve

SITEMAP_FETCHES = 6  # CRAWL_SITEMAP_MAX_FETCHES here (two configured sitemaps, then robots.txt's lines)


Crawled = HostileCrawl  # the outlet after one crawl


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Crawled]:
    tmp = tmp_path_factory.mktemp("hostile14")
    with serve() as sites:
        data = tmp / "data"
        result = subprocess.run(
            [sys.executable, "-m", "crawler.cli.main", "crawl", "--seeds", str(sites.write_seeds(tmp / "seeds.toml")),
             "--data", str(data), *FAST, "--allow-private", "-s", "RETRY_TIMES=0", "-s", "DOWNLOAD_TIMEOUT=20",
             "-s", "EXTRACT_WORKERS=1", "-s", "CRAWL_RETRY_AFTER_MAX=1",
             "-s", f"CRAWL_SITEMAP_MAX_FETCHES={SITEMAP_FETCHES}"],
            capture_output=True, text=True, timeout=300, cwd=ROOT, check=False)
        assert result.returncode == 0, result.stderr[-3000:]
        yield Crawled(sites, data, result, HOST)


def test_a_sitemap_after_many_empty_gzip_members_is_read(crawled: Crawled) -> None:
    """A ``.xml.gz`` sitemap whose urlset comes after 60,000 empty gzip members (RFC 1952 lets members follow one
    another) is read to its urlset; each member's leftover bytes were copied whole (quadratic: 0.8 s for 40,000, about
    25 minutes of the reactor for the 1.6 million a 32 MiB file holds), measured in the guards test."""
    assert "/a/from-members" in crawled.titles(), crawled.failures().get("/sitemap-members.xml.gz")


def test_a_retry_after_no_float_holds_still_backs_off(crawled: Crawled) -> None:
    """A 503 whose ``Retry-After`` is 400 digits: ``float(int(...))`` raised OverflowError in the back-off's signal
    handler (an ERROR and a traceback, the slot not paused). It is read as the longest wait, capped."""
    assert crawled.failures()["/a/retry-digits"][0] == "http-503", crawled.failures().get("/a/retry-digits")
    assert "Error caught on signal handler" not in crawled.result.stderr, crawled.result.stderr[-3000:]
    assert "'newsarchive/backoff/max_wait': 1" in crawled.result.stderr  # CRAWL_RETRY_AFTER_MAX here


def test_an_integer_of_5000_digits_costs_no_feed_and_no_byline(crawled: Crawled) -> None:
    """A JSON Feed whose item has an ``id`` of 5,000 digits, and an article whose JSON-LD has a ``wordCount`` of as
    many: ``json.loads`` raises ValueError past Python's int-string limit (4,300 digits), so the feed was lost
    (``empty-feed``, its items never asked) and the article stored without its byline. Such a number is read as a
    float, as a browser's ``JSON.parse`` reads it."""
    assert "/a/json-big" in crawled.titles(), crawled.failures().get("/feed.json")
    assert crawled.query("select author from articles where url like '%/a/ld-big'") == [(BYLINE,)]


def test_line_separators_do_not_break_the_json_lines_export(crawled: Crawled, tmp_path: Path) -> None:
    """Held: a title and a paragraph holding U+2028 and U+2029 (JSON allows them raw in a string, and a
    reader that splits lines as ``str.splitlines()`` does would break such a row): the extraction makes each a space,
    so the JSON Lines export has one line per article however it is split."""
    assert "خبر على سطرين وفقرة" in crawled.titles().values(), crawled.titles()
    out = tmp_path / "corpus.jsonl"
    result = cli("export", "--data", str(crawled.data), "--format", "jsonl", "--out", str(out))
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == len(crawled.titles()), len(rows)


def test_robots_sitemap_lines_are_bounded_by_the_sitemap_budget(crawled: Crawled) -> None:
    """Held: a robots.txt of 2,000 ``Sitemap:`` lines on the outlet's host: CRAWL_SITEMAP_MAX_FETCHES are asked, the
    rest is one ``sitemap-limit`` row."""
    asked = [path for path in crawled.sites.paths if path.startswith("/sm/")]
    assert len(asked) <= SITEMAP_FETCHES, len(asked)
    limits = [reason for path, (reason, _) in crawled.failures().items() if path.startswith("/sm/")]
    assert limits == ["sitemap-limit"], limits


def test_headers_naming_another_host_lead_nowhere(crawled: Crawled) -> None:
    """Held: an RSS 1.0 feed's ``rdf:about`` and ``<link>`` on a host off the outlet, and headers that name it without
    being a redirect (``Refresh``, ``Content-Location``, a ``Location`` on a 200, ``Link: rel=preload``, a ``300``'s
    ``Location``, ``offsite-redirect``): the host is never asked, and each article keeps its own URL."""
    assert crawled.sites.elsewhere_paths == []
    titles = crawled.titles()
    for path in ("/a/rdf-own", "/a/refresh-header", "/a/content-location", "/a/location-200", "/a/preload"):
        assert path in titles, (path, crawled.failures().get(path))
    assert crawled.failures()["/a/multiple-choices"][0] == "offsite-redirect"  # checked as any 3xx with a Location


def test_a_thousand_codings_are_refused_not_raised(crawled: Crawled) -> None:
    """Held: ``Content-Encoding`` naming gzip 1,000 times over a body gzipped three times: ``bad-encoding``."""
    assert crawled.failures()["/a/codings"][0] == "bad-encoding", crawled.failures().get("/a/codings")


def test_dot_segments_in_links_and_sitemaps_are_one_url(crawled: Crawled) -> None:
    """Held: a listing link and sitemap entries spelling ``/a/dotted`` with ``.``, ``..``, ``%2e`` and ``%2E%2E``
    segments: the one article, asked once, no dotted URL asked."""
    assert not [path for path in crawled.sites.paths if "/." in path or "%2" in path.lower()], crawled.sites.paths
    assert crawled.sites.paths.count("/a/dotted") == 1
    assert "/a/dotted" in crawled.titles()


def test_the_archive_and_catalogue_agree_and_no_error_is_logged(crawled: Crawled) -> None:
    assert " ERROR " not in crawled.result.stderr and "Traceback" not in crawled.result.stderr, \
        crawled.result.stderr[-3000:]
    check = cli("check", "--data", str(crawled.data))
    assert check.returncode == 0 and "OK" in check.stdout, check.stdout + check.stderr

"""Sitemap indexes read newest first, and children read whole not fetched again while their index lastmod holds.

Real crawls by the CLI over loopback HTTP (an outlet on 127.0.0.46 whose index lists 30 monthly sitemaps, oldest
first) into a real SQLite catalogue, a crawl SIGKILLed right after a child sitemap was parsed, and the spider's
parse_sitemap on its own for the order in which it hands things to the writer.
"""

from __future__ import annotations

import gzip
import os
import re
import signal
import subprocess
import sys
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import SimpleNamespace

import pytest
from helpers import FAST, ROOT, crawl_cli, rows
from scrapy import Request
from scrapy.http import Response, XmlResponse

from archive.catalogue import sitemaps
from archive.catalogue.db import Catalogue
from archive.catalogue.schema import migrations
from crawler.capture.operations import FrontierOp, SitemapReadOp
from crawler.capture.sitemap_reads import fetch_time
from crawler.config.outlets import load_outlets
from crawler.discovery.parsers import Link, gunzip_whole, newest_first, parse_sitemap, w3c_end
from crawler.fetch.limits import Limits
from crawler.scaleout.wire import decode, encode
from crawler.spiders.outlets import OutletSpider

HOST = "127.0.0.46"  # no other test serves on it
MONTHS = [f"{2023 + m // 12}-{m % 12 + 1:02d}" for m in range(30)]  # 2023-01 .. 2025-06, oldest first
CAP = ("-s", "CRAWL_SITEMAP_MAX_FETCHES=6")  # the index and the five newest children
WORDS = "اجتمع المجلس الرئاسي في طرابلس لبحث الوضع الأمني في المدينة ونتائج الحوار بين الأطراف. "


@dataclass
class Outlet:
    """The outlet's state: each child's lastmod and article numbers; every path requested, in order."""

    base: str = ""
    lastmod: dict[str, str] = field(default_factory=lambda: {m: f"{m}-28T12:00:00+00:00" for m in MONTHS})
    articles: dict[str, list[int]] = field(default_factory=lambda: {m: [1, 2] for m in MONTHS})
    hits: list[str] = field(default_factory=list)
    on_article: threading.Event = field(default_factory=threading.Event)

    def sitemaps(self, since: int = 0) -> list[str]:
        """The sitemap files requested since hit ``since`` (the index, then the months, as requested)."""
        return [p for p in self.hits[since:] if p.endswith(".xml")]

    def write_seeds(self, path: Path) -> Path:
        """One outlet: the index is its only source of articles."""
        path.write_text(
            f'[[outlet]]\nname = "chronicle"\nsitemaps = ["{self.base}/sitemap_index.xml"]\n'
            "article_urls = ['/news/']\ntopic_filter = false\ndownload_delay = 0.0\nconcurrency = 8\n",
            encoding="utf-8",
        )
        return path


def _handler(outlet: Outlet) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            outlet.hits.append(self.path)
            base = outlet.base
            if self.path == "/sitemap_index.xml":
                entries = "".join(
                    f"<sitemap><loc>{base}/sitemaps/{m}.xml</loc><lastmod>{outlet.lastmod[m]}</lastmod>"
                    "</sitemap>"
                    for m in MONTHS
                )
                self._send(
                    "application/xml",
                    '<?xml version="1.0"?><sitemapindex xmlns='
                    f'"http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</sitemapindex>',
                )
            elif (m := re.fullmatch(r"/sitemaps/(\d{4}-\d\d)\.xml", self.path)) and m[1] in outlet.articles:
                urls = "".join(
                    f"<url><loc>{base}/news/{m[1]}-{n}</loc><lastmod>{m[1]}-{n:02d}</lastmod></url>"
                    for n in outlet.articles[m[1]]
                )
                self._send(
                    "application/xml",
                    '<?xml version="1.0"?><urlset xmlns='
                    f'"http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>',
                )
            elif self.path.startswith("/news/"):
                outlet.on_article.set()
                slug = self.path.rsplit("/", 1)[1]
                self._send(
                    "text/html; charset=utf-8",
                    f"<html><head><title>خبر {slug}</title></head><body><article>"
                    f"<h1>خبر {slug}</h1><p>{slug}: {WORDS * 6}</p><p>{WORDS * 3} {slug}</p></article>"
                    "</body></html>",
                )
            elif self.path == "/robots.txt":
                self._send("text/plain", "User-agent: *\nAllow: /\n")
            else:
                self.send_error(404)

        def _send(self, kind: str, text: str) -> None:
            body = text.encode("utf-8")
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    return Handler


@contextmanager
def serve() -> Iterator[Outlet]:
    """Serve a fresh outlet on HOST; stop it on exit."""
    outlet = Outlet()
    server = ThreadingHTTPServer((HOST, 0), _handler(outlet))
    server.daemon_threads = True
    outlet.base = f"http://{HOST}:{server.server_address[1]}"
    # a short poll: shutdown() waits for serve_forever's next look at its flag (0.5 s by default)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    try:
        yield outlet
    finally:
        server.shutdown()
        server.server_close()


def _months(paths: list[str]) -> set[str]:
    return {p.rsplit("/", 1)[1].removesuffix(".xml") for p in paths if p.startswith("/sitemaps/")}


def _remembered(data: Path) -> dict[str, str]:
    return {
        r["url"].rsplit("/", 1)[1].removesuffix(".xml"): r["lastmod"]
        for r in rows(data, "select url, lastmod from sitemap_reads")
    }


def _stat(stderr: str, key: str) -> int:
    found = re.search(rf"'newsarchive/discovery/{key}': (\d+)", stderr)
    return int(found[1]) if found else 0


def _assert_nothing_lost(data: Path, outlet: Outlet) -> None:
    """Every article URL of a remembered child is in the frontier: remembering never ran ahead of the URLs."""
    frontier = {r["url"] for r in rows(data, "select url from frontier")}
    for month in _remembered(data):
        urls = {f"{outlet.base}/news/{month}-{n}" for n in outlet.articles[month]}
        assert urls <= frontier, (month, sorted(urls - frontier))


def _hourly_crawls(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with serve() as outlet:
        seeds = outlet.write_seeds(tmp_path / "seeds.toml")
        # 1. the five newest children (the index lists them last), not the five oldest
        first = crawl_cli(seeds, data, *CAP)
        assert first.returncode == 0, first.stderr[-3000:]
        assert outlet.sitemaps()[0] == "/sitemap_index.xml" and len(outlet.sitemaps()) == 6
        assert _months(outlet.hits) == set(MONTHS[-5:])
        assert _remembered(data) == {m: outlet.lastmod[m] for m in MONTHS[-5:]}
        assert rows(data, "select count(*) n from articles")[0]["n"] == 10
        _assert_nothing_lost(data, outlet)

        # 2. the newest month gains an article and a lastmod after the first crawl's fetch: it is read again, the
        # four other months read before are not fetched, and the cap they left goes to the four next unread months
        newest = MONTHS[-1]
        outlet.articles[newest].append(3)
        outlet.lastmod[newest] = datetime.now(UTC).isoformat(timespec="seconds")
        since = len(outlet.hits)
        second = crawl_cli(seeds, data, *CAP)
        assert second.returncode == 0, second.stderr[-3000:]
        assert outlet.sitemaps(since)[0] == "/sitemap_index.xml" and len(outlet.sitemaps(since)) == 6
        assert _months(outlet.hits[since:]) == {newest, *MONTHS[-9:-5]}
        assert _stat(second.stderr, "sitemap-unchanged") == 4
        assert rows(data, "select url from articles where url like ?", (f"%/news/{newest}-3",))
        assert rows(data, "select count(*) n from articles")[0]["n"] == 10 + 1 + 8
        assert _remembered(data)[newest] == outlet.lastmod[newest] and len(_remembered(data)) == 9
        # a count in the stats, no failure row
        assert not rows(data, "select * from failures where reason like '%unchanged%'")
        _assert_nothing_lost(data, outlet)

        # 3. CRAWL_SITEMAP_SKIP_UNCHANGED off: the five newest are fetched again, as before this change
        since = len(outlet.hits)
        off = crawl_cli(seeds, data, *CAP, "-s", "CRAWL_SITEMAP_SKIP_UNCHANGED=False")
        assert off.returncode == 0, off.stderr[-3000:]
        assert _months(outlet.hits[since:]) == set(MONTHS[-5:])
        assert _stat(off.stderr, "sitemap-unchanged") == 0

        # 4. a back-fill reads every child again, remembered or not
        since = len(outlet.hits)
        backfill = crawl_cli(seeds, data, "--backfill", "-s", "CRAWL_SITEMAP_MAX_FETCHES=40")
        assert backfill.returncode == 0, backfill.stderr[-3000:]
        assert _months(outlet.hits[since:]) == set(MONTHS)
        assert _stat(backfill.stderr, "sitemap-unchanged") == 0
        assert rows(data, "select count(*) n from articles")[0]["n"] == 61
        assert len(_remembered(data)) == 30
        _assert_nothing_lost(data, outlet)
    check = subprocess.run(
        [sys.executable, "-m", "crawler.cli.main", "check", "--data", str(data)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        check=False,
    )
    assert check.returncode == 0, check.stdout + check.stderr


def _killed_crawl(tmp_path: Path) -> None:
    data, log = tmp_path / "data", tmp_path / "crawl.log"
    with serve() as outlet:
        seeds = outlet.write_seeds(tmp_path / "seeds.toml")
        # group commits 30 s apart: the parsed children's frontier rows are still waiting when the crawl dies
        with open(log, "ab") as fh:
            command = [
                sys.executable,
                "-m",
                "crawler.cli.main",
                "crawl",
                "--seeds",
                str(seeds),
                "--data",
                str(data),
            ]
            proc = subprocess.Popen(
                [*command, *FAST, *CAP, "-s", "ARCHIVE_COMMIT_INTERVAL=30"],
                stdout=fh,
                stderr=fh,
                start_new_session=True,
                cwd=ROOT,
            )
        try:
            # an article is asked for only once a child sitemap was parsed
            assert outlet.on_article.wait(60), log.read_text(encoding="utf-8")[-3000:]
        finally:
            os.killpg(proc.pid, signal.SIGKILL)  # the crawl, its writer process and extraction workers
            proc.wait()
        assert _months(outlet.hits)
        assert _remembered(data) == {}
        assert rows(data, "select count(*) n from frontier")[0]["n"] == 0
        # the next crawl reads the children again (after recovering from the killed one) and stores their articles
        since = len(outlet.hits)
        again = crawl_cli(seeds, data, *CAP)
        assert again.returncode == 0, again.stderr[-3000:]
        assert (
            _months(outlet.hits[since:]) == set(MONTHS[-5:]) and _stat(again.stderr, "sitemap-unchanged") == 0
        )
        assert rows(data, "select count(*) n from articles")[0]["n"] == 10
        assert len(_remembered(data)) == 5
        _assert_nothing_lost(data, outlet)


HOURLY = "test_hourly_crawls_skip_unchanged_children_and_a_back_fill_reads_them_all"
KILLED = "test_a_crawl_killed_after_parsing_a_child_has_not_remembered_it"
SCENARIOS: dict[str, Callable[[Path], None]] = {HOURLY: _hourly_crawls, KILLED: _killed_crawl}


@pytest.fixture(scope="module")
def scenarios(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    """The crawl tests this session runs, all at once: each has its own outlet (a server of its own on HOST) and data
    folder, and nothing in them is timed against the other. Each one's assertions run in its thread; its test raises
    its outcome."""
    chosen = [item.originalname for item in request.session.items
              if item.module is request.module and getattr(item, "originalname", "") in SCENARIOS]
    with ThreadPoolExecutor(max(1, len(chosen))) as pool:
        yield {name: pool.submit(SCENARIOS[name], tmp_path_factory.mktemp(name[5:25])) for name in chosen}


def test_hourly_crawls_skip_unchanged_children_and_a_back_fill_reads_them_all(scenarios: dict) -> None:
    scenarios[HOURLY].result()


def test_a_crawl_killed_after_parsing_a_child_has_not_remembered_it(scenarios: dict) -> None:
    scenarios[KILLED].result()


# -- the spider's part, without a crawl ------------------------------------------------------------------------


def _spider(tmp_path: Path, events: list[object], catalogue: Catalogue, **settings: object) -> OutletSpider:
    """An OutletSpider over a stand-in session whose discoveries and writes go to ``events``, in order."""
    seeds = tmp_path / "seeds.toml"
    seeds.write_text(
        f'[[outlet]]\nname = "chronicle"\nsitemaps = ["http://{HOST}/sitemap_index.xml"]\n'
        "article_urls = ['/news/']\n",
        encoding="utf-8",
    )
    [outlet] = load_outlets(seeds)

    def discover(url: str, name: str, kind: str) -> str:
        events.append(FrontierOp(url, name, kind, 7))
        return "pending"

    spider = OutletSpider()
    spider.__dict__["session"] = SimpleNamespace(
        by_name={"chronicle": outlet},
        session_params=lambda name: (),
        discover=discover,
        crawl_id=7,
        reader=catalogue,
        writer=SimpleNamespace(put=events.append),
        config=SimpleNamespace(sitemap_max_urls=settings.get("max_urls", 5000)),
    )
    spider.limits = Limits.from_settings({"CRAWL_SITEMAP_MAX_FETCHES": 6, **settings})
    spider.sitemap_fetches, spider.refused_once, spider.sitemaps_read = {"chronicle": 0}, set(), {}
    spider.requests_made = Counter()  # hostile web round ten's per-outlet request budget (as from_crawler sets it)
    spider.skip_unchanged = spider.limits.sitemap_skip_unchanged
    spider.crawler = SimpleNamespace(stats=SimpleNamespace(inc_value=lambda key: events.append(key)))
    return spider


ASKED = "2025-06-28T10:00:00+00:00"  # when the spider asked for the child (meta sitemap_asked_at)


def _response(url: str, body: str | bytes, headers: dict | None = None, **meta: object) -> Response:
    meta = {"outlet": "chronicle", "kind": "sitemap", "frontier_url": url, **meta}
    if "sitemap_lastmod" in meta:
        meta.setdefault("sitemap_asked_at", ASKED)
    raw = body.encode() if isinstance(body, str) else body
    kind = Response if raw[:2] == b"\x1f\x8b" or raw[:4] == b"http" else XmlResponse
    return kind(url, body=raw, headers=headers, request=Request(url, meta=meta))


def _urlset(n: int) -> str:
    return (
        "<urlset>" + "".join(f"<url><loc>http://{HOST}/news/{k}</loc></url>" for k in range(n)) + "</urlset>"
    )


def test_a_child_is_remembered_after_every_url_it_gave(tmp_path: Path) -> None:
    events: list[object] = []
    spider = _spider(tmp_path, events, Catalogue(":memory:"))
    url = f"http://{HOST}/sitemaps/2025-06.xml"
    list(spider.parse_sitemap(_response(url, _urlset(3), sitemap_lastmod="2025-06-28")))
    assert [type(e) for e in events] == [FrontierOp, FrontierOp, FrontierOp, SitemapReadOp]
    assert events[-1].url == url and events[-1].lastmod == "2025-06-28" and events[-1].fetched_at == ASKED
    # whole as well: a gzip of two members, a text sitemap; a cache's copy dates from its Date less its Age
    gz = gzip.compress(_urlset(2)[:40].encode()) + gzip.compress(_urlset(2)[40:].encode())
    text = f"http://{HOST}/news/1\nhttp://{HOST}/news/2\n"
    cached = {"Date": "Sat, 28 Jun 2025 09:30:00 GMT", "Age": "600"}
    for body, headers, fetched in (
        (gz, None, ASKED),
        (text, None, ASKED),
        (_urlset(2), cached, "2025-06-28T09:20:00+00:00"),
    ):
        events.clear()
        list(spider.parse_sitemap(_response(url, body, headers, sitemap_lastmod="2025-06-28")))
        assert [type(e) for e in events] == [FrontierOp, FrontierOp, SitemapReadOp], body
        assert events[-1].fetched_at == fetched


def _cut(text: str, fraction: float) -> str:
    return text[: int(len(text) * fraction)]


FULL = '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">' + _urlset(5)[8:]


@pytest.mark.parametrize(
    ("body", "meta", "max_urls"),
    [
        (_urlset(3), {}, 5000),  # its index gave it no lastmod: nothing to compare a later one with
        (_urlset(3), {"sitemap_lastmod": "2025-06-28"}, 2),  # capped: a URL of it was left unread
        ("<urlset></urlset>", {"sitemap_lastmod": "2025-06-28"}, 5000),  # empty (an error page, a bad deploy)
        ("{not xml", {"sitemap_lastmod": "2025-06-28"}, 5000),
        # cut part-way (a PHP fatal error inside a 200): the XML recovers 2 of its 5 URLs
        (_cut(FULL, 0.45), {"sitemap_lastmod": "2025-06-28"}, 5000),
        (FULL + "<br /><b>Fatal error</b>", {"sitemap_lastmod": "2025-06-28"}, 5000),  # a tail after its end
        # a .xml.gz cut at 3/4 (one junk URL, no frontier row), and one cut inside its gzip trailer
        (
            gzip.compress(FULL.encode(), mtime=0)[: len(gzip.compress(FULL.encode(), mtime=0)) * 3 // 4],
            {"sitemap_lastmod": "2025-06-28"},
            5000,
        ),
        (gzip.compress(FULL.encode(), mtime=0)[:-4], {"sitemap_lastmod": "2025-06-28"}, 5000),
        # a text sitemap cut inside a letter of its last URL
        (
            f"http://{HOST}/news/1\nhttp://{HOST}/news/ح".encode()[:-1],
            {"sitemap_lastmod": "2025-06-28"},
            5000,
        ),
        # a body shorter than its Content-Length (DOWNLOAD_FAIL_ON_DATALOSS off)
        (FULL, {"sitemap_lastmod": "2025-06-28", "flags": ["dataloss"]}, 5000),
        (FULL, {"sitemap_lastmod": "2025-06-28", "sitemap_asked_at": None}, 5000),  # no time it was asked at
    ],
)
def test_a_child_not_read_whole_is_not_remembered(
    tmp_path: Path, body: str | bytes, meta: dict, max_urls: int
) -> None:
    events: list[object] = []
    spider = _spider(tmp_path, events, Catalogue(":memory:"), max_urls=max_urls)
    spider.session.record_failure = lambda *args: events.append("failure")
    meta = dict(meta)
    flags = meta.pop("flags", [])
    response = _response(f"http://{HOST}/sitemaps/2025-06.xml", body, **meta)
    response.flags.extend(flags)
    list(spider.parse_sitemap(response))
    assert not [e for e in events if isinstance(e, SitemapReadOp)]


def test_a_cut_document_is_not_complete_but_gives_what_it_has() -> None:
    doc = parse_sitemap(_cut(FULL, 0.45).encode(), f"http://{HOST}/s.xml")
    assert len(doc.links) == 2 and not doc.complete
    assert parse_sitemap(FULL.encode(), f"http://{HOST}/s.xml").complete
    packed = gzip.compress(FULL.encode())
    assert gunzip_whole(packed) == (FULL.encode(), True)
    assert gunzip_whole(packed[: len(packed) * 3 // 4])[1] is False
    assert gunzip_whole(packed + gzip.compress(b"<!-- -->")) == (FULL.encode() + b"<!-- -->", True)
    assert gunzip_whole(packed + b"\0\0\0") == (FULL.encode(), True)  # padding after the last member


def test_a_bare_date_lastmod_holds_all_day_so_a_child_read_that_morning_is_fetched_again(
    tmp_path: Path,
) -> None:
    """Read whole at 10:00 when the index said 2025-06-28; a URL added at 14:00 leaves the index's date as it
    was: the child is fetched again that day, and skipped only by a crawl that fetched it after the day ended."""
    catalogue = Catalogue(":memory:")
    events: list[object] = []
    spider = _spider(tmp_path, events, catalogue)
    child = f"http://{HOST}/sitemaps/2025-06-28.xml"
    list(spider.parse_sitemap(_response(child, _urlset(3), sitemap_lastmod="2025-06-28")))
    op = events[-1]
    assert isinstance(op, SitemapReadOp) and op.fetched_at == ASKED
    sitemaps.remember(catalogue.db, op.outlet, op.url, op.lastmod, op.config_digest, 1, op.fetched_at)
    outlet = spider.session.by_name["chronicle"]
    again = spider._sitemap(child, outlet, depth=1, lastmod="2025-06-28")
    assert again is not None and again.meta["sitemap_lastmod"] == "2025-06-28"
    # a time of day: changed after the fetch (the same day), or before it, in any spelling of UTC
    spider.sitemaps_read = {}
    assert spider._sitemap(child, outlet, depth=1, lastmod="2025-06-28T14:00:00+00:00") is not None
    assert spider._sitemap(child, outlet, depth=1, lastmod="2025-06-28T09:59:58Z") is None
    assert spider._sitemap(child, outlet, depth=1, lastmod="2025-06-28T11:00:00+02:00") is None
    assert spider._sitemap(child, outlet, depth=1, lastmod="2025-06-28T09:58Z") is None
    assert (
        spider._sitemap(child, outlet, depth=1, lastmod="2025-06-28T10:00Z") is not None
    )  # 10:00:59 at most
    assert (
        spider._sitemap(child, outlet, depth=1, lastmod="2025-06-28T06:00:00") is not None
    )  # no zone: local
    # fetched after the day ended, even in UTC-12: skipped from then on
    sitemaps.remember(
        catalogue.db, op.outlet, op.url, op.lastmod, op.config_digest, 2, "2025-06-29T12:00:01+00:00"
    )
    spider.sitemaps_read = {}
    assert spider._sitemap(child, outlet, depth=1, lastmod="2025-06-28") is None
    assert spider._sitemap(child, outlet, depth=1, lastmod="2025-06") is not None  # the month is not over


def test_the_end_of_a_lastmod_and_the_time_a_fetch_stands_for() -> None:
    assert w3c_end("2025") == datetime(2026, 1, 1, 12, tzinfo=UTC)
    assert w3c_end("2025-12") == datetime(2026, 1, 1, 12, tzinfo=UTC)
    assert w3c_end("2025-06-28") == datetime(2025, 6, 29, 12, tzinfo=UTC)
    assert (
        w3c_end("2025-06-28T10:00Z")
        == w3c_end("2025-06-28T12:00+02:00")
        == datetime(2025, 6, 28, 10, 1, tzinfo=UTC)
    )
    assert w3c_end("2025-06-28T10:00:05.25+00:00") == datetime(2025, 6, 28, 10, 0, 5, 250000, tzinfo=UTC)
    assert w3c_end("yesterday") is None and w3c_end(None) is None
    assert fetch_time(ASKED, None, None) == ASKED
    assert (
        fetch_time(ASKED, "Sat, 28 Jun 2025 10:05:00 GMT", None) == ASKED
    )  # the server's clock ahead of ours
    assert fetch_time(ASKED, "Sat, 28 Jun 2025 09:58:00 GMT", "60") == "2025-06-28T09:57:00+00:00"
    assert fetch_time(ASKED, "not a date", "x") == ASKED
    assert fetch_time(ASKED, "Sat, 28 Jun 99999999999 10:05:00 GMT", None) == ASKED  # past datetime's range


def test_an_index_is_read_newest_first_and_unchanged_children_cost_no_fetch(tmp_path: Path) -> None:
    catalogue = Catalogue(":memory:")
    base = f"http://{HOST}/sitemaps"
    fetched = "2025-02-05T00:00:00+00:00"
    sitemaps.remember(catalogue.db, "chronicle", f"{base}/b.xml", "2025-02-01", _digest(tmp_path), 1, fetched)
    sitemaps.remember(
        catalogue.db, "chronicle", f"{base}/c.xml", "2025-02-01", _digest(tmp_path), 1, fetched
    )  # changed since
    events: list[object] = []
    spider = _spider(tmp_path, events, catalogue)
    children = [
        ("a", "2025-01-01"),
        ("b", "2025-02-01"),
        ("c", "2025-03-01T10:00+02:00"),
        ("d", ""),
        ("e", "2025-03-01T09:00Z"),
        ("f", "yesterday"),  # no W3C date: fetched, never remembered nor compared
    ]  # c is 08:00 UTC
    index = "".join(
        f"<sitemap><loc>{base}/{name}.xml</loc>" + (f"<lastmod>{mod}</lastmod>" if mod else "") + "</sitemap>"
        for name, mod in children
    )
    index = f"<sitemapindex>{index}</sitemapindex>"
    requests = list(spider.parse_sitemap(_response(f"http://{HOST}/sitemap_index.xml", index)))
    assert [r.url.rsplit("/", 1)[1] for r in requests] == ["e.xml", "c.xml", "a.xml", "d.xml", "f.xml"]
    assert (
        requests[0].meta["sitemap_lastmod"] == "2025-03-01T09:00Z"
        and "sitemap_lastmod" not in requests[3].meta
        and "sitemap_lastmod" not in requests[4].meta
    )
    assert events == ["newsarchive/discovery/sitemap-unchanged"]
    # with the setting off, the unchanged one is fetched as well
    spider = _spider(tmp_path, [], catalogue, CRAWL_SITEMAP_SKIP_UNCHANGED="0")
    assert len(list(spider.parse_sitemap(_response(f"http://{HOST}/sitemap_index.xml", index)))) == 6


def _digest(tmp_path: Path) -> str:
    seeds = tmp_path / "digest.toml"
    seeds.write_text(
        f'[[outlet]]\nname = "chronicle"\nsitemaps = ["http://{HOST}/sitemap_index.xml"]\n'
        "article_urls = ['/news/']\n",
        encoding="utf-8",
    )
    return load_outlets(seeds)[0].digest()


def test_a_changed_outlet_config_reads_its_children_again(tmp_path: Path) -> None:
    """A child read under other ``article_urls`` may hold URLs that were no articles then."""
    catalogue = Catalogue(":memory:")
    sitemaps.remember(
        catalogue.db, "chronicle", "http://x/a.xml", "2025-01-01", "sha256:before", 1, "2025-01-02"
    )
    assert sitemaps.read_whole(catalogue.db, "chronicle", "sha256:before") == {"http://x/a.xml": "2025-01-02"}
    assert sitemaps.read_whole(catalogue.db, "chronicle", "sha256:after") == {}
    sitemaps.remember(
        catalogue.db, "chronicle", "http://x/a.xml", "2025-02-01", "sha256:after", 2, "2025-02-02"
    )
    assert sitemaps.read_whole(catalogue.db, "chronicle", "sha256:after") == {"http://x/a.xml": "2025-02-02"}


def test_newest_first_puts_undated_children_last_in_document_order() -> None:
    links = [
        Link("a", None, "2020-01-01"),
        Link("b"),
        Link("c", None, "2024-05"),
        Link("d", None, "junk"),
        Link("e", None, "2024-05-01T10:00+05:00"),
        Link("f", None, "2024-05-01T04:00Z"),
        Link("g", None, "2024"),
    ]
    assert [link.url for link in newest_first(links)] == ["e", "f", "c", "g", "a", "b", "d"]


def test_the_remembering_travels_to_a_scale_out_coordinator() -> None:
    op = SitemapReadOp(
        "http://x/a.xml", "chronicle", "2025-01-01", "sha256:abc", 3, "2025-01-02T00:00:00+00:00"
    )
    assert decode(encode(op)) == (op, None)


def test_m015_on_an_m014_catalogue_and_an_older_copy_a_worker_reads(tmp_path: Path) -> None:
    import sqlite_utils

    path = tmp_path / "catalogue.db"
    db = sqlite_utils.Database(path)
    migrations.apply(db, stop_before="m015_sitemap_reads")
    db.close()
    old = Catalogue.read_only(path)
    try:
        assert sitemaps.read_whole(old.db, "chronicle", "sha256:x") == {}  # no table: every child is fetched
    finally:
        old.close()
    with Catalogue(path) as cat:
        assert [m.name for m in migrations.pending(cat.db)] == []
        sitemaps.remember(cat.db, "chronicle", "http://x/a.xml", "2025-01-01", "sha256:x", None, "2025-01-02")
        assert sitemaps.read_whole(cat.db, "chronicle", "sha256:x") == {"http://x/a.xml": "2025-01-02"}

"""robots.txt Crawl-delay (crawler/fetch/crawl_delay.py, crawler/netguard.py, crawler/middlewares.py): honoured up to
CRAWL_ROBOTS_DELAY_MAX, one request at a time, in an everyday crawl (AutoThrottle on) and in a back-fill.

The end-to-end crawls run the real CLI against a loopback site whose robots.txt asks ``Crawl-delay: 0.5``
(gaps long enough to tell apart, short enough to keep each crawl short) of an outlet configured with
``download_delay = 0`` and ``concurrency = 4``; the server records when each request arrives and when
its answer's body starts to be written (the earliest the crawler can have it), so the gaps are measured where the site
sees them and never come out longer than the crawler waited.
"""

from __future__ import annotations

import math
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import SimpleNamespace

import pytest
from helpers import crawl_cli
from protego import Protego

from archive.errors import ConfigError
from crawler.fetch.crawl_delay import SlotFloor, floor_slot, jitter_within, robots_delay, stale_download_slot
from crawler.fetch.limits import Limits

HOST = "127.0.0.81"
BARE_HOST = "127.0.0.82"  # the outlet's other host, which redirects every page to HOST
ARTICLES = 2
SLOW = "/a/2"  # answers after SLOW_SECONDS: with 4 at once, the next request would overlap it
SLOW_SECONDS = 0.5  # 4 at once would send the next request in the same downloader pass, milliseconds later


class Site(ThreadingHTTPServer):
    """An outlet whose robots.txt asks a Crawl-delay (or, with ``redirect_to``, a bare host with no robots.txt that
    redirects every page there); it logs (path, arrived, answered) of every request."""

    daemon_threads = True

    def __init__(self, robots: str, host: str = HOST, redirect_to: str | None = None):
        super().__init__((host, 0), Handler)
        self.host = host
        self.robots = robots.encode()
        self.redirect_to = redirect_to
        self.log: list[tuple[str, float, float]] = []
        self.in_flight = self.most_in_flight = 0
        self.lock = threading.Lock()

    @property
    def base(self) -> str:
        return f"http://{self.host}:{self.server_address[1]}"


class Handler(BaseHTTPRequestHandler):
    server: Site

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        site = self.server
        arrived = answered = time.monotonic()
        with site.lock:
            site.in_flight += 1
            site.most_in_flight = max(site.most_in_flight, site.in_flight)
        try:
            if site.redirect_to:
                if self.path == "/robots.txt":
                    self.send_error(404)
                    return
                self.send_response(301)
                self.send_header("Location", site.redirect_to + self.path)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            if self.path == "/robots.txt":
                body, kind = site.robots, "text/plain"
            elif self.path == "/":
                links = "".join(f'<li><a href="/a/{i}">خبر {i}</a></li>' for i in range(1, ARTICLES + 1))
                body, kind = (
                    f"<html><body><ul>{links}</ul></body></html>".encode(),
                    "text/html; charset=utf-8",
                )
            elif self.path.startswith("/a/"):
                if self.path == SLOW:
                    time.sleep(SLOW_SECONDS)
                text = "<p>اجتماع في طرابلس لبحث الأوضاع في ليبيا بعد الاشتباكات الأخيرة في العاصمة.</p>" * 5
                body = f"<html><head><title>خبر</title></head><body><article><h1>خبر</h1>{text}</article></body></html>"
                body, kind = body.encode(), "text/html; charset=utf-8"
            else:
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            answered = time.monotonic()  # before the body: the crawler cannot have had the answer any sooner
            self.wfile.write(body)
            self.wfile.flush()
        finally:
            with site.lock:
                site.in_flight -= 1
                site.log.append((self.path, arrived, answered))

    def log_message(self, *args: object) -> None:
        pass


def serve(robots: str, host: str = HOST, redirect_to: str | None = None) -> Site:
    site = Site(robots, host, redirect_to)
    # a short poll: shutdown() waits for serve_forever's next look at its flag (0.5 s by default)
    threading.Thread(target=site.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    return site


def seeds(tmp_path: Path, start: Site, site: Site) -> Path:
    path = tmp_path / "seeds.toml"
    path.write_text(
        f"""
[[outlet]]
name = "slowsite"
start_urls = ["{start.base}/"]
allowed_domains = ["{start.host}", "{site.host}"]
article_urls = ['/a/\\d+$']
topic_filter = false
download_delay = 0.0
concurrency = 4
""",
        encoding="utf-8",
    )
    return path


def crawl(tmp_path: Path, robots: str, *args: str, bare: Site | None = None) -> tuple[Site, str]:
    """One CLI crawl of the site (started from ``bare`` when given); the site (with its log) and the output."""
    site = serve(robots)
    if bare is not None:
        bare.redirect_to = site.base
    try:
        proc = crawl_cli(seeds(tmp_path, bare or site, site), tmp_path / "data", *args, timeout=90)
    finally:
        for server in (site, bare):
            if server is not None:
                server.shutdown()
                server.server_close()
    assert proc.returncode == 0, proc.stderr[-3000:]
    return site, proc.stdout + proc.stderr


def gaps(site: Site) -> list[float]:
    """Seconds from each answer (its body's first byte) to the arrival of the next request, as the server saw them."""
    ordered = sorted(site.log, key=lambda entry: entry[1])
    return [arrived - left for (_, _, left), (_, arrived, _) in zip(ordered, ordered[1:], strict=False)]


def assert_paced(site: Site, delay: float) -> None:
    """Each request arrived ``delay`` seconds (10 ms for clocks) after the answer to the one before: one at a time."""
    paths = [path for path, _, _ in sorted(site.log, key=lambda entry: entry[1])]
    assert paths[0] == "/robots.txt" and len(paths) == 2 + ARTICLES, paths
    assert min(gaps(site)) >= delay - 0.01, (gaps(site), paths)
    assert site.most_in_flight == 1, paths


def test_everyday_crawl_waits_the_crawl_delay_one_request_at_a_time(tmp_path):
    """download_delay 0, concurrency 4, AutoThrottle on (it would take the slot down to DOWNLOAD_DELAY = 0)."""
    site, out = crawl(tmp_path, "User-agent: *\nCrawl-delay: 0.5\n", "-s", "AUTOTHROTTLE_ENABLED=True")
    assert_paced(site, 0.5)
    assert "asks a Crawl-delay of 0.5 s" in out
    assert "'newsarchive/robots/crawl_delay/slowsite': 0.5" in out


def test_backfill_obeys_the_crawl_delay(tmp_path):
    """A back-fill's 0.25 s and 8 at once give way to the robots.txt's 0.5 s and one at a time."""
    site, out = crawl(
        tmp_path,
        "User-agent: newsarchive\nCrawl-delay: 0.5\n\nUser-agent: *\nCrawl-delay: 0.1\n",
        "--backfill",
    )
    assert_paced(site, 0.5)
    assert "back-fill" in out


def test_absurd_crawl_delay_is_capped_and_the_crawl_ends(tmp_path):
    """Crawl-delay: 10^9 under CRAWL_ROBOTS_DELAY_MAX=0.5: half a second apart, a warning, the crawl finishes."""
    started = time.monotonic()
    site, out = crawl(
        tmp_path, "User-agent: *\nCrawl-delay: 1000000000\n", "-s", "CRAWL_ROBOTS_DELAY_MAX=0.5"
    )
    assert_paced(site, 0.5)
    assert "honouring 0.5 s (CRAWL_ROBOTS_DELAY_MAX)" in out
    assert time.monotonic() - started < 60


def test_a_redirect_from_another_host_is_paced_on_the_sites_own_slot(tmp_path):
    """The outlet's bare host redirects to the site, whose robots.txt asks Crawl-delay: 0.5: the hop keeps the
    bare host's download slot in Scrapy (scrapy/scrapy#2141), so the floor once went there and the articles 4
    at once."""
    bare = serve("", BARE_HOST, redirect_to="http://unset.invalid")
    site, out = crawl(tmp_path, "User-agent: *\nCrawl-delay: 0.5\n", bare=bare)
    assert [path for path, _, _ in sorted(bare.log, key=lambda entry: entry[1])] == ["/robots.txt", "/"]
    assert_paced(site, 0.5)
    assert f"robots.txt of {HOST} asks a Crawl-delay of 0.5 s" in out


# ---- the rules, without a crawl


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Crawl-delay: 2", 2.0),
        ("Crawl-delay: 0.5", 0.5),
        ("Crawl-delay: 1000000000", 60.0),  # capped, never waited out
        ("Crawl-delay: 1e400", None),  # overflows to inf: unreadable
        ("Crawl-delay: -5", None),
        ("Crawl-delay: nan", None),
        ("Crawl-delay: inf", None),
        ("Crawl-delay: ten", None),
        ("Crawl-delay: 0", None),
        ("Request-rate: 1/10s", 10.0),
        ("Request-rate: 6/1m", 10.0),
        ("Crawl-delay: 3\nRequest-rate: 1/5s", 5.0),  # the slower of the two
        ("", None),
    ],
)
def test_robots_delay_from_protego(line, expected):
    rp = Protego.parse(f"User-agent: *\n{line}\n")
    wanted = robots_delay(rp.crawl_delay("newsarchive"), rp.request_rate("newsarchive"), cap=60.0)
    assert (wanted.applied if wanted else None) == expected


@pytest.mark.parametrize("value", [float("nan"), float("inf"), -1.0, "text", object(), True, None, 0])
def test_robots_delay_ignores_what_other_parsers_might_hand_on(value):
    assert robots_delay(value, cap=60.0) is None


def test_robots_delay_cap_zero_turns_it_off_and_capping_is_said():
    assert robots_delay(10.0, cap=0.0) is None
    wanted = robots_delay(1e9, cap=60.0)
    assert wanted is not None and wanted.capped and wanted.asked == 1e9 and wanted.applied == 60.0
    assert not robots_delay(10.0, cap=60.0).capped


def test_floor_slot_raises_delay_and_narrows_jitter_so_no_wait_is_shorter():
    slot = SimpleNamespace(delay=0.25, concurrency=8, jitter=0.5)
    floor_slot(slot, SlotFloor(delay=2.0, jitter=0.5))
    assert (slot.delay, slot.concurrency, slot.jitter) == (2.0, 1, 0.0)
    slot.delay = 10.0  # an outlet slower than the site asks keeps its own delay and most of its jitter
    floor_slot(slot, SlotFloor(delay=2.0, jitter=0.5))
    assert (slot.delay, slot.jitter) == (10.0, 0.5)
    slot.delay = 3.0  # AutoThrottle or a 429 moved it: waits stay in [2, 4]
    floor_slot(slot, SlotFloor(delay=2.0, jitter=0.5))
    assert math.isclose(slot.delay * (1 - slot.jitter), 2.0)
    assert jitter_within(0.5, 0.0, 2.0) == 0.0


def test_autothrottle_cannot_take_the_slot_below_the_crawl_delay():
    from scrapy.utils.test import get_crawler

    from crawler.middlewares import RobotsAwareAutoThrottle
    from crawler.netguard import slot_floors

    crawler = get_crawler(settings_dict={"AUTOTHROTTLE_ENABLED": True, "DOWNLOAD_DELAY": 0.0})
    slot = SimpleNamespace(delay=2.0, concurrency=1, jitter=0.0, transferring=set())
    crawler.engine = SimpleNamespace(downloader=SimpleNamespace(slots={"site": slot}, _delay=0.0))
    throttle = RobotsAwareAutoThrottle.from_crawler(crawler)
    throttle.mindelay, throttle.maxdelay = 0.0, 60.0
    request = SimpleNamespace(meta={"download_slot": "site", "download_latency": 0.001})
    response = SimpleNamespace(status=200, body=b"")
    throttle._response_downloaded(response, request, None)
    assert slot.delay < 2.0  # a slot without a Crawl-delay: AutoThrottle's to move
    slot_floors(crawler)["site"] = SlotFloor(delay=2.0, jitter=0.5)
    throttle._response_downloaded(response, request, None)
    assert slot.delay == 2.0 and slot.concurrency == 1


@pytest.mark.parametrize("value", ["-1", "nan", "inf", "sixty"])
def test_crawl_robots_delay_max_refuses_nonsense_naming_the_key(value):
    with pytest.raises(ConfigError) as err:
        Limits.from_settings({"CRAWL_ROBOTS_DELAY_MAX": value})
    assert "CRAWL_ROBOTS_DELAY_MAX" in str(err.value) and "-s CRAWL_ROBOTS_DELAY_MAX=" in str(err.value)


def test_crawl_robots_delay_max_default_and_off():
    assert Limits.from_settings({}).robots_delay_max == 60.0
    assert Limits.from_settings({"CRAWL_ROBOTS_DELAY_MAX": "0"}).robots_delay_max == 0.0


@pytest.mark.parametrize(
    ("url", "slot", "hops", "stale"),
    [
        ("http://b.test/x", "a.test", ["http://a.test/"], True),
        ("http://b.test/x", "a.test", ["http://b.test/", "http://a.test/"], True),  # the last hop counts
        ("http://A.test:8080/x", "a.test", ["http://a.test/"], False),  # one host name: one slot
        ("https://a.test/x", "a.test", ["http://a.test/"], False),
        ("http://b.test/x", "mine", None, False),  # set by hand, no redirect: kept
        ("http://b.test/x", None, ["http://a.test/"], False),  # none to drop
        ("http://b.test/x", "a.test", [], False),
        ("http://b.test/x", "a.test", ["http://[::1/"], False),  # unparsable: left as Scrapy has it
    ],
)
def test_stale_download_slot_only_for_a_hop_to_another_host(url, slot, hops, stale):
    meta = {"download_slot": slot} if slot else {}
    if hops is not None:
        meta["redirect_urls"] = hops
    assert stale_download_slot(url, meta) is stale


def test_a_429_under_a_low_retry_after_max_keeps_the_crawl_delay():
    """CRAWL_RETRY_AFTER_MAX=1: a 429 sets the slot's delay to 1 s; a slot held to Crawl-delay: 2 keeps 2 s."""
    from scrapy import Request
    from scrapy.http import Response
    from scrapy.utils.test import get_crawler

    from crawler.netguard import ResponseGuardMiddleware, slot_floors

    crawler = get_crawler(settings_dict={"CRAWL_RETRY_AFTER_MAX": 1.0})
    held, free = (SimpleNamespace(delay=0.25, concurrency=1, jitter=0.0, latercall=None) for _ in range(2))
    crawler.engine = SimpleNamespace(downloader=SimpleNamespace(slots={"held": held, "free": free}))
    slot_floors(crawler)["held"] = SlotFloor(delay=2.0, jitter=0.5)
    guard = ResponseGuardMiddleware.from_crawler(crawler)
    for key in ("held", "free"):
        request = Request("http://site.test/a", meta={"download_slot": key})
        guard._back_off(request, Response(request.url, status=429))
    assert (held.delay, held.concurrency, held.jitter) == (2.0, 1, 0.0)
    assert free.delay == 1.0


def test_autothrottle_cannot_take_the_slot_below_the_outlets_own_delay():
    # an outlet configured at 2 s was fetched 1.2 s apart: AutoThrottle's floor is the global DOWNLOAD_DELAY (1 s)
    from scrapy.utils.test import get_crawler

    from crawler.middlewares import RobotsAwareAutoThrottle

    crawler = get_crawler(settings_dict={"AUTOTHROTTLE_ENABLED": True, "DOWNLOAD_DELAY": 1.0,
                                         "DOWNLOAD_SLOTS": {"polite.test": {"delay": 2.0, "concurrency": 1},
                                                            "brisk.test": {"delay": 0.0, "concurrency": 2}}})
    slots = {key: SimpleNamespace(delay=2.0, concurrency=1, jitter=0.5, transferring=set())
             for key in ("polite.test", "brisk.test")}
    crawler.engine = SimpleNamespace(downloader=SimpleNamespace(slots=slots, _delay=1.0))
    throttle = RobotsAwareAutoThrottle.from_crawler(crawler)
    throttle.mindelay, throttle.maxdelay = 1.0, 60.0
    response = SimpleNamespace(status=200, body=b"")
    for key in slots:
        for _ in range(5):  # a fast site: AutoThrottle lowers the delay after each answer
            throttle._response_downloaded(response, SimpleNamespace(meta={"download_slot": key,
                                                                          "download_latency": 0.001}), None)
    assert slots["polite.test"].delay == 2.0
    assert slots["brisk.test"].delay < 2.0  # an outlet without a delay of its own is AutoThrottle's to move

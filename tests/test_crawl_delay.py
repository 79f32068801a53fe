"""robots.txt Crawl-delay (crawler/fetch/crawl_delay.py, crawler/netguard.py, crawler/middlewares.py): honoured up to
CRAWL_ROBOTS_DELAY_MAX, one request at a time, in an everyday crawl (AutoThrottle on) and in a back-fill.

The end-to-end crawls run the real CLI against a loopback site whose robots.txt asks ``Crawl-delay: 2`` of an outlet
configured with ``download_delay = 0`` and ``concurrency = 4``; the server records when each request arrives and
leaves, so the gaps are measured where the site sees them.
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
from crawler.fetch.crawl_delay import SlotFloor, floor_slot, jitter_within, robots_delay
from crawler.fetch.limits import Limits

HOST = "127.0.0.81"
ARTICLES = 2
SLOW = "/a/2"  # answers after SLOW_SECONDS: with 4 at once, the next request would overlap it
SLOW_SECONDS = 2.5


class Site(ThreadingHTTPServer):
    """An outlet whose robots.txt asks a Crawl-delay; it logs (path, arrived, left) of every request."""

    daemon_threads = True

    def __init__(self, robots: str):
        super().__init__((HOST, 0), Handler)
        self.robots = robots.encode()
        self.log: list[tuple[str, float, float]] = []
        self.in_flight = self.most_in_flight = 0
        self.lock = threading.Lock()

    @property
    def base(self) -> str:
        return f"http://{HOST}:{self.server_address[1]}"


class Handler(BaseHTTPRequestHandler):
    server: Site

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        site = self.server
        arrived = time.monotonic()
        with site.lock:
            site.in_flight += 1
            site.most_in_flight = max(site.most_in_flight, site.in_flight)
        try:
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
            self.wfile.write(body)
            self.wfile.flush()
        finally:
            with site.lock:
                site.in_flight -= 1
                site.log.append((self.path, arrived, time.monotonic()))

    def log_message(self, *args: object) -> None:
        pass


def serve(robots: str) -> Site:
    site = Site(robots)
    threading.Thread(target=site.serve_forever, daemon=True).start()
    return site


def seeds(tmp_path: Path, site: Site) -> Path:
    path = tmp_path / "seeds.toml"
    path.write_text(
        f"""
[[outlet]]
name = "slowsite"
start_urls = ["{site.base}/"]
article_urls = ['/a/\\d+$']
topic_filter = false
download_delay = 0.0
concurrency = 4
""",
        encoding="utf-8",
    )
    return path


def crawl(tmp_path: Path, robots: str, *args: str) -> tuple[Site, str]:
    """One CLI crawl of the site; the site (with its log) and the crawl's output."""
    site = serve(robots)
    try:
        proc = crawl_cli(seeds(tmp_path, site), tmp_path / "data", *args, timeout=90)
    finally:
        site.shutdown()
        site.server_close()
    assert proc.returncode == 0, proc.stderr[-3000:]
    return site, proc.stdout + proc.stderr


def gaps(site: Site) -> list[float]:
    """Seconds from the end of each answer to the arrival of the next request, as the server saw them."""
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
    site, out = crawl(tmp_path, "User-agent: *\nCrawl-delay: 2\n", "-s", "AUTOTHROTTLE_ENABLED=True")
    assert_paced(site, 2.0)
    assert "asks a Crawl-delay of 2 s" in out
    assert "'newsarchive/robots/crawl_delay/slowsite': 2.0" in out


def test_backfill_obeys_the_crawl_delay(tmp_path):
    """A back-fill's 0.25 s and 8 at once give way to the robots.txt's 2 s and one at a time."""
    site, out = crawl(
        tmp_path, "User-agent: newsarchive\nCrawl-delay: 2\n\nUser-agent: *\nCrawl-delay: 0.1\n", "--backfill"
    )
    assert_paced(site, 2.0)
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

"""Politeness across worker processes: the outlet lease and the shared rate limiter on a real redis-server."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from redisserver import redis_server_fixture  # noqa: F401  (the redis_server fixture)

from crawler.scaleout.connection import connect
from crawler.scaleout.politeness import RateLimiter, outlet_lease


class Recorder(BaseHTTPRequestHandler):
    """Notes when each request arrives (the server-side request log)."""

    arrivals: list[float] = []

    def do_GET(self):
        type(self).arrivals.append(time.time())  # the wall clock, which Redis's slot times (at_ms) also read
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


@pytest.fixture
def site():
    Recorder.arrivals = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/", Recorder.arrivals
    server.shutdown()
    server.server_close()


FETCHER = textwrap.dedent("""
    import sys, urllib.request
    from crawler.scaleout.connection import connect
    from crawler.scaleout.politeness import RateLimiter
    url, redis_url, delay, concurrency, count = sys.argv[1], sys.argv[2], float(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
    limiter = RateLimiter(connect(redis_url, give_up_after=10))
    for _ in range(count):
        slot = limiter.acquire("outlet-a", delay, concurrency)
        urllib.request.urlopen(url, timeout=10).read()
        limiter.done("outlet-a", slot)
        print(slot.at_ms, flush=True)
""")


def run_fetchers(site_url: str, redis_url: str, *, processes: int, delay: float, concurrency: int,
                 count: int) -> list[int]:
    procs = [subprocess.Popen([sys.executable, "-c", FETCHER, site_url, redis_url, str(delay), str(concurrency),
                               str(count)], stdout=subprocess.PIPE, text=True) for _ in range(processes)]
    granted: list[int] = []
    for proc in procs:
        out, _ = proc.communicate(timeout=120)
        assert proc.returncode == 0
        granted += [int(line) for line in out.split()]
    return sorted(granted)


def test_processes_sharing_an_outlet_get_slots_no_faster_than_its_delay(redis_server, site):
    url, arrivals = site
    delay, processes, count = 0.25, 3, 4
    granted = run_fetchers(url, redis_server.url, processes=processes, delay=delay, concurrency=1, count=count)
    n = processes * count
    assert len(granted) == len(arrivals) == n
    # the slots, on the Redis clock: never closer than the delay
    assert min(b - a for a, b in zip(granted, granted[1:])) >= delay * 1000
    # the site's own request log: no request came before its slot (three unpaced processes would send three at
    # once; one slot in flight at a time keeps requests in slot order), the whole run took at least (n - 1) delays
    # and no two requests came anywhere near together, less the jitter between a slot and its request (measured
    # here: on a machine loaded by parallel test workers two arrivals came 0.09 s apart, slots 0.25 s apart)
    arrivals.sort()
    late = [arrival - at_ms / 1000 for arrival, at_ms in zip(arrivals, granted)]
    assert min(late) >= -0.005, late  # Redis's clock is in whole milliseconds
    jitter = max(late) - min(late)
    assert arrivals[-1] - arrivals[0] >= (n - 1) * delay * 0.95 - jitter
    assert min(b - a for a, b in zip(arrivals, arrivals[1:])) >= delay * 0.5 - jitter, (late, arrivals)


def test_concurrency_caps_fetches_in_flight_across_processes(redis_server):
    limiter = RateLimiter(connect(redis_server.url, give_up_after=5))
    first = limiter.reserve("outlet-b", 0, 2)
    second = limiter.reserve("outlet-b", 0, 2)
    third = limiter.reserve("outlet-b", 0, 2)
    assert first.granted and second.granted and not third.granted
    limiter.done("outlet-b", first)
    assert limiter.reserve("outlet-b", 0, 2).granted


def test_an_abandoned_slot_frees_itself_after_its_ttl(redis_server):
    # a 1 s ttl (0.3 s left too little time for the second call on a machine loaded by parallel test workers)
    limiter = RateLimiter(connect(redis_server.url, give_up_after=5), slot_ttl=1.0)
    assert limiter.reserve("outlet-c", 0, 1).granted  # never reported done: its worker died
    assert not limiter.reserve("outlet-c", 0, 1).granted
    time.sleep(1.1)
    assert limiter.reserve("outlet-c", 0, 1).granted


def test_a_back_off_holds_every_worker(redis_server):
    one = RateLimiter(connect(redis_server.url, give_up_after=5))
    other = RateLimiter(connect(redis_server.url, give_up_after=5))
    started = time.monotonic()
    one.back_off("outlet-d", 1.0)  # worker one saw a 429 with Retry-After: 1
    one.back_off("outlet-d", 0.2)  # a shorter one later does not shorten it
    slot = other.reserve("outlet-d", 0.1, 4)
    # the back-off's time left, less what these calls took (0.8 assumed they took 0.2 s at most, and a machine
    # loaded by parallel test workers took more); the 0.2 s one would leave 0.2 s at most
    took = time.monotonic() - started
    assert slot.granted and 1.0 - took - 0.05 <= slot.wait <= 1.0, (slot.wait, took)


def test_one_worker_holds_an_outlet_lease_until_it_releases_or_stops_renewing(redis_server):
    link = connect(redis_server.url, give_up_after=5)
    # a 1.5 s lease, renewed 0.8 s after it was taken and checked 0.8 s later: 0.7 s to spare each time (a 0.4 s
    # lease with 0.15 s to spare was too tight for a machine loaded by parallel test workers)
    a, b = outlet_lease(link, "outlet-e", "worker-a", ttl=1.5), outlet_lease(link, "outlet-e", "worker-b", ttl=1.5)
    assert a.acquire()
    assert a.acquire()  # taking it again (a retried call) keeps it
    assert not b.acquire()
    time.sleep(0.8)
    assert a.renew()
    time.sleep(0.8)  # 1.6 s after the first take, but renewed: still a's
    assert not b.acquire()
    assert not b.release()  # only the holder may release it
    assert a.holder() == a.token
    assert a.release()
    assert b.acquire()
    time.sleep(1.6)  # b stops renewing: the lease expires
    assert not b.renew()
    assert a.acquire()

"""The Redis parts together, as part B will wire them: a coordinator, three worker processes, a loopback site.

The workers here are small loops, not Scrapy (part B puts Scrapy behind the same calls): they take outlet items
(discovery: fetch the outlet's index and publish its links) and URL items (fetch through the shared rate
limiter, publish a capture row). The coordinator applies results to a real SQLite database, queueing the
discovered URLs it has not seen. One worker is SIGKILLed holding an item.
"""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from redisserver import redis_server_fixture  # noqa: F401  (the redis_server fixture)

from crawler.scaleout.connection import connect
from crawler.scaleout.keys import CrawlKeys
from crawler.scaleout.results import ResultsChannel, apply_results
from crawler.scaleout.workqueue import WorkQueue

ARTICLES = 8  # per outlet
DELAY = 0.15  # each outlet's download_delay
LEASE = 2.0


class Site(BaseHTTPRequestHandler):
    """/<outlet>/ lists /<outlet>/1 .. /<outlet>/8 (one of them twice); every request is logged with its time."""

    log: list[tuple[str, float]] = []

    def do_GET(self):
        type(self).log.append((self.path, time.monotonic()))
        outlet = self.path.strip("/").split("/")[0]
        body = (" ".join(f"/{outlet}/{i}" for i in [*range(1, ARTICLES + 1), 1]) if self.path.endswith("/")
                else f"article {self.path}")
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body.encode())

    def log_message(self, *args):
        pass


WORKER = textwrap.dedent("""
    import json, os, signal, sys, time, urllib.request, uuid
    from crawler.scaleout.connection import connect
    from crawler.scaleout.keys import CrawlKeys
    from crawler.scaleout.politeness import RateLimiter
    from crawler.scaleout.results import ResultsChannel
    from crawler.scaleout.workqueue import WorkQueue
    site, redis_url, name, hang_after, delay, lease = sys.argv[1:7]
    link = connect(redis_url, give_up_after=10)
    keys = CrawlKeys("crawl-flow")
    work, results, limiter = WorkQueue(link, keys, lease_timeout=float(lease)), ResultsChannel(link, keys), RateLimiter(link)
    held = []
    def stop(signum, frame):
        for item in held:
            work.release(item, name)
        sys.exit(0)
    signal.signal(signal.SIGTERM, stop)
    offset, urls_taken = 0, 0
    def fetch(outlet, path):
        slot = limiter.acquire(outlet, float(delay), 1)
        try:
            return urllib.request.urlopen(site + path, timeout=10).read().decode()
        finally:
            limiter.done(outlet, slot)
    while True:
        item = work.take(name, block=0.2)
        if item is None:
            continue
        held.append(item)
        outlet = item.item["outlet"]
        if item.item["kind"] == "outlet":
            links = fetch(outlet, f"/{outlet}/").split()
            results.publish([{"kind": "discovered", "outlet": outlet, "url": u} for u in links])
        else:
            urls_taken += 1
            if urls_taken == int(hang_after):
                print("hanging", flush=True)
                time.sleep(600)  # stuck mid-fetch until SIGKILL
            body = fetch(outlet, item.item["url"])
            results.publish([{"kind": "capture", "outlet": outlet, "url": item.item["url"], "worker": name,
                              "warc_record_id": f"<urn:uuid:{uuid.uuid4()}>",
                              "warc_file": f"NEWSARCHIVE-{name}-00000.warc.gz", "warc_offset": offset,
                              "length": len(body)}])
            offset += len(body) + 100
        work.finish(item, name)
        held.remove(item)
""")


def coordinator_apply(db: sqlite3.Connection, work: WorkQueue):
    """One transaction per batch; discovered URLs not seen before are queued after the commit."""
    db.executescript("""
        CREATE TABLE frontier (url TEXT PRIMARY KEY, outlet TEXT);
        CREATE TABLE captures (warc_record_id TEXT PRIMARY KEY, url TEXT, outlet TEXT, worker TEXT,
                               warc_file TEXT, warc_offset INTEGER, UNIQUE (warc_file, warc_offset));""")

    def apply(batch):
        new = []
        with db:
            for r in batch:
                if r["kind"] == "discovered":
                    if db.execute("INSERT OR IGNORE INTO frontier VALUES (?, ?)", [r["url"], r["outlet"]]).rowcount:
                        new.append(r)
                else:
                    db.execute("INSERT INTO captures VALUES (:warc_record_id, :url, :outlet, :worker, :warc_file,"
                               " :warc_offset) ON CONFLICT DO NOTHING", r)
        work.put([(f"url:{r['url']}", {"kind": "url", "outlet": r["outlet"], "url": r["url"]}) for r in new])
    return apply


def test_three_workers_one_killed_every_article_once_and_each_outlets_delay_held(redis_server, tmp_path):
    Site.log = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Site)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    site = f"http://127.0.0.1:{server.server_port}"
    link = connect(redis_server.url, give_up_after=10)
    keys = CrawlKeys("crawl-flow")
    work, results = WorkQueue(link, keys, lease_timeout=LEASE), ResultsChannel(link, keys)
    work.put([(f"outlet:{o}", {"kind": "outlet", "outlet": o}) for o in ("a", "b")])
    def worker(i: int, hang_after: int) -> subprocess.Popen[str]:
        return subprocess.Popen([sys.executable, "-c", WORKER, site, redis_server.url, f"w{i}", str(hang_after),
                                 str(DELAY), str(LEASE)], stdout=subprocess.PIPE, text=True)
    db = sqlite3.connect(tmp_path / "catalogue.db", check_same_thread=False)
    apply = coordinator_apply(db, work)
    coordinator = threading.Thread(target=apply_results, args=(results, apply),
                                   kwargs={"until": lambda: work.outstanding() == 0, "block": 0.2})
    workers = [worker(0, 1)]  # w0 alone first: it discovers, then hangs holding its first article
    try:
        started = time.monotonic()
        coordinator.start()
        assert workers[0].stdout.readline().strip() == "hanging"
        workers[0].send_signal(signal.SIGKILL)
        assert workers[0].wait(5) == -signal.SIGKILL
        workers += [worker(1, 0), worker(2, 0)]
        coordinator.join(120)
        elapsed = time.monotonic() - started
        assert not coordinator.is_alive()
        for proc in workers[1:]:
            proc.send_signal(signal.SIGTERM)
            assert proc.wait(10) == 0
    finally:
        for proc in workers:
            proc.kill()
        server.shutdown()
        server.server_close()
    expected = {f"/{o}/{i}" for o in "ab" for i in range(1, ARTICLES + 1)}
    captured = [row[0] for row in db.execute("SELECT url FROM captures")]
    assert sorted(captured) == sorted(expected)  # every article once, the killed worker's one included
    assert elapsed >= LEASE  # the killed worker's item waited for its lease
    assert {row[0] for row in db.execute("SELECT worker FROM captures")} == {"w1", "w2"}
    assert work.outstanding() == 0 and results.backlog() == 0
    for outlet in "ab":
        times = sorted(t for path, t in Site.log if path.startswith(f"/{outlet}/"))
        assert len(times) == ARTICLES + 1  # the index and each article once
        assert min(b - a for a, b in zip(times, times[1:])) >= DELAY * 0.5
        assert times[-1] - times[0] >= ARTICLES * DELAY * 0.95

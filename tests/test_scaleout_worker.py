"""crawler.scaleout.worker: the worker loop with a real redis-server and real child processes (not Scrapy here).

The child command stands in for the crawl of one item: the loop's job is leases, finish, hand-back and repair.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
import time
from datetime import UTC, datetime

from redisserver import redis_server_fixture  # noqa: F401  (the redis_server fixture)

from archive.records import Exchange
from archive.warc.writer import WarcArchive
from crawler.scaleout.connection import connect
from crawler.scaleout.keys import ACTIVE_CRAWLS, CrawlKeys, outlet_lease_key, worker_key
from crawler.scaleout.worker import Worker
from crawler.scaleout.workqueue import WorkQueue

CRAWL = "crawl-1"


def _queue_one(link) -> WorkQueue:
    work = WorkQueue(link, CrawlKeys(CRAWL), lease_timeout=3)
    work.put([("outlet:portal", {"kind": "outlet", "outlet": "portal", "crawl_uid": CRAWL, "crawl_id": 1})])
    link.client.zadd(ACTIVE_CRAWLS, {CRAWL: time.time()})
    return work


def _worker(link, tmp_path, code: str) -> Worker:
    return Worker(link, "t1", lambda item: [sys.executable, "-c", code], lease_timeout=3,
                  warc_dir=tmp_path / "warc", warc_prefix="NEWSARCHIVE", poll=0.1)


def _stop_when(condition, worker_pid: int) -> threading.Thread:
    def watch() -> None:
        deadline = time.monotonic() + 20
        while not condition() and time.monotonic() < deadline:
            time.sleep(0.05)
        os.kill(worker_pid, signal.SIGTERM)
    thread = threading.Thread(target=watch, daemon=True)
    thread.start()
    return thread


def test_a_crawled_item_is_finished(redis_server, tmp_path):
    link = connect(redis_server.url, give_up_after=5)
    work = _queue_one(link)
    worker = _worker(link, tmp_path, "import sys; sys.exit(0)")
    _stop_when(lambda: worker.finished == 1, os.getpid())
    assert worker.run() == 1
    assert work.outstanding() == 0
    assert not link.client.exists(worker_key("t1"), outlet_lease_key("portal"))  # both leases let go


def test_sigterm_stops_the_child_and_hands_the_item_back(redis_server, tmp_path):
    link = connect(redis_server.url, give_up_after=5)
    work = _queue_one(link)
    flag = tmp_path / "stopped"
    child = ("import signal, sys, time\n"
             f"signal.signal(signal.SIGTERM, lambda *a: (open({str(flag)!r}, 'w').close(), sys.exit(0)))\n"
             f"open({str(tmp_path / 'started')!r}, 'w').close()\n"
             "time.sleep(30)\n")
    worker = _worker(link, tmp_path, child)
    _stop_when(lambda: (tmp_path / "started").exists(), os.getpid())
    started = time.monotonic()
    assert worker.run() == 0
    assert flag.exists(), "the child crawl got no SIGTERM"
    assert time.monotonic() - started < 10
    # handed back, not left to its lease: another worker takes it at once, as a fresh delivery
    again = work.take("t2", block=0)
    assert again is not None and again.key == "outlet:portal" and not again.taken_over
    assert not link.client.exists(outlet_lease_key("portal"))


def test_a_child_that_fails_hands_the_item_back_at_once_counting_the_failure(redis_server, tmp_path):
    # before stop 37 it was left to its lease: the next try came a lease later and the coordinator heard nothing
    link = connect(redis_server.url, give_up_after=5)
    work = _queue_one(link)
    ran = tmp_path / "ran"
    worker = _worker(link, tmp_path, f"import sys; open({str(ran)!r}, 'w').close(); sys.exit(1)")
    # stopped once the worker has dealt with the failed child (its error logged), not as soon as ``child`` reads None:
    # a child quick enough to exit before Popen returned had its SIGTERM land during the crawl (a CI flake)
    said: list[str] = []
    note = logging.Handler()
    note.emit = lambda record: said.append(record.getMessage())
    logging.getLogger("crawler.scaleout.worker").addHandler(note)
    try:
        _stop_when(lambda: ran.exists() and any("exited with status" in s for s in said), os.getpid())
        worker.run()
    finally:
        logging.getLogger("crawler.scaleout.worker").removeHandler(note)
    assert worker.finished == 0 and work.outstanding() == 1
    again = work.take("t2", block=0)  # at once, not after the lease timeout, and not as a take-over
    assert again is not None and again.failures == 1 and not again.taken_over


def test_a_worker_repairs_only_its_own_open_warcs(redis_server, tmp_path):
    ex = Exchange(url="http://portal.example/", method="GET", request_headers=(), request_body=b"", status=200,
                  reason="OK", protocol="HTTP/1.1", response_headers=(("Content-Type", "text/html"),),
                  body=b"<html></html>", fetched_at=datetime(2026, 1, 2, tzinfo=UTC))
    for prefix in ("NEWSARCHIVE-t1", "NEWSARCHIVE-t10", "NEWSARCHIVE"):
        warc = WarcArchive(tmp_path, prefix=prefix, fsync=False)
        warc.write_exchange(ex)
        warc.sync()  # left open, as by a crash
    worker = _worker(connect(redis_server.url, give_up_after=5), tmp_path, "")
    repaired = worker.repair_own_files()
    assert [p.name.split("-2")[0] for p in repaired] == ["NEWSARCHIVE-t1"]
    left = sorted(p.name for p in (tmp_path / "warc").glob("*.open"))
    assert len(left) == 2 and not any(name.startswith("NEWSARCHIVE-t1-") for name in left)
    assert len(list((tmp_path / "warc").glob("NEWSARCHIVE-t1-*.warc.gz"))) == 1


def test_a_worker_waits_out_a_redis_restart(tmp_path, caplog):
    from redisserver import RedisServer

    server = RedisServer(appendonly=True)  # as production Redis should run: a restart keeps the data
    server.start()
    try:
        link = connect(server.url)  # no give_up_after: wait for ever, as `newsarchive worker` does
        worker = _worker(link, tmp_path, "import sys; sys.exit(0)")

        def outage() -> None:
            time.sleep(0.5)
            server.restart(down_for=1.5)
            _queue_one(connect(server.url, give_up_after=5))
            deadline = time.monotonic() + 20
            while worker.finished < 1 and time.monotonic() < deadline:
                time.sleep(0.05)
            os.kill(os.getpid(), signal.SIGTERM)
        threading.Thread(target=outage, daemon=True).start()
        with caplog.at_level("WARNING", logger="crawler.scaleout.connection"):
            assert worker.run() == 1
    finally:
        server.close()
    assert "unreachable" in caplog.text and "next try in" in caplog.text


def test_the_name_stays_claimed_while_a_long_item_is_crawled(redis_server, tmp_path, monkeypatch):
    # the name's claim (30 s) is shorter than the item's lease (120 s); renewed only every lease/3 (40 s), it lapsed
    # mid-crawl and a second worker could start under the name. Here: a 0.6 s claim, a 3 s lease, a 2.5 s child.
    from crawler.scaleout import worker as worker_module
    from crawler.scaleout.workers import WorkerNameTaken, claim_name

    monkeypatch.setattr(worker_module, "DEFAULT_HEARTBEAT", 0.6)
    link = connect(redis_server.url, give_up_after=5)
    work = _queue_one(link)
    worker = _worker(link, tmp_path, f"import time; open({str(tmp_path / 'started')!r}, 'w').close(); "
                                     "time.sleep(2.5)")
    refused: list[bool] = []

    def try_the_name() -> None:
        deadline = time.monotonic() + 20
        while not (tmp_path / "started").exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        for _ in range(15):  # 1.5 s into the child's crawl: well past the claim's 0.6 s
            try:
                claim_name(link, "t1", ttl=5).release()
                refused.append(False)
            except WorkerNameTaken:
                refused.append(True)
            time.sleep(0.1)

    checker = threading.Thread(target=try_the_name, daemon=True)
    checker.start()
    _stop_when(lambda: worker.finished == 1, os.getpid())
    assert worker.run() == 1
    checker.join(timeout=10)
    assert refused and all(refused), refused
    assert work.outstanding() == 0


def test_a_worker_on_another_archive_refuses_the_crawl_and_says_why(redis_server, tmp_path):
    # started with another crawl's --data, a worker took the coordinator's new articles for ones its own catalogue
    # knew, skipped them, and the crawl ended clean with half its articles missing (a black-box probe, stop 35)
    from archive.catalogue.db import Catalogue

    catalogue = Catalogue(tmp_path / "catalogue.db")
    try:
        catalogue.start_crawl("someone-elses-first-crawl", "cli", ["portal"], pid=None)
    finally:
        catalogue.close()
    link = connect(redis_server.url, give_up_after=5)
    work = WorkQueue(link, CrawlKeys(CRAWL), lease_timeout=3)
    work.put([("outlet:portal", {"kind": "outlet", "outlet": "portal", "crawl_uid": CRAWL, "crawl_id": 1,
                                 "archive": "the-coordinators-first-crawl"})])
    link.client.zadd(ACTIVE_CRAWLS, {CRAWL: time.time()})
    started = tmp_path / "started"
    worker = Worker(link, "t1", lambda item: [sys.executable, "-c", f"open({str(started)!r}, 'w').close()"],
                    lease_timeout=3, warc_dir=tmp_path / "warc", warc_prefix="NEWSARCHIVE", poll=0.1)
    _stop_when(lambda: link.client.hexists(CrawlKeys(CRAWL).refusals, "t1"), os.getpid())
    assert worker.run() == 0
    assert not started.exists()  # no child crawl on the wrong archive
    why = link.client.hget(CrawlKeys(CRAWL).refusals, "t1")
    assert "another archive" in why and str(tmp_path) in why and "--data" in why
    again = work.take("t2", block=0)  # handed back at once for a worker on the right folder
    assert again is not None and again.key == "outlet:portal" and not again.taken_over

"""End to end (tests/test_scaleout_stop40.py has the parts): `newsarchive worker` crawling for `crawl --redis` is
sent SIGTERM while Redis is full (``maxmemory 1``, ``noeviction``). Before stop 40 it never ended. Now it ends
within its STOP_WAIT (30 s) and its child's, each saying in one line what it could not tell Redis; once Redis has
room a second worker takes the outlet over, the crawl finishes, and every WARC record the stopped child wrote,
published or not, is indexed (``newsarchive check`` passes)."""

from __future__ import annotations

import signal
import subprocess
import sys
import time

from faultsite import FaultSite, serve_fault_site
from helpers import FAST, ROOT
from redisserver import RedisServer
from test_graceful_stop import count, seeds, start, wait_until

from crawler.scaleout.connection import connect

LEASE = ("-s", "CRAWL_LEASE_TIMEOUT=6", "-s", "EXTRACT_WORKERS=1", "-s", "ARCHIVE_COMMIT_INTERVAL=0.1")


def test_a_worker_stopped_while_redis_is_full_ends_and_the_crawl_loses_nothing(tmp_path):
    data, server = tmp_path / "data", RedisServer()
    server.start()
    site = FaultSite(articles=6, delay=0.6)
    procs: list[subprocess.Popen] = []
    try:
        with serve_fault_site(site):
            slow = seeds(site, tmp_path / "slow.toml", 1.0)
            worker_args = ["--redis", server.url, "--seeds", str(slow), "--data", str(data), "--allow-private", *LEASE]
            log = tmp_path / "w1.log"
            first = start(["worker", *worker_args, "--name", "w1"], log)
            procs.append(first)
            coordinator = start(["crawl", "--redis", server.url, "--seeds", str(slow), "--data", str(data), *FAST,
                                 "-s", "CRAWL_LEASE_TIMEOUT=6"], tmp_path / "coordinator.log")
            procs.append(coordinator)
            wait_until(first, log, "a second article asked for", lambda: site.requests >= 4, timeout=90)
            admin = connect(server.url, give_up_after=5).client
            admin.config_set("maxmemory-policy", "noeviction")
            admin.config_set("maxmemory", 1)
            time.sleep(1.0)  # a page fetched now cannot be published
            first.send_signal(signal.SIGTERM)
            try:
                code = first.wait(timeout=150)
            except subprocess.TimeoutExpired:
                code = None
            said = log.read_text()
            assert code == 0, said[-3000:]
            child = [line for line in said.splitlines() if "without publishing" in line]
            assert len(child) == 1 and "its counts" in child[0] and "out of memory" in child[0], said[-3000:]
            worker = [line for line in said.splitlines() if "without telling Redis" in line]
            assert len(worker) == 1 and "the hand-back of outlet:" in worker[0], said[-3000:]

            admin.config_set("maxmemory", 0)  # room again: another worker takes the outlet over
            procs.append(start(["worker", *worker_args, "--name", "w2"], tmp_path / "w2.log"))
            assert coordinator.wait(timeout=150) == 0, (tmp_path / "coordinator.log").read_text()[-3000:]
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGKILL)
                proc.wait()
        server.close()
    assert not list((data / "warc").glob("*.open"))
    checked = subprocess.run([sys.executable, "-m", "crawler.cli.main", "check", "--data", str(data)],
                             capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert checked.returncode == 0, checked.stdout[-3000:] + checked.stderr[-3000:]
    assert count(data, "select count(*) from articles") == 6

"""One Ctrl-C or SIGTERM stops a crawl of a slow outlet at once, for real (crawler/fetch/prompt_stop.py).

(Scrapy takes SIGINT and SIGTERM the same way: the crawl is stopped by Ctrl-C here, and a `newsarchive worker`'s
child crawl by the SIGTERM its worker passes on.)

An outlet fetched one second apart has about fifteen article requests waiting in its download slot when the stop
comes; Scrapy's graceful stop used to send every one of them first (~20 s here, 27 s in stop 36's probe). Now they
are not sent: the stop takes about as long as the request in flight, which ends normally (archived and recorded);
the URLs not fetched stay pending, unrecorded as failures, and the next crawl fetches them. A re-crawl stopped by
Ctrl-C twice is recorded as interrupted (exit 130), as a crawl is.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor, wait
from pathlib import Path

import pytest
from faultsite import FaultSite, serve_fault_site
from helpers import FAST, ROOT, captures_off_their_warc_records
from warcio.archiveiterator import ArchiveIterator

ARTICLES = 20
SLOT_DELAY = 1.0  # the outlet's download_delay: Scrapy waits 0.5-1.5 s (its jitter) between two requests
MIN_DRAIN = 12 * SLOT_DELAY / 2  # the least the old stop took to send 12 waiting requests, each 0.5 s apart or more
ONE_WORKER = ("-s", "EXTRACT_WORKERS=1", "-s", "ARCHIVE_COMMIT_INTERVAL=0.1")


def query(data: Path, sql: str, params: tuple = ()) -> list[tuple]:
    """Rows from the catalogue, read-only ([] while it or its tables do not exist yet)."""
    db = data / "catalogue.db"
    if not db.exists():
        return []
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10)
    try:
        return conn.execute(sql, params).fetchall()
    except sqlite3.OperationalError:
        return []
    finally:
        conn.close()


def count(data: Path, sql: str, params: tuple = ()) -> int:
    rows = query(data, sql, params)
    return rows[0][0] if rows else 0


def seeds(site: FaultSite, path: Path, delay: float) -> Path:
    """The site as one outlet fetched ``delay`` seconds apart."""
    site.seeds(path)
    path.write_text(path.read_text().replace("download_delay = 0\n", f"download_delay = {delay}\n"))
    return path


def start(args: list[str], log: Path) -> subprocess.Popen:
    """A ``newsarchive`` command in a session of its own (a signal can go to its group, as a terminal's Ctrl-C)."""
    with open(log, "w") as fh:
        return subprocess.Popen([sys.executable, "-m", "crawler.cli.main", *args], stdout=fh, stderr=fh, cwd=ROOT,
                                start_new_session=True)


def wait_until(proc: subprocess.Popen, log: Path, what: str, ready: Callable[[], bool], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not ready():
        assert proc.poll() is None, f"it ended (exit {proc.returncode}) before {what}: {log.read_text()[-3000:]}"
        assert time.monotonic() < deadline, f"no {what} within {timeout} s: {log.read_text()[-3000:]}"
        time.sleep(0.02)


def warc_responses(data: Path) -> int:
    """The response and revisit records of every WARC file in ``data``, read back with warcio."""
    found = 0
    for path in sorted((data / "warc").glob("*.warc.gz")):
        with open(path, "rb") as fh:
            found += sum(r.rec_type in ("response", "revisit") for r in ArchiveIterator(fh))
    return found


def stored_exactly(data: Path) -> None:
    """Every capture row points at its WARC record, and every response record in the WARCs has its row."""
    conn = sqlite3.connect(data / "catalogue.db")
    conn.row_factory = sqlite3.Row
    try:
        assert captures_off_their_warc_records(conn, data) == []
    finally:
        conn.close()
    assert warc_responses(data) == count(data, "select count(*) from captures")


def stop_once(tmp: Path) -> dict:
    """One Ctrl-C (SIGINT to the process group) of a crawl of the slow outlet, then a crawl of it without delay."""
    data = tmp / "data"
    site = FaultSite(articles=ARTICLES, delay=0.6)  # each article answer takes 0.6 s: one is in flight at the stop
    with serve_fault_site(site):
        slow, fast = seeds(site, tmp / "slow.toml", SLOT_DELAY), seeds(site, tmp / "fast.toml", 0)
        log = tmp / "first.log"
        proc = start(["crawl", "--seeds", str(slow), "--data", str(data), *FAST, *ONE_WORKER], log)
        try:
            # robots.txt, the feed, an article answered and the next one asked for (in flight: answered in 0.6 s)
            wait_until(proc, log, "a second article asked for", lambda: site.requests >= 4)
            stopped = time.monotonic()
            os.killpg(proc.pid, signal.SIGINT)  # as a terminal's Ctrl-C: the crawl, its writer, its workers
            code = proc.wait(timeout=90)
            took = time.monotonic() - stopped
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        first = {"code": code, "took": took, "log": log.read_text(), "requests": site.requests,
                 "row": query(data, "select status, pages_fetched, failures from crawls where id = 1"),
                 "captures": count(data, "select count(*) from captures where crawl_id = 1"),
                 "articles": count(data, "select count(*) from articles"),
                 "failures": query(data, "select url, reason from failures"),
                 "pending": {u for (u,) in query(data, "select url from frontier where status = 'pending'")}}
        stored_exactly(data)
        site.delay = 0
        second = subprocess.run([sys.executable, "-m", "crawler.cli.main", "-q", "crawl", "--seeds", str(fast),
                                 "--data", str(data), *FAST, *ONE_WORKER], capture_output=True, text=True, cwd=ROOT,
                                timeout=120)
    fetched = {u for (u,) in query(data, "select url from captures where crawl_id = 2")}
    stored_exactly(data)
    return {"first": first, "second": second, "fetched_second": fetched, "data": data,
            "articles": count(data, "select count(*) from articles"),
            "pending_after": count(data, "select count(*) from frontier where status = 'pending'")}


def recrawl_twice(tmp: Path) -> dict:
    data = tmp / "data"
    site = FaultSite(articles=3, delay=3.0)  # each answer takes 3 s: the stop finds the re-crawl fetching
    with serve_fault_site(site):
        plain = seeds(site, tmp / "seeds.toml", 0)
        log = tmp / "recrawl.log"
        urls = [f"{site.base_url}/news/{n}" for n in (1, 2, 3)]
        proc = start(["-q", "recrawl", *urls, "--seeds", str(plain), "--data", str(data), *FAST, *ONE_WORKER], log)
        try:
            wait_until(proc, log, "an article asked for", lambda: site.requests >= 2)  # robots.txt, then a page
            os.killpg(proc.pid, signal.SIGINT)
            time.sleep(0.2)
            os.killpg(proc.pid, signal.SIGINT)
            code = proc.wait(timeout=90)
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
    return {"code": code, "log": log.read_text(),
            "row": query(data, "select status, ended_at, trigger from crawls where id = 1")}


def worker_sigterm(tmp: Path) -> dict:
    """A `newsarchive worker` (crawler/scaleout/worker.py) crawling the slow outlet for `crawl --redis` gets SIGTERM:
    its child crawl gets one SIGTERM, the same graceful stop."""
    from redisserver import RedisServer

    data, server = tmp / "data", RedisServer()
    server.start()
    site = FaultSite(articles=ARTICLES, delay=0.6)
    try:
        with serve_fault_site(site):
            slow = seeds(site, tmp / "slow.toml", SLOT_DELAY)
            log = tmp / "worker.log"
            worker = start(["worker", "--redis", server.url, "--seeds", str(slow), "--data", str(data), "--name", "w1",
                            "--allow-private", *ONE_WORKER], log)
            coordinator = start(["-q", "crawl", "--redis", server.url, "--seeds", str(slow), "--data", str(data),
                                 *FAST], tmp / "coordinator.log")
            try:
                wait_until(worker, log, "a second article asked for", lambda: site.requests >= 4)
                stopped = time.monotonic()
                worker.send_signal(signal.SIGTERM)
                code = worker.wait(timeout=90)
                took = time.monotonic() - stopped
            finally:
                for proc in (worker, coordinator):
                    if proc.poll() is None:
                        os.killpg(proc.pid, signal.SIGKILL)
                        proc.wait()
            return {"code": code, "took": took, "requests": site.requests, "log": log.read_text()}
    finally:
        server.close()


SCENARIOS: dict[str, Callable[[Path], dict]] = {
    "sigint": stop_once,
    "recrawl_twice": recrawl_twice,
    "worker_sigterm": worker_sigterm,
}


@pytest.fixture(scope="module")
def runs(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    """The scenarios this session runs, all at once (each has its own site and data folder; a crawl's start-up is
    most of each one's time, and the stop's duration is measured from the signal, not against the others)."""
    chosen = sorted({item.callspec.params["name"] for item in request.session.items
                     if item.module is request.module and hasattr(item, "callspec")})
    with ThreadPoolExecutor(max(1, len(chosen))) as pool:
        yield {name: pool.submit(SCENARIOS[name], tmp_path_factory.mktemp(name)) for name in chosen}


@pytest.mark.parametrize("name", ["sigint"])
def test_one_ctrl_c_stops_at_once_and_loses_nothing(runs: dict, name: str) -> None:
    wait(runs.values())
    run = runs[name].result()
    first = run["first"]
    assert first["code"] == 0, first["log"][-3000:]
    assert first["row"] == [("stopped: shutdown", first["captures"], 0)], first["row"]
    # the waiting requests were not sent: the stop is about the request in flight (0.6 s), not the queue's drain
    assert first["took"] < 5 <= MIN_DRAIN, (first["took"], first["log"][-3000:])
    assert "waiting for their download slot are not sent" in first["log"]
    assert len(first["pending"]) >= 12, first["pending"]
    # every request the site answered (robots.txt, the feed, the articles, the one in flight) is archived and
    # catalogued; none was recorded as failed
    assert first["captures"] == first["requests"], (first["captures"], first["requests"])
    assert first["articles"] == first["captures"] - 2 == ARTICLES - len(first["pending"])
    assert first["failures"] == []
    # the next crawl fetches what was left pending, and the archive is whole
    assert run["second"].returncode == 0, run["second"].stderr[-3000:]
    assert first["pending"] <= run["fetched_second"]
    assert run["articles"] == ARTICLES and run["pending_after"] == 0


@pytest.mark.parametrize("name", ["recrawl_twice"])
def test_recrawl_stopped_twice_is_recorded_interrupted(runs: dict, name: str) -> None:
    wait(runs.values())
    run = runs[name].result()
    assert run["code"] == 130, run["log"][-3000:]
    assert run["row"][0][0] == "interrupted" and run["row"][0][1], run["row"]
    assert "Ctrl-C twice" in run["log"] and "recorded as interrupted" in run["log"]


@pytest.mark.parametrize("name", ["worker_sigterm"])
def test_a_workers_sigterm_hands_its_outlet_back_at_once(runs: dict, name: str) -> None:
    wait(runs.values())
    run = runs[name].result()
    assert run["code"] == 0, run["log"][-3000:]
    assert run["took"] < 5 <= MIN_DRAIN, (run["took"], run["log"][-3000:])
    assert "waiting for their download slot are not sent" in run["log"]
    assert run["requests"] <= 6, run["requests"]  # robots.txt, the feed, the articles asked for before the stop
    assert "stopped after 0 item(s)" in run["log"]

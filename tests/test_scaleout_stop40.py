"""A worker asked to stop while Redis is full or gone, and a coordinator whose Redis is full (stop 39's probe, left).

Before stop 40 a worker sent SIGTERM while Redis was at its maxmemory (``noeviction``) or unreachable never ended:
its renewals and its last writes waited for ever. It now waits at most ``STOP_WAIT`` seconds after the stop, says
in one line what it could not tell Redis, and exits; its child crawl likewise (crawler/scaleout/session.py). The
coordinator said "no worker is running" while Redis was full (the workers' names expire, as renewing them is a
write); it now says Redis is full. A real redis-server each time, the worker a real process with a real child.
"""

from __future__ import annotations

import logging
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
from helpers import ROOT
from redisserver import (
    RedisServer,
    redis_server_fixture,  # noqa: F401  (the redis_server fixture)
)

from crawler.scaleout.connection import connect
from crawler.scaleout.coordinator import NO_WORKER_WARNING, Coordinator
from crawler.scaleout.keys import ACTIVE_CRAWLS, CrawlKeys
from crawler.scaleout.workers import claim_name
from crawler.scaleout.workqueue import WorkQueue

CRAWL = "crawl-40"

# the worker of `newsarchive worker`, its waits after a stop shortened (1 s for Redis, 4 s for its child)
WORKER = """
import logging, sys
from pathlib import Path
logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")
from crawler.scaleout import worker as w
w.STOP_WAIT, w.CHILD_STOP_WAIT = 1.0, 4.0
from crawler.scaleout.connection import connect
child = sys.argv[3]
worker = w.Worker(connect(sys.argv[1]), "t40", lambda item: [sys.executable, "-c", child], lease_timeout=3,
                  warc_dir=Path(sys.argv[2]), warc_prefix="NEWSARCHIVE", poll=0.1)
worker.run()
"""


def _child(folder: Path, ignores_sigterm: bool = False) -> str:
    """A stand-in for a child crawl: says it started, ends at its SIGTERM (or ignores it)."""
    then = "None" if ignores_sigterm else f"(open({str(folder / 'stopped')!r}, 'w').close(), sys.exit(0))"
    return ("import signal, sys, time\n"
            f"signal.signal(signal.SIGTERM, lambda *a: {then})\n"
            f"open({str(folder / 'started')!r}, 'w').close()\n"
            "time.sleep(120)\n")


def _queue_one(url: str) -> WorkQueue:
    link = connect(url, give_up_after=5)
    work = WorkQueue(link, CrawlKeys(CRAWL), lease_timeout=3)
    work.put([("outlet:portal", {"kind": "outlet", "outlet": "portal", "crawl_uid": CRAWL, "crawl_id": 1})])
    link.client.zadd(ACTIVE_CRAWLS, {CRAWL: time.time()})
    return work


def _out_of_memory(url: str) -> None:
    client = connect(url, give_up_after=5).client
    client.config_set("maxmemory-policy", "noeviction")
    client.config_set("maxmemory", 1)  # every write that may grow Redis is refused (OOM)


def _stop_worker_when(server: RedisServer, tmp_path: Path, fault, *, ignores_sigterm: bool = False) -> tuple[int, str]:
    """Start a worker on ``server``'s one queued item; once its child runs, apply ``fault`` and send SIGTERM.
    The worker's exit status and stderr (a worker that never stops fails the test after 90 s)."""
    _queue_one(server.url)
    proc = subprocess.Popen([sys.executable, "-c", WORKER, server.url, str(tmp_path / "warc"),
                             _child(tmp_path, ignores_sigterm)], cwd=ROOT, stderr=subprocess.PIPE, text=True)
    try:
        for _ in range(600):
            if (tmp_path / "started").exists():
                break
            time.sleep(0.05)
        assert (tmp_path / "started").exists(), "the worker's child never started"
        fault()
        time.sleep(1.5)  # the worker meets the fault in its renewals (every second here) before it is stopped
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=90)
    except subprocess.TimeoutExpired:
        proc.kill()
        _, err = proc.communicate()
        pytest.fail(f"the worker did not stop after SIGTERM: {err[-2000:]}")
    return proc.returncode, err


def _said(err: str) -> list[str]:
    return [line for line in err.splitlines() if "without telling Redis" in line]


def test_a_worker_stopped_while_redis_is_full_says_what_it_could_not_hand_back_and_exits(redis_server, tmp_path):
    code, err = _stop_worker_when(redis_server, tmp_path, lambda: _out_of_memory(redis_server.url))
    assert code == 0, err[-2000:]
    assert (tmp_path / "stopped").exists(), "the child crawl got no SIGTERM"
    said = _said(err)
    assert len(said) == 1, err[-3000:]
    assert said[0].startswith("ERROR") and "is out of memory" in said[0]
    assert "the hand-back of outlet:portal of crawl crawl-40" in said[0] and "lease lapses" in said[0]
    redis_server_client = connect(redis_server.url, give_up_after=5).client
    redis_server_client.config_set("maxmemory", 0)
    assert WorkQueue(connect(redis_server.url, give_up_after=5), CrawlKeys(CRAWL), lease_timeout=3).outstanding() == 1


def test_a_worker_stopped_while_redis_is_gone_exits_and_says_so_in_one_line(tmp_path):
    server = RedisServer()
    server.start()
    try:
        code, err = _stop_worker_when(server, tmp_path, server.stop)
    finally:
        server.close()
    assert code == 0, err[-2000:]
    said = _said(err)
    assert len(said) == 1, err[-3000:]
    assert "unreachable" in said[0] and "gave up 1 s after this process was asked to stop" in said[0]
    for what in ("the hand-back of outlet:portal", "the release of outlet portal's lease", "the release of its name"):
        assert what in said[0], said[0]


def test_a_child_that_ignores_the_stop_is_killed_when_redis_is_gone(tmp_path):
    server = RedisServer()
    server.start()
    try:
        code, err = _stop_worker_when(server, tmp_path, server.stop, ignores_sigterm=True)
    finally:
        server.close()
    assert code == 0, err[-2000:]
    assert "did not end 4 s after the stop; killed" in err
    assert len(_said(err)) == 1


def _coordinator(link) -> SimpleNamespace:
    """What Coordinator._heartbeat and _warn_if_no_workers read of a coordinator, its last look long ago."""
    return SimpleNamespace(link=link, keys=CrawlKeys(CRAWL), _oom_said=0.0, _refused=set(),
                           _workers_checked=time.monotonic() - NO_WORKER_WARNING - 1,
                           session=SimpleNamespace(uid=CRAWL))


def test_the_coordinator_tells_redis_full_apart_from_no_worker_running(redis_server, caplog):
    link = connect(redis_server.url, give_up_after=1)
    claim_name(link, "w-running", ttl=0.3)  # a worker whose name then expires: Redis refuses its renewals
    _out_of_memory(redis_server.url)
    time.sleep(0.5)
    coordinator = _coordinator(link)
    with caplog.at_level(logging.WARNING, logger="crawler.scaleout.coordinator"):
        Coordinator._heartbeat(coordinator)
        Coordinator._warn_if_no_workers(coordinator)
    said = [r.getMessage() for r in caplog.records if "crawl crawl-40:" in r.getMessage()]
    assert len(said) == 1 and "is full (OOM" in said[0] and "no worker is running" not in said[0], said

    caplog.clear()
    link.client.config_set("maxmemory", 0)
    coordinator._workers_checked = time.monotonic() - NO_WORKER_WARNING - 1
    with caplog.at_level(logging.WARNING, logger="crawler.scaleout.coordinator"):
        Coordinator._heartbeat(coordinator)
        Coordinator._warn_if_no_workers(coordinator)
    said = [r.getMessage() for r in caplog.records if "crawl crawl-40:" in r.getMessage()]
    assert len(said) == 1 and "no worker is running" in said[0] and "OOM" not in said[0], said


def test_a_stopped_child_crawl_gives_up_publishing_to_a_full_redis_and_loses_no_record(redis_server, tmp_path,
                                                                                        monkeypatch, caplog):
    """The child's last results after a stop, refused by a full Redis: said in one line, its WARC file left
    ``.open``, and the coordinator's end indexes every record it holds (published before, or not)."""
    import threading

    from helpers import portal_session
    from test_scaleout_probe38 import PAGE, H, _exchange, _worker_session
    from warcio.archiveiterator import ArchiveIterator

    from crawler.scaleout import connection
    from crawler.scaleout.keys import STOP_FILE
    from crawler.scaleout.results import ResultsChannel

    monkeypatch.setattr(connection, "STOP_WAIT", 0.5)
    stop = tmp_path / "stop"
    monkeypatch.setenv(STOP_FILE, str(stop))
    link = connect(redis_server.url, give_up_after=5)
    (tmp_path / "c").mkdir()
    coordinator = portal_session(tmp_path / "c", H)
    try:
        child = _worker_session(tmp_path, "c/data", redis_server.url, coordinator, "cccc4040", monkeypatch)
        published, _ = child.archive(_exchange(f"{H}/news/1", PAGE, 0), "portal")
        child.flush()
        _out_of_memory(redis_server.url)
        kept, _ = child.archive(_exchange(f"{H}/news/2", b"<html>two</html>", 1), "portal")
        stop.touch()  # its worker was sent SIGTERM
        ended = threading.Thread(target=lambda: (child.finish("stopped"), child.close()), daemon=True)
        with caplog.at_level(logging.ERROR, logger="crawler.scaleout.session"):
            ended.start()
            ended.join(timeout=60)
        assert not ended.is_alive(), "the stopped child waited for Redis for ever"
        said = [r.getMessage() for r in caplog.records if "without publishing" in r.getMessage()]
        assert len(said) == 1 and "result record(s) and its counts" in said[0] and "out of memory" in said[0], said
        [left] = list((tmp_path / "c" / "data" / "warc").glob("NEWSARCHIVE-w1-cccc4040-*.open"))
        assert left.name.removesuffix(".open") in said[0]
        with left.open("rb") as fh:
            ids = {rec.rec_headers.get_header("WARC-Record-ID") for rec in ArchiveIterator(fh)}
        assert {published, kept} <= ids

        # Redis has room again; the coordinator stores what was published and, at its end, indexes the rest
        link.client.config_set("maxmemory", 0)
        crawl = Coordinator(coordinator, link, lease_timeout=3, settings={})
        channel = ResultsChannel(link, CrawlKeys(coordinator.uid))
        while entries := channel.read(block=0):
            crawl.apply([record for _, record in entries])
            channel.ack([entry_id for entry_id, _ in entries])
        coordinator.flush()
        crawl._recover_dead_workers()
        stored = {r["warc_record_id"] for r in coordinator.catalogue.db.query("select warc_record_id from captures")}
        assert {published, kept} <= stored
    finally:
        coordinator.close()

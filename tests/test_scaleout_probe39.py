"""Scale-out faults stop 39's probe found (/tmp/probe39_F2): a real redis-server, real catalogues and WARCs.

1. A worker whose clock ran 90 s (or an hour) ahead never took work: the running crawls were scored with the
   coordinator's clock and compared with the worker's. Liveness now goes by Redis's clock; a worker far off says so.
2. Redis at ``maxmemory`` with ``noeviction`` (OutOfMemoryError) was a traceback: a dead worker, a failed crawl, and a
   crawl row left ``running`` when the coordinator could not create its work group. It is now a wait with one clear
   line, and at a coordinator's start one error with the crawl recorded failed.
3. With workers on their own disks, ``check`` told the user to ``--repair`` captures whose file was a worker's not
   copied yet (marking them missing), and once the file came ``--repair`` added a second row per record.
"""

from __future__ import annotations

import logging
import shutil
import sqlite3
import sys
import time
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
from helpers import portal_session
from redisserver import redis_server_fixture  # noqa: F401  (the redis_server fixture)

from archive.catalogue.db import Catalogue
from archive.errors import NewsArchiveError
from archive.integrity.check import check_archive
from archive.integrity.recovery import recover
from archive.records import Exchange
from archive.warc.writer import WarcArchive
from crawler.scaleout.connection import RedisConfig, RedisLink, connect
from crawler.scaleout.coordinator import Coordinator
from crawler.scaleout.keys import CrawlKeys
from crawler.scaleout.results import ResultsChannel
from crawler.scaleout.worker import Worker
from crawler.scaleout.workqueue import WorkQueue

CRAWL = "crawl-39"
H = "http://portal.example"


def _worker(link, tmp_path) -> Worker:
    return Worker(link, "wskew", lambda item: [sys.executable, "-c", "pass"], lease_timeout=3,
                  warc_dir=tmp_path / "warc", warc_prefix="NEWSARCHIVE", poll=0.1)


def _skewed(monkeypatch, seconds: float) -> None:
    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() + seconds)


@pytest.mark.parametrize(("coordinator_skew", "worker_skew"), [(0, 90), (0, 3600), (-90, 0)])
def test_a_worker_whose_clock_is_off_takes_the_work_of_a_live_crawl(redis_server, tmp_path, monkeypatch,
                                                                    coordinator_skew, worker_skew):
    link = connect(redis_server.url, give_up_after=5)
    WorkQueue(link, CrawlKeys(CRAWL), lease_timeout=3).put(
        [("outlet:portal", {"kind": "outlet", "outlet": "portal", "crawl_uid": CRAWL, "crawl_id": 1})])
    with monkeypatch.context() as m:
        _skewed(m, coordinator_skew)
        Coordinator._heartbeat(SimpleNamespace(link=link, keys=CrawlKeys(CRAWL), _oom_said=0.0))
    _skewed(monkeypatch, worker_skew)
    found = _worker(link, tmp_path)._take()
    assert found is not None and found[1].key == "outlet:portal"


def test_a_worker_whose_clock_is_far_off_says_so_once(redis_server, tmp_path, monkeypatch, caplog):
    link = connect(redis_server.url, give_up_after=5)
    _skewed(monkeypatch, 90)
    worker = _worker(link, tmp_path)
    worker.stopping = True  # claim the name, say what there is to say, take nothing
    with caplog.at_level(logging.INFO, logger="crawler.scaleout"):
        worker.run()
    said = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(said) == 1 and "clock is 90 s ahead of Redis's" in said[0] and "fetched_at" in said[0]


def _out_of_memory(link) -> None:
    link.client.config_set("maxmemory-policy", "noeviction")
    link.client.config_set("maxmemory", 1)  # every write that may grow Redis is refused (OOM)


def test_a_write_refused_for_memory_waits_with_one_clear_line_then_goes_through(redis_server, caplog):
    admin = connect(redis_server.url, give_up_after=5)
    _out_of_memory(admin)
    pauses = []

    def sleep(seconds: float) -> None:  # the operator frees memory while the call waits
        pauses.append(seconds)
        admin.client.config_set("maxmemory", 0)

    link = RedisLink(RedisConfig(redis_server.url, give_up_after=5), sleep=sleep)
    with caplog.at_level(logging.WARNING, logger="crawler.scaleout.connection"):
        assert link.call("publish results", lambda r: r.set("k", "v")) is True
    assert len(pauses) == 1 and admin.client.get("k") == "v"
    said = [r.getMessage() for r in caplog.records]
    assert said[0].startswith(f"Redis at {redis_server.url} is out of memory (maxmemory ")
    assert "free memory or raise maxmemory; waiting" in said[0]
    assert "Traceback" not in caplog.text


def test_the_coordinator_acknowledges_results_while_redis_is_out_of_memory(redis_server):
    """Acknowledging is what frees Redis's memory: a MULTI/EXEC of XACK and XDEL was refused whole under OOM, so the
    workers' publishes waited for memory that nothing could free."""
    link = connect(redis_server.url, give_up_after=1)
    channel = ResultsChannel(link, CrawlKeys(CRAWL))
    channel.publish([{"op": "counts", "n": n} for n in range(3)])
    entries = channel.read(block=0)
    _out_of_memory(link)
    channel.ack([entry_id for entry_id, _ in entries])
    assert channel.backlog() == 0
    assert not link.client.xpending(CrawlKeys(CRAWL).results, "catalogue")["pending"]


def test_a_coordinator_that_cannot_create_its_work_group_says_so_and_leaves_no_running_crawl(redis_server, tmp_path,
                                                                                           caplog):
    link = connect(redis_server.url, give_up_after=5)
    session = portal_session(tmp_path, H)
    _out_of_memory(link)
    with pytest.raises(NewsArchiveError) as raised:  # one line from the command (crawler/cli/main.py), no traceback
        Coordinator(session, link, lease_timeout=3)
    assert "is out of memory" in str(raised.value) and "did not start" in str(raised.value)
    with sqlite3.connect(tmp_path / "data" / "catalogue.db") as db:
        assert db.execute("select status from crawls").fetchall() == [("failed",)]
    # a heartbeat refused for memory does not hold up the coordinator's reads (which free memory): said, not waited
    started = time.monotonic()
    Coordinator._heartbeat(SimpleNamespace(link=link, keys=CrawlKeys(CRAWL), _oom_said=0.0))
    assert time.monotonic() - started < 2


def _worker_file_not_copied(tmp_path):
    """The coordinator's folder after a crawl by worker w1 on its own disk: capture rows, w1's file not copied."""
    session = portal_session(tmp_path, H)
    uid = session.uid
    session.finish()
    session.close()
    data = tmp_path / "data"
    warc = WarcArchive(data, prefix="NEWSARCHIVE-w1-0123456789ab", warcinfo={"crawl-id": uid, "worker": "w1"},
                       fsync=False)
    for n in (1, 2):
        warc.write_exchange(Exchange(url=f"{H}/news/{n}", method="GET", request_headers=(), request_body=b"",
                                     status=200, reason="OK", protocol="HTTP/1.1", response_headers=(),
                                     body=f"<html>{n}</html>".encode(), fetched_at=datetime(2026, 1, 2, tzinfo=UTC)))
    warc.close()
    [path] = (data / "warc").glob("*.warc.gz")
    catalogue = Catalogue(data / "catalogue.db")
    assert len(recover(data, catalogue).captures_added) == 2  # the rows the coordinator stored from w1's results
    (tmp_path / "w1").mkdir()
    return data, catalogue, path, shutil.move(path, tmp_path / "w1" / path.name)


def test_check_says_to_copy_a_workers_file_and_repair_leaves_its_captures(tmp_path):
    data, catalogue, path, away = _worker_file_not_copied(tmp_path)
    try:
        report = check_archive(data, catalogue)
        [finding] = report.findings
        assert finding.kind == "worker-file-not-copied" and finding.where == f"warc/{path.name}"
        assert "copy it from worker w1's data folder" in finding.fix and "Do not run `check --repair`" in finding.fix
        assert recover(data, catalogue).captures_marked_missing == ()
        rows = list(catalogue.db.query("select warc_file, record_type from captures"))
        assert rows == [{"warc_file": f"warc/{path.name}", "record_type": "response"}] * 2
        shutil.copy(away, path)  # the copy the README asks for
        assert check_archive(data, catalogue).ok
    finally:
        catalogue.close()


def test_a_capture_marked_missing_gets_its_record_back_and_no_second_row(tmp_path):
    data, catalogue, path, away = _worker_file_not_copied(tmp_path)
    try:
        for row in list(catalogue.db.query("select id from captures")):  # what --repair did before stop 39
            catalogue.mark_capture_missing(row["id"], "file gone")
        shutil.copy(away, path)
        report = recover(data, catalogue)
        assert report.captures_added == ()
        rows = list(catalogue.db.query("select warc_record_id, count(*) n, max(warc_file) f, max(record_type) t "
                                       "from captures group by warc_record_id"))
        assert len(rows) == 2 and all(r["n"] == 1 and r["f"] == f"warc/{path.name}" and r["t"] == "response"
                                      for r in rows)
        assert check_archive(data, catalogue).ok
    finally:
        catalogue.close()

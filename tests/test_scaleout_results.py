"""The results channel and the coordinator's apply loop, writing a real SQLite table, on a real redis-server."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap

import pytest
from redisserver import redis_server_fixture  # noqa: F401  (the redis_server fixture)

from crawler.scaleout.connection import connect
from crawler.scaleout.keys import CrawlKeys
from crawler.scaleout.results import ResultsChannel, apply_results

KEYS = CrawlKeys("crawl-r")

SCHEMA = """CREATE TABLE IF NOT EXISTS captures (
    warc_record_id TEXT PRIMARY KEY, warc_file TEXT NOT NULL, warc_offset INTEGER NOT NULL,
    warc_length INTEGER NOT NULL, payload_digest TEXT NOT NULL, url TEXT NOT NULL, title TEXT,
    UNIQUE (warc_file, warc_offset))"""


def sqlite_writer(path):
    """The apply callable: one transaction per batch, a record already stored is ignored."""
    conn = sqlite3.connect(path)
    conn.execute(SCHEMA)

    def apply(batch):
        with conn:  # commits, or rolls back if anything in the batch fails
            conn.executemany(
                "INSERT INTO captures VALUES (:warc_record_id, :warc_file, :warc_offset, :warc_length,"
                " :payload_digest, :url, :title) ON CONFLICT DO NOTHING", batch)
    return conn, apply


def record(i: int, worker: str = "w1") -> dict:
    return {"warc_record_id": f"<urn:uuid:{i:08d}-0000-4000-8000-000000000000>",
            "warc_file": f"NEWSARCHIVE-{worker}-00000.warc.gz", "warc_offset": i * 1000, "warc_length": 990,
            "payload_digest": f"sha1:{i:032d}", "url": f"http://outlet.test/{i}", "title": f"مقال {i}"}


def rows(conn) -> list[tuple]:
    return conn.execute("SELECT warc_record_id, warc_offset, title FROM captures ORDER BY warc_offset").fetchall()


def test_a_record_delivered_twice_is_stored_once(redis_server, tmp_path):
    link = connect(redis_server.url, give_up_after=5)
    worker, coordinator = ResultsChannel(link, KEYS), ResultsChannel(link, KEYS)
    worker.publish([record(i) for i in range(5)])
    worker.publish([record(2)])  # a publish retried after its reply was lost
    conn, apply = sqlite_writer(tmp_path / "catalogue.db")
    assert apply_results(coordinator, apply, until=lambda: True, batch=4) == 6
    assert [r[1] for r in rows(conn)] == [0, 1000, 2000, 3000, 4000]
    assert rows(conn)[1][2] == "مقال 1"
    assert coordinator.backlog() == 0


def test_a_failed_transaction_acknowledges_nothing_and_the_next_run_applies_it(redis_server, tmp_path):
    link = connect(redis_server.url, give_up_after=5)
    channel = ResultsChannel(link, KEYS)
    bad = record(3)
    del bad["payload_digest"]  # the fourth record cannot be written: the whole batch rolls back
    channel.publish([record(0), record(1), record(2), bad])
    conn, apply = sqlite_writer(tmp_path / "catalogue.db")
    with pytest.raises(sqlite3.ProgrammingError):
        apply_results(channel, apply, until=lambda: True)
    assert rows(conn) == []
    assert channel.backlog() == 4  # nothing acknowledged

    def repair(batch):  # the operator's fix; the same records are read again
        apply([{**r, "payload_digest": r.get("payload_digest", "sha1:x")} for r in batch])
    assert apply_results(channel, repair, until=lambda: True) == 4
    assert len(rows(conn)) == 4 and channel.backlog() == 0


COORDINATOR = textwrap.dedent("""
    import os, signal, sqlite3, sys
    from crawler.scaleout.connection import connect
    from crawler.scaleout.keys import CrawlKeys
    from crawler.scaleout.results import ResultsChannel, apply_results
    conn = sqlite3.connect(sys.argv[2])
    conn.execute(sys.argv[3])
    def apply(batch):
        with conn:
            conn.executemany("INSERT INTO captures VALUES (:warc_record_id, :warc_file, :warc_offset,"
                             " :warc_length, :payload_digest, :url, :title) ON CONFLICT DO NOTHING", batch)
        os.kill(os.getpid(), signal.SIGKILL)  # committed, not yet acknowledged
    apply_results(ResultsChannel(connect(sys.argv[1], give_up_after=5), CrawlKeys("crawl-r")), apply,
                  until=lambda: True)
""")


def test_a_coordinator_killed_between_commit_and_ack_stores_each_record_once(redis_server, tmp_path):
    db = tmp_path / "catalogue.db"
    link = connect(redis_server.url, give_up_after=5)
    channel = ResultsChannel(link, KEYS)
    channel.publish([record(i, "w1") for i in range(3)])
    proc = subprocess.run([sys.executable, "-c", COORDINATOR, redis_server.url, str(db), SCHEMA], timeout=60)
    assert proc.returncode == -9
    conn, apply = sqlite_writer(db)
    assert len(rows(conn)) == 3  # committed
    assert channel.backlog() == 3  # but never acknowledged
    channel.publish([record(3, "w2")])
    assert apply_results(channel, apply, until=lambda: True) == 4  # the three again, and the new one
    assert len(rows(conn)) == 4 and channel.backlog() == 0


def test_the_loop_runs_until_the_work_is_done_and_then_drains(redis_server, tmp_path):
    link = connect(redis_server.url, give_up_after=5)
    channel = ResultsChannel(link, KEYS)
    conn, apply = sqlite_writer(tmp_path / "catalogue.db")
    checks = iter(range(100))

    def until():  # a worker publishes a record on each of the first three checks, then the work is done
        n = next(checks)
        if n < 3:
            channel.publish([record(n)])
        return n >= 3
    assert apply_results(channel, apply, until=until, block=0.05) == 3
    assert len(rows(conn)) == 3


def test_a_publish_after_the_crawl_ended_leaves_no_key_without_expiry(redis_server):
    link = connect(redis_server.url, give_up_after=5)
    channel = ResultsChannel(link, KEYS, ttl=600)
    channel.publish([record(0)])
    link.client.delete(KEYS.results)  # the coordinator ends the crawl; a slow worker publishes once more
    channel.publish([record(1)])
    assert link.client.xlen(KEYS.results) == 1
    assert 0 < link.client.ttl(KEYS.results) <= 600

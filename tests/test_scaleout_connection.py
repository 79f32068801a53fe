"""Wait-and-retry on a real redis-server that is absent, or restarted in the middle of a run."""

from __future__ import annotations

import logging
import threading
import time

import pytest
from redisserver import (
    RedisServer,
    redis_server_fixture,  # noqa: F401  (the redis_server fixture)
    refused_port,
)

from crawler.scaleout.connection import RedisConfig, RedisUnavailable, connect, redact
from crawler.scaleout.keys import CrawlKeys
from crawler.scaleout.results import ResultsChannel
from crawler.scaleout.workqueue import WorkQueue


def test_an_unreachable_redis_is_retried_with_a_clear_message_then_given_up(caplog):
    with refused_port() as port, caplog.at_level(logging.WARNING, logger="crawler.scaleout.connection"):
        url = f"redis://:secret@127.0.0.1:{port}/0"
        started = time.monotonic()
        with pytest.raises(RedisUnavailable) as err:
            connect(url, give_up_after=1.2, retry_first=0.2)
    assert 1.0 <= time.monotonic() - started < 5
    assert "127.0.0.1" in str(err.value) and "secret" not in str(err.value)
    messages = [r.getMessage() for r in caplog.records]
    assert len(messages) >= 2  # tried more than once, waiting longer each time
    assert all("unreachable" in m and "next try in" in m and "secret" not in m for m in messages)
    assert "next try in 0.2 s" in messages[0] and "next try in 0.4 s" in messages[1]


def test_a_redis_restart_mid_run_is_waited_out_and_no_write_is_lost_or_doubled(caplog):
    server = RedisServer(appendonly=True)  # a production Redis keeps its data over a restart
    server.start()
    try:
        link = connect(server.url, retry_first=0.1, retry_max=0.5, give_up_after=30)
        keys = CrawlKeys("crawl-c")
        work, results = WorkQueue(link, keys), ResultsChannel(link, keys)
        done: list[int] = []

        def coordinator():
            for i in range(40):
                work.put([(f"url:{i}", {"n": i})])
                results.publish([{"n": i, "part": p} for p in range(3)])  # three rows that travel together
                done.append(i)
                time.sleep(0.05)
        with caplog.at_level(logging.WARNING, logger="crawler.scaleout.connection"):
            thread = threading.Thread(target=coordinator)
            thread.start()
            while len(done) < 10:
                time.sleep(0.02)
            server.restart(down_for=1.5)
            thread.join(60)
        assert not thread.is_alive() and len(done) == 40
        messages = [r.getMessage() for r in caplog.records]
        assert any("unreachable" in m and "next try in" in m for m in messages)
        assert any("is back" in m for m in messages)
        assert work.outstanding() == 40  # each item once: queueing is idempotent
        rows = results.read(count=1000, block=0)
        by_n = {}
        for _, row in rows:
            by_n.setdefault(row["n"], []).append(row["part"])
        assert set(by_n) == set(range(40))
        assert all(sorted(parts) in ([0, 1, 2], [0, 0, 1, 1, 2, 2]) for parts in by_n.values())  # never half
    finally:
        server.close()


def test_a_redis_restarted_without_its_data_does_not_break_a_worker(redis_server, caplog):
    link = connect(redis_server.url, retry_first=0.1, give_up_after=30)
    work = WorkQueue(link, CrawlKeys("crawl-c"))
    redis_server.restart()  # no persistence: the stream and its group are gone
    with caplog.at_level(logging.WARNING, logger="crawler.scaleout.workqueue"):
        assert work.take("w1", block=0.1) is None
    assert any("creating it again" in r.getMessage() for r in caplog.records)
    work.put([("url:x", {})])
    assert work.take("w1", block=0.1).key == "url:x"


def test_config_is_checked_and_passwords_are_redacted():
    with pytest.raises(ValueError):
        RedisConfig("http://127.0.0.1:6379")
    with pytest.raises(ValueError):
        RedisConfig("redis://127.0.0.1:6379", retry_first=5, retry_max=1)
    assert redact("redis://user:pw@h:1/0") == "redis://user:***@h:1/0"
    assert redact("redis://h:1/0") == "redis://h:1/0"


def test_a_blocking_read_longer_than_the_socket_timeout_is_refused(redis_server):
    link = connect(redis_server.url, socket_timeout=3, give_up_after=5)
    with pytest.raises(ValueError, match="socket_timeout"):
        WorkQueue(link, CrawlKeys("crawl-c")).take("w1", block=2.5)  # would time out and retry for ever
    assert WorkQueue(link, CrawlKeys("crawl-c")).take("w1", block=0.1) is None


def test_a_refused_password_is_an_error_with_the_fix_not_a_wait_for_ever(redis_server):
    # AuthenticationError is a ConnectionError to redis-py: a worker with a wrong password retried every 30 s for
    # ever, saying only "unreachable" (a black-box probe, stop 35)
    import redis

    admin = redis.Redis.from_url(redis_server.url)
    admin.config_set("requirepass", "s3cret")
    try:
        wrong = redis_server.url.replace("redis://", "redis://:nope@")
        for url in (redis_server.url, wrong):  # no password, a wrong one
            with pytest.raises(RedisUnavailable) as info:
                connect(url)  # no give_up_after: before, this never returned
            message = str(info.value)
            assert "refused the credentials" in message and "redis://:PASSWORD@" in message
            assert "nope" not in message  # the URL is redacted
        assert connect(redis_server.url.replace("redis://", "redis://:s3cret@"), give_up_after=5)
    finally:
        redis.Redis.from_url(redis_server.url.replace("redis://", "redis://:s3cret@")).config_set("requirepass", "")

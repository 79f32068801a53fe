"""The leased work queue on a real redis-server, with real worker processes for SIGKILL and SIGTERM."""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
import time

import pytest
from redisserver import (
    RedisServer,
    redis_server_fixture,  # noqa: F401  (the redis_server fixture)
)

from crawler.scaleout.connection import connect
from crawler.scaleout.keys import CrawlKeys
from crawler.scaleout.workqueue import WorkQueue

KEYS = CrawlKeys("crawl-1")


def queue(server: RedisServer, lease: float = 60.0) -> WorkQueue:
    return WorkQueue(connect(server.url, give_up_after=5), KEYS, lease_timeout=lease)


def outlets(*names: str) -> list[tuple[str, dict]]:
    return [(f"outlet:{n}", {"outlet": n}) for n in names]


def test_put_is_idempotent_and_finish_empties_the_queue(redis_server):
    q = queue(redis_server)
    assert q.put(outlets("a", "b")) == 2
    assert q.put(outlets("a", "b", "c")) == 1  # a and b were queued before in this crawl
    assert q.outstanding() == 3
    taken = [q.take("w1", block=0.1) for _ in range(3)]
    assert [t.item["outlet"] for t in taken] == ["a", "b", "c"]
    assert q.take("w1", block=0.1) is None
    assert q.outstanding() == 3  # taken is not finished
    for t in taken:
        assert q.finish(t, "w1")
    assert q.outstanding() == 0


def test_finish_queues_follow_ups_in_the_same_step(redis_server):
    q = queue(redis_server)
    q.put(outlets("a"))
    t = q.take("w1", block=0.1)
    assert q.finish(t, "w1", follow=[("url:1", {"url": "http://a/1"}), ("url:2", {"url": "http://a/2"}),
                                     ("outlet:a", {"outlet": "a"})])  # already queued once: dropped
    assert q.outstanding() == 2
    assert sorted(q.take("w2", block=0.1).key for _ in range(2)) == ["url:1", "url:2"]


def test_renew_keeps_an_item_and_a_lost_lease_is_reported(redis_server):
    # a 1.5 s lease renewed every 0.5 s (a 0.4 s one renewed every 0.2 s was too tight for a machine loaded by
    # parallel test workers)
    q = queue(redis_server, lease=1.5)
    q.put(outlets("a"))
    t = q.take("w1", block=0.1)
    for _ in range(4):  # 2 s held, renewed every 0.5 s: never idle past the lease
        time.sleep(0.5)
        assert q.renew(t, "w1")
        assert q.take("w2", block=0.01) is None
    time.sleep(1.6)  # silent past the lease: w2 takes it over
    t2 = q.take("w2", block=0.01)
    assert t2 is not None and t2.id == t.id and t2.taken_over
    assert not q.renew(t, "w1")
    assert not q.finish(t, "w1")  # w1 no longer holds it: not acknowledged
    assert q.outstanding() == 1
    assert q.finish(t2, "w2")
    assert q.outstanding() == 0


WORKER = textwrap.dedent("""
    import signal, sys, time
    from crawler.scaleout.connection import connect
    from crawler.scaleout.keys import CrawlKeys
    from crawler.scaleout.workqueue import WorkQueue
    q = WorkQueue(connect(sys.argv[1], give_up_after=5), CrawlKeys("crawl-1"), lease_timeout=float(sys.argv[2]))
    held = [q.take("victim", block=2) for _ in range(int(sys.argv[3]))]
    def hand_back(signum, frame):
        for work in held:
            q.release(work, "victim")
        sys.exit(0)
    signal.signal(signal.SIGTERM, hand_back)
    print(" ".join(w.key for w in held), flush=True)
    time.sleep(60)
""")


def start_worker(server: RedisServer, lease: float, take: int) -> tuple[subprocess.Popen[str], list[str]]:
    proc = subprocess.Popen([sys.executable, "-c", WORKER, server.url, str(lease), str(take)],
                            stdout=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    assert line, "worker printed nothing"
    return proc, line.split()


def test_a_sigkilled_workers_items_go_to_another_worker_after_the_lease_timeout(redis_server):
    lease = 1.5
    q = queue(redis_server, lease=lease)
    q.put(outlets("a", "b", "c"))
    proc, held = start_worker(redis_server, lease, 2)
    assert held == ["outlet:a", "outlet:b"]
    proc.send_signal(signal.SIGKILL)
    proc.wait(10)
    killed_at = time.monotonic()
    got = [q.take("rescuer", block=0.1)]
    assert got[0].key == "outlet:c" and not got[0].taken_over  # the dead worker's items wait for the lease
    assert q.take("rescuer", block=0.1) is None
    while len(got) < 3 and time.monotonic() - killed_at < 10:
        work = q.take("rescuer", block=0.1)
        if work:
            assert work.taken_over
            assert time.monotonic() - killed_at >= lease - 0.5  # idle time counts from the victim's take
            got.append(work)
    assert sorted(w.key for w in got) == ["outlet:a", "outlet:b", "outlet:c"]
    assert all(q.finish(w, "rescuer") for w in got)
    assert q.outstanding() == 0


def test_a_sigterm_hands_items_back_at_once(redis_server):
    q = queue(redis_server, lease=60)  # a lease far longer than the test: only the hand-back can free them
    q.put(outlets("a", "b"))
    proc, held = start_worker(redis_server, 60, 2)
    assert held == ["outlet:a", "outlet:b"]
    assert q.take("other", block=0.1) is None
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(10) == 0
    got = [q.take("other", block=0.5) for _ in range(2)]
    assert sorted(w.key for w in got) == ["outlet:a", "outlet:b"]
    assert not any(w.taken_over for w in got)
    assert q.outstanding() == 2
    assert all(q.finish(w, "other") for w in got)
    assert q.outstanding() == 0


def test_lease_timeout_must_be_positive(redis_server):
    with pytest.raises(ValueError):
        queue(redis_server, lease=0)


def test_an_item_that_keeps_killing_workers_is_set_aside_and_the_crawl_completes(redis_server):
    q = WorkQueue(connect(redis_server.url, give_up_after=5), KEYS, lease_timeout=0.2, max_deliveries=3)
    q.put(outlets("poison", "fine"))
    first = q.take("w1", block=0.1)
    assert first.key == "outlet:poison"  # w1 dies with it (it is never finished)
    taken = []
    for n in range(2, 4):  # delivered a second and third time, each worker dying with it
        time.sleep(0.3)
        work = q.take(f"w{n}", block=0.1)
        assert work.key == "outlet:poison" and work.taken_over
        taken.append(work)
    time.sleep(0.3)
    last = q.take("w4", block=0.1)  # a fourth delivery would pass max_deliveries: set aside instead
    assert last.key == "outlet:fine" and not last.taken_over
    assert q.finish(last, "w4")
    assert q.outstanding() == 0
    # delivered three times, each worker dying with it (the fourth take-over attempt delivers nothing; stop 37)
    assert q.dead() == [("outlet:poison", {"outlet": "poison"}, 3, "each worker that took it died")]
    assert not q.finish(taken[-1], "w3")  # a late finish of a dead item acknowledges nothing
    q.link.client.delete(*KEYS.all())  # what the coordinator does at the end
    assert not q.link.client.keys(KEYS.base + ":*")


def test_a_take_blocked_while_the_crawl_ends_finds_no_work(redis_server):
    # the coordinator deletes the crawl's keys as it ends; a worker blocked in XREADGROUP on the work stream gets
    # Redis 7's "UNBLOCKED the stream key no longer exists" (a flaky end of the scale-out e2e test before this)
    import threading

    q = queue(redis_server)
    q.put(outlets("a"))
    assert q.take("w1", block=0.1) is not None  # the stream is empty now, its group and key still there
    got: list = []
    taker = threading.Thread(target=lambda: got.append(q.take("w2", block=5.0)))
    taker.start()
    time.sleep(0.5)  # w2 is blocked in XREADGROUP
    connect(redis_server.url, give_up_after=5).client.delete(KEYS.work)
    taker.join(timeout=10)
    assert not taker.is_alive() and got == [None]


def test_a_take_after_the_crawl_ended_leaves_no_key_without_expiry(redis_server):
    # a worker polling just after the coordinator deleted the crawl's keys meets NOGROUP and creates the group (and
    # with it an empty stream) again, as it must when Redis lost its data mid-crawl; that stream must expire
    q = queue(redis_server)
    q.put(outlets("a"))
    client = connect(redis_server.url, give_up_after=5).client
    client.delete(*KEYS.all())
    assert q.take("w1", block=0.1) is None
    assert client.exists(KEYS.work)  # the group is back, for a Redis that had lost it
    assert 0 < client.ttl(KEYS.work) <= q.ttl

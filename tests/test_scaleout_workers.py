"""Worker names on a real redis-server: one live worker per name, heartbeats that expire."""

from __future__ import annotations

import time

import pytest
from redisserver import redis_server_fixture  # noqa: F401  (the redis_server fixture)

from crawler.scaleout.connection import connect
from crawler.scaleout.workers import WorkerNameTaken, claim_name, live_workers


def test_a_name_is_held_by_one_live_worker(redis_server):
    link = connect(redis_server.url, give_up_after=5)
    # a 1.5 s heartbeat, checked 0.8 s after a renewal: 0.7 s to spare for a loaded machine (0.5 s with 0.2 s to
    # spare failed under parallel test workers), and 1.6 s after the claim, when an unrenewed one had expired
    first = claim_name(link, "box-1", ttl=1.5)
    claim_name(link, "box-2", ttl=5)
    assert live_workers(link) == ["box-1", "box-2"]
    with pytest.raises(WorkerNameTaken, match="box-1"):
        claim_name(link, "box-1")
    time.sleep(0.8)
    assert first.renew()
    time.sleep(0.8)  # renewed: still held
    with pytest.raises(WorkerNameTaken):
        claim_name(link, "box-1")
    time.sleep(1.0)  # box-1 stopped renewing (SIGKILL): its name is free and it is no longer listed
    assert live_workers(link) == ["box-2"]
    assert claim_name(link, "box-1", ttl=5).holder().startswith("box-1/")


def test_a_name_must_fit_a_warc_file_name(redis_server):
    link = connect(redis_server.url, give_up_after=5)
    for bad in ["", "a b", "a/b", "x" * 65]:
        with pytest.raises(ValueError):
            claim_name(link, bad)

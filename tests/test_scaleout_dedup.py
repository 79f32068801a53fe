"""Shared dedup on a real redis-server: each fingerprint is new to exactly one worker; the crawl's set expires."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from redisserver import redis_server_fixture  # noqa: F401  (the redis_server fixture)

from crawler.scaleout.connection import connect
from crawler.scaleout.dedup import SeenSet
from crawler.scaleout.keys import CrawlKeys

ADDER = textwrap.dedent("""
    import sys
    from crawler.scaleout.connection import connect
    from crawler.scaleout.dedup import SeenSet
    from crawler.scaleout.keys import CrawlKeys
    seen = SeenSet(connect(sys.argv[1], give_up_after=5), CrawlKeys("crawl-d"))
    mine = [fp for i in range(0, 300, 10) for fp, new in zip(
        [f"fp{j}" for j in range(i, i + 10)], seen.add_many(f"fp{j}" for j in range(i, i + 10))) if new]
    print(" ".join(mine))
""")


def test_three_processes_adding_the_same_fingerprints_each_one_wins_once(redis_server):
    procs = [subprocess.Popen([sys.executable, "-c", ADDER, redis_server.url], stdout=subprocess.PIPE, text=True)
             for _ in range(3)]
    won = [fp for p in procs for fp in p.communicate(timeout=60)[0].split()]
    assert all(p.returncode == 0 for p in procs)
    assert sorted(won) == sorted(f"fp{j}" for j in range(300))  # every one fetched, none twice


def test_fingerprints_belong_to_one_crawl_and_expire(redis_server):
    link = connect(redis_server.url, give_up_after=5)
    seen = SeenSet(link, CrawlKeys("crawl-d"), ttl=100)
    assert seen.add("a") and not seen.add("a")
    assert "a" in seen and "b" not in seen and len(seen) == 1
    assert 0 < link.client.ttl(CrawlKeys("crawl-d").seen) <= 100  # scrapy-redis's set never expires (#84)
    assert SeenSet(link, CrawlKeys("crawl-e")).add("a")  # the next crawl starts empty


def test_a_retried_add_still_answers_new(redis_server):
    seen = SeenSet(connect(redis_server.url, give_up_after=5), CrawlKeys("crawl-d"))
    # the same call sent twice (its first reply lost) carries the same token; another caller's does not
    first = seen._add(keys=[seen.key], args=[100, "call-1", "fp"])
    again = seen._add(keys=[seen.key], args=[100, "call-1", "fp"])
    other = seen._add(keys=[seen.key], args=[100, "call-2", "fp"])
    assert (first, again, other) == ([1], [1], [0])

"""One clock for liveness across machines: Redis's (``TIME``), never this machine's wall clock.

The running crawls (keys.ACTIVE_CRAWLS) were scored with the coordinator's ``time.time()`` and compared with each
worker's: a worker whose clock ran 90 s ahead saw every crawl as dead, never took work and logged only "waiting for
work", and the coordinator waited for ever (a black-box probe, stop 39). Both sides now read Redis's clock, in the
script that writes or reads the score; leases, names and writers' marks are key expiries (Redis's clock too).
A machine's own clock still dates what it archives (a capture's ``fetched_at``, its WARC-Date), so a worker whose
clock is far from Redis's says so once as it starts.
"""

from __future__ import annotations

import logging
import time

import redis

from crawler.scaleout.connection import RedisLink
from crawler.scaleout.keys import ACTIVE_CRAWLS

logger = logging.getLogger(__name__)

SKEW_WARNING = 10.0  # seconds between this machine's clock and Redis's beyond which a worker warns (once)

# replicate_commands: Redis < 5 refuses a write after TIME in a script unless effects are replicated (a no-op since 5)
_ANNOUNCE = """
if redis.replicate_commands then redis.replicate_commands() end
local t = redis.call('TIME')
return redis.call('ZADD', KEYS[1], t[1] + t[2] / 1000000, ARGV[1])
"""

_RUNNING = """
local t = redis.call('TIME')
return redis.call('ZRANGEBYSCORE', KEYS[1], string.format('%.6f', t[1] + t[2] / 1000000 - tonumber(ARGV[1])), '+inf')
"""


def server_time(r: redis.Redis) -> float:
    """Redis's clock now, in Unix seconds."""
    seconds, micros = r.time()
    return seconds + micros / 1e6


def announce(link: RedisLink, crawl: str, *, wait_oom: bool = True) -> None:
    """Mark ``crawl`` live now, by Redis's clock (the coordinator's heartbeat)."""
    script = link.client.register_script(_ANNOUNCE)
    link.call("announce the crawl", lambda r: script(keys=[ACTIVE_CRAWLS], args=[crawl], client=r),
              wait_oom=wait_oom)


def running_crawls(link: RedisLink, window: float) -> list[str]:
    """The crawls announced within the last ``window`` seconds of Redis's clock, oldest first."""
    script = link.client.register_script(_RUNNING)
    return list(link.call("list running crawls", lambda r: script(keys=[ACTIVE_CRAWLS], args=[window], client=r)))


def offset(link: RedisLink) -> float:
    """How far this machine's clock is ahead of Redis's (negative: behind), in seconds, the round trip halved."""
    before = time.time()
    now = link.call("read Redis's clock", server_time)
    after = time.time()
    return (before + after) / 2 - now


def warn_if_skewed(link: RedisLink, who: str, *, tolerance: float = SKEW_WARNING) -> float:
    """Log one WARNING when this machine's clock is more than ``tolerance`` s from Redis's; returns the offset."""
    off = offset(link)
    if abs(off) > tolerance:
        logger.warning("%s: this machine's clock is %.0f s %s Redis's at %s: liveness (crawls, leases, names) goes "
                       "by Redis's clock and is not affected, but the captures' fetched_at and WARC-Date this worker "
                       "writes are its own clock's; set it right (NTP, e.g. `timedatectl set-ntp true`)", who,
                       abs(off), "ahead of" if off > 0 else "behind", link.where)
    return off

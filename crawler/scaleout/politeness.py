"""Politeness across workers: a per-outlet lease and a shared per-outlet rate limiter, both on the Redis clock.

Why not scrapy-redis: it shares the queue but each process keeps its own download slots, so two workers with
DOWNLOAD_DELAY=1 fetch one site twice as fast (measured: 2.05 requests per second). Here the delay, the
concurrency cap and any Retry-After back-off live in Redis, in one Lua script per decision, timed by the
server's TIME so that workers on machines with skewed clocks still agree.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from crawler.scaleout.connection import RedisLink
from crawler.scaleout.keys import outlet_inflight_key, outlet_lease_key, outlet_rate_key

logger = logging.getLogger(__name__)

DEFAULT_OUTLET_LEASE = 60.0  # seconds an outlet stays with a silent worker; renew every third of it
DEFAULT_SLOT_TTL = 300.0  # seconds a fetch counts as in flight if its worker never reports it done (a crash)
RATE_KEY_TTL = 86400  # seconds an outlet's rate state outlives its last fetch

# Take the lease, or keep it if this owner already holds it (so a retry after a lost reply is not refused).
_LEASE_ACQUIRE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 1 end
return 0
"""
# Compare-and-renew and compare-and-delete: only the holder may extend or drop the lease
# (https://redis.io/docs/latest/develop/use/patterns/distributed-locks/).
_LEASE_RENEW = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
"""
_LEASE_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""

# One fetch slot for an outlet. KEYS: rate hash, in-flight zset. ARGV: delay ms, concurrency, token,
# slot ttl ms, key ttl ms. Returns {1, wait ms, slot start ms} (reserved: fetch after waiting) or
# {0, retry after ms, 0} (as many fetches in flight as the outlet's concurrency allows).
_RESERVE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
if redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[2]) then
  local first = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
  return {0, math.max(1, math.min(tonumber(first[2]) - now, 100)), 0}
end
local nxt = tonumber(redis.call('HGET', KEYS[1], 'next') or '0')
local backoff = tonumber(redis.call('HGET', KEYS[1], 'backoff') or '0')
local start = math.max(now, nxt, backoff)
redis.call('HSET', KEYS[1], 'next', start + tonumber(ARGV[1]))
redis.call('ZADD', KEYS[2], start + tonumber(ARGV[4]), ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[5])
redis.call('PEXPIRE', KEYS[2], ARGV[5])
return {1, start - now, start}
"""
# Push the outlet's earliest next fetch to now + ARGV[1] ms, never earlier than an existing back-off.
_BACK_OFF = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local until_ms = now + tonumber(ARGV[1])
if until_ms > tonumber(redis.call('HGET', KEYS[1], 'backoff') or '0') then
  redis.call('HSET', KEYS[1], 'backoff', until_ms)
end
redis.call('PEXPIRE', KEYS[1], math.max(tonumber(ARGV[2]), tonumber(ARGV[1])))
return until_ms
"""


class Lease:
    """While held, this holder alone owns ``key``: SET NX PX, renewed by the holder, released by it only.

    Used for outlets (one worker crawls an outlet at a time: :func:`outlet_lease`) and for worker names
    (crawler/scaleout/workers.py).
    """

    def __init__(self, link: RedisLink, key: str, holder: str, *, ttl: float, what: str):
        if ttl <= 0:
            raise ValueError("ttl must be > 0")
        self.link, self.key, self.what = link, key, what
        # A fresh token per lease: a restarted worker with the same name does not inherit its old lease.
        self.token = f"{holder}/{uuid.uuid4().hex}"
        self.ttl_ms = int(ttl * 1000)
        client = link.client
        self._acquire = client.register_script(_LEASE_ACQUIRE)
        self._renew = client.register_script(_LEASE_RENEW)
        self._release = client.register_script(_LEASE_RELEASE)

    def _run(self, verb: str, script: Callable[..., object], args: list[object]) -> bool:
        return bool(self.link.call(f"{verb} lease of {self.what}",
                                   lambda r: script(keys=[self.key], args=args, client=r)))

    def acquire(self) -> bool:
        """Take the lease if nobody holds it; True if this holder now holds it."""
        return self._run("take", self._acquire, [self.token, self.ttl_ms])

    def renew(self) -> bool:
        """Extend the lease by its ttl; False if it expired and someone else may hold it (stop at once)."""
        held = self._run("renew", self._renew, [self.token, self.ttl_ms])
        if not held:
            logger.warning("lost the lease of %s (not renewed within %.0f s)", self.what, self.ttl_ms / 1000)
        return held

    def release(self) -> bool:
        """Drop the lease if this holder still holds it."""
        return self._run("release", self._release, [self.token])

    def holder(self) -> str | None:
        """The token of whoever holds the lease now, or None."""
        return self.link.call(f"read lease of {self.what}", lambda r: r.get(self.key))


def outlet_lease(link: RedisLink, outlet: str, holder: str, *, ttl: float = DEFAULT_OUTLET_LEASE) -> Lease:
    """The lease that lets one worker at a time crawl ``outlet``."""
    return Lease(link, outlet_lease_key(outlet), holder, ttl=ttl, what=f"outlet {outlet}")


@dataclass(frozen=True)
class Slot:
    """The answer to a request for a fetch slot: ``granted`` after ``wait`` seconds, or ask again after ``wait``."""

    granted: bool
    wait: float
    token: str
    at_ms: int = 0  # the slot's start on the Redis clock (ms since the epoch) when granted


class RateLimiter:
    """Per-outlet fetch slots shared by every worker: ``download_delay`` apart, ``concurrency`` in flight at most.

    A slot is reserved in the future (the caller sleeps until it), so workers queue fairly without polling.
    As on one machine, the delay holds between the moments fetches are handed to the downloader; a worker
    that dies holding slots frees them after ``slot_ttl``. A retried reservation whose first reply was lost
    wastes one slot, which errs on the polite side.
    """

    def __init__(self, link: RedisLink, *, slot_ttl: float = DEFAULT_SLOT_TTL,
                 sleep: Callable[[float], None] = time.sleep):
        self.link = link
        self.slot_ttl_ms = int(slot_ttl * 1000)
        self._reserve = link.client.register_script(_RESERVE)
        self._back_off = link.client.register_script(_BACK_OFF)
        self._sleep = sleep

    def reserve(self, outlet: str, delay: float, concurrency: int) -> Slot:
        """Ask once for a slot of ``outlet``."""
        if delay < 0 or concurrency < 1:
            raise ValueError("delay must be >= 0 and concurrency >= 1")
        token = uuid.uuid4().hex
        args = [int(delay * 1000), concurrency, token, self.slot_ttl_ms, RATE_KEY_TTL * 1000]
        keys = [outlet_rate_key(outlet), outlet_inflight_key(outlet)]
        granted, wait_ms, at_ms = self.link.call(f"reserve a fetch slot of {outlet}",
                                                 lambda r: self._reserve(keys=keys, args=args, client=r))
        return Slot(bool(granted), int(wait_ms) / 1000, token, int(at_ms))

    def acquire(self, outlet: str, delay: float, concurrency: int) -> Slot:
        """Wait until this worker may fetch from ``outlet``; call :meth:`done` with the slot after the fetch."""
        while True:
            slot = self.reserve(outlet, delay, concurrency)
            if slot.wait > 0:
                self._sleep(slot.wait)
            if slot.granted:
                return slot

    def done(self, outlet: str, slot: Slot) -> None:
        """The fetch of ``slot`` is over (response, error or timeout): free its place in the concurrency cap."""
        self.link.call(f"free a fetch slot of {outlet}",
                       lambda r: r.zrem(outlet_inflight_key(outlet), slot.token))

    def back_off(self, outlet: str, seconds: float) -> None:
        """No worker fetches from ``outlet`` for ``seconds`` (a 429/503 or Retry-After; the caller caps it)."""
        ms = int(seconds * 1000)
        until_ms = self.link.call(f"back off {outlet}", lambda r: self._back_off(
            keys=[outlet_rate_key(outlet)], args=[ms, RATE_KEY_TTL * 1000], client=r))
        logger.info("outlet %s: every worker waits %.1f s (until %d ms on the Redis clock)", outlet, seconds,
                    until_ms)

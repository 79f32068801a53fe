"""A work queue with leases on a Redis stream and consumer group: take, renew, finish, hand back, take over.

Why not scrapy-redis's queue: its ``pop`` removes a request from a list or sorted set (LPOP/ZPOPMIN), so the
requests a crashed worker had taken are lost; there is no lease or acknowledgement, and its queue is wiped when any
worker closes unless SCHEDULER_PERSIST is set. A stream consumer group keeps every taken entry in the group's
pending list until the worker acknowledges it; an entry idle longer than the lease timeout is taken over
(XAUTOCLAIM) by the next worker that asks for work (https://redis.io/docs/latest/develop/data-types/streams/).

An entry leaves the stream when it is finished (XACK and XDEL in one script), so the stream's length is the
work still outstanding: queued, or taken and not yet finished. A crawl is complete when it is zero and the
results channel is drained, provided what an item leads to is queued before the item is finished: by the worker
in the same script (``finish(follow=...)``), or by the coordinator while it applies the item's published results
(crawler/scaleout/results.py ``apply_results`` checks the queue before each read).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import redis

from crawler.scaleout.connection import RedisLink
from crawler.scaleout.keys import CrawlKeys

logger = logging.getLogger(__name__)

GROUP = "workers"
DEFAULT_LEASE_TIMEOUT = 120.0  # seconds an item stays with a silent worker before another may take it over
DEFAULT_MAX_DELIVERIES = 5  # deliveries of one item before it is set aside as dead (it keeps killing workers)
DEFAULT_CRAWL_TTL = 7 * 86400  # seconds a crawl's keys live after their last write (a forgotten crawl expires)

# Queue items not queued before in this crawl (the SADD makes queueing idempotent, so a retried call after a
# lost reply adds nothing twice); refresh the crawl keys' expiry.
# KEYS: work stream, queued set. ARGV: ttl seconds, then key, item json pairs.
_PUT = """
local n = 0
for i = 2, #ARGV, 2 do
  if redis.call('SADD', KEYS[2], ARGV[i]) == 1 then
    redis.call('XADD', KEYS[1], '*', 'key', ARGV[i], 'item', ARGV[i + 1])
    n = n + 1
  end
end
if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
if redis.call('EXISTS', KEYS[2]) == 1 then redis.call('EXPIRE', KEYS[2], ARGV[1]) end
return n
"""

# Take over the oldest item whose lease expired, unless it has been delivered more than ARGV[4] times: then it
# probably kills every worker that takes it (a page that exhausts memory), and it moves to the dead stream
# instead of cycling for ever. KEYS: work stream, dead stream. ARGV: group, consumer, lease ms, max deliveries,
# ttl. Returns {id, flat fields, deliveries} or nil.
_TAKE_OVER = """
while true do
  local r = redis.call('XAUTOCLAIM', KEYS[1], ARGV[1], ARGV[2], ARGV[3], '0-0', 'COUNT', 1)
  local e = r[2][1]
  if not e then return false end
  local n = redis.call('XPENDING', KEYS[1], ARGV[1], e[1], e[1], 1)[1][4]
  if n <= tonumber(ARGV[4]) then return {e[1], e[2], n} end
  -- n counts this claim too, which delivers nothing: the item was delivered n - 1 times (README: "given up after
  -- 5 deliveries" while the log said 6, a black-box probe, stop 37)
  redis.call('XADD', KEYS[2], '*', 'deliveries', n - 1, 'reason', 'each worker that took it died', unpack(e[2]))
  redis.call('EXPIRE', KEYS[2], ARGV[5])
  redis.call('XACK', KEYS[1], ARGV[1], e[1])
  redis.call('XDEL', KEYS[1], e[1])
end
"""

# The owner check shared by the scripts below: is entry ARGV[2] pending for consumer ARGV[3] in group ARGV[1]?
_OWNS = """
local p = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[2], ARGV[2], 1)
local owned = (#p == 1 and p[1][2] == ARGV[3])
"""

# Reset the entry's idle time if this worker still holds it (XCLAIM to itself; JUSTID keeps the delivery count).
_RENEW = _OWNS + """
if not owned then return 0 end
redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[3], 0, ARGV[2], 'JUSTID')
return 1
"""

# Queue the follow-up items, then acknowledge and delete the entry if this worker still holds it. Follow-ups are
# queued either way: a worker that lost its lease produced the same follow-ups as the one that took over, and the
# queued set drops the second copy. KEYS: work stream, queued set. ARGV: group, id, consumer, ttl, key/item pairs.
_FINISH = _OWNS + """
for i = 5, #ARGV, 2 do
  if redis.call('SADD', KEYS[2], ARGV[i]) == 1 then
    redis.call('XADD', KEYS[1], '*', 'key', ARGV[i], 'item', ARGV[i + 1])
  end
end
redis.call('EXPIRE', KEYS[2], ARGV[4])
if not owned then return 0 end
redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])
redis.call('XDEL', KEYS[1], ARGV[2])
redis.call('EXPIRE', KEYS[1], ARGV[4])
return 1
"""

# Hand an item back: re-add its fields at the end of the stream, then acknowledge and delete the taken entry, in
# one script, so the item is never both gone and un-queued. There is no "XCLAIM to nobody": a fresh entry is the
# way to make it deliverable to the next XREADGROUP at once instead of after the lease timeout.
_RELEASE = _OWNS + """
if not owned then return 0 end
local e = redis.call('XRANGE', KEYS[1], ARGV[2], ARGV[2])
redis.call('XADD', KEYS[1], '*', unpack(e[1][2]))
redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])
redis.call('XDEL', KEYS[1], ARGV[2])
return 1
"""


# An item its worker could not crawl (the child crawl failed or was killed while the worker lives): hand it back at
# once with its failure count and reason in its fields, or, at ARGV[5] failures, set it aside as dead with that
# reason, instead of leaving it to the lease timeout (a probe, stop 37: the coordinator heard "worker-died" after six
# leases). KEYS: work stream, dead stream. ARGV: group, id, consumer, reason, max failures, ttl.
# Returns the failure count (negative once set aside), or 0 if this worker no longer holds the item.
_FAIL = _OWNS + """
if not owned then return 0 end
local e = redis.call('XRANGE', KEYS[1], ARGV[2], ARGV[2])
local f = e[1][2]
local kept, n = {}, 1
for i = 1, #f, 2 do
  if f[i] == 'failures' then n = tonumber(f[i + 1]) + 1
  elseif f[i] ~= 'reason' then table.insert(kept, f[i]); table.insert(kept, f[i + 1]) end
end
redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])
redis.call('XDEL', KEYS[1], ARGV[2])
if n >= tonumber(ARGV[5]) then
  redis.call('XADD', KEYS[2], '*', 'deliveries', n, 'reason', ARGV[4], unpack(kept))
  redis.call('EXPIRE', KEYS[2], ARGV[6])
  return -n
end
redis.call('XADD', KEYS[1], '*', 'failures', n, 'reason', ARGV[4], unpack(kept))
return n
"""


@dataclass(frozen=True)
class WorkItem:
    """One taken item: the stream entry ``id``, its dedup ``key`` and the ``item`` the coordinator queued."""

    id: str
    key: str
    item: dict[str, Any] = field(hash=False)
    taken_over: bool = False  # True when it came from a worker whose lease had expired
    failures: int = 0  # times a worker could not crawl it (WorkQueue.fail), each handed back at once


def _pairs(items: Iterable[tuple[str, Mapping[str, Any]]]) -> list[str]:
    out: list[str] = []
    for key, item in items:
        out += [key, json.dumps(item, sort_keys=True, ensure_ascii=False)]
    return out


class WorkQueue:
    """The leased work queue of one crawl; every worker and the coordinator make their own instance."""

    def __init__(self, link: RedisLink, keys: CrawlKeys, *, lease_timeout: float = DEFAULT_LEASE_TIMEOUT,
                 ttl: int = DEFAULT_CRAWL_TTL, max_deliveries: int = DEFAULT_MAX_DELIVERIES, wait_oom: bool = True):
        """``wait_oom`` False: creating the group raises RedisOutOfMemory at once where Redis is out of memory (a
        coordinator starting its crawl says so and stops), instead of waiting for memory as a worker does."""
        if lease_timeout <= 0 or max_deliveries < 1:
            raise ValueError("lease_timeout must be > 0 and max_deliveries >= 1")
        self.max_deliveries = max_deliveries
        self.link, self.keys = link, keys
        self.lease_ms = int(lease_timeout * 1000)
        self.ttl = ttl
        client = link.client
        self._put, self._renew = client.register_script(_PUT), client.register_script(_RENEW)
        self._finish, self._release = client.register_script(_FINISH), client.register_script(_RELEASE)
        self._take_over, self._fail = client.register_script(_TAKE_OVER), client.register_script(_FAIL)
        self._ensure_group(wait_oom)

    def _ensure_group(self, wait_oom: bool = True) -> None:
        def create(r: redis.Redis) -> None:
            try:
                r.xgroup_create(self.keys.work, GROUP, id="0", mkstream=True)
            except redis.ResponseError as exc:
                if "BUSYGROUP" not in str(exc):
                    raise
            # MKSTREAM makes a key with no expiry; a worker that polls just after its crawl ended (the coordinator
            # deleted the keys) comes here too, and its empty stream must not outlive the crawl's other keys
            r.expire(self.keys.work, self.ttl)
        self.link.call("create the work group", create, wait_oom=wait_oom)

    def put(self, items: Iterable[tuple[str, Mapping[str, Any]]], *, wait_oom: bool = True) -> int:
        """Queue ``(key, item)`` pairs; a key queued before in this crawl is skipped. Returns how many were new.
        ``wait_oom`` False: raise RedisOutOfMemory at once where Redis is out of memory (nothing is queued)."""
        args = [self.ttl, *_pairs(items)]
        if len(args) == 1:
            return 0
        return int(self.link.call("queue work", lambda r: self._put(keys=[self.keys.work, self.keys.queued],
                                                                      args=args, client=r), wait_oom=wait_oom))

    def take(self, consumer: str, *, block: float = 1.0) -> WorkItem | None:
        """Take one item for ``consumer``: first one whose lease expired, else a new one (waiting ``block`` s)."""
        try:
            return self._take(consumer, block)
        except redis.ResponseError as exc:
            if "UNBLOCKED" in str(exc):
                # Redis 7 ends a blocked XREADGROUP with "UNBLOCKED the stream key no longer exists" when the key is
                # deleted meanwhile: the crawl's coordinator removed its keys as the crawl ended. No work, no error.
                return None
            if "NOGROUP" not in str(exc):
                raise
            # A Redis restarted without its data has lost the group (and the work: see docs/scaleout.md)
            logger.warning("the work group of crawl %s is gone (Redis lost its data?); creating it again",
                           self.keys.crawl)
            self._ensure_group()
            return self._take(consumer, block)

    def _take(self, consumer: str, block: float) -> WorkItem | None:
        args = [GROUP, consumer, self.lease_ms, self.max_deliveries, self.ttl]
        claimed = self.link.call("take over expired work", lambda r: self._take_over(
            keys=[self.keys.work, self.keys.dead], args=args, client=r))
        if claimed:
            entry_id, flat, deliveries = claimed
            fields = dict(zip(flat[::2], flat[1::2]))
            logger.warning("%s takes over work item %s (%s, delivery %d): its worker's lease of %.0f s expired",
                           consumer, entry_id, fields.get("key"), deliveries, self.lease_ms / 1000)
            return WorkItem(entry_id, fields["key"], json.loads(fields["item"]), taken_over=True,
                            failures=int(fields.get("failures") or 0))
        block_ms = max(1, self.link.check_block(block))

        def read(r: redis.Redis) -> Any:
            return r.xreadgroup(GROUP, consumer, {self.keys.work: ">"}, count=1, block=block_ms)
        got = self.link.call("take work", read)
        if not got or not got[0][1]:
            return None
        entry_id, fields = got[0][1][0]
        return WorkItem(entry_id, fields["key"], json.loads(fields["item"]), failures=int(fields.get("failures") or 0))

    def renew(self, work: WorkItem, consumer: str) -> bool:
        """Restart the lease clock of an item ``consumer`` holds; False if it has been taken over meanwhile."""
        args = [GROUP, work.id, consumer]
        return bool(self.link.call("renew lease", lambda r: self._renew(keys=[self.keys.work], args=args,
                                                                          client=r)))

    def holder(self, work: WorkItem) -> str | None:
        """The worker holding ``work`` now, or None when nobody does (finished, set aside, or lost by Redis)."""
        pending = self.link.call("look up a lease", lambda r: r.xpending_range(
            self.keys.work, GROUP, min=work.id, max=work.id, count=1))
        return str(pending[0]["consumer"]) if pending else None

    def finish(self, work: WorkItem, consumer: str,
               follow: Iterable[tuple[str, Mapping[str, Any]]] = ()) -> bool:
        """Queue what the item led to and mark it done, atomically; False if another worker had taken it over."""
        args = [GROUP, work.id, consumer, self.ttl, *_pairs(follow)]
        done = bool(self.link.call("finish work", lambda r: self._finish(
            keys=[self.keys.work, self.keys.queued], args=args, client=r)))
        if not done:
            logger.warning("%s finished %s after its lease expired; the worker that took it over acknowledges it",
                           consumer, work.key)
        return done

    def release(self, work: WorkItem, consumer: str) -> bool:
        """Hand an unfinished item back so that another worker takes it at once (on SIGTERM)."""
        args = [GROUP, work.id, consumer]
        return bool(self.link.call("hand back work", lambda r: self._release(keys=[self.keys.work], args=args,
                                                                              client=r)))

    def fail(self, work: WorkItem, consumer: str, reason: str) -> int:
        """Hand back an item ``consumer`` could not crawl, at once, counting the failure; at ``max_deliveries``
        failures it is set aside (:meth:`dead`) with ``reason``. Returns the count (negative once set aside), 0 if
        ``consumer`` no longer held it."""
        args = [GROUP, work.id, consumer, reason, self.max_deliveries, self.ttl]
        return int(self.link.call("hand back failed work", lambda r: self._fail(
            keys=[self.keys.work, self.keys.dead], args=args, client=r)))

    def dead(self) -> list[tuple[str, dict[str, Any], int, str]]:
        """Items set aside after ``max_deliveries``: (key, item, deliveries, reason), for the crawl's summary."""
        entries = self.link.call("read dead work", lambda r: r.xrange(self.keys.dead))
        return [(f["key"], json.loads(f["item"]), int(f["deliveries"]), f.get("reason", "")) for _, f in entries]

    def exists(self) -> bool:
        """Whether this crawl's keys are still in Redis (its queued set lives from the first put to the end)."""
        return bool(self.link.call("look for the crawl's keys", lambda r: r.exists(self.keys.queued)))

    def outstanding(self) -> int:
        """Items queued or taken and not finished; 0 means the crawl's work is done."""
        return int(self.link.call("count work", lambda r: r.xlen(self.keys.work)))

"""The results channel: workers publish catalogue records to a Redis stream; the coordinator applies them.

Workers never write the catalogue. They publish what it needs (capture rows with WARC file, offset, length and
digests; extraction results) and the coordinator, the catalogue's single writer, reads them in batches from a
consumer group, writes each batch in one transaction and acknowledges it only after that commit. Delivery is
therefore at least once (a coordinator that dies between commit and acknowledgement reads the batch again,
and a worker's publish retried after a lost reply is stored twice in the stream): the apply callable must be
idempotent, keyed on WARC-Record-ID or (WARC file, offset).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import redis

from crawler.scaleout.connection import RedisLink
from crawler.scaleout.keys import CrawlKeys
from crawler.scaleout.workqueue import DEFAULT_CRAWL_TTL

logger = logging.getLogger(__name__)

GROUP = "catalogue"
COORDINATOR = "coordinator"
DEFAULT_BATCH = 500  # records per catalogue transaction at most
DEFAULT_CLAIM_AFTER = 300.0  # seconds after which records read by another, silent coordinator are taken over

# XACK then XDEL of the ids ARGV[2..] in group ARGV[1], atomically
_ACK = """
local ids = {unpack(ARGV, 2)}
redis.call('XACK', KEYS[1], ARGV[1], unpack(ids))
return redis.call('XDEL', KEYS[1], unpack(ids))
"""

# One batch of records, written by one function in one transaction (the catalogue writer plugs in here).
Apply = Callable[[list[dict[str, Any]]], None]


class ResultsChannel:
    """The results stream of one crawl, used by workers (:meth:`publish`) and the coordinator (the rest)."""

    def __init__(self, link: RedisLink, keys: CrawlKeys, *, claim_after: float = DEFAULT_CLAIM_AFTER,
                 ttl: int = DEFAULT_CRAWL_TTL):
        self.link, self.key, self.ttl = link, keys.results, ttl
        self.claim_after_ms = int(claim_after * 1000)
        self._group_ready = False

    def _ensure_group(self) -> None:
        def create(r: redis.Redis) -> None:
            try:
                r.xgroup_create(self.key, GROUP, id="0", mkstream=True)
            except redis.ResponseError as exc:
                if "BUSYGROUP" not in str(exc):
                    raise
            r.expire(self.key, self.ttl)  # MKSTREAM's key has no expiry
        self.link.call("create the results group", create)
        self._group_ready = True

    def publish(self, records: Sequence[Mapping[str, Any]],
                hashes: Mapping[str, Mapping[str, str]] | None = None) -> None:
        """Send records to the coordinator, all or none (one MULTI/EXEC): a WARC record's rows travel together.

        ``hashes``: fields to set in hashes of the crawl in the same transaction (the full captures of the batch,
        crawler/scaleout/captured.py), each expiring with the crawl's keys."""
        payloads = [json.dumps(record, sort_keys=True, ensure_ascii=False) for record in records]
        if not payloads:
            return

        def send(r: redis.Redis) -> None:
            with r.pipeline(transaction=True) as pipe:
                for payload in payloads:
                    pipe.xadd(self.key, {"record": payload})
                # a worker publishing after its crawl ended (the coordinator deleted the keys) makes the key anew
                pipe.expire(self.key, self.ttl)
                for key, fields in (hashes or {}).items():
                    if fields:
                        pipe.hset(key, mapping=dict(fields))
                        pipe.expire(key, self.ttl)
                pipe.execute()
        self.link.call("publish results", send)

    def read(self, consumer: str = COORDINATOR, *, count: int = DEFAULT_BATCH,
             block: float = 1.0) -> list[tuple[str, dict[str, Any]]]:
        """The next batch for ``consumer``: its own unacknowledged records first (after a crash), then another
        coordinator's stale ones, then new ones (waiting up to ``block`` seconds)."""
        if not self._group_ready:
            self._ensure_group()
        streams = self.link.call("read own pending results", lambda r: r.xreadgroup(
            GROUP, consumer, {self.key: "0"}, count=count))
        entries = streams[0][1] if streams and streams[0][1] else []
        if not entries:
            claimed = self.link.call("take over stale results", lambda r: r.xautoclaim(
                self.key, GROUP, consumer, self.claim_after_ms, "0-0", count=count))
            entries = claimed[1] if claimed else []
        if not entries:
            block_ms = self.link.check_block(block)
            streams = self.link.call("read results", lambda r: r.xreadgroup(
                GROUP, consumer, {self.key: ">"}, count=count, block=block_ms if block_ms > 0 else None))
            entries = streams[0][1] if streams and streams[0][1] else []
        return [(entry_id, json.loads(fields["record"])) for entry_id, fields in entries if fields]

    def ack(self, ids: Sequence[str]) -> None:
        """Acknowledge and delete applied records (one MULTI/EXEC; repeating it is harmless)."""
        if not ids:
            return

        # a script, not MULTI/EXEC: Redis out of memory refuses every command queued in a MULTI, also XACK and XDEL,
        # which free memory; a script that writes nothing that may grow Redis runs (a probe, stop 39: the workers'
        # publishes waited for memory while the coordinator's acknowledgements, which would free it, were refused)
        script = self.link.client.register_script(_ACK)
        self.link.call("acknowledge results", lambda r: script(keys=[self.key], args=[GROUP, *ids], client=r))

    def backlog(self) -> int:
        """Records published and not yet applied."""
        return int(self.link.call("count results", lambda r: r.xlen(self.key)))


def apply_results(channel: ResultsChannel, apply: Apply, *, until: Callable[[], bool],
                  consumer: str = COORDINATOR, batch: int = DEFAULT_BATCH, block: float = 1.0) -> int:
    """The coordinator's loop: read a batch, ``apply`` it (one transaction), acknowledge it; repeat until
    ``until()`` is true and nothing is left.

    Args:
        channel: the crawl's results channel.
        apply: writes a batch in one transaction, idempotently; if it raises, nothing of the batch is
            acknowledged and the error propagates (the records are read again by the next run).
        until: true once no more results can come (for a crawl: the work queue's outstanding count is 0;
            workers publish an item's results before they finish it).
        consumer: the coordinator's name in the consumer group; keep it stable across restarts.
        batch: records per transaction at most.
        block: seconds one read waits for new records.

    Returns:
        the number of records applied (a record delivered twice counts twice here, is stored once).
    """
    applied = 0
    while True:
        finished = until()  # asked before the read: whatever was published before it is read below
        entries = channel.read(consumer, count=batch, block=0 if finished else block)
        if not entries:
            if finished:
                return applied
            continue
        apply([record for _, record in entries])
        channel.ack([entry_id for entry_id, _ in entries])
        applied += len(entries)
        logger.debug("applied %d results (%d in all)", len(entries), applied)

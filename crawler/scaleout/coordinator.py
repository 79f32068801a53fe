"""The coordinator of a crawl by workers: queues one item per outlet, applies the workers' results, records the crawl.

It is the catalogue's single writer while the crawl runs: the session it opens is a one-machine ArchiveSession
(crawl row, outlets, recovery of interrupted crawls) whose writer thread stores the rows the workers publish
with crawler.capture.apply.store_rows (the catalogue part of a one-machine batch; the workers did the WARC part).
No scrapy imports: the CLI calls :func:`run_coordinator`.

One work item is one outlet of this crawl. A worker crawls the whole outlet in one child process (Scrapy, the
outlet's own ``download_delay`` and ``concurrency``), so politeness holds across workers without sharing a rate:
the queue hands an item to one worker at a time, and the worker also holds the outlet's lease
(crawler/scaleout/worker.py). Workers read the shared catalogue read-only for what a one-machine crawl reads
(validators, revisits, known articles), so nothing else travels with the item.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from typing import Any

import redis

from archive.catalogue import lookups
from archive.errors import NewsArchiveError
from archive.integrity.inventory import warcinfo_fields
from archive.integrity.recovery import recover
from crawler.capture.apply import store_rows
from crawler.capture.operations import CaptureOp
from crawler.capture.session import ArchiveSession
from crawler.capture.writer import LocalWriter
from crawler.scaleout.clock import announce
from crawler.scaleout.connection import RedisLink, RedisOutOfMemory
from crawler.scaleout.keys import ACTIVE_CRAWLS, CrawlKeys
from crawler.scaleout.results import ResultsChannel, apply_results
from crawler.scaleout.wire import decode, outlet_config
from crawler.scaleout.workers import live_workers
from crawler.scaleout.workqueue import WorkQueue

logger = logging.getLogger(__name__)

NO_WORKER_WARNING = 60.0  # seconds between warnings that no worker is alive (the first after as long)

WORKER_DIED = "worker-died"  # the failure reason of an outlet given up after it took down max_deliveries workers
WRITERS_WAIT = 30.0  # seconds beyond the lease timeout to wait for workers' crawls to stop after Redis lost the keys


# ZREM the crawl ARGV[1] from the running crawls KEYS[1], DEL its keys KEYS[2..], atomically
_FORGET = """
redis.call('ZREM', KEYS[1], ARGV[1])
return redis.call('DEL', unpack(KEYS, 2))
"""


class RedisLostCrawl(NewsArchiveError):
    """Redis no longer holds this crawl's keys (restarted without its data): the crawl cannot go on."""


class Coordinator:
    """Run one crawl of ``session``'s outlets by the workers on ``link``; the session must be freshly opened."""

    def __init__(self, session: ArchiveSession, link: RedisLink, *, lease_timeout: float,
                 settings: Mapping[str, Any] | None = None):
        self.session, self.link = session, link
        self.keys = CrawlKeys(session.uid)
        try:
            self.work = WorkQueue(link, self.keys, lease_timeout=lease_timeout, wait_oom=False)
        except BaseException as exc:  # the crawl row must not stay `running` (Redis out of memory, Ctrl-C, ...)
            self._not_started(exc)
            if isinstance(exc, RedisOutOfMemory):
                raise RedisOutOfMemory(f"{exc}; crawl {session.uid} did not start (recorded failed, nothing "
                                       "queued): run it again once Redis has room") from None
            raise
        self.results = ResultsChannel(link, self.keys)
        self.settings = {k: str(v) for k, v in (settings or {}).items()}  # the crawl's -s settings, for the workers
        self.locations: dict[str, Any] = {}  # record id -> WARC location, from decode until the writer stores it
        self.delivered: set[str] = set()  # records stored already (a worker's publish retried after a lost reply)
        self.runs: dict[str, dict[str, Any]] = {}  # child crawl -> its counts (the last copy wins)
        self._refused: set[str] = set()  # workers whose refusal was logged
        self._queued = False  # the crawl's keys are in Redis from the first queue() on
        self._oom_said = 0.0  # when a heartbeat refused for want of memory was last logged (0: Redis takes writes)
        self._workers_checked = time.monotonic()  # the first look for live workers comes NO_WORKER_WARNING later
        config = session.config
        session.writer.close()  # the session's own writer would write WARC records; this one stores rows only
        session.writer = LocalWriter(self._store, batch=config.commit_every, interval=0,
                                     capacity=config.write_queue, on_error=session.guard, name="catalogue-writer")

    def _not_started(self, exc: BaseException) -> None:
        """Record the crawl failed before anything was queued (its row said `running` for ever, a probe, stop 39)."""
        s = self.session
        why = f"{type(exc).__name__}: {exc}" if not isinstance(exc, NewsArchiveError) else str(exc)
        try:
            s.finish("failed", f"the crawl could not start: {why}")
        finally:
            s.close()

    def _store(self, ops: list[Any]) -> None:
        """The writer's batch: the rows of captures the workers wrote, and every other operation, in one transaction."""
        locations = {op.record_id: self.locations.pop(op.record_id) for op in ops
                     if isinstance(op, CaptureOp) and op.record_id in self.locations}
        store_rows(self.session, ops, locations)

    def apply(self, records: list[dict[str, Any]]) -> None:
        """Store one batch of results (apply_results acknowledges them after this returns)."""
        for record in records:
            if record["op"] == "counts":
                self.runs[record["run"]] = record
                continue
            delivery = record.get("delivery")
            if delivery in self.delivered:
                continue
            op, location = decode(record)
            if location is not None:
                self.locations[op.record_id] = location
            self.session.writer.put(op)
            if delivery:
                self.delivered.add(delivery)
        self.session.flush()
        if self.session.fault is not None:
            raise self.session.fault  # not acknowledged: nothing of the batch is lost

    def _heartbeat(self) -> None:
        """Tell the workers this crawl is live (they take work only from crawls with a recent heartbeat), by Redis's
        clock (crawler/scaleout/clock.py). Redis out of memory refuses it (ZADD may grow it): said once a minute, the
        results are read on, because reading and acknowledging them is what frees Redis's memory (a heartbeat that
        waited would hold up the only reader while the workers' publishes wait for memory)."""
        try:
            announce(self.link, self.keys.crawl, wait_oom=False)
        except RedisOutOfMemory as exc:
            now = time.monotonic()
            if not self._oom_said or now - self._oom_said >= NO_WORKER_WARNING:  # once a minute at most
                logger.warning("%s; the crawl goes on reading the workers' results, which frees memory", exc)
                self._oom_said = now
        else:
            if self._oom_said:
                logger.info("Redis at %s takes writes again", self.link.where)
            self._oom_said = 0.0

    def _done(self) -> bool:
        self._heartbeat()
        self._warn_if_no_workers()
        refusals = self.link.call("read refusals", lambda r: r.hgetall(self.keys.refusals))
        for worker, why in refusals.items():
            if worker not in self._refused:
                self._refused.add(worker)
                if "|" in worker:  # worker|item|try: an item a worker could not crawl, handed back at once
                    logger.error("%s", why)
                else:
                    logger.error("worker %s will not crawl for this crawl: %s", worker, why)
        if self._queued and not self.work.exists():
            raise self._lost()
        return self.work.outstanding() == 0

    def _lost(self) -> RedisLostCrawl:
        return RedisLostCrawl(
            f"Redis at {self.link.where} lost this crawl's keys (it was probably restarted without appendonly: run "
            "it with `appendonly yes`); the crawl is recorded failed, what the workers archived is kept and indexed, "
            "and the next crawl goes on from the pending URLs")

    def _warn_if_no_workers(self) -> None:
        """Say so, every NO_WORKER_WARNING seconds, while no worker is alive (the crawl waited in silence), or
        while every live worker has refused this crawl."""
        now = time.monotonic()
        if now - self._workers_checked < NO_WORKER_WARNING:
            return
        self._workers_checked = now
        live = live_workers(self.link)
        refused = {field.split("|", 1)[0] for field in self._refused}
        if not live and self._oom_said:
            # workers renew their names by a write, which Redis out of memory refuses: their names expire while they
            # run and wait; "no worker is running" sent the operator to start workers (a probe, stop 39)
            logger.warning("crawl %s: Redis at %s is full (OOM: at its maxmemory, writes refused), so no worker can "
                           "renew its name or publish: workers may be running and waiting; free memory or raise "
                           "maxmemory (the crawl waits)", self.session.uid, self.link.where)
        elif not live:
            logger.warning("crawl %s: no worker is running on %s; the crawl waits for one (start `newsarchive "
                           "worker --redis URL --data DIR` with this Redis, its database number and this data "
                           "folder)", self.session.uid, self.link.where)
        elif set(live) <= refused:
            logger.warning("crawl %s: every live worker (%s) refused it (their reasons above); the crawl waits for "
                           "a worker that can crawl it", self.session.uid, ", ".join(live))

    def queue(self) -> int:
        """Queue one work item per outlet of the crawl; returns how many were new."""
        s = self.session
        archive = lookups.first_crawl_uid(s.catalogue.db)  # which archive: a worker on another folder refuses
        # the outlet's configuration travels with its item: this coordinator's --seeds decide what is crawled
        items = [(f"outlet:{o.name}", {"kind": "outlet", "outlet": o.name, "outlet_digest": o.digest(),
                                       "outlet_config": outlet_config(o), "crawl_uid": s.uid, "crawl_id": s.crawl_id, "settings": self.settings,
                                       "archive": archive})
                 for o in s.outlets]
        queued = self.work.put(items, wait_oom=False)  # out of memory as the crawl starts: say so and stop
        self._queued = bool(items)
        self._heartbeat()  # announced once its work is there
        return queued

    def run(self) -> int:
        """Queue the outlets, apply results until every item is finished, then record the crawl; its row id.

        Ends the session in the one-machine order (finish, reconcile_history, close), also when interrupted.
        """
        s = self.session
        status, error = "finished", None
        try:
            queued = self.queue()
            logger.info("crawl %s: %d outlet(s) queued for the workers on %s", s.uid, queued, self.link.where)
            applied = apply_results(self.results, self.apply, until=self._done)
            logger.info("crawl %s: every outlet done, %d result(s) applied", s.uid, applied)
            self._give_up_dead()
            self._add_counts()
            self._recover_dead_workers()
        except BaseException as exc:
            if isinstance(exc, redis.ResponseError) and ("NOGROUP" in str(exc) or "UNBLOCKED" in str(exc)):
                # the results' group is gone, or their key went while the coordinator waited on it
                logger.debug("crawl %s: %s", s.uid, exc)
                exc = self._lost()
            if isinstance(exc, RedisLostCrawl):
                logger.error("crawl %s: %s", s.uid, exc)
                status, error = "failed", str(exc)
                self._after_lost_keys()
                raise exc from None
            if isinstance(exc, RedisOutOfMemory) and not self._queued:  # as it queued its work: one line, no wait
                status, error = "failed", f"the crawl could not start: {exc}"
                raise RedisOutOfMemory(f"{exc}; crawl {s.uid} did not start (recorded failed, nothing queued): run "
                                       "it again once Redis has room") from None
            if isinstance(exc, KeyboardInterrupt):  # Ctrl-C, or SIGTERM (crawler/cli/worker_commands.py)
                status = f"stopped: {exc or 'interrupted'}"
            else:
                status, error = "failed", f"{type(exc).__name__}: {exc}"
            raise
        finally:
            try:
                s.finish(status, error)
                if status == "finished":
                    s.reconcile_history()
            finally:
                s.close()
                self._forget()
        return s.crawl_id

    def _after_lost_keys(self) -> None:
        """Redis lost the crawl's keys: wait (at most a lease and WRITERS_WAIT) for the workers' crawls of it to stop,
        as each finds its item gone at its next renewal, then index what they archived, so that nothing is left
        by halves: every WARC record of this crawl is indexed, the URLs not fetched stay pending."""
        lease = self.work.lease_ms / 1000
        deadline = time.monotonic() + lease + WRITERS_WAIT
        keep_open = self.session.keep_open
        if self._open_files():
            # the writers' marks went with the keys: each worker sets its own again every lease/3 at most
            time.sleep(lease / 3 + 1)
        while time.monotonic() < deadline:
            if not any(keep_open is not None and keep_open(path) for path in self._open_files()):
                break
            time.sleep(0.5)
        self._recover_dead_workers(always=True)

    def _give_up_dead(self) -> None:
        """Outlets that took down every worker that crawled them: failures of the crawl, in its summary."""
        for key, item, deliveries, why in self.work.dead():
            outlet = item.get("outlet")
            logger.error("%s was given up after %d deliveries: %s", key, deliveries,
                         why or "each worker that took it died")
            self.session.count(outlet, "failures")
            self.session.count(outlet, f"failure:{WORKER_DIED}")

    def _add_counts(self) -> None:
        """Add the counts the workers' child crawls published (pages fetched, fetch failures, throttling)."""
        for record in self.runs.values():
            for outlet, counts in record["counts"].items():
                for key, n in counts.items():
                    if n:
                        self.session.count(outlet, key, int(n))

    def _open_files(self) -> list[Any]:
        """The ``.open`` WARCs of this crawl (and any whose warcinfo is torn)."""
        s = self.session
        mine = []
        for path in sorted((s.config.data_dir / "warc").glob("*.open")):
            try:
                if warcinfo_fields(path).get("crawl-id") == s.uid:
                    mine.append(path)
            except Exception:  # noqa: BLE001 - a torn warcinfo: recover() decides what it is
                mine.append(path)
        return mine

    def _recover_dead_workers(self, *, always: bool = False) -> None:
        """Repair the ``.open`` WARCs of this crawl's dead child crawls and index the records they wrote
        (``always``: index every record the catalogue lacks, also in closed files, after Redis lost the results).

        Every item is finished, so every child crawl of this crawl has ended: a ``.open`` file of this crawl is
        one whose writer was killed. recover() skips the files of other running crawls (their own warcinfo) and
        those whose writer is alive (``keep_open``).
        """
        s = self.session
        mine = self._open_files()
        if not mine and not always:
            return
        logger.warning("crawl %s: %d WARC file(s) of killed workers left open; repairing and indexing", s.uid,
                       len(mine))
        recover(s.config.data_dir, s.catalogue, outlet_for=s._outlet_name, keep_open=s.keep_open)

    def _forget(self) -> None:
        """Delete the crawl's Redis keys and its announcement (the workers stop looking at it)."""
        keys = self.keys.all() + [self.keys.captures(o.name) for o in self.session.outlets]

        # a script, not MULTI/EXEC: Redis out of memory refuses whatever is queued in a MULTI, also ZREM and DEL
        script = self.link.client.register_script(_FORGET)
        try:
            self.link.call("forget the crawl", lambda r: script(keys=[ACTIVE_CRAWLS, *keys], args=[self.keys.crawl],
                                                                client=r))
        except Exception:  # noqa: BLE001 - the keys expire on their own (DEFAULT_CRAWL_TTL)
            logger.warning("could not delete the Redis keys of crawl %s; they expire by themselves", self.keys.crawl)


def run_coordinator(session: ArchiveSession, link: RedisLink, *, lease_timeout: float,
                    settings: Mapping[str, Any] | None = None) -> int:
    """Run one crawl by the workers (see :class:`Coordinator`); returns the crawl's row id.

    Args:
        session: a freshly opened one-machine session (its crawl row is this crawl's).
        link: the Redis connection (waits and retries while Redis is down).
        lease_timeout: seconds after which a silent worker's outlet goes to another worker.
        settings: the crawl's ``-s`` settings, handed to every worker's child crawl.
    """
    return Coordinator(session, link, lease_timeout=lease_timeout, settings=settings).run()

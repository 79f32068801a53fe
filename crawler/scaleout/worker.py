"""The worker loop: take an outlet of a running crawl, crawl it in a child process, renew the lease, finish it.

A plain Python loop (no reactor here): the crawl of one item runs in its own process (the Twisted reactor runs
once per process), started with the command the CLI builds (``newsarchive worker-crawl``: one Scrapy crawl of
the item's outlet whose session writes this worker's WARC series and publishes its rows, crawler/scaleout/session.py).
While the child runs the loop renews, every ``lease_timeout / 3``, the item's lease in the work queue, the
outlet's lease (one worker crawls an outlet at a time, whatever the crawl) and the worker's name. The child gets
SIGKILL from the kernel if this process dies however it dies (PR_SET_PDEATHSIG, crawler.scheduling.orphans), so
a worker killed with ``kill -9`` leaves no orphan crawling the outlet while another worker takes it over.

SIGTERM (or Ctrl-C): take nothing more; the child gets one SIGTERM (Scrapy's graceful stop: in-flight requests
end, the WARC file is closed, the results published) and the item is handed back (released) so another worker
takes it at once and goes on from the catalogue's frontier. From the stop on, the worker and its child wait at most
``STOP_WAIT`` seconds in all for a Redis that is full or unreachable (before stop 40: for ever); then each says in
one line what it could not tell Redis and exits, and a child still running ``CHILD_STOP_WAIT`` seconds after the
stop is killed (its WARC records stay, in its ``.open`` file).
"""

from __future__ import annotations

import functools
import logging
import os
import shutil
import signal
import subprocess
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import redis

from archive.catalogue import lookups
from archive.catalogue.db import Catalogue
from archive.errors import NewsArchiveError
from archive.warc.check import repair_open_file
from crawler.scaleout import captured
from crawler.scaleout.clock import running_crawls, warn_if_skewed
from crawler.scaleout.connection import STOP_WAIT, RedisLink, RedisUnavailable
from crawler.scaleout.keys import STOP_FILE, WRITER_RUN, CrawlKeys, writer_key, writer_name
from crawler.scaleout.politeness import outlet_lease
from crawler.scaleout.workers import DEFAULT_HEARTBEAT, claim_name
from crawler.scaleout.workqueue import DEFAULT_CRAWL_TTL, WorkItem, WorkQueue
from crawler.scheduling.orphans import die_with_parent

logger = logging.getLogger(__name__)

T = TypeVar("T")

ACTIVE_WINDOW = 60.0  # seconds: a crawl whose coordinator was not heard from for longer draws no worker
POLL = 1.0  # seconds between looks for work when there is none
FAILURE_FILE = "NEWSARCHIVE_FAILURE_FILE"  # environment: where a child crawl writes why it failed (worker-crawl)
# seconds after a stop a child crawl may take to end before it is killed: its own waits for Redis end STOP_WAIT after
# the stop, and its graceful stop (in-flight requests, the last batch) is given as long again
CHILD_STOP_WAIT = 2 * STOP_WAIT


class CannotCrawl(NewsArchiveError):
    """This worker cannot crawl a work item (raised by the command builder): it hands the item back and says why."""


class Worker:
    """Take and crawl work items until stopped.

    ``command(item)`` is the child's command line for a work item.
    """

    def __init__(self, link: RedisLink, name: str, command: Callable[[WorkItem], list[str]], *,
                 lease_timeout: float, warc_dir: Path, warc_prefix: str, poll: float = POLL):
        self.link, self.name, self.command = link, name, command
        self.lease_timeout = lease_timeout
        self.warc_dir, self.warc_prefix = Path(warc_dir), warc_prefix
        self.poll = poll
        # a plain flag: the signal handler sets it (a threading.Event's lock taken in a handler can deadlock
        # against the same lock held by the interrupted main thread)
        self.stopping = False
        self.stopped_at = 0.0  # time.monotonic() of the stop
        self.unsaid: list[str] = []  # what this worker could not tell Redis as it stopped (said in one line)
        self._unsaid_why = ""
        self._stop_file: Path | None = None
        self.child: subprocess.Popen[bytes] | None = None
        self.finished = 0  # items crawled to the end
        self._queues: dict[str, WorkQueue] = {}
        self._foreign: set[str] = set()  # crawls of another archive than this worker's data folder (refused)

    def run(self) -> int:
        """Work until SIGTERM/SIGINT; returns how many items this worker finished."""
        warn_if_skewed(self.link, f"worker {self.name}")
        claim = claim_name(self.link, self.name, ttl=min(DEFAULT_HEARTBEAT, self.lease_timeout))
        self._claim = claim
        self._scratch = Path(tempfile.mkdtemp(prefix="newsarchive-worker-"))
        self._stop_file = self._scratch / "stop"
        previous = {sig: signal.signal(sig, self._on_signal) for sig in (signal.SIGTERM, signal.SIGINT)}
        try:
            # a coordinator must not repair the files this worker is repairing: its name's key covers them all
            self._writing(True, self.name)
            try:
                self.repair_own_files()
            finally:
                self._writing(False, self.name)
            logger.info("worker %s waiting for work on %s", self.name, self.link.where)
            while not self.stopping:
                try:
                    if not claim.renew():
                        claim.acquire()  # expired while Redis was away: the name is ours again unless taken
                    found = self._take()
                    if found is None:
                        self._pause(self.poll)
                        continue
                    self._crawl(*found)
                except RedisUnavailable as exc:
                    if not self.stopping:
                        raise
                    self._note("", exc)  # stopped while it waited for Redis
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
            shutil.rmtree(self._scratch, ignore_errors=True)
            self._tell(f"the release of its name (it expires {claim.ttl_ms / 1000:g} s after its last renewal)",
                       claim.release)
        if self.unsaid:
            logger.error("worker %s stopped after %d item(s) without telling Redis at %s, full or unreachable for "
                         "%g s after the stop (%s): %s", self.name, self.finished, self.link.where, STOP_WAIT,
                         self._unsaid_why, "; ".join(self.unsaid))
        else:
            logger.info("worker %s stopped after %d item(s)", self.name, self.finished)
        return self.finished

    def _note(self, what: str, exc: RedisUnavailable) -> None:
        """Remember what this stopping worker could not tell Redis (said in one line as it exits)."""
        if what:
            self.unsaid.append(what)
        self._unsaid_why = str(exc)

    def _tell(self, what: str, call: Callable[[], T]) -> T | None:
        """``call()``; once stopping, a Redis still full or unreachable ``STOP_WAIT`` after the stop is noted
        (``what``: what was not said, and what happens instead), not waited for."""
        try:
            return call()
        except RedisUnavailable as exc:
            if not self.stopping:
                raise
            self._note(what, exc)
            return None

    def _writing(self, alive: bool, writer: str) -> None:
        """Say whether the writer ``writer`` of ``.open`` WARCs (a child crawl: keys.writer_name) is alive now: the
        liveness test coordinators use before repairing them (crawler/cli/worker_commands.py ``live_writers``)."""
        key, ttl = writer_key(writer), int(self._claim.ttl_ms)
        if alive:
            self.link.call("mark the writer alive", lambda r: r.set(key, self.name, px=ttl))
        else:
            self.link.call("mark the writer gone", lambda r: r.delete(key))

    def _on_signal(self, signum: int, frame: Any) -> None:
        if not self.stopping:
            logger.info("worker %s: %s, stopping%s", self.name, signal.Signals(signum).name,
                        " (the item in hand is handed back)" if self.child is not None else "")
            self.stopped_at = time.monotonic()
            self.link.stop_waiting(STOP_WAIT)  # one assignment: safe here
            try:  # the child's own waits for Redis end too (crawler/scaleout/session.py)
                if self._stop_file is not None:
                    self._stop_file.touch()
            except OSError:  # its scratch folder gone (the worker's end): no child to tell
                pass
        self.stopping = True
        child = self.child
        if child is not None and child.poll() is None:
            child.send_signal(signal.SIGTERM)  # once is enough: a second SIGTERM makes Scrapy stop uncleanly

    def _pause(self, seconds: float) -> None:
        """Sleep up to ``seconds``, less once a stop is asked for."""
        deadline = time.monotonic() + seconds
        while not self.stopping and time.monotonic() < deadline:
            time.sleep(min(0.05, max(0.0, deadline - time.monotonic())))

    def repair_own_files(self) -> list[Path]:
        """Close the ``.open`` WARCs this worker's name left (a crash); never touch another worker's files."""
        repaired = []
        for path in sorted(self.warc_dir.glob(f"{self.warc_prefix}-{self.name}-*.open")):
            result = repair_open_file(path)
            logger.warning("worker %s repaired %s (left open by a crash): %s", self.name, path.name, result)
            repaired.append(path)
        return repaired

    def _take(self) -> tuple[WorkQueue, WorkItem] | None:
        """An item from the crawls running now (oldest first), or None."""
        crawls = running_crawls(self.link, ACTIVE_WINDOW)  # by Redis's clock, as the coordinator announces them
        for crawl in list(self._queues):
            if crawl not in crawls:
                del self._queues[crawl]
        for crawl in crawls:
            if crawl in self._foreign:
                continue
            queue = self._queues.get(crawl)
            if queue is None:
                queue = self._queues[crawl] = WorkQueue(self.link, CrawlKeys(crawl), lease_timeout=self.lease_timeout)
            item = _while_crawl_runs(functools.partial(queue.take, self.name, block=0))
            if item is not None:
                return queue, item
        return None

    def _other_archive(self, item: WorkItem) -> str | None:
        """Why this worker's data folder is not the archive of the item's crawl, or None when it is (or may be).

        A worker decides from its own catalogue which articles are archived already: started with another crawl's
        --data, it took the coordinator's new articles for known ones and skipped them, and the crawl ended "clean"
        with half its articles missing (a black-box probe, stop 35). A copy of the coordinator's catalogue, however
        stale, begins with the same crawl; an empty one knows nothing and skips nothing.
        """
        expected = item.item.get("archive")
        path = self.warc_dir.parent / "catalogue.db"
        if not expected or not path.exists():
            return None
        catalogue = Catalogue.read_only(path)
        try:
            mine = lookups.first_crawl_uid(catalogue.db)
        finally:
            catalogue.close()
        if mine is None or mine == expected:
            return None
        return (f"its data folder {self.warc_dir.parent} is another archive (its catalogue began with crawl {mine}, "
                f"the coordinator's with {expected}): start the worker with the coordinator's --data, or a copy of "
                "its catalogue")

    def _crawl(self, queue: WorkQueue, item: WorkItem) -> None:
        """Crawl one item in a child process, keeping its leases; then finish it, hand it back, or let it lapse."""
        crawl = str(item.item.get("crawl_uid"))
        why = self._other_archive(item)
        if why is not None:
            logger.error("worker %s will not crawl for crawl %s: %s", self.name, crawl, why)
            queue.release(item, self.name)
            self._foreign.add(crawl)
            self.link.call("refuse a crawl", functools.partial(_refuse, CrawlKeys(crawl).refusals, self.name, why))
            return
        outlet = str(item.item.get("outlet"))
        lease = outlet_lease(self.link, outlet, self.name, ttl=self.lease_timeout)
        if not lease.acquire():
            logger.info("outlet %s is being crawled by %s; handing %s back", outlet, lease.holder(), item.key)
            queue.release(item, self.name)
            self._pause(self.poll)
            return
        try:
            command = self.command(item)
        except CannotCrawl as exc:
            lease.release()
            self._failed(queue, item, str(exc), refuse=True)
            return
        logger.info("worker %s crawls %s (%s)%s%s", self.name, item.key, item.item.get("crawl_uid"),
                    " taken over from a silent worker" if item.taken_over else "",
                    f" (try {int(item.failures) + 1})" if item.failures else "")
        lost = False
        failure = self._scratch / "failure"
        failure.unlink(missing_ok=True)
        # this child's name among this worker's: its WARC files carry it and its liveness key is its own, so a file
        # an earlier child left (killed) is a dead writer's while this one runs (the worker's name kept it "alive")
        run = uuid.uuid4().hex[:12]
        writer = writer_name(self.name, run)
        try:
            self._writing(True, writer)
            self.child = subprocess.Popen(command, stdin=subprocess.DEVNULL, env={
                **os.environ, FAILURE_FILE: str(failure), WRITER_RUN: run, STOP_FILE: str(self._stop_file)},
                preexec_fn=functools.partial(die_with_parent, os.getpid()))
            if self.stopping:
                self.child.send_signal(signal.SIGTERM)  # the signal came between the take and the start
            code = self._wait(queue, item, lease, writer)
            lost = code is None
        finally:
            child, self.child = self.child, None
            if child is not None and child.poll() is None:
                child.kill()
                child.wait()
            # its .open files are a dead writer's now: a coordinator may repair them
            self._tell(f"the end of writer {writer} (its mark expires by itself)", lambda: self._writing(False, writer))
            self._tell(f"the release of outlet {outlet}'s lease (it expires by itself)", lease.release)
        said = _read_failure(failure)
        if lost:
            return
        if self.stopping:
            back = self._tell(f"the hand-back of {item.key} of crawl {crawl} (another worker takes it over once its "
                              f"lease lapses, {self.lease_timeout:g} s after its last renewal)",
                              lambda: _while_crawl_runs(lambda: queue.release(item, self.name)))
            if back:
                logger.info("worker %s handed %s back", self.name, item.key)
        elif code == 0:
            if _while_crawl_runs(lambda: queue.finish(item, self.name)):
                captured.forget(self.link, CrawlKeys(crawl), [outlet])  # no child of this crawl crawls it again
            self.finished += 1
            logger.info("worker %s finished %s", self.name, item.key)
        elif code < 0:  # killed on its own (the OOM killer) while this worker lives: any worker may try again now
            try:
                name = signal.Signals(-code).name
            except ValueError:
                name = f"signal {-code}"
            self._failed(queue, item, f"its crawl process was killed by {name} (out of memory?)", refuse=False)
        else:  # it said why (its data folder, its disk): this worker takes nothing more of this crawl
            self._failed(queue, item, said or f"its crawl process exited with status {code}", refuse=bool(said))

    def _failed(self, queue: WorkQueue, item: WorkItem, why: str, *, refuse: bool) -> None:
        """Hand an item this worker could not crawl back at once, and tell the coordinator why (no lease wait)."""
        crawl = str(item.item.get("crawl_uid"))
        n = _while_crawl_runs(lambda: queue.fail(item, self.name, f"worker {self.name}: {why}"))
        if not n:
            return
        then = (f"set aside after {-n} failed tries" if n < 0
                else "handed back for another worker" if refuse else "handed back to be tried again at once")
        message = f"worker {self.name} could not crawl {item.key}: {why}; {then}"
        logger.error("%s", message)
        if refuse:
            self._foreign.add(crawl)
        self.link.call("report a failed item", functools.partial(
            _refuse, CrawlKeys(crawl).refusals, f"{self.name}|{item.key}|{abs(n)}", message))

    def _wait(self, queue: WorkQueue, item: WorkItem, lease: Any, writer: str) -> int | None:
        """Wait for the child, renewing the leases; its exit status, or None when the item's lease was lost."""
        assert self.child is not None
        # every third of the shorter lease: the name's claim (30 s) is shorter than the item's at the default
        # lease timeout (120 s), and renewed every 40 s it lapsed while its worker crawled, so a second worker
        # could start under the same name and close the first one's open WARC (a black-box probe, stop 35)
        every = min(self.lease_timeout, self._claim.ttl_ms / 1000) / 3
        while True:
            wait = every
            if self.stopping:  # a child that does not end CHILD_STOP_WAIT after the stop is killed
                wait = min(every, max(0.0, self.stopped_at + CHILD_STOP_WAIT - time.monotonic()))
            try:
                return self.child.wait(timeout=wait)
            except subprocess.TimeoutExpired:
                pass
            if self.stopping and time.monotonic() >= self.stopped_at + CHILD_STOP_WAIT:
                logger.error("worker %s: its crawl of %s did not end %g s after the stop; killed (its WARC records "
                             "stay in its .open file, which the coordinator repairs and indexes)", self.name,
                             item.key, CHILD_STOP_WAIT)
                self.child.kill()
                return self.child.wait()
            try:
                self._writing(True, writer)  # first: after Redis lost its keys a coordinator waits a round for it
                renewed = _while_crawl_runs(lambda: queue.renew(item, self.name))
            except RedisUnavailable:
                if not self.stopping:
                    raise
                continue  # stopping, and Redis stayed full or gone: wait for the child, which stops on its own
            if not renewed:
                holder = _while_crawl_runs(lambda: queue.holder(item))
                if holder:
                    logger.warning("worker %s lost the lease of %s (worker %s took it over); stopping its crawl",
                                   self.name, item.key, holder)
                else:  # not "taken over": nobody holds it (a probe, stop 37, after Redis lost its keys)
                    logger.error("worker %s: the work item %s of crawl %s is gone from Redis (the crawl ended, or "
                                 "Redis lost its keys: restarted without appendonly?); stopping its crawl",
                                 self.name, item.key, item.item.get("crawl_uid"))
                self.child.terminate()
                self.child.wait()
                return None
            self._tell("", lease.renew)
            self._tell("", self._claim.renew)


def _read_failure(path: Path) -> str:
    """What a child crawl wrote about its failure (one line), and the file gone."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace").strip()
    except OSError:
        return ""
    path.unlink(missing_ok=True)
    return " ".join(text.split())[:500]


def _refuse(key: str, worker: str, why: str, r: redis.Redis) -> None:
    """Tell the coordinator why ``worker`` will not crawl for it (a hash that expires with the crawl's keys)."""
    with r.pipeline(transaction=True) as pipe:
        pipe.hset(key, worker, why)
        pipe.expire(key, DEFAULT_CRAWL_TTL)
        pipe.execute()


def _while_crawl_runs(call: Callable[[], T]) -> T | None:
    """``call()``, or None when the crawl is over: its coordinator deleted the crawl's keys (NOGROUP)."""
    try:
        return call()
    except redis.ResponseError as exc:
        if "NOGROUP" not in str(exc):
            raise
        logger.info("the crawl is over (its work queue is gone)")
        return None

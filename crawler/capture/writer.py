"""The writer thread: applies write operations in group commits, off the reactor thread.

The seam (keep it small; issue 11's Redis worker plugs in here):

* ``ArchiveSession`` turns each crawl event into a plain operation (crawler.capture.operations: a capture, a
  failure, a frontier row or settlement, an article result) and hands it to its sink with ``put(op)``. Everything
  the reactor needs back at once (the capture's reference, revisit detection, conditional-request validators) the
  session answers itself, from a read-only connection plus an overlay of its own pending writes.
* A sink has four methods: ``put(op)``, ``room()`` (None, or a ``concurrent.futures.Future`` that resolves when
  the bounded queue has room again: back-pressure without busy-waiting), ``flush()`` and ``close()``.
* ``LocalWriter`` is one thread that owns the WARC file and the catalogue connection and calls ``apply(batch)``
  with up to ``batch`` operations gathered over at most ``interval`` seconds. It is the batching loop of the
  writer process (crawler.capture.child, fed by crawler.capture.process.ProcessWriter: the default sink), the
  crawl's sink itself with ``ARCHIVE_WRITER = "thread"``, and the sink of issue 11's worker and coordinator
  (crawler/scaleout/), which batch Redis messages the same way. The session's
  ``apply`` (crawler.capture.apply) writes the batch's WARC records, fsyncs the file once, then stores every row in
  one transaction: a record is durable before its row commits, one fsync and one commit for many exchanges.
* A failed batch goes to ``on_error``; when it answers True (a storage fault: disk full, catalogue locked) the
  writer stops: what is queued is dropped (the URLs stay pending for the next crawl), waiters are released.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

from crawler.capture.operations import HEAVY

logger = logging.getLogger(__name__)


class Room:
    """Back-pressure shared by the sinks: counts the page-holding operations a sink holds, lets producers wait.

    Not locked on its own: a sink calls it with its lock held.
    """

    def __init__(self, capacity: int):
        if capacity < 1:
            raise ValueError(f"capacity ({capacity}) must be >= 1")
        self.capacity = capacity
        self.held = 0  # operations that hold a page (crawler.capture.operations.HEAVY)
        self._waiters: list[Future[None]] = []

    def hold(self, op: Any) -> None:
        """Count ``op`` in when it holds a page."""
        if isinstance(op, HEAVY):
            self.held += 1

    def wait(self, open_anyway: bool) -> Future[None] | None:
        """None while there is room (or ``open_anyway``), else a Future that resolves when one more fits."""
        if open_anyway or self.held < self.capacity:
            return None
        waiter: Future[None] = Future()
        self._waiters.append(waiter)
        return waiter

    def release(self, left: int, everyone: bool = False) -> None:
        """``left`` page-holding operations are gone: resolve the waiters that fit now (all of them: ``everyone``)."""
        self.held = max(0, self.held - left)
        while self._waiters and (everyone or self.held < self.capacity):
            waiter = self._waiters.pop(0)
            if not waiter.done():
                waiter.set_result(None)


class LocalWriter:
    """Apply operations on one background thread, in batches bounded by a count and a time; bound the queue."""

    def __init__(self, apply: Callable[[list[Any]], None], *, batch: int = 200, interval: float = 0.2,
                 capacity: int = 256, on_error: Callable[[BaseException], bool] | None = None,
                 name: str = "archive-writer"):
        if batch < 1 or interval < 0:
            raise ValueError(f"batch ({batch}) must be >= 1, interval ({interval}) >= 0")
        self._apply = apply
        self.batch = batch
        self.interval = interval
        self._room = Room(capacity)
        self._on_error = on_error or (lambda exc: False)
        self._ops: deque[Any] = deque()
        self._cond = threading.Condition()
        self._busy = False
        self._urgent = 0  # flush() calls waiting: commit what is queued without waiting out the interval
        self._closing = False
        self.stopped = False
        self.batches = 0
        self.applied = 0
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def on_writer_thread(self) -> bool:
        """True when called from the writer's own thread (inside ``apply``)."""
        return threading.current_thread() is self._thread

    def put(self, op: Any) -> None:
        """Queue one operation (never blocks; ``room()`` is how a producer waits); dropped once the writer stopped."""
        with self._cond:
            if self.stopped:
                return
            self._ops.append(op)
            self._room.hold(op)
            # the writer thread is woken only where it can act (``_take``): by a first operation, or by a full batch.
            # Between the two it waits out the interval, and waking it for every operation to find the batch not
            # full yet cost the writer process a thread switch per operation (issue 10); flush(), stop() and
            # close() wake it themselves
            if len(self._ops) == 1 or len(self._ops) >= self.batch:
                self._cond.notify_all()

    def room(self) -> Future[None] | None:
        """None while fewer than ``capacity`` page-holding operations wait, else a Future that resolves when one more fits."""
        with self._cond:
            return self._room.wait(self.stopped)

    def pending(self) -> int:
        """Operations queued or being applied."""
        with self._cond:
            return len(self._ops) + (1 if self._busy else 0)

    def flush(self, timeout: float | None = None) -> bool:
        """Wait until everything queued so far is applied (or dropped after a fault); False on timeout."""
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._cond:
            self._urgent += 1
            self._cond.notify_all()
            try:
                while (self._ops or self._busy) and self._thread.is_alive():
                    left = None if deadline is None else deadline - time.monotonic()
                    if left is not None and left <= 0:
                        return False
                    self._cond.wait(left)
            finally:
                self._urgent -= 1
        return True

    def stop(self) -> None:
        """Stop writing (a fault elsewhere): drop what is queued, release waiting producers; a batch under way ends."""
        with self._cond:
            self._stop_locked()
            self._cond.notify_all()

    def _stop_locked(self) -> None:
        self.stopped = True
        heavy = sum(1 for op in self._ops if isinstance(op, HEAVY))
        dropped = len(self._ops)
        self._ops.clear()
        if dropped:
            logger.warning("the writer stopped; %d queued write(s) dropped (their URLs stay pending)", dropped)
        self._room.release(heavy, everyone=True)

    def close(self) -> None:
        """Apply what is queued, then stop the thread (idempotent)."""
        with self._cond:
            self._closing = True
            self._cond.notify_all()
        if self._thread.is_alive() and not self.on_writer_thread():
            self._thread.join()

    def _take(self) -> list[Any] | None:
        """The next batch: wait for a first operation, then up to ``interval`` for the batch to fill."""
        with self._cond:
            while not self._ops and not self._closing:
                self._cond.wait()
            if not self._ops:
                return None
            deadline = time.monotonic() + self.interval
            while len(self._ops) < self.batch and not self._closing and not self._urgent:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self._cond.wait(left)
            n = min(self.batch, len(self._ops))
            ops = [self._ops.popleft() for _ in range(n)]
            self._busy = True
            return ops

    def _run(self) -> None:
        while True:
            ops = self._take()
            if ops is None:
                return
            stop = False
            try:
                self._apply(ops)
                self.batches += 1
                self.applied += len(ops)
            except BaseException as exc:  # noqa: BLE001 (reported through on_error; the thread must not die silently)
                try:
                    stop = bool(self._on_error(exc))
                except BaseException:  # noqa: BLE001
                    logger.exception("the writer's error handler failed")
                    stop = True
                if not stop:
                    logger.error("a batch of %d write(s) failed: %s", len(ops), exc, exc_info=exc)
            with self._cond:
                self._busy = False
                self._room.release(sum(1 for op in ops if isinstance(op, HEAVY)))
                if stop:
                    self._stop_locked()
                self._cond.notify_all()

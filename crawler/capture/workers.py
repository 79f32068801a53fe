"""The extraction workers' pool, rebuilt when a worker dies (the kernel's OOM killer sends SIGKILL).

``concurrent.futures.ProcessPoolExecutor`` is broken for good once one of its workers dies: every page in flight
and every later one fails with ``BrokenProcessPool`` (as the concurrent.futures documentation says). Before stop 39
the rest of the crawl was not extracted at all, 40 tracebacks, yet the crawl ``finished`` with exit 0 and no failure
recorded. Now:

* the first page to see a broken pool rebuilds it (once per pool: ``generation``), with one WARNING naming the
  worker that died and its exit status, and every page that was in flight is sent again;
* a page sent again runs alone among the pages sent again (``suspects``): a page that kills a second worker while
  it runs so is a poison page, recorded as its own failure (``worker-killed``) instead of killing the next pool;
* pools that keep breaking (``MAX_BREAKS_IN_A_ROW`` without one page extracted in between, or ``MAX_BREAKS`` in a
  crawl) stop the crawl with a reason, as a killed writer does (``workers-killed``, exit 3).
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Callable
from concurrent.futures import Executor, Future
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from archive.errors import NewsArchiveError
from archive.faults import StorageFault

logger = logging.getLogger(__name__)

WORKERS_KILLED = "workers-killed"
WORKER_KILLED = "worker-killed"  # failures.reason of a poison page
MAX_BREAKS_IN_A_ROW = 3
MAX_BREAKS = 10
FIX = ("find out what killed them (`dmesg | grep -i -e oom -e killed`); if it was the OOM killer, give the machine "
       "more memory or lower EXTRACT_WORKERS, then crawl again")


class PoolExhausted(StorageFault):
    """Extraction pools kept breaking: the crawl stops (exit 3) as on a killed writer, under its own reason and fix
    (crawler.capture.process.WriterGone)."""

    def __init__(self, detail: str):  # noqa: D107
        NewsArchiveError.__init__(self, f"{WORKERS_KILLED}: {detail}; fix: {FIX}")
        self.reason = WORKERS_KILLED
        self.detail = detail


class PoisonPage(Exception):
    """A page during whose extraction a worker died twice: its failure's detail is ``str()``."""


def describe_exit(code: int | None) -> str:
    """``exit code 3`` or ``signal 9 (SIGKILL)``."""
    if code is None:
        return "an unknown status"
    if code >= 0:
        return f"exit code {code}"
    try:
        return f"signal {-code} ({signal.Signals(-code).name})"
    except ValueError:
        return f"signal {-code}"


def dead_workers(pool: Executor) -> str:
    """Shut a broken pool down and name its workers that died on their own (``pid 123, signal 9 (SIGKILL)``); the
    pool terminates the others itself (SIGTERM). Reads the executor's private process table (nothing public names
    them) before the shutdown empties it, and their exit statuses after it: its manager thread reaps them, and a
    status read while it does reads None."""
    processes = dict(getattr(pool, "_processes", None) or {})
    pool.shutdown(wait=True, cancel_futures=True)  # quick: a broken pool's workers are terminated already
    dead = [(pid, p.exitcode) for pid, p in processes.items() if p.exitcode not in (None, -signal.SIGTERM)]
    return "; ".join(f"pid {pid}, {describe_exit(code)}" for pid, code in dead) or "a worker (already gone)"


class ExtractionPool:
    """An executor (a ProcessPoolExecutor) made by ``make()``, made again when it breaks; ``run`` is the one way in."""

    def __init__(self, make: Callable[[], Executor]):
        self._make = make
        self.pool = make()
        self.generation = 0  # pools broken so far
        self.in_a_row = 0  # breaks since a page was last extracted
        self.last_death = ""
        self.exhausted: PoolExhausted | None = None
        self.suspects = asyncio.Lock()  # pages sent again after a break run one at a time

    async def run(self, submit: Callable[[Executor], Future[Any]]) -> Any:
        """``submit(pool)``'s result; sent again once if the pool broke under it.

        Raises PoisonPage when a worker died under it twice (the second time while it ran alone among the pages
        sent again) and PoolExhausted when pools keep breaking.
        """
        try:
            return await self._once(submit)
        except BrokenProcessPool:
            pass
        async with self.suspects:
            try:
                return await self._once(submit)
            except BrokenProcessPool:
                raise PoisonPage(f"an extraction worker died twice while this page was read ({self.last_death}); "
                                 "a page that kills the process reading it is left, not fetched again") from None

    async def _once(self, submit: Callable[[Executor], Future[Any]]) -> Any:
        if self.exhausted is not None:
            raise self.exhausted
        generation = self.generation
        try:
            result = await asyncio.wrap_future(submit(self.pool))
        except BrokenProcessPool:
            self._broke(generation)
            raise
        self.in_a_row = 0
        return result

    def _broke(self, generation: int) -> None:
        """Rebuild the pool that broke under a page (once per pool), or say the crawl must stop."""
        if self.exhausted is not None:
            raise self.exhausted
        if generation != self.generation:
            return  # another page rebuilt it already
        self.generation += 1
        self.in_a_row += 1
        broken = self.pool
        self.last_death = dead_workers(broken)
        if self.in_a_row >= MAX_BREAKS_IN_A_ROW or self.generation >= MAX_BREAKS:
            self.exhausted = PoolExhausted(f"the extraction workers died {self.generation} times ({self.in_a_row} in "
                                           f"a row, the last: {self.last_death}); the pages not extracted stay "
                                           "pending for the next crawl")
            raise self.exhausted
        logger.warning("an extraction worker died (%s); its pool is started again and the pages in flight sent "
                       "again (break %d in a row of at most %d)", self.last_death, self.in_a_row, MAX_BREAKS_IN_A_ROW)
        self.pool = self._make()

    def shutdown(self) -> None:
        """Stop the workers (the crawl's end)."""
        self.pool.shutdown(wait=True, cancel_futures=True)

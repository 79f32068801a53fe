"""The extraction workers' pool, rebuilt when a worker dies (the kernel's OOM killer sends SIGKILL).

``concurrent.futures.ProcessPoolExecutor`` is broken for good once one of its workers dies: every page in flight
and every later one fails with ``BrokenProcessPool`` (as the concurrent.futures documentation says). Before stop 39
the rest of the crawl was not extracted at all, 40 tracebacks, yet the crawl ``finished`` with exit 0 and no failure
recorded. Now:

* the first page to see a broken pool rebuilds it (once per pool), with one WARNING naming the worker that died and
  its exit status; every page that was in flight is a suspect;
* a suspect is sent again alone: one at a time, in an executor of its own (``alone``) that reads nothing else, so a
  worker that dies there died of that page. Before stop 40 suspects ran one at a time among themselves but in the
  shared pool, beside new pages: a second poison page that killed the pool while an innocent suspect ran there had
  the innocent one recorded ``worker-killed`` in its stead;
* a suspect that killed the worker reading it alone is blamed (``worker-killed``) once a page has been extracted
  after that death (the workers are well: it was the page), or, when nothing else is left to read, after it killed
  a second worker alone; if the pools are declared exhausted first it is left pending like every other page;
* pools that keep breaking (``MAX_BREAKS_IN_A_ROW`` deaths not explained by a page, without one page extracted in
  between, or ``MAX_BREAKS`` deaths in a crawl) stop the crawl with a reason, as a killed writer does
  (``workers-killed``, exit 3). A suspect's first death alone is not counted in a row: it waits for its verdict, so
  two poison pages met together do not stop the crawl.
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
STRAY_WAIT = 5.0  # seconds a broken pool's manager thread gets to reap its workers before the ones left are killed
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
    status read while it does reads None.

    A worker started while the pool broke is killed here: CPython's manager thread (``terminate_broken``) sends
    SIGTERM to the workers in its table once, then joins every worker in it; a page submitted in that moment makes
    the executor start one more worker (3.11's ``_adjust_process_count``), which gets no SIGTERM and waits for work
    for ever, and so did the join: a crawl hung for good with one idle worker (stop 41's CI run, a crawl with two
    poison pages under load). What is still alive after STRAY_WAIT is killed, and the join then ends."""
    table = getattr(pool, "_processes", None)  # the manager thread's own dict, which the shutdown unlinks
    processes = dict(table or {})
    manager = getattr(pool, "_executor_manager_thread", None)
    pool.shutdown(wait=False, cancel_futures=True)
    if manager is not None:
        manager.join(STRAY_WAIT)  # quick: a broken pool's workers are terminated already
        if manager.is_alive():
            for process in list((table or {}).values()):
                if process.exitcode is None:
                    process.kill()
            manager.join()
    dead = [(pid, p.exitcode) for pid, p in processes.items() if p.exitcode not in (None, -signal.SIGTERM)]
    return "; ".join(f"pid {pid}, {describe_exit(code)}" for pid, code in dead) or "a worker (already gone)"


class ExtractionPool:
    """An executor (a ProcessPoolExecutor) made by ``make()``, made again when it breaks; ``run`` is the one way in."""

    def __init__(self, make: Callable[[], Executor]):
        self._make = make
        self.pool = make()
        self.alone: Executor | None = None  # suspects' own executor, made at the first one, one page at a time
        self.generation = 0  # workers' deaths so far, in either executor
        self.in_a_row = 0  # deaths not waiting for a page's verdict, since a page was last extracted
        self.extracted = 0  # pages extracted so far: a suspect that died alone waits for one more
        self.last_death = ""
        self.exhausted: PoolExhausted | None = None
        self.suspects = asyncio.Lock()  # pages sent again after a break run one at a time, in ``alone``
        self._running = 0  # pages inside ``run``
        self._waiting = 0  # of them, suspects waiting for a verdict (``_verdict``)
        self._changed = asyncio.Event()  # set (and replaced) when a page is extracted, leaves or the pools give up

    async def run(self, submit: Callable[[Executor], Future[Any]]) -> Any:
        """``submit(pool)``'s result; sent again alone if a worker died while it was in flight.

        Raises PoisonPage when a worker died while it was read alone and the workers are otherwise well (see the
        module's docstring), and PoolExhausted when pools keep breaking.
        """
        self._running += 1
        try:
            try:
                return await self._once(submit, alone=False)
            except BrokenProcessPool:
                pass  # in flight when a worker died: a suspect
            async with self.suspects:
                try:
                    return await self._once(submit, alone=True)
                except BrokenProcessPool:
                    pass
            if await self._verdict(self.extracted):
                raise self._poison("once, while it was read alone, and pages were extracted since")
            async with self.suspects:  # nothing else to read: sent alone once more before it is blamed
                try:
                    return await self._once(submit, alone=True, counted=True)
                except BrokenProcessPool:
                    raise self._poison("twice while it was read alone") from None
        finally:
            self._running -= 1
            self._wake()

    def _poison(self, how: str) -> PoisonPage:
        return PoisonPage(f"an extraction worker died {how} ({self.last_death}); a page that kills the process "
                          "reading it is left, not fetched again")

    async def _verdict(self, mark: int) -> bool:
        """After a suspect killed a worker alone: True once a page is extracted after ``mark`` (that death was the
        page's), False when no other page is in hand (no page to tell by); PoolExhausted if the pools give up."""
        self._waiting += 1
        self._wake()
        try:
            while True:
                if self.exhausted is not None:
                    raise self.exhausted
                if self.extracted > mark:
                    return True
                if self._running == self._waiting:
                    return False
                await self._changed.wait()
        finally:
            self._waiting -= 1

    def _wake(self) -> None:
        self._changed.set()
        self._changed = asyncio.Event()

    async def _once(self, submit: Callable[[Executor], Future[Any]], alone: bool, counted: bool = False) -> Any:
        if self.exhausted is not None:
            raise self.exhausted
        if alone and self.alone is None:
            self.alone = self._make()
        executor = self.alone if alone else self.pool
        assert executor is not None
        try:
            result = await asyncio.wrap_future(submit(executor))
        except BrokenProcessPool:
            self._broke(executor, alone, counted=counted or not alone)
            raise
        self.in_a_row = 0
        self.extracted += 1
        self._wake()
        return result

    def _broke(self, broken: Executor, alone: bool, counted: bool) -> None:
        """Rebuild the executor that broke under a page (once per executor), or say the crawl must stop.
        ``counted``: the death counts in a row (not a suspect's first death alone, which waits for its verdict)."""
        if self.exhausted is not None:
            raise self.exhausted
        if broken is not (self.alone if alone else self.pool):
            return  # another page rebuilt it already
        self.generation += 1
        self.in_a_row += counted
        self.last_death = dead_workers(broken)
        if self.in_a_row >= MAX_BREAKS_IN_A_ROW or self.generation >= MAX_BREAKS:
            self.exhausted = PoolExhausted(f"the extraction workers died {self.generation} times ({self.in_a_row} in "
                                           f"a row, the last: {self.last_death}); the pages not extracted stay "
                                           "pending for the next crawl")
            self._wake()
            raise self.exhausted
        if alone:
            logger.warning("an extraction worker died while it read a page sent again alone (%s); that page is blamed "
                           "if others are extracted (death %d of at most %d)", self.last_death, self.generation,
                           MAX_BREAKS)
            self.alone = None  # made again for the next suspect
            return
        logger.warning("an extraction worker died (%s); its pool is started again and the pages in flight sent "
                       "again, one at a time (break %d in a row of at most %d)", self.last_death, self.in_a_row,
                       MAX_BREAKS_IN_A_ROW)
        self.pool = self._make()

    def shutdown(self) -> None:
        """Stop the workers (the crawl's end)."""
        self.pool.shutdown(wait=True, cancel_futures=True)
        if self.alone is not None and self.alone is not self.pool:
            self.alone.shutdown(wait=True, cancel_futures=True)

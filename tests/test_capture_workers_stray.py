"""A broken extraction pool is shut down even when one of its workers does not die of the pool's SIGTERM.

Stop 41's CI run hung a crawl for good: two poison pages broke the pool while pages were being submitted, the
executor started one more worker in that moment, CPython's manager thread (``terminate_broken``) never sent it
SIGTERM and then waited to join it, and ``crawler.capture.workers.dead_workers`` waited on the manager thread. Here
the worker that outlives the pool's SIGTERM is a process that ignores it, put in the pool's process table (the table
the manager thread joins): ``dead_workers`` must come back, the stray killed, the real dead worker named.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

import pytest

from crawler.capture import workers


def _stray(ready) -> None:
    signal.signal(signal.SIGTERM, signal.SIG_IGN)  # outlives the pool's terminate(), as a worker started too late
    ready.set()
    time.sleep(600)


def _die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def test_a_worker_the_pool_could_not_stop_is_killed_and_the_shutdown_ends(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(workers, "STRAY_WAIT", 1.0)
    context = multiprocessing.get_context("spawn")
    pool = ProcessPoolExecutor(max_workers=1, mp_context=context)
    assert pool.submit(abs, -1).result(timeout=60) == 1  # its worker is up
    ready = context.Event()
    stray = context.Process(target=_stray, args=(ready,), daemon=True)
    stray.start()
    assert ready.wait(timeout=60)
    pool._processes[stray.pid] = stray  # the manager thread's table
    with pytest.raises(BrokenProcessPool):
        pool.submit(_die).result(timeout=60)
    named: list[str] = []
    shutdown = threading.Thread(target=lambda: named.append(workers.dead_workers(pool)), daemon=True)
    shutdown.start()
    shutdown.join(timeout=30)
    try:
        assert not shutdown.is_alive(), "dead_workers still waits on the pool's manager thread"
        assert stray.exitcode == -signal.SIGKILL
        assert named and "signal 9 (SIGKILL)" in named[0]  # the worker the page killed, named
    finally:
        if stray.exitcode is None:
            stray.kill()
            stray.join(timeout=10)

"""Make child processes die with their parent, so a ``kill -9`` of a crawl or the scheduler leaves no orphan."""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import os
import select
import signal
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

logger = logging.getLogger(__name__)

PARENT_ENV = "NEWSARCHIVE_PARENT_PID"  # set by the scheduler for the crawl processes it starts
PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def die_with_parent(parent_pid: int, signum: int = signal.SIGKILL) -> None:
    """Have this process receive ``signum`` when ``parent_pid`` (its parent) dies, however it dies.

    Why prctl(PR_SET_PDEATHSIG): the kernel delivers the signal even when the parent is SIGKILLed, and it costs
    nothing while the parent lives; no Python-level handler (atexit, a finally) runs on SIGKILL. It is Linux-only
    and tied to the parent *thread* that started us, which in our callers lives as long as the parent process
    (the reactor thread, a scheduler job thread). Elsewhere a daemon thread polls ``os.getppid()`` each second.
    The check after prctl closes the race where the parent died before the call (we were already re-parented).
    """
    if sys.platform.startswith("linux") and _prctl_pdeathsig(signum):
        if os.getppid() != parent_pid:
            os.kill(os.getpid(), signum)
        return
    threading.Thread(target=_watch_parent, args=(parent_pid, signum), name="parent-watch", daemon=True).start()


def die_with_fork_server(crawl_pid: int, signum: int = signal.SIGKILL) -> None:
    """``die_with_parent`` for a child of multiprocessing's fork server (crawler.capture.pool_start), which the
    process ``crawl_pid`` started: the child gets ``signum`` when ``crawl_pid`` ends (or at once if it has), and
    when the server ends.

    Why not the server's death alone: the server exits only once every holder of its "alive" pipe has closed it,
    and multiprocessing hands that pipe to each child it forks (so that a child could start processes of its own):
    after a ``kill -9`` of the crawl, the workers waited for the server and the server for them, for ever. So the
    child watches the crawl process itself, through a pidfd (Linux 5.3+: readable once the process has ended; no
    polling, and no other process that reuses the pid can be taken for it), else by polling it each second."""
    die_with_parent(os.getppid(), signum)
    try:
        pidfd = os.pidfd_open(crawl_pid)
    except ProcessLookupError:
        os.kill(os.getpid(), signum)
        return
    except (AttributeError, OSError):  # no pidfd_open here (not Linux, an old kernel)
        threading.Thread(target=_watch_process, args=(crawl_pid, signum), name="crawl-watch", daemon=True).start()
        return
    threading.Thread(target=_wait_pidfd, args=(pidfd, signum), name="crawl-watch", daemon=True).start()


def _wait_pidfd(pidfd: int, signum: int) -> None:
    select.select([pidfd], [], [])
    os.kill(os.getpid(), signum)


def _watch_process(pid: int, signum: int) -> None:
    while True:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            break
        except PermissionError:  # alive, under another user
            pass
        time.sleep(1.0)
    os.kill(os.getpid(), signum)


def _prctl_pdeathsig(signum: int) -> bool:
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        if libc.prctl(PR_SET_PDEATHSIG, int(signum), 0, 0, 0) != 0:
            logger.warning("prctl(PR_SET_PDEATHSIG) failed: errno %d", ctypes.get_errno())
            return False
    except (OSError, AttributeError) as exc:
        logger.warning("prctl unavailable (%s); watching the parent process instead", exc)
        return False
    return True


def _watch_parent(parent_pid: int, signum: int) -> None:
    while os.getppid() == parent_pid:
        time.sleep(1.0)
    os.kill(os.getpid(), signum)


def die_with_parent_from_env() -> None:
    """If started by the scheduler (``NEWSARCHIVE_PARENT_PID`` set), stop gracefully (one SIGTERM) when it dies.

    The kernel sends the death signal once per exiting thread of a multi-threaded parent (the child is re-parented
    from thread to thread), and Scrapy takes a second SIGTERM as "stop now, uncleanly". So the death signal is
    SIGHUP, turned here into exactly one SIGTERM: Scrapy's graceful stop, which closes the WARC file.
    """
    value = os.environ.pop(PARENT_ENV, "")
    if not value.isdigit():
        return
    fired: list[bool] = []

    def _parent_died(signum: int, frame: object) -> None:
        if not fired:
            fired.append(True)
            logger.warning("the scheduler (pid %s) is gone: stopping this crawl", value)
            os.kill(os.getpid(), signal.SIGTERM)

    signal.signal(signal.SIGHUP, _parent_died)
    die_with_parent(int(value), signal.SIGHUP)


@contextmanager
def ignored_by_children(*signums: int) -> Iterator[None]:
    """A process started (fork and exec) inside this block ignores ``signums`` from its first instruction.

    Why: a terminal's Ctrl-C reaches the whole process group, and a child that ignores SIGINT only once its imports
    are done (the writer process, multiprocessing's fork server: 0.3-0.6 s) died of one that came sooner. An ignored
    signal stays ignored across exec, and Python then installs no handler of its own. So this process ignores them
    for the moment of the start, with them blocked meanwhile: one that comes then waits, and is delivered to this
    process's own handler once it is back. The block is inherited too (a subprocess.Popen child keeps the mask
    through fork and exec): a child that is to take a signal again lifts it (the writer, crawler.capture.child, lifts
    it once it ignores both). Outside the main thread (where Python sets handlers) the child is started as it is."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    held = signal.pthread_sigmask(signal.SIG_BLOCK, set(signums))
    pending = signal.sigpending()  # setting SIG_IGN discards these: raised again below
    handlers = {signum: signal.signal(signum, signal.SIG_IGN) for signum in signums}
    try:
        yield
    finally:
        for signum, handler in handlers.items():
            signal.signal(signum, handler)
            if signum in pending:
                signal.raise_signal(signum)  # delivered once the mask is restored, below
        signal.pthread_sigmask(signal.SIG_SETMASK, held)

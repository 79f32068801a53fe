"""The crawl's writer as a process of its own: the crawl process only hands operations over (no scrapy imports).

``ProcessWriter`` is a sink with the same four methods as crawler.capture.writer.LocalWriter (``put``, ``room``,
``flush``, ``close``). It starts ``python -m crawler.capture.child``, which owns the WARC file and the catalogue
connection and applies the operations with the same group commit (crawler.capture.apply), so WARC gzip and
digests, story grouping, SQLite and text-file fsyncs no longer take the crawl process's CPU or its GIL.

* Operations travel pickled over a pipe, in order, sent by a sender thread (the reactor never blocks on the
  pipe); the child acknowledges each batch it committed with how many operations it held, the counts it added
  and the outlets whose session parameters it learned. A reader thread takes the acknowledgements: the
  overlay forgets the committed writes, the counts reach the session, waiting producers are released.
* Back-pressure: at most ``capacity`` page-holding operations are queued or unacknowledged (``room()``).
* A storage fault in the child comes back as a message and trips the session (exit 3 as with the thread). The
  child ending without saying it closed (killed, crashed) trips it too, with a message that says so.
* If the crawl process dies (SIGKILL), the child reads end-of-file, applies everything it received, closes the
  WARC file and the catalogue, and exits: it ignores SIGINT and SIGTERM and never dies with its parent.

Why a subprocess and not multiprocessing's "spawn" or "forkserver" contexts: both re-import the parent's
``__main__`` in the child (the ``newsarchive`` script or ``crawler.cli.main``, which import Scrapy and Twisted;
https://docs.python.org/3/library/multiprocessing.html#the-spawn-and-forkserver-start-methods), and the child
must stay lean. ``multiprocessing.connection.Connection`` still frames the messages.
"""

from __future__ import annotations

import io
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future
from multiprocessing.connection import Connection
from multiprocessing.reduction import ForkingPickler
from pathlib import Path
from typing import Any

from archive.errors import NewsArchiveError
from archive.faults import StorageFault
from archive.integrity.storefaults import fault_from
from crawler.capture.memory import child_env
from crawler.capture.operations import HEAVY, CaptureOp
from crawler.capture.overlay import CaptureReceipt
from crawler.capture.writer import Room
from crawler.scheduling.orphans import ignored_by_children

logger = logging.getLogger(__name__)

CHUNK = 64  # operations per message at most (one pickle each; a page is 50-150 KB)
KEEP_BUFFER = 4 << 20  # the sender's pickling buffer is kept between messages up to this size (bytes)

# what the child acknowledges of each batch: (operations committed, counts by outlet, outlets that learned params)
Ack = tuple[int, dict[str, dict[str, int]], list[str]]

# Why the crawl stops when the writer process ends without saying it closed: not a disk fault (io-error's fix,
# "check the disk", sent people to smartctl after an OOM kill), but its own reasons, each with its own fix
WRITER_KILLED = "writer-killed"  # a signal: SIGKILL is what the kernel's OOM killer sends
WRITER_FAILED = "writer-failed"  # it exited on its own: an error in it, whose traceback its log shows
_AFTER = "then crawl again: the next crawl repairs what this one could not finish"
_WRITER_FIX = {
    WRITER_KILLED: f"find out what killed it (`dmesg | grep -i -e oom -e killed`); if it was the OOM killer, give "
                   f"the machine more memory or lower ARCHIVE_WRITE_QUEUE or EXTRACT_WORKERS, {_AFTER}",
    WRITER_FAILED: f"read the writer's traceback in the log above (logger crawler.capture.child), {_AFTER}",
}


class WriterGone(StorageFault):
    """The writer process ended without closing its files (killed, crashed): the crawl stops (exit 3), as on a
    storage fault, under a reason that says what happened (archive.faults words only the disk's faults)."""

    def __init__(self, reason: str, detail: str):  # noqa: D107 (StorageFault's, with the writer's fixes)
        NewsArchiveError.__init__(self, f"{reason}: {detail}; fix: {_WRITER_FIX[reason]}")
        self.reason = reason
        self.detail = detail


def writer_gone(pid: int, code: int) -> WriterGone:
    """The fault of a writer process ``pid`` that ended with ``code`` (Popen.returncode: -N for signal N)."""
    if code < 0:
        name = _signal_name(-code)
        oom = "; the kernel's OOM killer sends SIGKILL: see dmesg" if -code == signal.SIGKILL else ""
        how, reason = f"was killed by signal {-code} ({name}{oom})", WRITER_KILLED
    else:
        how, reason = f"ended with exit code {code}", WRITER_FAILED
    return WriterGone(reason, f"the archive writer process (pid {pid}) {how}; what it had not committed stays "
                              "pending for the next crawl")


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"


def _receipt(op: Any) -> Any:
    """What this process keeps of a sent operation until the child acknowledges it: what the overlay needs.

    A capture becomes its URL and record id, an article result nothing: their pages are the child's now.
    Frontier rows and settlements stay as they are (small; the overlay matches them by identity).
    """
    if isinstance(op, CaptureOp):
        return CaptureReceipt(op.exchange.url, op.record_id)
    if isinstance(op, HEAVY):
        return None
    return op


def _child_env() -> dict[str, str]:
    """This environment, with the folder this ``crawler`` package was imported from first on the child's path.

    So the child runs the same code as the crawl process, from a checkout as from an installed wheel; and glibc's
    mmap threshold fixed, so page-sized blocks the child frees go back to the OS (crawler.capture.memory).
    """
    env = child_env(dict(os.environ))
    root = str(Path(__file__).resolve().parents[2])
    env["PYTHONPATH"] = os.pathsep.join([root, env["PYTHONPATH"]]) if env.get("PYTHONPATH") else root
    return env


class ProcessWriter:
    """Hand operations to a writer process (crawler.capture.child); bound what waits; report its faults."""

    def __init__(self, start: dict[str, Any], *, capacity: int = 256,
                 on_ack: Callable[[list[Any], dict[str, dict[str, int]], list[str]], None],
                 on_fault: Callable[[StorageFault], None]):
        self._room = Room(capacity)  # page-holding operations queued or unacknowledged
        self._on_ack, self._on_fault = on_ack, on_fault
        self._queue: deque[Any] = deque()  # not sent yet
        self._sent: deque[tuple[Any, bool]] = deque()  # (receipt, holds a page): sent, not acknowledged, in order
        self._cond = threading.Condition()
        self._urgent = 0
        self._stop_child = False
        self._closing = False
        self._closed = False  # the child said it closed its files
        self._gone = False  # the child's end of the pipe is closed
        self.stopped = False
        self.batches = 0
        self.applied = 0
        self.sent = 0  # operations written to the pipe (the child has them, or the pipe does, even if we die now)
        self._flushed = -1  # ``sent`` when the last flush message went: one per flush, not one per loop
        ops_read, ops_write = os.pipe()
        acks_read, acks_write = os.pipe()
        # it ignores Ctrl-C and SIGTERM from its first instruction, not only once its imports are done: a Ctrl-C in
        # between killed it (writer-killed), the more often the sooner a crawl fetches (tests/test_graceful_stop.py)
        with ignored_by_children(signal.SIGINT, signal.SIGTERM):
            self._proc = subprocess.Popen(
                # -P: not the current folder first on the path, where a user's own inspect.py or json.py replaced
                # the stdlib's and stopped every crawl started there (stop 42's probe); _child_env puts our package first
                [sys.executable, "-P", "-m", "crawler.capture.child", str(ops_read), str(acks_write)],
                pass_fds=(ops_read, acks_write), stdin=subprocess.DEVNULL, env=_child_env())
        os.close(ops_read)
        os.close(acks_write)
        self.pid = self._proc.pid
        self._out = Connection(ops_write, readable=False)
        self._buffer = io.BytesIO()  # the sender thread's (_send_ops)
        self._in = Connection(acks_read, writable=False)
        self._out.send(start)
        self._sender = threading.Thread(target=self._send_loop, name="archive-writer-send", daemon=True)
        self._reader = threading.Thread(target=self._read_loop, name="archive-writer-acks", daemon=True)
        self._sender.start()
        self._reader.start()

    def on_writer_thread(self) -> bool:
        """False: nothing in this process applies operations (the child does)."""
        return False

    def put(self, op: Any) -> None:
        """Queue one operation for the child (never blocks); dropped once the writer stopped."""
        with self._cond:
            if self.stopped or self._closing:
                return
            self._queue.append(op)
            self._room.hold(op)
            self._cond.notify_all()

    def room(self) -> Future[None] | None:
        """None while fewer than ``capacity`` page-holding operations wait, else a Future that resolves when one more fits."""
        with self._cond:
            return self._room.wait(self.stopped)

    def pending(self) -> int:
        """Operations queued or not yet acknowledged by the child."""
        with self._cond:
            return len(self._queue) + len(self._sent)

    def flush(self, timeout: float | None = None) -> bool:
        """Wait until the child committed everything handed over so far (or dropped it after a fault)."""
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._cond:
            self._urgent += 1
            self._cond.notify_all()
            try:
                while (self._queue or self._sent) and not self.stopped and not self._gone:
                    left = None if deadline is None else deadline - time.monotonic()
                    if left is not None and left <= 0:
                        return False
                    self._cond.wait(left)
            finally:
                self._urgent -= 1
        return True

    def stop(self) -> None:
        """Stop writing (a fault): drop what is not sent, tell the child to drop its queue, release producers."""
        with self._cond:
            self._stop_locked()
            self._stop_child = True
            self._cond.notify_all()

    def _stop_locked(self) -> None:
        if not self.stopped and self._queue:
            logger.warning("the writer stopped; %d queued write(s) dropped (their URLs stay pending)", len(self._queue))
        self.stopped = True
        self._queue.clear()
        self._sent.clear()
        self._room.release(self._room.held, everyone=True)

    def close(self) -> None:
        """Send what is queued, let the child apply it and close its files, and wait for it to exit (idempotent)."""
        with self._cond:
            self._closing = True
            self._cond.notify_all()
        self._sender.join()
        self._reader.join()

    # -- the two threads ---------------------------------------------------------------------------------

    def _send_loop(self) -> None:
        try:
            while True:
                with self._cond:
                    while not (self._queue or self._closing or self._stop_child
                               or (self._urgent and self._flushed != self.sent)):
                        self._cond.wait()
                    ops = [self._queue.popleft() for _ in range(min(CHUNK, len(self._queue)))]
                    self._sent.extend((_receipt(op), isinstance(op, HEAVY)) for op in ops)
                    flush = self._urgent > 0 and not self._queue
                    stop, self._stop_child = self._stop_child, False
                    close = self._closing and not self._queue
                if ops:
                    self._send_ops(ops)
                    self.sent += len(ops)
                if stop:
                    self._out.send(("stop",))
                if close:
                    self._out.send(("close",))
                    return
                if flush and self._flushed != self.sent:
                    self._out.send(("flush",))  # the child commits what it has without waiting out the interval
                    self._flushed = self.sent
        except OSError as exc:  # the child is gone: the reader reports it
            logger.debug("cannot send to the writer process: %s", exc)
        finally:
            self._out.close()

    def _send_ops(self, ops: list[Any]) -> None:
        """``self._out.send(("ops", ops))``, pickled into a buffer kept from one message to the next.

        Connection.send pickles into a new ``BytesIO`` per message, which grows by copying as a page's bytes go in;
        with glibc's mmap threshold fixed (crawler.capture.memory) every block past 128 KB is a fresh ``mmap`` and
        its page faults: 0.077 ms of CPU per capture pickled against 0.017 into a kept buffer (issue 10).
        """
        buf = self._buffer
        buf.seek(0)
        ForkingPickler(buf).dump(("ops", ops))  # what Connection.send would write: the child reads it with recv()
        size = buf.tell()
        with buf.getbuffer() as view, view[:size] as message:
            self._out.send_bytes(message)
        if size > KEEP_BUFFER:  # a burst's buffer is not held for the rest of the crawl
            self._buffer = io.BytesIO()

    def _read_loop(self) -> None:
        try:
            while True:
                message = self._in.recv()
                if message[0] == "ack":
                    self._acknowledged(message[1])
                elif message[0] == "fault":
                    self._on_fault(fault_from(message[1], message[2]))
                elif message[0] == "closed":
                    self._closed = True
        except (EOFError, OSError):
            pass
        finally:
            self._in.close()
        code = self._proc.wait()
        with self._cond:
            self._gone = True
            unexpected = not self._closed
            if unexpected:
                self._stop_locked()
            self._room.release(0, everyone=True)
            self._cond.notify_all()
        if unexpected:
            self._on_fault(writer_gone(self.pid, code))

    def _acknowledged(self, ack: Ack) -> None:
        n, counts, learned = ack
        with self._cond:
            done = [self._sent.popleft() for _ in range(min(n, len(self._sent)))]
            ops = [receipt for receipt, _ in done]
            # the overlay forgets the committed writes before a flush() waiting for them returns
            self._on_ack(ops, counts, learned)
            self.batches += 1
            self.applied += len(ops)
            self._room.release(sum(1 for _, heavy in done if heavy))
            self._cond.notify_all()

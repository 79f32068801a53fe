"""The writer process: ``python -m crawler.capture.child OPS_FD ACKS_FD`` (started by crawler.capture.process).

It imports neither Scrapy nor Twisted. Everything it needs comes in the start-up message (the crawl's
ArchiveConfig, its uid and row id, the log level) and then in the operations, so any producer that speaks the
same messages can feed it. It owns the crawl's WARC file and a catalogue connection and applies batches on a
LocalWriter thread with crawler.capture.apply.apply_batch: WARC records, one fsync, one transaction. A capture's
records are built as it arrives (``compact``), so it waits for its batch without its page.

Messages in: ``("ops", [op, ...])``, ``("flush",)``, ``("stop",)`` (a fault in the crawl process: drop the queue),
``("close",)``. Messages out: ``("ack", (n, counts, learned))`` after each batch, ``("fault", reason, detail)``,
``("closed",)`` once the WARC file and the catalogue are closed. End-of-file on the way in (the crawl process is
gone) means: apply what arrived, close, exit.
"""

from __future__ import annotations

import logging
import resource
import signal
import sys
import threading
from dataclasses import replace
from multiprocessing.connection import Connection
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from crawler.capture.session import ArchiveSession

logger = logging.getLogger(__name__)

LOG_FORMAT = "%(asctime)s [%(name)s] %(levelname)s: %(message)s"  # Scrapy's LOG_FORMAT


def crawl_log_level() -> int:
    """The lowest level this process's log shows: the root logger's, raised to its least verbose handler's.

    What the writer process and the extraction workers are started with, so they show what the crawl shows. The root
    logger's level alone was wrong under ``scrapy crawl -L WARNING``: Scrapy sets the root logger to NOTSET and the
    level on its handler, so the writer printed its INFO and DEBUG lines (a black-box probe, stop 37). With no
    handler Python's last resort shows WARNING and above.
    """
    root = logging.getLogger()
    handlers = [h.level for h in root.handlers] or [logging.lastResort.level if logging.lastResort else 0]
    return max(root.getEffectiveLevel(), min(handlers))


# The extraction libraries log their inner steps at DEBUG, a dozen lines a page ("discarding element", "not enough
# text"): under ``-v`` they were a third of a crawl's log and said nothing about the crawl. Their INFO and above
# still show.
LIBRARY_LOGGERS = ("trafilatura", "htmldate", "courlan", "justext", "readability")


def quiet_libraries(level: int) -> None:
    """Show the extraction libraries' log from INFO up even when ``level`` is DEBUG."""
    for name in LIBRARY_LOGGERS:
        logging.getLogger(name).setLevel(max(level, logging.INFO))


def setup_child_logging(level: int) -> None:
    """A started process's log: to stderr in Scrapy's format, at ``level`` (``crawl_log_level`` of the crawl)."""
    logging.basicConfig(level=level, format=LOG_FORMAT)
    logging.getLogger().setLevel(level)  # also where a handler was there already
    quiet_libraries(level)
    logging.getLogger("crawler.capture.session").addFilter(_said_by_the_crawl)


def _said_by_the_crawl(record: logging.LogRecord) -> bool:
    """The fault that stops the crawl is logged once, by the crawl process when this one tells it (a probe, stop
    39: every fault's line was there twice, in two formats): here it is only a debug line."""
    if record.levelno == logging.ERROR and record.getMessage().startswith("stopping the crawl"):
        record.levelno, record.levelname = logging.DEBUG, "DEBUG"
        return logging.getLogger().isEnabledFor(logging.DEBUG)
    return True


def open_writer_session(start: dict[str, Any]) -> ArchiveSession:
    """The writing half of the crawl's session: its catalogue connection, WARC series, counts and caches.

    Not ArchiveSession.__init__: the crawl process has already recovered, recorded the crawl row and claimed the
    disk reserve; this side only writes.
    """
    from archive.catalogue.db import Catalogue
    from archive.catalogue.transactions import batch_cache
    from archive.faults import as_fault
    from crawler.capture.session import ArchiveSession

    config = start["config"]
    session = ArchiveSession.__new__(ArchiveSession)
    session._configure(config)
    session.uid, session.crawl_id = start["uid"], start["crawl_id"]
    try:
        session.catalogue = Catalogue(config.data_dir / "catalogue.db", busy_timeout=config.busy_timeout,
                                      threads=True)
        batch_cache(session.catalogue.db)
        session.reader = session.catalogue
        session.warc = session._open_warc(config.warc_prefix)
    except Exception as exc:
        fault = as_fault(exc)
        if fault is None:
            raise
        raise fault from exc
    session._init_state()
    return session


def take_counts(session: ArchiveSession) -> dict[str, dict[str, int]]:
    """The counts the session added since the last call (they are the crawl process's to keep)."""
    with session._count_lock:
        counts = {outlet: dict(c) for outlet, c in session.counts.items() if c}
        for c in session.counts.values():
            c.clear()
    return counts


def compact(session: ArchiveSession, op: Any) -> Any:
    """A capture with its WARC records built (gzip, digests) and its bodies dropped; any other op as it is.

    Done as each op arrives, on the receiving thread: a capture then waits for its batch as its ~12 KB of gzipped
    records instead of its ~100 KB page, so the writer's queue, and with it a batch, holds three times the pages for
    about the memory it held before (ARCHIVE_WRITE_QUEUE; a larger batch rewrites the catalogue's shared pages, indexes,
    search segments and mentions' runs, fewer times per page: issue 10's bytes written). The records are written
    and fsynced in the batch, before its rows commit, as before. An op whose records cannot be built is left as it
    is: its batch builds it again and fails as it would have.
    """
    from crawler.capture.apply import build_record
    from crawler.capture.operations import CaptureOp

    if not isinstance(op, CaptureOp) or op.built is not None or session.fault is not None:
        return op
    try:
        built = build_record(session, op)
    except Exception:  # noqa: BLE001 (kept whole: the batch reports the failure where it did before)
        logger.debug("could not build the WARC records of %r on arrival", op, exc_info=True)
        return op
    return replace(op, exchange=replace(op.exchange, body=b"", request_body=b""), built=built)


def serve(inbox: Connection, outbox: Connection) -> None:
    """Apply what arrives on ``inbox`` until it says close or ends; answer on ``outbox``."""
    from archive.faults import as_fault
    from crawler.capture.apply import apply_batch
    from crawler.capture.writer import LocalWriter

    start = inbox.recv()
    setup_child_logging(start.get("log_level", logging.INFO))
    lock = threading.Lock()

    def send(message: tuple[Any, ...]) -> None:
        with lock:
            try:
                outbox.send(message)
            except OSError:  # the crawl process is gone: nobody to tell, keep writing what arrived
                pass

    try:
        session = open_writer_session(start)
    except Exception as exc:
        fault = as_fault(exc)
        if fault is None:
            raise
        send(("fault", fault.reason, fault.detail))
        send(("closed",))
        return
    session.on_fault = lambda reason: send(("fault", reason, session.fault.detail if session.fault else reason))

    def apply(ops: list[Any]) -> None:
        try:
            apply_batch(session, ops)
        finally:
            learned, session.learned = session.learned, []
            send(("ack", (len(ops), take_counts(session), learned)))

    config = session.config
    # the crawl process bounds what is in flight (ProcessWriter.room): no second bound here
    writer = LocalWriter(apply, batch=config.commit_every, interval=config.commit_interval, capacity=2**31,
                         on_error=session.guard)
    session.writer = writer
    try:
        while True:
            message = inbox.recv()
            if message[0] == "ops":
                for op in message[1]:
                    writer.put(compact(session, op))
            elif message[0] == "flush":
                writer.flush()
            elif message[0] == "stop":
                writer.stop()
            elif message[0] == "close":
                break
    except (EOFError, OSError):
        logger.warning("the crawl process is gone: storing the %d write(s) it handed over, then stopping",
                       writer.pending())
    finally:
        writer.close()
        try:
            session.warc.close()
        except Exception as exc:
            if not session.guard(exc):
                raise
        finally:
            session.catalogue.close()
    usage = resource.getrusage(resource.RUSAGE_SELF)
    logger.info("writer process: %d write(s) in %d batch(es), %.2f s CPU", writer.applied, writer.batches,
                usage.ru_utime + usage.ru_stime)  # the benchmark reads this line (benchmarks/throughput/arms.py)
    send(("closed",))


def main(argv: list[str]) -> int:
    """Entry point: the two pipe descriptors the crawl process passed."""
    # the crawl process decides when to stop: Ctrl-C (the whole process group) or a scheduler's SIGTERM reach it,
    # and it closes this process's input when it ends, however it ends
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    # started with the two blocked (crawler.scheduling.orphans.ignored_by_children: a Popen child keeps the mask
    # through exec): ignored now, so the block is lifted rather than left to what this process may start
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT, signal.SIGTERM})
    inbox = Connection(int(argv[1]), writable=False)
    outbox = Connection(int(argv[2]), readable=False)
    try:
        serve(inbox, outbox)
    except Exception:
        logging.basicConfig(format=LOG_FORMAT)
        logger.exception("the archive writer process failed")
        return 1
    return 0


if __name__ == "__main__":
    from crawler.capture import child  # run as the imported module, so its logger is crawler.capture.child

    sys.exit(child.main(sys.argv))

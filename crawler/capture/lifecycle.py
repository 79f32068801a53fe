"""How a crawl's session starts and ends beside other crawls (no scrapy imports): it leaves out the outlets another
live crawl is crawling, recovers after an interrupted crawl, and is ended by the command line when the engine never
ended it (Ctrl-C twice)."""

from __future__ import annotations

import logging
import weakref
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from archive.catalogue import crawls
from archive.catalogue.crawls import OutletsBusy
from archive.integrity.recovery import recover
from crawler.config.outlets import Outlet

if TYPE_CHECKING:
    from crawler.capture.session import ArchiveSession

logger = logging.getLogger(__name__)

ABANDON_PATIENCE = 20.0  # seconds a forced stop waits for the writer to store what it was handed (``abandon``)
# The sessions this process opened and has not closed. Ctrl-C twice stops the reactor without closing the spider,
# so no component of the crawl ends its session; the command line then ends it (``end_abandoned``). Weak: a
# session a test drops leaves it too.
OPEN: weakref.WeakSet[ArchiveSession] = weakref.WeakSet()


def leave_busy_outlets(session: ArchiveSession) -> None:
    """Never two crawls of one outlet at once (as the scheduler promises): leave out the outlets a live crawl is
    crawling, saying so, or refuse to start (OutletsBusy, exit 1) when that is all of them."""
    busy = crawls.busy_outlets(session.catalogue.db, session.by_name)
    if not busy:
        return
    where = "; ".join(f"{name}: {crawls.describe(row)}" for name, row in sorted(busy.items()))
    if len(busy) == len(session.outlets):
        raise OutletsBusy(f"not crawling: another crawl in {session.config.data_dir} is crawling "
                          f"{'every outlet asked for' if len(busy) > 1 else 'this outlet'} now ({where}), and two "
                          "crawls of one outlet never run at once; wait for it to end (`newsarchive status` shows "
                          "it) or stop it, then crawl again")
    logger.warning("leaving out %s: another crawl is crawling it now (%s), and two crawls of one outlet never run "
                   "at once", ", ".join(sorted(busy)), where)
    session.outlets = [o for o in session.outlets if o.name not in busy]
    session.by_name = {o.name: o for o in session.outlets}
    session.config = replace(session.config, outlets=tuple(session.by_name))  # the writer process reads these


def recover_if_interrupted(session: ArchiveSession) -> None:
    """After a crash (a dead crawl still marked running, or a left-over .open WARC), repair before crawling.

    Recovery scans every WARC file, so it runs only when there is something to recover from.
    """
    catalogue = session.catalogue
    dead = [row for row in catalogue.running_crawls() if not crawls.crawl_process_alive(row)]
    open_files = list((session.config.data_dir / "warc").glob("*.open"))
    # a crawl stopped by a fault (disk full, catalogue locked) may have left a record without its row or an
    # article without its text file: the crawl after it repairs that
    if not dead and not open_files and crawls.last_status(catalogue.db) != "failed":
        return
    report = recover(session.config.data_dir, catalogue, outlet_for=session._outlet_name, keep_open=session.keep_open)
    crawls.mark_interrupted(catalogue.db, [row["id"] for row in dead])
    # a warning only when there was something to recover: the .open file of a live crawl is left alone
    (logger.warning if dead or report.changed else logger.info)(
        "recovered from %d interrupted crawl(s): %d WARC files repaired, %d captures re-added, %d marked missing",
        len(dead), len(report.repaired), len(report.captures_added), len(report.captures_marked_missing))


def abandon(session: ArchiveSession, patience: float = ABANDON_PATIENCE) -> None:
    """End a crawl whose engine stopped without ending it: the writer gets ``patience`` seconds to store (and count)
    what it was handed, then the WARC file is closed and the row says ``interrupted``, with the counts. A writer still
    busy then is left to finish on its own, as when the crawl process is killed (the next crawl recovers its file).
    History is not reconciled (as after a fault: the next crawl's reconciliation covers it)."""
    if session.finished:
        return
    error = "the crawl process was stopped before the crawl ended (Ctrl-C twice)"
    if session.writer.flush(patience):
        session.finish("interrupted", error)
        session.close()
        return
    logger.warning("the writer did not store what it holds within %g s: it goes on after this process ends",
                   patience)
    session.finished = True
    session._record_outcome("interrupted", error)


def end_abandoned() -> list[int]:
    """End the crawls this process opened and no component ended (``abandon``); return their row ids."""
    ended = []
    for session in list(OPEN):
        if not session.finished:
            abandon(session)
            ended.append(session.crawl_id)
    return ended


def outlet_row(o: Outlet) -> dict[str, Any]:
    """An outlet's row in the catalogue's ``outlets`` table, written as a crawl of it starts."""
    return {
        "name": o.name, "display_name": o.display_name, "language": o.language, "country": o.country,
        "homepage": o.homepage or (o.start_urls[0] if o.start_urls else ""), "domains": ", ".join(o.domains()),
        "topic_filter": int(o.topic_filter), "schedule": o.schedule, "config_digest": o.digest(), "source": o.source,
    }

"""How the local writer stores a batch of operations: WARC records, one fsync, then one catalogue transaction.

Runs on the writer thread (crawler.capture.writer), which owns the session's WARC file and catalogue connection.
"""

from __future__ import annotations

import logging
import os
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from archive.catalogue import sitemaps
from archive.catalogue.transactions import batch, savepoint
from archive.corpus import textfiles
from archive.integrity.storefaults import writer_fault
from archive.records import WarcLocation
from archive.warc.writer import BuiltPair, warc_date
from crawler.capture import part_aliases
from crawler.capture.ingest import ingest_op
from crawler.capture.operations import (
    ArticleOp,
    CaptureOp,
    FailureOp,
    FrontierOp,
    SettleOp,
    SitemapReadOp,
    TouchOp,
)

if TYPE_CHECKING:
    from crawler.capture.session import ArchiveSession

logger = logging.getLogger(__name__)


def build_record(session: ArchiveSession, op: CaptureOp) -> BuiltPair:
    """One exchange's WARC records under the op's record id (a revisit when the op names a prior capture), gzipped."""
    warc = session.warc
    ex, prior = op.exchange, op.prior
    if prior is None:
        return warc.build_exchange(ex, op.record_id, op.payload_digest)
    return warc.build_revisit(
        ex, op.record_id, refers_to_uri=prior["url"], refers_to_record_id=prior["warc_record_id"],
        refers_to_date=warc_date(datetime.fromisoformat(prior["fetched_at"])),
        payload_digest=prior["payload_digest"], profile=op.profile)


def write_record(session: ArchiveSession, op: CaptureOp) -> WarcLocation:
    """Write one exchange's WARC records: those built when the op arrived (crawler.capture.child), else built now."""
    return session.warc.write_built(op.built or build_record(session, op))


def apply_batch(session: ArchiveSession, ops: list[Any]) -> None:
    """Store a batch: every WARC record first, one fsync, then every row in one transaction (group commit).

    A storage fault (disk full, catalogue locked, an OSError of the data folder: archive.integrity.storefaults)
    propagates: the writer stops and the session trips. Any other error loses only its own operation (a savepoint
    per operation), logged with the operation.
    """
    try:
        store_rows(session, ops, write_records(session, ops))
    except OSError as exc:  # a WARC file or a text file the folder refused: the crawl's fault, not the batch's
        fault = writer_fault(exc)
        if fault is None:
            raise
        raise fault from exc


def write_records(session: ArchiveSession, ops: list[Any]) -> dict[str, WarcLocation]:
    """The WARC part of a batch: each capture's records, then one fsync; their locations by record id.

    A worker of a distributed crawl stops here and publishes the batch (crawler/scaleout/session.py).
    """
    locations: dict[str, WarcLocation] = {}
    for op in ops:
        if isinstance(op, CaptureOp) and session.fault is None:
            locations[op.record_id] = write_record(session, op)
    if locations:
        session.warc.sync()  # the records are durable before any row that points at them commits
    return locations


def store_rows(session: ArchiveSession, ops: list[Any], locations: dict[str, WarcLocation]) -> None:
    """The catalogue part of a batch: every row in one transaction (captures point at ``locations``).

    The coordinator of a distributed crawl calls it with the locations its workers published.
    """
    db = session.catalogue.db
    # text files it stages (articles, merges) and removes (an article turned irrelevant: its tmp None), in order:
    # published and removed once it commits
    staged = session.staged_files = []
    stale = session.stale_files = []  # text files its merges made unused: a row that commits lets its file go
    # the counts its rows make (articles new, updated ...): added once it commits, so that a batch a full disk rolls
    # back counts nothing in the crawl row and summary (the writer process acknowledges only counts added)
    held = session.hold_counts()
    committed = False
    try:
        with batch(db), textfiles.staged_drops(lambda relpath: staged.append((None, relpath))):
            for op in ops:
                first_staged, first_stale, first_held = len(staged), len(stale), len(held)
                try:
                    with savepoint(db):  # inside the batch's transaction
                        apply_one(session, op, locations)
                except Exception as exc:
                    fault = writer_fault(exc)  # a folder that refuses one row's text file refuses the next one's
                    if fault is not None:
                        raise fault from exc
                    logger.exception("could not store %r", op)
                    _discard(staged[first_staged:])
                    del staged[first_staged:], stale[first_stale:]  # the rows naming the stale ones are back
                    del held[first_held:]
                    if isinstance(op, ArticleOp):
                        _store_failed(session, op, exc)
        committed = True
    except BaseException:
        _discard(staged)
        raise
    else:
        _publish(session, staged)
        _remove(session, stale, "its batch merged its article away")
    finally:
        session.staged_files, session.stale_files = None, []
        session.release_counts(committed)
    session.committed(ops)


def _store_failed(session: ArchiveSession, op: ArticleOp, exc: Exception) -> None:
    """Record an article that could not be stored as a failure (``store-error``, the error as its detail) and
    settle its URLs: its frontier row stayed pending and every later crawl fetched and lost it again."""
    db = session.catalogue.db
    detail = f"{type(exc).__name__}: {exc}".encode("utf-8", "backslashreplace").decode("utf-8")[:500]
    try:
        with savepoint(db):
            session.catalogue.record_failure(session.crawl_id, op.outlet, op.url, "store", "store-error", detail,
                                             session.capture_ids.resolve(db, op.capture))
            for url in dict.fromkeys((op.request_url or op.url, op.url)):
                session.catalogue.settle(url, "done", "store failed")
    except Exception as again:
        if (fault := writer_fault(again)) is not None:
            raise fault from again
        logger.exception("could not record the store failure of %r either", op)
        return
    session.count(op.outlet, "failures")
    session.count(op.outlet, "failure:store-error")


def _publish(session: ArchiveSession, staged: list[tuple[Path | None, str]]) -> None:
    """Rename a committed batch's staged text files into place and remove the files it dropped, in the order they
    were staged (a later version of an article's file replaces an earlier one; a file dropped, then written again
    by a later version in the batch, is there at the end). Should the process die first, recovery writes a committed
    row's missing file from the row and removes the temporary ones and the files of irrelevant articles
    (archive/integrity/recovery.py)."""
    for tmp, relpath in staged:
        if tmp is not None:
            os.replace(tmp, session.config.data_dir / relpath)
            continue
        try:
            textfiles.remove_text(session.config.data_dir / relpath)
        except OSError as exc:  # its row committed: `check --repair` removes a file of an irrelevant article
            logger.warning("could not remove %s after its article turned irrelevant: %s", relpath, exc)


def _discard(staged: list[tuple[Path | None, str]]) -> None:
    """Delete the temporary files of staged text files whose rows rolled back (a removal rolled back is forgotten:
    the file stays, as its row names it)."""
    for tmp, _ in staged:
        if tmp is not None:
            tmp.unlink(missing_ok=True)


def _remove(session: ArchiveSession, relpaths: list[str], why: str) -> None:
    """Delete text files no committed row names (else they would be strays that `check` reports)."""
    for relpath in relpaths:
        try:
            (session.config.data_dir / relpath).unlink(missing_ok=True)
        except OSError as exc:
            logger.warning("could not remove %s after %s: %s", relpath, why, exc)


def apply_one(session: ArchiveSession, op: Any, locations: dict[str, WarcLocation]) -> None:
    """Store one operation inside the batch's transaction."""
    catalogue, ids = session.catalogue, session.capture_ids
    if isinstance(op, CaptureOp):
        location = locations.get(op.record_id)
        if location is None or ids.resolve(catalogue.db, op.record_id) is not None:
            return  # not written (stopping), or stored already: the record id is the key
        refers_to = ids.resolve(catalogue.db, op.prior["warc_record_id"]) if op.prior else None
        ids.add(op.record_id, catalogue.add_capture(op.crawl_id, op.outlet, op.exchange, location,
                                                    refers_to=refers_to))
    elif isinstance(op, FrontierOp):
        catalogue.add_frontier(op.url, op.outlet, op.kind, op.crawl_id, op.status, op.reason)
    elif isinstance(op, SettleOp):
        catalogue.settle(op.url, op.status, op.reason)
    elif isinstance(op, TouchOp):
        catalogue.touch_article(op.article_id, op.seen_at)
    elif isinstance(op, FailureOp):
        catalogue.record_failure(op.crawl_id, op.outlet, op.url, op.stage, op.reason, op.detail,
                                 ids.resolve(catalogue.db, op.capture))
    elif isinstance(op, ArticleOp):
        capture = ids.resolve(catalogue.db, op.capture)
        if not part_aliases.stored_as_part(session, op):  # a later page of a stored article is no article
            part_aliases.record(session, op, capture, ingest_op(session, op, capture))  # a split article's parts
    elif isinstance(op, SitemapReadOp):
        sitemaps.remember(catalogue.db, op.outlet, op.url, op.lastmod, op.config_digest, op.crawl_id,
                           op.fetched_at)
    else:
        raise TypeError(f"no way to store {op!r}")

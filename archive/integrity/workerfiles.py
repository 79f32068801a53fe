"""WARC files written by scale-out workers on their own disks, and records that arrive after their rows were lost.

A worker writes its own series, ``<prefix>-<worker>-<run>-<timestamp17>-<serial5>-<host>.warc.gz`` (``<run>``: 12 hex
digits naming its child crawl, crawler/scaleout/keys.writer_name); a one-machine crawl's files are
``<prefix>-<timestamp17>-...``. On a worker with its own disk the files stay there until copied into the
coordinator's ``DATA/warc/`` (README "Running on several machines"). Until then ``check`` on the coordinator saw
dangling pointers and told the user to run ``check --repair``, which marked the captures missing; after the copy the
records were "unindexed", the next crawl fetched the URLs again and ``--repair`` added a second capture row per
record (a black-box probe, stop 39). Now such a file is "not copied yet" (copy it, do not repair), ``--repair``
leaves its captures alone, and a record whose capture row was marked missing is attached to that row again.
"""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime
from typing import Any

from archive.catalogue import pointers, refetch
from archive.catalogue.db import Catalogue
from archive.catalogue.transactions import immediate
from archive.integrity.inventory import pointer_mismatch
from archive.warc.reader import RecordInfo

logger = logging.getLogger(__name__)

# <prefix>-<worker>-<run>-<timestamp17>-<serial5>-<host>.warc[.gz]: the writer's part between the prefix and the run
_WORKER_FILE = re.compile(r"(?P<head>[A-Za-z0-9_.-]+?)-(?P<run>[0-9a-f]{12})-[0-9]{17}-[0-9]{5}-[^/]+\.warc(?:\.gz)?")


def worker_of(warc_file: str) -> str | None:
    """The name of the worker that wrote ``warc_file`` (``warc/<name>``), or None for a one-machine crawl's file.

    The prefix is taken to be the head's first part (``NEWSARCHIVE``, the default, has no '-'); with a prefix that
    holds '-' the name shown starts with the rest of the prefix, which still tells the user which series it is."""
    name = warc_file.rsplit("/", 1)[-1]
    m = _WORKER_FILE.fullmatch(name)
    if m is None or "-" not in m["head"]:
        return None
    return m["head"].split("-", 1)[1]


def not_copied_message(warc_file: str, worker: str, captures: int) -> tuple[str, str]:
    """``check``'s message and fix for a worker's file that is not in this data folder (yet)."""
    name = warc_file.rsplit("/", 1)[-1]
    message = (f"{captures} capture(s) point at this file, which is not here: worker {worker} wrote it on its own "
               "disk and it has not been copied here yet")
    fix = (f"copy it from worker {worker}'s data folder (its DATA/warc/{name}; closed, not a .open file) into this "
           "data folder's warc/ (rsync, object storage; README \"Running on several machines\"), then run `newsarchive "
           "check` again. Do not run `check --repair` for it: it leaves these captures as they are (before stop 39 it "
           "marked them missing and the next crawl fetched the URLs again)")
    return message, fix


def capture_for_record(catalogue: Catalogue, record_id: str) -> dict[str, Any] | None:
    """The capture row of WARC record ``record_id`` (``POINTER_COLUMNS``; its pointer may be gone: marked missing),
    one that points somewhere first, or None."""
    return pointers.capture_of_record(catalogue.db, record_id)


def reattach(catalogue: Catalogue, rel: str, rec: RecordInfo, *, marked_now: frozenset[int] = frozenset()) -> int | None:
    """Point the capture row of ``rec`` (marked missing when its file was not here) at ``rel`` again; its id.

    None when the caller is to add a row: no row has the record's WARC-Record-ID, or its row was marked missing by
    this very repair (``marked_now``: its pointer or its fields disagreed with the WARC, changed by hand; that row
    stays as the evidence), or disagrees with the record in more than where it is, or points at another copy of the
    record (that copy keeps its row, and this one gets its own, as before). An article that had no archived record left and was queued to be fetched again is settled: its
    frontier row goes back to ``done`` while no crawl has fetched it yet.
    """
    row = capture_for_record(catalogue, str(rec.record_id))
    if row is None or row["id"] in marked_now:
        return None
    if row["warc_file"] is not None:
        # a byte copy of a record indexed elsewhere (a torn .open file's copy kept whole, tests/test_archive_integrity)
        # gets a row of its own, as before: `check` would otherwise report the copy unindexed for ever
        return None
    if pointer_mismatch({**row, "record_type": rec.record_type, "warc_length": rec.length}, rec):
        return None
    lost_before = {r["fetch_url"] for r in refetch.lost_articles(catalogue.db)}
    with immediate(catalogue.db):
        pointers.point_capture(catalogue.db, row["id"], rel, rec.offset, rec.length, rec.record_type)
    lost_after = {r["fetch_url"] for r in refetch.lost_articles(catalogue.db)}
    settled = sorted(lost_before - lost_after)
    if settled:
        now = datetime.now(UTC).isoformat(timespec="seconds")
        with immediate(catalogue.db):
            pointers.settle_lost(catalogue.db, settled, refetch.LOST_REASON, now)
    logger.warning("capture %d (%s) was marked missing; its record arrived in %s@%d: attached again", row["id"],
                   rec.target_uri, rel, rec.offset)
    return int(row["id"])

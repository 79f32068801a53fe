"""What this crawl wrote but the writer has not committed yet, for reads that cannot wait (no scrapy imports).

The reactor reads the catalogue through a read-only connection, which sees committed rows only; the writer
commits in batches. The overlay answers for the gap: the latest full capture of a URL (revisit detection,
conditional-request validators) and the frontier status of a URL discovered this crawl. Entries leave when
their batch commits, so it holds at most the writer's queue. The other way round, CaptureIds remembers the row
ids that recent batches gave their records, so a later row can point at a capture without a catalogue lookup.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import UTC
from typing import Any

from archive.catalogue.pointers import capture_with_record_id
from archive.records import Exchange
from archive.warc.writer import sha1_digest
from crawler.capture.operations import CaptureOp, CaptureRef, FrontierOp, SettleOp

KNOWN_IDS = 50_000  # record id -> capture id pairs kept in memory; older ones are looked up by warc_record_id


def capture_row(record_id: str, ex: Exchange, payload_digest: str | None = None) -> dict[str, Any]:
    """The captures-row fields a later read needs of a full 200 capture that is not committed yet (``payload_digest``:
    of ``ex.body``, when made already)."""
    return {
        "id": None, "url": ex.url, "status": ex.status, "record_type": "response", "warc_record_id": record_id,
        "fetched_at": ex.fetched_at.astimezone(UTC).isoformat(timespec="microseconds"),
        "payload_digest": payload_digest or sha1_digest(ex.body), "etag": ex.header("ETag"),
        "last_modified": ex.header("Last-Modified"),
    }


@dataclass(frozen=True)
class CaptureReceipt:
    """What the crawl process keeps of a capture handed to the writer process until it is acknowledged (no body)."""

    url: str
    record_id: str


class PendingWrites:
    """Latest full captures and frontier statuses of this crawl that are queued but not committed."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._captures: dict[str, dict[str, Any]] = {}
        self._frontier: dict[str, tuple[str, object]] = {}  # url -> (status, the op that set it)

    def add_capture(self, row: dict[str, Any]) -> None:
        """Remember a full capture as the URL's latest."""
        with self._lock:
            self._captures[row["url"]] = row

    def latest_capture(self, url: str) -> dict[str, Any] | None:
        """The URL's latest uncommitted full 200 capture, or None."""
        with self._lock:
            return self._captures.get(url)

    def set_frontier(self, url: str, status: str, op: object) -> None:
        """Remember a frontier status set by ``op``."""
        with self._lock:
            self._frontier[url] = (status, op)

    def frontier_status(self, url: str) -> str | None:
        """The URL's uncommitted frontier status, or None."""
        with self._lock:
            entry = self._frontier.get(url)
        return entry[0] if entry else None

    def settled(self, url: str, status: str, op: object) -> None:
        """A settlement of a URL discovered this crawl (a retry stays pending)."""
        with self._lock:
            if url in self._frontier:
                self._frontier[url] = ("pending" if status == "retry" else status, op)

    def committed(self, ops: list[Any]) -> None:
        """Forget what a committed batch wrote (unless a later write replaced it)."""
        with self._lock:
            for op in ops:
                if isinstance(op, CaptureOp | CaptureReceipt):
                    url = op.url if isinstance(op, CaptureReceipt) else op.exchange.url
                    row = self._captures.get(url)
                    if row is not None and row["warc_record_id"] == op.record_id:
                        del self._captures[url]
                elif isinstance(op, FrontierOp | SettleOp):
                    entry = self._frontier.get(op.url)
                    if entry is not None and entry[1] is op:
                        del self._frontier[op.url]

    def __len__(self) -> int:
        with self._lock:
            return len(self._captures) + len(self._frontier)


class CaptureIds:
    """Capture ids by WARC-Record-ID: the rows this writer stored recently, else a catalogue lookup."""

    def __init__(self) -> None:
        self._ids: OrderedDict[str, int] = OrderedDict()

    def add(self, record_id: str, capture_id: int) -> None:
        """Remember the id a record's row got."""
        self._ids[record_id] = capture_id
        if len(self._ids) > KNOWN_IDS:
            self._ids.popitem(last=False)

    def resolve(self, db: Any, ref: CaptureRef) -> int | None:
        """The capture id ``ref`` stands for (an id already, or a WARC-Record-ID), or None when unknown."""
        if ref is None or isinstance(ref, int):
            return ref
        if ref in self._ids:
            return self._ids[ref]
        return capture_with_record_id(db, ref)

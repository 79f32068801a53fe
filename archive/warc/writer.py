"""Write HTTP exchanges to rotating, gzip-per-record WARC/1.1 files (the archive of record)."""

from __future__ import annotations

import functools
import importlib.metadata
import logging
import os
import re
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO, Self

from warcio.recordloader import ArcWarcRecord

from archive.durable import fsync_dir
from archive.errors import ArchiveIntegrityError
from archive.records import Exchange, WarcLocation
from archive.warc.build import (
    REMOVED_TE_FIELD,
    RecordFactory,
    new_record_id,
    record_bytes,
    sha1_digest,
    warc_date,
)

# Re-exported: callers import the writer's record API from here (archive.warc.writer).
__all__ = ["REMOVED_TE_FIELD", "BuiltPair", "RecordFactory", "WarcArchive", "record_bytes", "sha1_digest", "warc_date"]

logger = logging.getLogger(__name__)

CONFORMS_TO = "http://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/"
OPEN_SUFFIX = ".open"


@functools.cache  # importlib.metadata reads the installed distributions on each call: 8 ms, 5 times a crawl (issue 10)
def software_version() -> str:
    """The installed newsarchive version (warcinfo ``software``, the crawler's User-Agent); "0+not-installed" if none."""
    try:
        return importlib.metadata.version("newsarchive")
    except importlib.metadata.PackageNotFoundError:
        return "0+not-installed"


def _safe_host(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9.-]+", "-", name) or "unknown-host"


@dataclass(frozen=True)
class BuiltPair:
    """A response (or revisit) record and its request record, each one gzip member, not written to a file yet.

    Built apart from the write so that a writer can gzip and digest an exchange as it arrives and keep these few
    KB in place of its body until its batch is written (crawler.capture.child).
    """

    members: tuple[bytes, bytes]  # the main record, then the request record
    record_id: str  # the main record's WARC-Record-ID
    record_type: str  # "response" or "revisit"
    payload_digest: str | None


class WarcArchive:
    """Rotating WARC/1.1 writer: ``<data_dir>/warc/<prefix>-<timestamp17>-<serial5>-<host>.warc.gz``.

    Files are written as ``<name>.open`` and renamed when closed (fsync file, rename, fsync folder).
    Each record is one gzip member; a request/response pair is never split across files.
    With ``fsync`` on, the file is also fsynced after every ``fsync_every`` writes (0: only at
    rotate/close), so a location returned is on disk before the catalogue records it.
    """

    def __init__(
        self,
        data_dir: Path,
        *,
        prefix: str = "NEWSARCHIVE",
        max_size: int = 1_000_000_000,
        warcinfo: dict[str, str] | None = None,
        fsync: bool = True,
        fsync_every: int = 1,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        id_factory: Callable[[], str] = new_record_id,
        hostname: str | None = None,
    ) -> None:
        if max_size <= 0:
            raise ValueError(f"max_size must be positive, got {max_size}")
        if fsync_every < 0:
            raise ValueError(f"fsync_every must be >= 0, got {fsync_every}")
        if not re.fullmatch(r"[A-Za-z0-9_.-]+", prefix):
            raise ValueError(f"prefix {prefix!r} may only hold letters, digits, '_', '.' and '-'")
        self.data_dir = Path(data_dir)
        self.warc_dir = self.data_dir / "warc"
        self.prefix = prefix
        self.max_size = max_size
        self.extra_info = dict(warcinfo or {})
        self.fsync = fsync
        self.fsync_every = fsync_every
        self.clock = clock
        self.factory = RecordFactory(id_factory)
        self.hostname = _safe_host(hostname or socket.gethostname())
        self.serial = 0
        self.files_written: list[Path] = []
        self._lock = threading.Lock()
        self._fh: BinaryIO | None = None
        self._name: str | None = None
        self._size = 0
        self._unsynced = 0

    @property
    def current_path(self) -> Path | None:
        """The ``.open`` file being written, if any."""
        return self.warc_dir / (self._name + OPEN_SUFFIX) if self._name else None

    def warcinfo_fields(self) -> dict[str, str]:
        """The warcinfo fields: software, host, format, conformsTo, then the caller's fields."""
        info = {
            "software": f"newsarchive/{software_version()} warcio/{importlib.metadata.version('warcio')}",
            "host": socket.gethostname(),
            "format": "WARC File Format 1.1",
            "conformsTo": CONFORMS_TO,
        }
        info.update(self.extra_info)
        return info

    def _open(self) -> None:
        self.warc_dir.mkdir(parents=True, exist_ok=True)
        now = self.clock()
        stamp = now.astimezone(UTC).strftime("%Y%m%d%H%M%S%f")[:17]
        while True:
            name = f"{self.prefix}-{stamp}-{self.serial:05d}-{self.hostname}.warc.gz"
            self.serial += 1
            final = self.warc_dir / name
            if final.exists():
                continue
            try:
                self._fh = open(self.warc_dir / (name + OPEN_SUFFIX), "xb")  # noqa: SIM115 (closed in _finish)
            except FileExistsError:
                continue
            break
        self._name = name
        self._size = 0
        info = record_bytes(self.factory.warcinfo(name, self.warcinfo_fields(), now))
        self._fh.write(info)
        self._size += len(info)
        self._fh.flush()
        logger.info("opened WARC file %s", self.current_path)

    def _write_members(self, members: list[bytes]) -> list[int]:
        total = sum(len(m) for m in members)
        if self._fh is not None and self._size + total > self.max_size:
            self._finish()
        if self._fh is None:
            self._open()
        assert self._fh is not None
        before = self._size
        offsets = []
        try:
            for member in members:
                offsets.append(self._size)
                self._fh.write(member)
                self._size += len(member)
            self._fh.flush()
        except OSError:
            # e.g. disk full: cut the half-written pair so later records do not follow garbage
            logger.exception("write to %s failed; truncating it back to %d bytes", self.current_path, before)
            self._size = before
            self._fh.seek(before)
            self._fh.truncate(before)
            raise
        self._unsynced += 1
        if self.fsync and self.fsync_every and self._unsynced >= self.fsync_every:
            os.fsync(self._fh.fileno())
            self._unsynced = 0
        return offsets

    def build_exchange(self, ex: Exchange, record_id: str | None = None,
                       payload_digest: str | None = None) -> BuiltPair:
        """A response record (under ``record_id``, else a new id; ``payload_digest``: of ``ex.body`` if made already)
        and its request record, gzipped, not written yet."""
        return self._build_pair(self.factory.response(ex, record_id, payload_digest), ex)

    def build_revisit(self, ex: Exchange, record_id: str | None = None, **refers_to: Any) -> BuiltPair:
        """A revisit record (``refers_to``: RecordFactory.revisit's keywords) and its request, not written yet."""
        return self._build_pair(self.factory.revisit(ex, record_id=record_id, **refers_to), ex)

    def _build_pair(self, main: ArcWarcRecord, ex: Exchange) -> BuiltPair:
        request = self.factory.request(ex, main.rec_headers.get_header("WARC-Record-ID"))
        return BuiltPair((record_bytes(main), record_bytes(request)), main.rec_headers.get_header("WARC-Record-ID"),
                         main.rec_type, main.rec_headers.get_header("WARC-Payload-Digest"))

    def write_built(self, pair: BuiltPair) -> WarcLocation:
        """Append a built pair (never split across files); return where its main record is."""
        with self._lock:
            offsets = self._write_members(list(pair.members))
            assert self._name is not None
            return WarcLocation(
                warc_file=f"warc/{self._name}", offset=offsets[0], length=len(pair.members[0]),
                record_id=pair.record_id, record_type=pair.record_type, payload_digest=pair.payload_digest,
                request_offset=offsets[1])

    def write_exchange(self, ex: Exchange, record_id: str | None = None) -> WarcLocation:
        """Write a response record and its request record; return where the response is."""
        return self.write_built(self.build_exchange(ex, record_id))

    def write_revisit(self, ex: Exchange, record_id: str | None = None, **refers_to: Any) -> WarcLocation:
        """Write a revisit record (``refers_to``: RecordFactory.revisit's keywords) and its request; return where."""
        return self.write_built(self.build_revisit(ex, record_id, **refers_to))

    def _finish(self) -> None:
        if self._fh is None or self._name is None:
            return
        fh, name = self._fh, self._name
        self._fh, self._name = None, None
        fh.flush()
        if self.fsync:
            os.fsync(fh.fileno())
        fh.close()
        final = self.warc_dir / name
        if final.exists():
            raise ArchiveIntegrityError(f"{final} already exists; leaving {name}{OPEN_SUFFIX} in place")
        os.replace(self.warc_dir / (name + OPEN_SUFFIX), final)
        if self.fsync:
            fsync_dir(self.warc_dir)
        self.files_written.append(final)
        logger.info("closed WARC file %s (%d bytes)", final, self._size)

    def sync(self) -> None:
        """Fsync what was written since the last fsync (with ``fsync_every=0`` the caller decides when: once a batch)."""
        with self._lock:
            if self.fsync and self._fh is not None and self._unsynced:
                os.fsync(self._fh.fileno())
                self._unsynced = 0

    def rotate(self) -> None:
        """Close the current file (fsync, rename ``.open`` to final); the next write opens a new one."""
        with self._lock:
            self._finish()

    def close(self) -> None:
        """Close the current file; the archive may still be written to afterwards (it opens a new file)."""
        self.rotate()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

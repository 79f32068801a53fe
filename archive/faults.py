"""Storage faults that must stop a crawl (disk full, catalogue locked) and the disk reserve that lets it stop cleanly."""

from __future__ import annotations

import errno
import logging
import os
import sqlite3
from pathlib import Path

from archive.errors import NewsArchiveError

logger = logging.getLogger(__name__)

DISK_FULL = "disk-full"
CATALOGUE_LOCKED = "catalogue-locked"
IO_ERROR = "io-error"
CATALOGUE_DAMAGED = "catalogue-damaged"
RESERVE_NAME = ".disk-reserve"

_FIX = {
    DISK_FULL: "free space on the disk that holds the data folder (or move it to a bigger one), then crawl again; "
               "the next crawl repairs what this one could not finish",
    CATALOGUE_LOCKED: "another program held a write lock on catalogue.db for longer than ARCHIVE_BUSY_TIMEOUT "
                      "seconds: close it (a sqlite3 shell, a long query) or raise the setting, then crawl again",
    IO_ERROR: "the disk that holds the data folder reported an I/O error: check it (dmesg, smartctl), then run "
              "`newsarchive check --repair`",
    CATALOGUE_DAMAGED: "catalogue.db is damaged (SQLite found a page it cannot read): restore it from a backup or a "
                       "replica, or salvage what SQLite can still read (sqlite3 catalogue.db \".recover\" | sqlite3 "
                       "catalogue.db.recovered), then run `newsarchive check --repair`, which adds the rows of the "
                       "records this crawl archived; the WARCs and text files are not changed",
}


class StorageFault(NewsArchiveError):
    """The data folder cannot be written (disk full, catalogue locked, I/O error): the crawl must stop."""

    def __init__(self, reason: str, detail: str):
        super().__init__(f"{reason}: {detail}; fix: {_FIX.get(reason, 'see the log')}")
        self.reason = reason
        self.detail = detail


def fault_reason(exc: BaseException) -> str | None:
    """The fault an exception stands for (``disk-full``, ``catalogue-locked``, ``io-error``, ``catalogue-damaged``),
    or None."""
    if isinstance(exc, StorageFault):
        return exc.reason
    if isinstance(exc, sqlite3.DatabaseError) and _damaged(exc):
        # every later row would fail the same way: before stop 41 each was logged as one row's own error, and a crawl
        # on a catalogue damaged past its header fetched and archived on with exit 0, its records left without rows
        return CATALOGUE_DAMAGED
    if isinstance(exc, sqlite3.OperationalError):
        name = getattr(exc, "sqlite_errorname", "") or ""  # Python 3.11+
        text = str(exc).lower()
        if name == "SQLITE_FULL" or "disk is full" in text:
            return DISK_FULL
        if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "database is locked" in text \
                or "database table is locked" in text:
            return CATALOGUE_LOCKED
        if name.startswith("SQLITE_IOERR") or "disk i/o error" in text:
            return IO_ERROR
        return None
    if isinstance(exc, OSError):
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            return DISK_FULL
        if exc.errno == errno.EIO:
            return IO_ERROR
    return None


def _damaged(exc: sqlite3.DatabaseError) -> bool:
    """True for SQLite's own word that the file is damaged: SQLITE_CORRUPT or SQLITE_NOTADB (its extended codes too)."""
    code = (getattr(exc, "sqlite_errorcode", None) or 0) & 0xFF  # the primary code of an extended one
    if code in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB):
        return True
    text = str(exc).lower()
    return "database disk image is malformed" in text or "file is not a database" in text


def as_fault(exc: BaseException) -> StorageFault | None:
    """``exc`` as a StorageFault when it is one of the faults that stop a crawl, else None."""
    if isinstance(exc, StorageFault):
        return exc
    reason = fault_reason(exc)
    return StorageFault(reason, f"{type(exc).__name__}: {exc}") if reason else None


class DiskReserve:
    """A file of ``size`` bytes held in the data folder and deleted when the disk fills.

    Why: when the disk is full, recording that fact (the crawl row, closing the WARC file, the catalogue's WAL)
    needs a little space. Deleting this ballast gives it back, so a crawl that hits ENOSPC still stops cleanly and
    says why. (The same idea as a database's reserved space or a "ballast file".)
    """

    def __init__(self, data_dir: Path, size: int):
        self.path = Path(data_dir) / RESERVE_NAME
        self.size = max(0, int(size))
        self.released = False

    def claim(self) -> None:
        """Make sure the reserve file exists at full size; raise StorageFault(disk-full) when there is no room."""
        if self.size == 0:
            return
        try:
            if self.path.exists() and self.path.stat().st_size >= self.size:
                return
            fd = os.open(self.path, os.O_WRONLY | os.O_CREAT, 0o600)
            try:
                # posix_fallocate really allocates the blocks (a sparse file would reserve nothing)
                os.posix_fallocate(fd, 0, self.size)
                os.fsync(fd)
            finally:
                os.close(fd)
        except OSError as exc:
            self.path.unlink(missing_ok=True)
            fault = as_fault(exc)
            if fault is None:
                raise
            raise StorageFault(fault.reason, f"no room for the {self.size}-byte disk reserve in "
                                             f"{self.path.parent} ({exc.strerror})") from exc

    def release(self) -> bool:
        """Delete the reserve (once), giving its space to the writes that record the fault; True if it freed any."""
        if self.released:
            return False
        self.released = True
        try:
            self.path.unlink()
        except FileNotFoundError:
            return False
        logger.warning("released the %d-byte disk reserve %s to stop cleanly", self.size, self.path)
        return True

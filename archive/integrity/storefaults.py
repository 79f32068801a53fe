"""Which OSError of the crawl's writer is a fault of the data folder (stop the crawl) and which is one row's own.

A text file or WARC record that cannot be written because the folder or its device refuses (read-only, permission
denied, gone, replaced by a file, an I/O error) fails every later row just the same: recorded row by row as
``store-error`` and settled, those URLs were lost for good (stop 39's probe: 35 of 40 articles). Such an error stops
the crawl as ``io-error`` instead (README "Faults"); only an error that belongs to the one row's data stays a
per-row ``store-error``.
"""

from __future__ import annotations

import errno
import re

from archive.errors import NewsArchiveError
from archive.faults import IO_ERROR, StorageFault, as_fault

#: errnos that name the row's own data (its file name, its bytes), not the folder or the device
ROW_ERRNOS = frozenset({errno.ENAMETOOLONG, errno.EILSEQ, errno.EINVAL, errno.EFBIG, errno.E2BIG})

_ERRNO = re.compile(r"\[Errno (\d+)\]")


def writer_fault(exc: BaseException) -> StorageFault | None:
    """``exc`` as the fault that stops the crawl: disk full, catalogue locked, an I/O error, or an OSError of the
    data folder (``io-error``); None for an error of one row's own."""
    fault = as_fault(exc)
    if fault is not None or not isinstance(exc, OSError):
        return fault
    if exc.errno in ROW_ERRNOS:
        return None
    where = f" ({exc.filename})" if exc.filename else ""
    detail = f"{type(exc).__name__}: [Errno {exc.errno}] {exc.strerror}{where}"
    return StorageFault(IO_ERROR, detail) if exc.errno == errno.EIO else FolderFault(f"{detail}{REFUSES}")


REFUSES = ": the data folder refuses writes"


def fault_from(reason: str, detail: str) -> StorageFault:
    """A fault the writer process sent as ``(reason, detail)``, with its own fix again (crawler.capture.process)."""
    return FolderFault(detail) if reason == IO_ERROR and detail.endswith(REFUSES) else StorageFault(reason, detail)


class FolderFault(StorageFault):
    """An ``io-error`` of a folder that refuses writes: its fix says so (the disk's fix, smartctl, would mislead)."""

    def __init__(self, detail: str):  # noqa: D107 (StorageFault's, with this fix)
        NewsArchiveError.__init__(self, f"{IO_ERROR}: {detail}; fix: make the data folder and its warc/ and text/ "
                                        "writable again (a read-only mount, their permissions, a file in a folder's "
                                        "place), then run `newsarchive check --repair` and crawl again: what this "
                                        "crawl could not store stays pending")
        self.reason = IO_ERROR
        self.detail = detail


def folder_fault_detail(detail: str | None) -> bool:
    """True when a recorded ``store-error`` detail is an OSError of the folder (recorded before stop 39 as the
    row's failure): its URL is fetched again (archive.catalogue.refetch.queue_store_faults)."""
    if not detail:
        return False
    found = _ERRNO.search(detail.split(":", 1)[-1][:80])
    return bool(found) and "Error" in detail.split(":", 1)[0] and int(found.group(1)) not in ROW_ERRNOS

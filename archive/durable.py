"""Make a rename survive a crash: fsync the folder that holds it (POSIX keeps names in the directory)."""

from __future__ import annotations

import os
from pathlib import Path


def fsync_dir(directory: Path) -> None:
    """Flush ``directory``'s entries to disk, so a file created or renamed in it is still there after a crash."""
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def file_mode() -> int:
    """The mode a new file gets under the process's umask (0644 under umask 022).

    ``tempfile.mkstemp`` creates 0600 files whatever the umask; files renamed from one into place should read
    as any other file the user makes. The umask can only be read by setting it, so it is set back at once.
    """
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask

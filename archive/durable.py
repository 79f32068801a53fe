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

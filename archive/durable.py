"""Files that survive a crash: whole or not at all under their name, and names fsynced in their folder."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
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


def write_atomically(out: Path, write: Callable[[Path], object]) -> None:
    """Make ``out`` by ``write(tmp)`` on a temporary file beside it, fsync and rename: never half a file named ``out``.

    The file gets the mode of any file the user makes (``file_mode``), not mkstemp's 0600.
    """
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=out.parent, prefix=".tmp-", suffix=out.suffix)
    os.close(fd)
    tmp = Path(name)
    try:
        write(tmp)
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        os.chmod(tmp, file_mode())
        os.replace(tmp, out)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise

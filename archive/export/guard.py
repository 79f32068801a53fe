"""Refuse an output file (``export --out``, ``index --out``) that is one of the archive's own files.

A black-box probe (stop 37) wrote ``export --format csv --out DATA/catalogue.db`` over the catalogue, a WACZ over a
WARC and JSON Lines over a corpus file, each with exit 0: the archive is the one thing an export must never touch.
"""

from __future__ import annotations

import os
from pathlib import Path

from archive.errors import ExportError

CATALOGUE_FILES = ("catalogue.db", "catalogue.db-wal", "catalogue.db-shm", "catalogue.db-journal")
# the other files of the data folder a crawl counts on: the bytes held back to stop cleanly on a full disk
OTHER_FILES = {".disk-reserve": "the disk reserve (the room a crawl frees to stop cleanly on a full disk) of"}
PROTECTED_FOLDERS = {"warc": "the WARC folder", "text": "the text corpus"}


def archive_part(data_dir: Path, out: Path) -> str | None:
    """What part of the archive in ``data_dir`` writing ``out`` would replace (None when it is none of it).

    Paths are compared resolved (symbolic links, ``..`` and relative paths followed), and an existing file also by
    identity (a hard link to the catalogue is the catalogue).
    """
    data_real = Path(os.path.realpath(data_dir))
    out_real = Path(os.path.realpath(out))
    for name, what in PROTECTED_FOLDERS.items():
        folder = data_real / name
        if out_real == folder or folder in out_real.parents:
            return f"inside {what} ({name}/) of the data folder"
    for name, what in OTHER_FILES.items():
        if out_real == data_real / name:
            return what
    for name in CATALOGUE_FILES:
        own = data_real / name
        if out_real == own:
            return "the catalogue" if name == "catalogue.db" else f"the catalogue's {name.rpartition('-')[2]} file"
        try:
            if own.exists() and out_real.exists() and os.path.samefile(own, out_real):
                return "the catalogue (another name for it)"
        except OSError:
            continue
    return None


def refuse_archive_target(data_dir: Path, out: Path, option: str = "--out") -> None:
    """Raise ExportError naming ``out`` and the fix when writing it would replace part of the archive, or when it is
    a folder (``--out ''`` is the current folder: "Device or resource busy" before stop 37)."""
    if str(out) in ("", ".") or os.path.isdir(out):
        shown = "'' (the current folder)" if str(out) in ("", ".") else str(out)
        raise ExportError(f"refusing to write {option} {shown}: it is a folder, not a file; nothing was written. Give "
                          f"{option} a file name, e.g. {option} exports/corpus.csv")
    part = archive_part(data_dir, out)
    if part is None:
        return
    real = os.path.realpath(out)
    shown = str(out) if str(out) == real else f"{out} (that is {real})"
    raise ExportError(f"refusing to write {option} {shown}: it is {part} {data_dir}, and writing it would destroy "
                      f"archived data; nothing was written. Give {option} a path outside the data folder's warc/ and "
                      f"text/ folders and other than its catalogue.db files and .disk-reserve (e.g. {option} "
                      f"exports/{Path(out).name})")

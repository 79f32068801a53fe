"""Refuse an output file (``export --out``, ``index --out``) that is one of the archive's own files, or another file
the tool keeps in the data folder (its logs, the scheduler's record, the back-fill queues, the demo's records).

A black-box probe (stop 37) wrote ``export --format csv --out DATA/catalogue.db`` over the catalogue, a WACZ over a
WARC and JSON Lines over a corpus file, each with exit 0: the archive is the one thing an export must never touch.
"""

from __future__ import annotations

import os
from pathlib import Path

from archive.errors import ExportError

CATALOGUE_FILES = ("catalogue.db", "catalogue.db-wal", "catalogue.db-shm", "catalogue.db-journal",
                   "catalogue.db.migrate.lock")
# The other files and folders the tool itself keeps in the data folder (README, "The data folder"): each is written by
# the tool, never put there by a person, and something reads it back (before stop 38 `export --out
# DATA/logs/scheduler.json` replaced the scheduler's record of its settings, which `status` reads). The index
# (index/index.cdxj) is left out: it is `index`'s own default --out, made again by it; exports/ is the user's.
OTHER_FILES = {
    ".disk-reserve": "the disk reserve (the room a crawl frees to stop cleanly on a full disk) of",
    "demo-sites.json": "the demo's record of the addresses it serves its sites on (the next demo reuses them) in",
    "demo-seeds.toml": "the demo's outlet file (written for the sites it serves) in",
}
PROTECTED_FOLDERS = {
    "warc": "the WARC folder",
    "text": "the text corpus",
    "logs": "the logs folder (crawl logs, and scheduler.json: the scheduler's settings, which `status` reads)",
    "queue": "the back-fill's request queues",
}


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
            if name == "catalogue.db":
                return "the catalogue"
            kind = "migration lock" if name.endswith(".lock") else f"{name.rpartition('-')[2]} file"
            return f"the catalogue's {kind}"
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
                      f"archived data or the tool's own records; nothing was written. Give {option} a path outside the data folder's "
                      f"{', '.join(f'{name}/' for name in PROTECTED_FOLDERS)} folders and other than its catalogue.db "
                      f"files, {', '.join(OTHER_FILES)} (e.g. {option} exports/{Path(out).name})")

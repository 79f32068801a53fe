"""What the archive check and crash recovery read from a data folder: WARC files, their records, live crawls."""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from archive.catalogue import refetch
from archive.catalogue.db import Catalogue
from archive.corpus import textfiles as textexport
from archive.errors import ArchiveIntegrityError
from archive.warc.check import whole_member_after
from archive.warc.reader import STRUCTURAL, Problem, RecordInfo, first_record, read_warc

logger = logging.getLogger(__name__)

WARC_GLOBS = ("*.warc.gz", "*.warc")  # the project writes no ARC files (see archive.warc.reader)
OPEN_GLOB = "*.warc.gz.open"
INDEXED_TYPES = ("response", "revisit")  # the records a capture row must exist for
TEMP_PREFIX = ".tmp-"  # archive.durable's temporary files (index, export), py-wacz's folder (archive.export.wacz)
# a temporary file nobody holds open is left alone this long: archive.durable.write_atomically closes it between
# mkstemp and the writer's open, and between the write and its fsync
TEMP_GRACE_S = 60.0
TEMP_GRACE_NO_PROC_S = 86400.0  # where /proc cannot tell who holds a file open, only a day-old one is stale


@dataclass
class ScannedWarc:
    """One scanned WARC file: its records by offset, its problems, and the crawl uid of its warcinfo."""

    rel: str
    records: dict[int, RecordInfo] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    crawl_uid: str | None = None


def pid_alive(pid: int | None) -> bool:
    """True when a process with this pid exists (a zombie counts as gone)."""
    if not pid or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


def live_crawls(catalogue: Catalogue) -> list[dict[str, Any]]:
    """Crawl rows marked running whose process is alive (a dead pid means the crawl crashed)."""
    return [row for row in catalogue.running_crawls() if pid_alive(row.get("pid"))]


def warc_files(warc_dir: Path) -> list[Path]:
    """The closed WARC files of a folder, sorted by name."""
    found: set[Path] = set()
    for pattern in WARC_GLOBS:
        found.update(warc_dir.glob(pattern))
    return sorted(found)


def require_whole(files: Sequence[Path], doing: str) -> None:
    """Raise ArchiveIntegrityError naming every file among ``files`` that warcio cannot frame to its end.

    cdxj-indexer and py-wacz stop on such a file with warcio's traceback and no file named, or index a record cut by
    a crash as if whole; ``index`` and ``export`` ask this first (one pass over the files, digests not read).
    """
    damaged = []
    for path in files:
        bad = next((p for p in read_warc(path, verify=False) if isinstance(p, Problem) and p.kind in STRUCTURAL),
                   None)
        if bad is not None:
            damaged.append(f"{path.name}@{bad.offset}: {bad.kind}")
    if damaged:
        raise ArchiveIntegrityError(
            f"cannot {doing}: {len(damaged)} WARC file(s) cannot be read to the end ({'; '.join(damaged)}). Run "
            "`newsarchive check`: `check --repair` moves a crash's torn tail aside; a file damaged in the middle "
            "needs its copy from a replica (or move it out of warc/ to go on without it)")


def warcinfo_fields(path: Path) -> dict[str, str]:
    """The fields of the file's leading warcinfo record (empty when it has none)."""
    with open(path, "rb") as fh:
        record = first_record(fh)
        if record is None or record.rec_type != "warcinfo":
            return {}
        text = record.content_stream().read().decode("utf-8", errors="replace")
    pairs = (line.partition(":") for line in text.splitlines())
    return {k.strip(): v.strip() for k, sep, v in pairs if sep}


def scan_warc(path: Path, rel: str) -> ScannedWarc:
    """Scan one WARC file (verify digests, strict) into its records, problems and crawl uid.

    Damage in the middle of a compressed file stops warcio's framing there; the scan goes on at the next whole gzip
    member, so the records after it are known (and their capture rows not taken for dangling pointers: a repair
    would mark them missing).
    """
    scanned = ScannedWarc(rel)
    start = 0
    while True:
        stopped = None
        for item in read_warc(path, strict=True, start=start):
            if isinstance(item, RecordInfo):
                scanned.records[item.offset] = item
            else:
                scanned.problems.append(item)
                if item.kind in STRUCTURAL:
                    stopped = item.offset
        if stopped is None or not path.name.endswith(".gz"):
            break
        after = whole_member_after(path, stopped)
        if after is None or after <= start:  # always forward: a scan that restarts where it stopped never ends
            break
        start = after
    try:
        scanned.crawl_uid = warcinfo_fields(path).get("crawl-id")
    except Exception as exc:  # noqa: BLE001 - a broken file is already reported by the scan
        logger.debug("no warcinfo in %s: %s", path, exc)
    return scanned


def pointer_mismatch(row: dict[str, Any], rec: RecordInfo) -> list[str]:
    """How a capture row (catalogue POINTER_COLUMNS) and the WARC record it points at disagree; empty when they agree."""
    wrong = []
    for label, want, got in (("record type", row["record_type"], rec.record_type), ("URI", row["url"], rec.target_uri),
                             ("record id", row["warc_record_id"], rec.record_id),
                             ("payload digest", row["payload_digest"], rec.payload_digest),
                             ("length", row["warc_length"], rec.length)):
        if want is not None and want != got:
            wrong.append(f"{label} {want!r} in the catalogue, {got!r} in the WARC")
    return wrong


def rendered_text(row: dict[str, Any]) -> str:
    """The text file an article row should have (title, blank line, one paragraph per line)."""
    return textexport.render(row["title"] or "", (row["text"] or "").split("\n"))


def text_file_state(path: Path, want: str) -> str | None:
    """None when the file at ``path`` holds exactly ``want`` as UTF-8 bytes; else what is wrong with it.

    Compared as bytes, not as text read in text mode: a reading with universal newlines took a file turned to CRLF
    line endings for a good one, and a file that is not UTF-8 (a bit flip, an editor that saved it in windows-1256)
    stopped `check` and `check --repair` with a UnicodeDecodeError traceback (stop 42's probe).
    """
    got_bytes = path.read_bytes()
    if got_bytes == want.encode("utf-8"):
        return None
    try:
        got = got_bytes.decode("utf-8")
    except UnicodeDecodeError as exc:
        return f"not UTF-8 (byte {exc.start})"
    if got.startswith("\ufeff"):
        return "starts with a byte-order mark"
    if "\r" in got:
        return "has CR line endings"
    if got.partition("\n\n")[0] != want.partition("\n\n")[0]:
        return "title differs from the catalogue"
    return "body differs from the catalogue"


def stray_text_origin(catalogue: Catalogue, data_dir: Path, rel: str) -> str | None:
    """Where a text file that no row names came from, when the catalogue tells it is a left-over copy; else None.

    ``NNN_<id>.txt`` of a row merged away (its URL an alias of the row it went into), or an older file of a row that
    names another file that exists: a merge killed between its commit and its file removals (dedupe, a crawl's
    same-body merge) leaves such a file; the kept row's file holds the text.
    """
    _, sep, aid = Path(rel).stem.partition("_")
    if not sep or not aid:
        return None
    kept = refetch.merged_into(catalogue.db, aid)
    if kept is not None:
        return f"article {aid} was merged into article {kept} by a merge that did not finish (a killed dedupe or crawl)"
    own = refetch.text_file_of(catalogue.db, aid)
    if own is not None and own != rel and (Path(data_dir) / own).is_file():
        return (f"an older file of article {aid}, whose row names {own}, left by a merge that did not finish (a killed "
                "dedupe or crawl)")
    if refetch.is_irrelevant(catalogue.db, aid):
        return f"article {aid}'s current version is not relevant: the corpus holds no file for it"
    return None


def _open_paths() -> set[str] | None:
    """Every path a process on this machine holds open or works in (Linux /proc); None where /proc cannot tell."""
    proc = Path("/proc")
    if not (proc / "self" / "fd").is_dir():
        return None
    held: set[str] = set()
    for pid_dir in proc.iterdir():
        if not pid_dir.name.isdigit():
            continue
        try:
            held.add(os.readlink(pid_dir / "cwd"))
            for fd in (pid_dir / "fd").iterdir():
                held.add(os.readlink(fd))
        except OSError:  # the process ended meanwhile, or it is not ours to look at
            continue
    return held


def stale_temps(data_dir: Path) -> list[Path]:
    """Temporary files and folders (``.tmp-*``) that a killed ``index`` or ``export`` left in the data folder.

    Looked for in the folder and its subfolders but ``text/`` (the crawl's staged files: see check and recovery).
    Stale: no process holds it (or a file in it) open and it was not written for ``TEMP_GRACE_S`` seconds; a
    command that is running keeps its own.
    """
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        return []
    folders = [data_dir] + [p for p in sorted(data_dir.iterdir()) if p.is_dir() and not p.name.startswith(".")
                            and p.name != "text"]
    found = [p for folder in folders for p in sorted(folder.glob(TEMP_PREFIX + "*"))]
    if not found:
        return []
    held = _open_paths()
    grace = TEMP_GRACE_S if held is not None else TEMP_GRACE_NO_PROC_S
    now = time.time()
    stale = []
    for path in found:
        inside = [path, *path.rglob("*")] if path.is_dir() else [path]
        try:
            newest = max(p.lstat().st_mtime for p in inside)
        except OSError:  # removed meanwhile: its command finished
            continue
        if now - newest < grace:
            continue
        real = str(path.resolve())
        if held is not None and any(h == real or h.startswith(real + os.sep) for h in held):
            continue
        stale.append(path)
    return stale

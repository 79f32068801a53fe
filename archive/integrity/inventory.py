"""What the archive check and crash recovery read from a data folder: WARC files, their records, live crawls."""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from archive.catalogue.db import Catalogue
from archive.corpus import textfiles as textexport
from archive.errors import ArchiveIntegrityError
from archive.warc.check import whole_member_after
from archive.warc.reader import STRUCTURAL, Problem, RecordInfo, first_record, read_warc

logger = logging.getLogger(__name__)

WARC_GLOBS = ("*.warc.gz", "*.warc")  # the project writes no ARC files (see archive.warc.reader)
OPEN_GLOB = "*.warc.gz.open"
INDEXED_TYPES = ("response", "revisit")  # the records a capture row must exist for


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
        start = whole_member_after(path, stopped)
        if start is None:
            break
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

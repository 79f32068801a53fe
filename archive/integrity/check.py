"""Check that WARCs, catalogue and text corpus agree (``newsarchive check``); recovery is archive.integrity.recovery."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from archive.catalogue import pointers, refetch
from archive.catalogue.db import Catalogue
from archive.corpus import textfiles as textexport
from archive.integrity import workerfiles
from archive.integrity.inventory import (
    INDEXED_TYPES,
    OPEN_GLOB,
    ScannedWarc,
    live_crawls,
    pointer_mismatch,
    rendered_text,
    scan_warc,
    stale_temps,
    stray_text_origin,
    text_file_state,
    warc_files,
)
from archive.integrity.storefaults import folder_fault_detail
from archive.warc.reader import RecordInfo

logger = logging.getLogger(__name__)


_TAIL_FIX = ("run `newsarchive check --repair`: when this is the file's last record (a crash or a full disk cut "
             "it) it keeps every whole record and moves the torn tail to <name>.torn; damage in the middle of a file "
             "is left for you to inspect (restore the file from a replica)")
# the scanner's advice for a torn file names internal functions; `check` names the command to run instead
_COMMAND_FIX = {"gzip-truncated": _TAIL_FIX, "gzip-corrupt": _TAIL_FIX, "block-truncated": _TAIL_FIX}


@dataclass(frozen=True)
class Finding:
    """One thing wrong with the archive: what, where, and what to do about it."""

    # warc-<problem kind>, open-file, dangling-pointer, worker-file-not-copied, pointer-mismatch, unindexed-record,
    # article-unarchived, refetch-pending, store-fault, text-..., temp-stale
    kind: str
    where: str
    message: str
    fix: str

    def __str__(self) -> str:
        return f"{self.where}: {self.kind}: {self.message}\n    fix: {self.fix}"


@dataclass(frozen=True)
class CheckReport:
    """What ``check_archive`` looked at and what it found."""

    findings: tuple[Finding, ...]
    warc_files: int
    records: int
    captures: int
    text_files: int
    set_aside: tuple[str, ...] = ()  # torn tails moved aside by repair (kept for inspection, not an error)
    skipped: tuple[str, ...] = ()  # files of a crawl that is running now

    @property
    def ok(self) -> bool:
        """True when nothing is wrong."""
        return not self.findings


def check_archive(data_dir: Path, catalogue: Catalogue) -> CheckReport:
    """Check every WARC, every catalogue pointer, every archived response's row and every text file.

    Files and rows of a crawl that is running now are skipped (its ``.open`` file is still being written).
    """
    data_dir = Path(data_dir)
    warc_dir = data_dir / "warc"
    findings: list[Finding] = []
    live = live_crawls(catalogue)
    live_ids = {row["id"] for row in live}
    live_uids = {row["uid"] for row in live}
    skipped: list[str] = []

    # a crawl that did not finish left its file open: its captures point at the name the file gets when it is
    # closed, and are reported once, with the file (pending recovery), not each as a dangling pointer
    open_files: dict[str, ScannedWarc] = {}
    being_written: set[str] = set()  # closed names of the .open files left alone while a crawl runs
    for path in sorted(warc_dir.glob(OPEN_GLOB)):
        rel, closed = f"warc/{path.name}", f"warc/{path.name[:-len('.open')]}"
        if live:
            skipped.append(rel)
            being_written.add(closed)
            continue
        open_files[closed] = scan_warc(path, rel)

    files: dict[str, ScannedWarc] = {}
    n_records = 0
    for path in warc_files(warc_dir):
        rel = f"warc/{path.name}"
        scanned = scan_warc(path, rel)
        files[rel] = scanned
        n_records += len(scanned.records)
        for p in scanned.problems:
            findings.append(Finding(f"warc-{p.kind}", f"{rel}@{p.offset}", p.message, _COMMAND_FIX.get(p.kind, p.fix)))

    captures = pointers.capture_pointers(catalogue.db)
    not_copied: dict[str, list[int]] = {}  # a worker's file not copied here yet -> its captures
    indexed: set[tuple[str, int]] = set()
    pending: dict[str, list[bool]] = {closed: [] for closed in open_files}  # per open file: is each record whole
    for row in captures:
        if row["warc_file"] is None:
            continue
        indexed.add((row["warc_file"], row["warc_offset"]))
        if row["crawl_id"] in live_ids or row["warc_file"] in being_written:
            continue
        where = f"captures/{row['id']}"
        scanned_file = files.get(row["warc_file"])
        if scanned_file is None and row["warc_file"] in open_files:
            rec = open_files[row["warc_file"]].records.get(row["warc_offset"])
            pending[row["warc_file"]].append(rec is not None and not pointer_mismatch(row, rec))
            continue
        if scanned_file is None and workerfiles.worker_of(row["warc_file"]) is not None:
            not_copied.setdefault(row["warc_file"], []).append(row["id"])  # one finding per file, below
            continue
        if scanned_file is None:
            findings.append(Finding("dangling-pointer", where, f"points at {row['warc_file']}, which does not exist",
                                    "run `newsarchive check --repair` (marks the capture missing; the next crawl "
                                    "fetches the URL again), or restore the file from a replica"))
            continue
        rec = scanned_file.records.get(row["warc_offset"])
        if rec is None:
            findings.append(Finding("dangling-pointer", where,
                                    f"no record starts at {row['warc_file']}@{row['warc_offset']}",
                                    "run `newsarchive check --repair` (marks the capture missing), or restore the "
                                    "file from a replica"))
            continue
        wrong = pointer_mismatch(row, rec)
        if wrong:
            findings.append(Finding("pointer-mismatch", where, "; ".join(wrong),
                                    "the WARC or the catalogue was changed by hand: restore the one that is wrong "
                                    "from a replica"))

    for rel, ids in not_copied.items():
        message, fix = workerfiles.not_copied_message(rel, str(workerfiles.worker_of(rel)), len(ids))
        findings.append(Finding("worker-file-not-copied", rel, message, fix))
    for rel, scanned_file in files.items():
        if scanned_file.crawl_uid in live_uids:
            skipped.append(rel)
            continue
        for offset, rec in scanned_file.records.items():
            if rec.record_type in INDEXED_TYPES and (rel, offset) not in indexed:
                findings.append(_unindexed(catalogue, rel, offset, rec))

    findings[:0] = [_open_file_finding(scanned_open, pending[closed]) for closed, scanned_open in open_files.items()]
    if not live:  # a running crawl may be fetching them right now
        findings.extend(_lost_articles(catalogue))
        findings.extend(_store_faults(catalogue))
    text_findings, n_text = _check_texts(data_dir, catalogue, bool(live))
    findings.extend(text_findings)
    findings.extend(Finding("temp-stale", str(path.relative_to(data_dir)),
                            "temporary file left by a command that was killed (index, export); no process has it open",
                            "run `newsarchive check --repair` (deletes it)") for path in stale_temps(data_dir))
    set_aside = tuple(sorted(f"warc/{p.name}" for p in warc_dir.glob("*.torn*")))
    return CheckReport(tuple(findings), len(files), n_records, len(captures), n_text, set_aside, tuple(skipped))


def _unindexed(catalogue: Catalogue, rel: str, offset: int, rec: RecordInfo) -> Finding:
    """A response or revisit record no capture row points at: one with no row, or one whose row lost its pointer
    (marked missing while its file was not here: a worker's file copied in late) or points at another copy."""
    row = workerfiles.capture_for_record(catalogue, str(rec.record_id))
    where, what = f"{rel}@{offset}", f"{rec.record_type} record of {rec.target_uri}"
    if row is None:
        return Finding("unindexed-record", where, f"{what} has no catalogue row",
                       "run `newsarchive check --repair` to add the capture row back")
    if row["warc_file"] is None:
        return Finding("unindexed-record", where, f"{what}: its capture row {row['id']} was marked missing (its file "
                       "was not here then)", f"run `newsarchive check --repair`: it points capture {row['id']} at this "
                       "record again (no second row)")
    return Finding("unindexed-record", where, f"{what}: its capture row {row['id']} points at {row['warc_file']} (this "
                   "is another copy of the record)", "delete this copy, or run `newsarchive check --repair` to give "
                   "it a capture row of its own")


def _check_texts(data_dir: Path, catalogue: Catalogue, crawl_running: bool) -> tuple[list[Finding], int]:
    findings: list[Finding] = []
    text_dir = data_dir / "text"
    referenced: set[str] = set()
    rows = pointers.text_file_rows(catalogue.db)
    fix_from_row = "run `newsarchive check --repair`: it rewrites the file from the catalogue row"
    for row in rows:
        where = f"articles/{row['id']}"
        if not row["relevant"]:  # one file per relevant article: its current version is not (stop 37's probe)
            referenced.add(row["text_file"])
            findings.append(Finding("text-irrelevant", where, f"{row['text_file']}: the article's current version is "
                                    "not relevant, yet the corpus holds a file for it", "run `newsarchive check "
                                    "--repair`: it removes the file (the row and its seq stay)"))
            continue
        if row["text_file"] is None:
            if not crawl_running:
                findings.append(Finding("text-missing", where, "relevant article has no text file", fix_from_row))
            continue
        referenced.add(row["text_file"])
        path = data_dir / row["text_file"]
        expected_name = textexport.file_name(row["seq"], row["id"]) if row["seq"] is not None else None
        if expected_name is None or Path(row["text_file"]).name != expected_name:
            findings.append(Finding("text-name", where, f"text file {row['text_file']!r} does not match seq "
                                    f"{row['seq']} and id {row['id']} ({expected_name})", fix_from_row))
        if not path.is_file():
            findings.append(Finding("text-missing", where, f"{row['text_file']} does not exist", fix_from_row))
            continue
        wrong = text_file_state(path, rendered_text(row))
        if wrong is not None:
            findings.append(Finding("text-differs", where, f"{row['text_file']}: {wrong}", fix_from_row))
    n_files = 0
    if text_dir.is_dir():
        for path in sorted(text_dir.iterdir()):
            rel = f"text/{path.name}"
            if path.name.startswith(".tmp-"):
                if not crawl_running:
                    findings.append(Finding("text-temp", rel, "half-written temporary file left by a crash",
                                            "run `newsarchive check --repair` (deletes it)"))
                continue
            if path.suffix != ".txt":
                continue
            n_files += 1
            if rel in referenced:
                continue
            origin = stray_text_origin(catalogue, data_dir, rel)
            if origin is not None:
                findings.append(Finding("text-stray", rel, f"no catalogue row points at this text file: {origin}",
                                        "run `newsarchive check --repair` (deletes it; the catalogue keeps the "
                                        "article's text)"))
            else:
                findings.append(Finding("text-stray", rel, "no catalogue row points at this text file, and its article "
                                        "id is no row's and no merged row's: `check --repair` cannot tell where it "
                                        "came from and leaves it", "delete it, or re-crawl the article it came from"))
    return findings, n_files


def _open_file_finding(scanned: ScannedWarc, whole: list[bool]) -> Finding:
    """One finding for a ``.open`` file and the captures that point at its closed name (pending recovery)."""
    cut = whole.count(False)
    held = (f"; {len(whole)} captures point at its closed name {scanned.rel[:-len('.open')]}: "
            f"{len(whole) - cut} records are whole in it" + (f", {cut} are not (torn)" if cut else "")) if whole else ""
    return Finding("open-file", scanned.rel, f"left open by a crawl that did not finish (no crawl is running){held}",
                   "run `newsarchive check --repair`: it keeps every whole record (their captures stay as they are), "
                   "moves a torn tail to <name>.torn (the captures of records in it are marked missing and fetched "
                   "again by the next crawl) and closes the file")


def _lost_articles(catalogue: Catalogue) -> list[Finding]:
    """Articles whose current version has no archived record (every capture missing, or the current one while an
    older version's is left): fetched again by the next crawl, or by nothing (say so)."""
    found = []
    for row in refetch.lost_articles(catalogue.db):
        where = f"articles/{row['id']}"
        lost = f"{row['url']} has no archived record of its current version: its capture is missing (only an " \
            "earlier version's record is left)" if row["older"] else \
            f"{row['url']} has no archived record: every capture of it is missing"
        replica = "or restore its WARC file from a replica and run `newsarchive check --repair`"
        if row["frontier"] == "pending":
            found.append(Finding("refetch-pending", where, f"{lost}; {row['fetch_url']} is queued",
                                 f"the next crawl of {row['outlet']} fetches it again (`newsarchive crawl`), {replica}"))
        elif row["frontier"] == "failed":
            found.append(Finding("article-unarchived", where, f"{lost}; fetching {row['fetch_url']} again failed "
                                 f"({row['frontier_reason']})", "restore its WARC file from a replica and run "
                                 "`newsarchive check --repair`"))
        else:
            found.append(Finding("article-unarchived", where, f"{lost} and no crawl will fetch it",
                                 f"run `newsarchive check --repair` (queues {row['fetch_url']}: the next crawl "
                                 f"fetches it again), {replica}"))
    return found


def _store_faults(catalogue: Catalogue) -> list[Finding]:
    """URLs settled ``store failed`` by a fault of the data folder, recorded (before stop 39) as their row's own
    ``store-error``: no crawl fetches them again until ``--repair`` queues them."""
    found = [row for row in refetch.store_failed(catalogue.db) if folder_fault_detail(row["detail"])]
    return [Finding("store-fault", f"frontier/{row['url']}", f"its article was never stored: {row['detail'][:200]}",
                    "make the data folder writable and run `newsarchive check --repair` (queues the URL: the next "
                    "crawl fetches it again)") for row in found]

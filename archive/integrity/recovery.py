"""Recover WARCs, catalogue and text corpus after a crash so that they agree again (run before each crawl)."""

from __future__ import annotations

import logging
import os
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from archive.catalogue import pointers, refetch
from archive.catalogue.db import Catalogue
from archive.corpus import textfiles as textexport
from archive.errors import ArchiveIntegrityError
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
    warcinfo_fields,
)
from archive.integrity.storefaults import folder_fault_detail
from archive.records import Exchange, WarcLocation
from archive.warc.check import RepairResult, repair_closed_file, repair_open_file
from archive.warc.reader import STRUCTURAL, RecordInfo, first_record

logger = logging.getLogger(__name__)

STATUS_CODE = re.compile(r"[0-9]{3}")  # RFC 9112 4: status-code = 3DIGIT (crawler.fetch.wire refuses any other)


@dataclass(frozen=True)
class RecoveryReport:
    """What ``recover`` changed."""

    repaired: tuple[RepairResult, ...] = ()
    skipped_open: tuple[str, ...] = ()  # .open files of a live crawl, left alone
    captures_marked_missing: tuple[int, ...] = ()
    captures_added: tuple[int, ...] = ()
    texts_written: tuple[str, ...] = ()
    temp_files_removed: tuple[str, ...] = ()  # half-written text files, and index/export temporaries nobody holds
    refetch_queued: tuple[str, ...] = ()  # URLs of articles whose every capture is missing, back in the frontier
    strays_removed: tuple[str, ...] = ()  # text files of rows merged away or no longer relevant

    @property
    def changed(self) -> bool:
        """True when recovery had anything to do."""
        return bool(self.repaired or self.captures_marked_missing or self.captures_added or self.texts_written
                    or self.temp_files_removed or self.refetch_queued or self.strays_removed)


def _record_at(path: Path, offset: int) -> Any:
    """The warcio record at ``offset`` (its HTTP headers parsed; the payload is not read)."""
    with open(path, "rb") as fh:
        fh.seek(offset)
        record = first_record(fh)
    if record is None:
        raise ArchiveIntegrityError(f"{path}: no record at offset {offset}")
    return record.rec_type, record.rec_headers, record.http_headers


def _parse_date(value: str | None) -> datetime:
    text = (value or "").replace("Z", "+00:00")
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.astimezone()


def _outlet_by_domain(catalogue: Catalogue, url: str) -> str | None:
    host = (urlsplit(url).hostname or "").lower()
    for row in pointers.outlet_domains(catalogue.db):
        for domain in (d.strip().lower() for d in (row["domains"] or "").split(",")):
            if domain and (host == domain or host.endswith("." + domain)):
                return str(row["name"])
    return None


def recover(data_dir: Path, catalogue: Catalogue, *,
            outlet_for: Callable[[str], str | None] | None = None,
            keep_open: Callable[[Path], bool] | None = None) -> RecoveryReport:
    """Make WARCs, catalogue and corpus agree after a crash; safe to run while other crawls run.

    Repairs every ``.open`` WARC of a crawl that is not running (torn tail to ``<name>.torn``), marks capture
    rows whose record is gone as missing (an article left with none is queued for the next crawl: catalogue.refetch),
    adds rows for archived responses/revisits the catalogue does not know, rewrites text files from their catalogue
    rows, and removes the text files of rows merged away and the temporary files of killed commands.
    ``outlet_for(url)`` names the outlet of a re-added capture (default: the outlet whose ``domains`` hold the URL's
    host). ``keep_open(path)``: True for a ``.open`` file that a live writer the catalogue does not know of still
    writes (a scale-out worker of a crawl whose coordinator died: crawler.scaleout), left alone like a running
    crawl's.
    """
    data_dir = Path(data_dir)
    warc_dir = data_dir / "warc"
    live = [row for row in live_crawls(catalogue) if row["pid"] != os.getpid()]
    live_ids = {row["id"] for row in live}
    live_uids = {row["uid"] for row in live}

    repaired, skipped = _repair_open_files(warc_dir, live_uids, bool(live), keep_open)
    files = {f"warc/{p.name}": p for p in warc_files(warc_dir)}
    scanned = {rel: scan_warc(path, rel) for rel, path in files.items()}
    for rel, scanned_file in list(scanned.items()):
        fixed = _repair_closed(files[rel], scanned_file, live_uids)
        if fixed is not None:
            repaired.append(fixed)
            scanned[rel] = scan_warc(files[rel], rel)
    marked = _mark_missing(catalogue, scanned, live_ids, {f"warc/{Path(s).name[:-5]}" for s in skipped})
    added = _add_unindexed(catalogue, scanned, files, live_uids, outlet_for, frozenset(marked))
    # an article whose every capture is now missing is not archived: the next crawl fetches it again, whole
    queued = refetch.queue_lost(catalogue.db)
    # an article a fault of the text folder kept from being stored, recorded (before stop 39) as its own store-error
    queued += refetch.queue_store_faults(catalogue.db, folder_fault_detail)
    texts, temps = _restore_texts(data_dir, catalogue, crawl_running=bool(live))
    # a crawl's own merges remove theirs; an article no longer relevant leaves the corpus (its row and seq stay)
    strays = [] if live else drop_irrelevant_texts(data_dir, catalogue) + remove_merged_strays(data_dir, catalogue)
    for path in stale_temps(data_dir):
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
        logger.warning("removed %s: a temporary file a killed command left", path)
        temps.append(str(path.relative_to(data_dir)))
    report = RecoveryReport(tuple(repaired), tuple(skipped), tuple(marked), tuple(added), tuple(texts), tuple(temps),
                            tuple(queued), tuple(strays))
    if report.changed:
        logger.warning("recovered %s: %d WARC files repaired, %d captures marked missing, %d captures added, "
                       "%d articles queued to fetch again, %d text files rewritten, %d left-over text files removed",
                       data_dir, len(repaired), len(marked), len(added), len(queued), len(texts), len(strays))
    return report


def drop_irrelevant_texts(data_dir: Path, catalogue: Catalogue) -> list[str]:
    """Remove the text files of articles whose current version is not relevant (an update before stop 37 kept the
    old version's file, and ``--repair`` then wrote the irrelevant text into it); their rows and seq stay."""
    dropped = []
    for row in pointers.text_file_rows(catalogue.db):
        if not row["relevant"] and row["text_file"]:
            textexport.drop_text(data_dir, row["text_file"])
            catalogue.set_text_file(row["id"], None)
            logger.warning("removed %s: article %s is no longer relevant", row["text_file"], row["id"])
            dropped.append(row["text_file"])
    return dropped


def remove_merged_strays(data_dir: Path, catalogue: Catalogue) -> list[str]:
    """Remove the text files no row names that a merge killed between its commit and its file removals left.

    Each is the file of a row merged away (or an older file of a kept row): inventory.stray_text_origin. Any other
    text file no row names is left for ``check`` to report. Returns the files removed (``text/...``).
    """
    text_dir = Path(data_dir) / "text"
    if not text_dir.is_dir():
        return []
    named = {row["text_file"] for row in pointers.text_file_rows(catalogue.db) if row["text_file"]}
    removed = []
    for path in sorted(text_dir.glob("*.txt")):
        rel = f"text/{path.name}"
        if rel in named:
            continue
        origin = stray_text_origin(catalogue, data_dir, rel)
        if origin is not None:
            path.unlink(missing_ok=True)
            logger.warning("removed %s: %s", rel, origin)
            removed.append(rel)
    return removed


def _repair_open_files(warc_dir: Path, live_uids: set[str], any_live: bool,
                       keep_open: Callable[[Path], bool] | None = None) -> tuple[list[RepairResult], list[str]]:
    repaired: list[RepairResult] = []
    skipped: list[str] = []
    for path in sorted(warc_dir.glob(OPEN_GLOB)):
        if keep_open is not None and keep_open(path):
            skipped.append(f"warc/{path.name}")
            logger.info("leaving %s alone: its writer is alive", path)
            continue
        try:
            uid = warcinfo_fields(path).get("crawl-id")
        except Exception:  # noqa: BLE001 - torn warcinfo: the file belongs to no identifiable crawl
            uid = None
        if uid in live_uids or (uid is None and any_live):
            # another crawl is writing it now (or may be: an unreadable header while crawls run)
            skipped.append(f"warc/{path.name}")
            logger.info("leaving %s alone: crawl %s is running", path, uid)
            continue
        repaired.append(repair_open_file(path))
    return repaired, skipped


def _repair_closed(path: Path, scanned_file: ScannedWarc, live_uids: set[str]) -> RepairResult | None:
    """Move the torn tail of a closed WARC aside (a crash or a full disk cut its last member); None if whole."""
    if scanned_file.crawl_uid in live_uids or not path.name.endswith(".gz"):
        return None
    if not any(p.kind in STRUCTURAL and p.kind != "empty-file" for p in scanned_file.problems):
        return None
    try:
        return repair_closed_file(path)
    except ArchiveIntegrityError as exc:
        # damage in the middle of a file is not ours to cut: `newsarchive check` keeps reporting it
        logger.error("cannot repair %s: %s", path, exc)
        return None


def _mark_missing(catalogue: Catalogue, scanned: dict[str, ScannedWarc], live_ids: set[int],
                  open_files: set[str]) -> list[int]:
    marked: list[int] = []
    waiting: dict[str, int] = {}  # workers' files not copied here yet: their captures are left as they are
    for row in pointers.capture_pointers(catalogue.db, archived_only=True):
        if row["crawl_id"] in live_ids or row["warc_file"] in open_files:
            continue
        scanned_file = scanned.get(row["warc_file"])
        if scanned_file is None and workerfiles.worker_of(row["warc_file"]) is not None:
            waiting[row["warc_file"]] = waiting.get(row["warc_file"], 0) + 1
            continue
        rec = scanned_file.records.get(row["warc_offset"]) if scanned_file else None
        if rec is not None and not pointer_mismatch(row, rec):
            continue
        why = "file gone" if scanned_file is None else ("no record there" if rec is None
                                                        else "; ".join(pointer_mismatch(row, rec)))
        catalogue.mark_capture_missing(int(row["id"]), why)
        marked.append(int(row["id"]))
    for rel, n in waiting.items():
        logger.warning("left %d capture(s) of %s as they are: worker %s wrote it on its own disk and it is not copied "
                       "here yet (copy it into warc/, then run `newsarchive check`)", n, rel, workerfiles.worker_of(rel))
    return marked


def _add_unindexed(catalogue: Catalogue, scanned: dict[str, ScannedWarc], files: dict[str, Path],
                   live_uids: set[str], outlet_for: Callable[[str], str | None] | None,
                   marked_now: frozenset[int] = frozenset()) -> list[int]:
    indexed = {(r["warc_file"], r["warc_offset"]) for r in pointers.capture_pointers(catalogue.db,
                                                                                     archived_only=True)}
    crawl_ids = pointers.crawl_ids_by_uid(catalogue.db)
    added: list[int] = []
    for rel, scanned_file in scanned.items():
        if scanned_file.crawl_uid in live_uids:
            continue
        requests = {rec.field("WARC-Concurrent-To"): rec for rec in scanned_file.records.values()
                    if rec.record_type == "request"}
        for offset, rec in sorted(scanned_file.records.items()):
            if rec.record_type not in INDEXED_TYPES or (rel, offset) in indexed or not rec.target_uri:
                continue
            # a record whose row exists (marked missing while its file was not here: a worker's file copied in late)
            # gets that row back, never a second one (stop 39: two rows per record, and the URL fetched again)
            if workerfiles.reattach(catalogue, rel, rec, marked_now=marked_now) is not None:
                continue
            capture_id = _add_capture(catalogue, files[rel], rel, rec, requests.get(rec.record_id),
                                      crawl_ids.get(scanned_file.crawl_uid or ""), outlet_for)
            added.append(capture_id)
    return added


def _add_capture(catalogue: Catalogue, path: Path, rel: str, rec: RecordInfo, request: RecordInfo | None,
                 crawl_id: int | None, outlet_for: Callable[[str], str | None] | None) -> int:
    _, rec_headers, http = _record_at(path, rec.offset)
    method = "GET"
    if request is not None:
        _, _, req_http = _record_at(path, request.offset)
        method = (req_http.protocol if req_http is not None else "") or "GET"
    status_text = http.get_statuscode() if http is not None else ""
    valid = STATUS_CODE.fullmatch(status_text or "") is not None
    status = int(status_text) if valid else 0
    if http is not None and not valid:
        # RFC 9112 4: three digits. A record archived before hostile round eight may hold any: a 20-digit status is
        # no SQLite INTEGER (OverflowError), "-200" no status; the row gets 0 (none) and the log names the record
        logger.warning("%s@%d (%s): its status line %r holds no HTTP status code (three digits); a damaged or hostile "
                       "record, indexed with status 0", rel, rec.offset, rec.target_uri, http.statusline[:100])
    reason = http.statusline.partition(" ")[2] if http is not None else ""
    uri = str(rec.target_uri)
    ex = Exchange(
        url=uri, method=method, request_headers=(), request_body=b"", status=status, reason=reason,
        protocol=(http.protocol if http is not None else "") or "HTTP/1.1",
        response_headers=tuple(http.headers) if http is not None else (), body=b"",
        fetched_at=_parse_date(rec.date), ip_address=rec_headers.get_header("WARC-IP-Address"))
    loc = WarcLocation(warc_file=rel, offset=rec.offset, length=rec.length, record_id=str(rec.record_id),
                       record_type=rec.record_type, payload_digest=str(rec.payload_digest),
                       request_offset=request.offset if request else None)
    outlet = outlet_for(uri) if outlet_for else None
    outlet = outlet or _outlet_by_domain(catalogue, uri)
    refers_to = _refers_to(catalogue, rec) if rec.record_type == "revisit" else None
    capture_id = catalogue.add_capture(crawl_id, outlet, ex, loc, refers_to=refers_to)
    logger.warning("added missing capture row %d for %s@%d (%s)", capture_id, rel, rec.offset, uri)
    return capture_id


def _refers_to(catalogue: Catalogue, rec: RecordInfo) -> int | None:
    target = rec.field("WARC-Refers-To")
    if target:
        found = pointers.capture_with_record_id(catalogue.db, target)
        if found is not None:
            return found
    return pointers.latest_response_with_digest(
        catalogue.db, rec.field("WARC-Refers-To-Target-URI") or rec.target_uri, rec.payload_digest)


def _restore_texts(data_dir: Path, catalogue: Catalogue, *, crawl_running: bool) -> tuple[list[str], list[str]]:
    written: list[str] = []
    for row in pointers.text_file_rows(catalogue.db):
        if (row["text_file"] is None and crawl_running) or not row["relevant"]:
            continue  # a running crawl may be about to write it; an irrelevant article has none (drop_irrelevant_texts)
        seq = catalogue.assign_seq(row["id"]) if row["seq"] is None else int(row["seq"])
        expected = f"text/{textexport.file_name(seq, row['id'])}"
        path = data_dir / expected
        if row["text_file"] == expected and path.is_file() and text_file_state(path, rendered_text(row)) is None:
            continue
        rel = textexport.write_text(data_dir, seq, row["id"], row["title"] or "", (row["text"] or "").split("\n"))
        catalogue.set_text_file(row["id"], rel)
        if row["text_file"] and row["text_file"] != rel:
            (data_dir / row["text_file"]).unlink(missing_ok=True)
        written.append(rel)
    temps: list[str] = []
    if not crawl_running and (data_dir / "text").is_dir():
        for tmp in sorted((data_dir / "text").glob(".tmp-*")):
            tmp.unlink()
            temps.append(f"text/{tmp.name}")
    return written, temps
